"""My bookmarks, the newest bookmark first, with the usual post keys; B on a post here
takes it off the list."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label

from xapp.api.models import Post
from xapp.session import Session
from xapp.widgets.paged_timeline import PagedTimeline
from xapp.widgets.post_actions import TimelineActions


class BookmarksScreen(TimelineActions, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="bookmarks.back", tooltip="back")
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        client = self.session.client
        with Vertical(id="bookmarks-pane", classes="screen-pane"):
            yield Label("Bookmarks", classes="pane-title")
            yield PagedTimeline(
                lambda before, after: client.posts.bookmarks(before=before, after=after),
                id="bookmarks",
                empty="No bookmarks yet. B on a post keeps it here.",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.timeline.focus()
        self.follow_posts()
        self.timeline.reload()

    def post_changed(self, post: Post, reader_marks: bool) -> None:
        """A bookmark dropped (here or anywhere in the app) leaves the list."""
        if reader_marks and not post.bookmarked:
            self.timeline.remove_item(post.id)
        else:
            super().post_changed(post, reader_marks)
