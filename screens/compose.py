"""Write a post: a new one, a reply, a quote, or an edit of my own."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Label, TextArea

from xapp.api.client import AttemptKey
from xapp.api.errors import ApiError, ServerUnavailable
from xapp.api.models import POST_MAX, Post
from xapp.api.text import length
from xapp.intents import Draft
from xapp.screens.form import FormModal
from xapp.session import Session
from xapp.workers import worker


def _hint(count: int) -> str:
    return f"{count}/{POST_MAX} · ctrl+s posts · esc cancels"


class ComposeScreen(FormModal[Post | None]):
    TITLE_TEXT = "New post"
    SUBMIT_LABEL = "Post"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FormModal.BINDINGS,
        Binding("ctrl+s", "post", "Post", priority=True, id="compose.post"),
    ]

    def __init__(self, session: Session, draft: Draft | None = None) -> None:
        super().__init__()
        self.session = session
        self.draft = draft or Draft()
        self.TITLE_TEXT = self.draft.title
        self.SUBMIT_LABEL = "Save" if self.draft.editing else "Post"
        self.attempt = AttemptKey()

    def compose_fields(self) -> ComposeResult:
        context = self.draft.context
        if context is not None:
            excerpt = Content(context.text.replace("\n", " ")[:120])
            yield Label(
                Content.assemble((f"@{context.author.handle}: ", "bold"), excerpt), classes="hint"
            )
        text = self.draft.editing.text if self.draft.editing else ""
        yield TextArea(text, id="text", soft_wrap=True, show_line_numbers=False)
        yield Label(_hint(length(text)), id="count", classes="hint")

    @on(TextArea.Changed)
    def _count(self, event: TextArea.Changed) -> None:
        self.query_one("#count", Label).update(_hint(length(event.text_area.text.strip())))

    def action_post(self) -> None:
        self._submit()

    def submit(self) -> None:
        text = self.query_one("#text", TextArea).text
        seen = length(text.strip())
        if not seen:
            self.show_error("Write something first")
            return
        if seen > POST_MAX:
            self.show_error(f"That is {seen} characters; a post holds {POST_MAX}")
            return
        self.post(text, self.attempt.key_for(text))

    @worker(exclusive=True)
    async def post(self, text: str, key: str) -> None:
        """Post now; with the server away, leave a new post in the outbox (same key) and
        close. A reply, quote or edit stays here instead: the outbox carries plain posts."""
        draft, client = self.draft, self.session.client
        try:
            if draft.editing is not None:
                post = await client.posts.edit(draft.editing.id, text)
            else:
                reply_to = draft.reply_to.id if draft.reply_to else None
                quote_of = draft.quote_of.id if draft.quote_of else None
                post = await client.posts.create(text, key, reply_to=reply_to, quote_of=quote_of)
        except ServerUnavailable:
            if self.session.outbox is None or draft != Draft():
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
