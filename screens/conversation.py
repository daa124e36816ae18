"""Start (or reopen) a conversation with @handle."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from xapp.api.handles import normalize_handle
from xapp.api.models import Conversation
from xapp.screens.form import FormModal
from xapp.session import Session


class NewConversationScreen(FormModal[Conversation | None]):
    TITLE_TEXT = "Message someone"
    SUBMIT_LABEL = "Open"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose_fields(self) -> ComposeResult:
        yield Input(placeholder="@handle", id="handle")

    def submit(self) -> None:
        try:
            handle = normalize_handle(self.query_one("#handle", Input).value)
        except ValueError as exc:
            self.show_error(f"That is not a handle: {exc}")
            return
        self.call(lambda: self.session.client.open_conversation(handle), self.dismiss)
