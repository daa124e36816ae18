"""My sessions (from the command palette): every device or program signed in to my
account, which one this is, from where, until when; x signs one out (after a yes). And
changing my password, which signs every other session out."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Label

from xapp.api.errors import ApiError
from xapp.api.models import SessionInfo
from xapp.screens.dialogs import ConfirmScreen, Dialog
from xapp.screens.form import FormModal
from xapp.session import Session
from xapp.widgets.clock import ago
from xapp.widgets.lines import ItemLines
from xapp.workers import worker


class SessionList(ItemLines[SessionInfo]):
    def item_id(self, item: SessionInfo) -> str:
        return item.id

    def render_item(self, item: SessionInfo, width: int) -> list[Content]:
        mark = ("● this one  ", "bold $success") if item.current else ("", "")
        head = Content.assemble(mark, (item.label, "bold"), f" · {item.address}")
        when = f"signed in {ago(item.created_at)} ago · ends {item.expires_at:%d %b %Y}"
        return [*head.wrap(width), Content.styled(when, "$text-muted"), Content("")]


class SessionsScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="sessions.close"),
        Binding("x", "revoke", "Sign out", id="sessions.revoke", tooltip="sign that one out"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with self.dialog("wide"):
            yield Label("Signed in", classes="title")
            yield SessionList(id="sessions", empty="Loading…")
            yield Label("x signs one out · esc closes", classes="hint")

    @property
    def listing(self) -> SessionList:
        return self.query_one(SessionList)

    def on_mount(self) -> None:
        self.listing.focus()
        self.load()

    @worker(exclusive=True, group="sessions")
    async def load(self) -> None:
        try:
            found = await self.session.client.accounts.sessions()
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.listing.set_items(found)

    def action_revoke(self) -> None:
        chosen = self.listing.selected
        if chosen is None:
            return
        if chosen.current:
            self.notify("This is the session you are using: L signs it out.", markup=False)
            return

        def answered(sure: bool | None) -> None:
            if sure:
                self._revoke(chosen)

        question = f"Sign out {chosen.label} ({chosen.address})?"
        self.app.push_screen(ConfirmScreen(question, "Sign out"), answered)

    @worker(group="sessions-change")
    async def _revoke(self, chosen: SessionInfo) -> None:
        try:
            await self.session.client.accounts.revoke_session(chosen.id)
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.listing.remove_item(chosen.id)
        self.notify("Signed out; its live updates stopped too.")


class ChangePasswordScreen(FormModal[bool]):
    TITLE_TEXT = "Change my password"
    SUBMIT_LABEL = "Change"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose_fields(self) -> ComposeResult:
        yield Label("Current password")
        yield Input(password=True, id="password")
        yield Label("New password (a few unusual words work well)")
        yield Input(password=True, id="new")
        yield Label("The new password again")
        yield Input(password=True, id="again")
        yield Label("Every other device signed in will be signed out.", classes="hint")

    def submit(self) -> None:
        password, new, again = (
            self.query_one(f"#{name}", Input).value for name in ("password", "new", "again")
        )
        if new != again:
            self.show_error("The two new passwords are different; type the same one twice")
            return
        accounts = self.session.client.accounts
        self.call(lambda: accounts.change_password(password, new), lambda _: self._done())

    def _done(self) -> None:
        self.app.notify("Password changed; every other session is signed out.")
        self.dismiss(True)
