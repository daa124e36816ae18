"""Write a post."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, TextArea

from xapp.api.client import new_key
from xapp.api.models import POST_MAX, Post
from xapp.screens.form import FormModal
from xapp.session import Session


class ComposeScreen(FormModal[Post | None]):
    TITLE_TEXT = "New post"
    SUBMIT_LABEL = "Post"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FormModal.BINDINGS,
        Binding("ctrl+s", "post", "Post", priority=True),
    ]
    DEFAULT_CSS = "ComposeScreen TextArea { height: 8; }"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._attempt: tuple[str, str] | None = None  # (text, idempotency key)

    def compose_fields(self) -> ComposeResult:
        yield TextArea(id="text", soft_wrap=True, show_line_numbers=False)
        yield Label(f"0/{POST_MAX} · ctrl+s posts · esc cancels", id="count", classes="hint")

    @on(TextArea.Changed)
    def _count(self, event: TextArea.Changed) -> None:
        n = len(event.text_area.text.strip())
        self.query_one("#count", Label).update(f"{n}/{POST_MAX} · ctrl+s posts · esc cancels")

    def action_post(self) -> None:
        self._submit()

    def submit(self) -> None:
        text = self.query_one("#text", TextArea).text
        if not text.strip():
            self.show_error("Write something first")
            return
        if len(text.strip()) > POST_MAX:
            self.show_error(f"That is {len(text.strip())} characters; a post holds {POST_MAX}")
            return
        # The same text retried keeps its key, so a post that reached the server is not
        # posted twice.
        if self._attempt is None or self._attempt[0] != text:
            self._attempt = (text, new_key())
        key = self._attempt[1]
        self.call(lambda: self.session.client.create_post(text, key=key), self.dismiss)
