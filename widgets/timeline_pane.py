"""The timeline pane: the home timeline, paged in as the reader nears its end, with the
post keys of `PostActions`. Live changes come in through `post_arrived`, `post_changed`
and `counts_changed` from the App's feed."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label

from xapp.api.errors import ApiError
from xapp.api.models import Post, PostCounts
from xapp.screens.thread import ThreadScreen
from xapp.session import Session
from xapp.widgets.lines import ItemLines
from xapp.widgets.post_actions import PostActions
from xapp.widgets.timeline import Timeline


class TimelinePane(PostActions, Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "thread", "Thread")]

    def __init__(self, session: Session, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.session = session
        self.next: str | None = None
        self.loading = False

    def compose(self) -> ComposeResult:
        yield Label("Timeline", classes="pane-title")
        yield Timeline(id="timeline", empty="No posts yet. Press n to write one.")

    @property
    def timeline(self) -> Timeline:
        return self.query_one(Timeline)

    @property
    def selected(self) -> Post | None:
        return self.timeline.selected

    # --- loading --------------------------------------------------------------------

    @work(exclusive=True, group="timeline", exit_on_error=False)
    async def load(self, before: str | None = None) -> None:
        self.loading = True
        try:
            page = await self.session.client.home_timeline(before=before)
        except ApiError as exc:
            self.notify(exc.message, title="Timeline", severity="error")
            return
        finally:
            self.loading = False
        self.next = page.next
        self.timeline.add_bottom(page.items)

    @on(ItemLines.NearEnd, "#timeline")
    def _older_posts(self) -> None:
        if self.next and not self.loading:
            self.load(self.next)

    # --- live -----------------------------------------------------------------------

    def post_arrived(self, post: Post) -> None:
        self.timeline.add_top([post])

    def post_changed(self, post: Post) -> None:
        self.timeline.post_changed(post)

    def counts_changed(self, counts: PostCounts) -> None:
        self.timeline.counts_changed(counts)

    def action_thread(self) -> None:
        post = self.selected
        if post is not None:
            self.app.push_screen(ThreadScreen(self.session, post))

    # --- what the post actions change ---------------------------------------------------

    def show_post(self, post: Post) -> None:
        self.timeline.post_changed(post, reader_marks=True)

    def add_post(self, post: Post) -> None:
        self.timeline.add_top([post])

    def drop_repost(self, original_id: str) -> None:
        for shown in list(self.timeline.items):
            original = shown.repost_of
            if original and original.id == original_id and shown.author.id == self.session.me.id:
                self.timeline.remove(shown.id)
