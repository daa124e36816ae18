"""The accounts signed in to, on one server or several (W): the one in use is marked;
enter switches to another, n signs in to one more (on this server or another), x forgets
one (after a yes). What to do is the App's: this screen answers with the choice."""

from __future__ import annotations

from typing import ClassVar, Literal
from urllib.parse import urlsplit

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Label

from xapp.credentials import Kept
from xapp.screens.dialogs import ConfirmScreen, Dialog
from xapp.screens.form import FormModal
from xapp.widgets.lines import ItemLines

Choice = tuple[Literal["switch", "add", "forget"], str, str]
"""What to do, the server, and the handle (none to add)."""


def _host(server: str) -> str:
    return urlsplit(server).netloc or server


class AccountList(ItemLines[Kept]):
    def __init__(self, current: tuple[str, str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.current = current

    def item_id(self, item: Kept) -> str:
        return f"{item.server} {item.handle}"

    def render_item(self, item: Kept, width: int) -> list[Content]:
        using = (item.server, item.handle) == self.current
        mark = ("● ", "bold $success") if using else ("  ", "")
        kept = "this run only" if item.vault == "memory" else f"token in the {item.vault}"
        return [
            Content.assemble(
                mark,
                (f"@{item.handle}", "bold"),
                f" · {_host(item.server)}",
                (f" · {kept}" + (" · in use" if using else ""), "$text-muted"),
            )
        ]


class AccountsScreen(Dialog[Choice | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close", id="accounts.close"),
        Binding("enter", "switch", "Switch", id="accounts.switch", tooltip="act as this account"),
        Binding("n", "add", "Add", id="accounts.add", tooltip="sign in to one more account"),
        Binding("x", "forget", "Forget", id="accounts.forget", tooltip="sign out of it here"),
    ]

    def __init__(self, accounts: list[Kept], current: tuple[str, str]) -> None:
        super().__init__()
        self.accounts = accounts
        self.current = current

    def compose(self) -> ComposeResult:
        with self.dialog("wide"):
            yield Label("Accounts", classes="title")
            yield AccountList(self.current, id="accounts", empty="Only this one.")
            yield Label("enter switches · n adds one · x forgets one · esc closes", classes="hint")

    @property
    def listing(self) -> AccountList:
        return self.query_one(AccountList)

    def on_mount(self) -> None:
        self.listing.set_items(self.accounts)
        self.listing.focus()

    def action_switch(self) -> None:
        chosen = self.listing.selected
        if chosen is not None and (chosen.server, chosen.handle) != self.current:
            self.dismiss(("switch", chosen.server, chosen.handle))

    def action_add(self) -> None:
        def where(server: str | None) -> None:
            if server:
                self.dismiss(("add", server, ""))

        self.app.push_screen(AddAccountScreen(self.current[0]), where)

    def action_forget(self) -> None:
        chosen = self.listing.selected
        if chosen is None:
            return

        def answered(sure: bool | None) -> None:
            if sure:
                self.dismiss(("forget", chosen.server, chosen.handle))

        question = f"Sign out of @{chosen.handle} on {_host(chosen.server)} and forget it here?"
        self.app.push_screen(ConfirmScreen(question, "Sign out"), answered)


class AddAccountScreen(FormModal[str]):
    TITLE_TEXT = "Sign in to one more account"
    SUBMIT_LABEL = "Next"

    def __init__(self, server: str) -> None:
        super().__init__()
        self.server = server

    def compose_fields(self) -> ComposeResult:
        yield Label("Server (this one, or another's address)")
        yield Input(self.server, id="server")

    def submit(self) -> None:
        server = self.query_one("#server", Input).value.strip().rstrip("/")
        if not server.startswith(("http://", "https://")):
            self.show_error("A server's address starts with http:// or https://")
            return
        self.dismiss(server)
