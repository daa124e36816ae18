"""Start (or reopen) a conversation: one @handle for a chat, several (or a name) for a group."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from xapp.api.handles import normalize_handle
from xapp.api.models import GROUP_NAME_MAX, Conversation
from xapp.screens.form import FormModal
from xapp.session import Session


class NewConversationScreen(FormModal[Conversation | None]):
    TITLE_TEXT = "Message someone"
    SUBMIT_LABEL = "Open"

    def __init__(self, session: Session, who: str = "") -> None:
        super().__init__()
        self.session = session
        self.who = who

    def compose_fields(self) -> ComposeResult:
        yield Label("Who (several handles make a group)")
        yield Input(self.who, placeholder="@ada or @ada @grace @alan", id="handle")
        yield Label("Group name (optional)")
        yield Input(placeholder="Climbing club", id="name", max_length=GROUP_NAME_MAX)

    def submit(self) -> None:
        words = self.query_one("#handle", Input).value.replace(",", " ").split()
        try:
            handles = [normalize_handle(w) for w in words]
        except ValueError as exc:
            self.show_error(f"That is not a handle: {exc}")
            return
        if not handles:
            self.show_error("Type at least one @handle")
            return
        name = self.query_one("#name", Input).value.strip() or None
        self.call(lambda: self.session.client.chat.open(*handles, name=name), self.dismiss)
