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
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back")]
    DEFAULT_CSS = """
    BookmarksScreen #bookmarks-pane { border: round $panel; padding: 0 1; }
    BookmarksScreen .pane-title { text-style: bold; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        client = self.session.client
        with Vertical(id="bookmarks-pane"):
            yield Label("Bookmarks", classes="pane-title")
            yield PagedTimeline(
                lambda before, after: client.posts.bookmarks(before=before, after=after),
                id="bookmarks",
                empty="No bookmarks yet. B on a post keeps it here.",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.timeline.focus()
        self.timeline.reload()

    def show_post(self, post: Post) -> None:
        if post.bookmarked:
            self.timeline.post_changed(post, reader_marks=True)
        else:
            self.timeline.remove(post.id)

    def add_post(self, post: Post) -> None:
        """A reply or quote written from here lives on the timeline, not in bookmarks."""
