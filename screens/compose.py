"""Write a post."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, TextArea

from xapp.api.client import AttemptKey
from xapp.api.errors import ApiError, ServerUnavailable
from xapp.api.models import POST_MAX, Post
from xapp.screens.form import FormModal
from xapp.session import Session


def _hint(length: int) -> str:
    return f"{length}/{POST_MAX} · ctrl+s posts · esc cancels"


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
        self.attempt = AttemptKey()

    def compose_fields(self) -> ComposeResult:
        yield TextArea(id="text", soft_wrap=True, show_line_numbers=False)
        yield Label(_hint(0), id="count", classes="hint")

    @on(TextArea.Changed)
    def _count(self, event: TextArea.Changed) -> None:
        self.query_one("#count", Label).update(_hint(len(event.text_area.text.strip())))

    def action_post(self) -> None:
        self._submit()

    def submit(self) -> None:
        text = self.query_one("#text", TextArea).text
        length = len(text.strip())
        if not length:
            self.show_error("Write something first")
            return
        if length > POST_MAX:
            self.show_error(f"That is {length} characters; a post holds {POST_MAX}")
            return
        self.post(text, self.attempt.key_for(text))

    @work(exclusive=True, exit_on_error=False)
    async def post(self, text: str, key: str) -> None:
        """Post now; with the server away, leave it in the outbox (same key) and close."""
        try:
            post = await self.session.client.create_post(text, key=key)
        except ServerUnavailable:
            if self.session.outbox is None:
                self.show_error("The server can't be reached; your post is kept here.")
                return
            self.session.outbox.add("post", text, key=key)
            self.app.notify("Can't reach the server: the post will go out when it's back.")
            self.dismiss(None)
            return
        except ApiError as exc:
            self.show_error(exc.message)
            return
        self.dismiss(post)
