"""The timeline pane: the home timeline (a `PagedTimeline`, paged both ways in a bounded
window), with the post keys of `PostActions`; it follows the App's `posts` signal."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label

from xapp import intents
from xapp.api.models import Post
from xapp.session import Session
from xapp.widgets.lines import ItemLines
from xapp.widgets.paged_timeline import PagedTimeline, Source
from xapp.widgets.post_actions import TimelineActions

HOME = "Timeline"
EVERYONE = "Everyone's posts"
EMPTY = {
    False: "No posts yet. Press n to write one, or t for everyone's posts.",
    True: "Nobody has posted yet. Press n to be the first.",
}


class TimelinePane(TimelineActions, Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "thread", "Thread", id="timeline.thread", tooltip="the post's thread"),
        Binding(
            "t",
            "switch",
            "Everyone",
            show=False,
            id="timeline.switch",
            tooltip="my home timeline, or everyone's posts",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            key_display="/",
            id="timeline.search",
            tooltip="search people, posts or a #hashtag",
        ),
    ]
    DEFAULT_CSS = """
    /* Both lines keep their size whatever they say, so updating them never lays out
       the screen (a layout per page cost ~20 ms while paging). */
    TimelinePane #timeline-title, TimelinePane #older { width: 1fr; height: 1; }
    TimelinePane #older { color: $text-muted; }
    """

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.unseen = 0
        """Posts that arrived above the reader since they were last at the top."""
        self.everyone = False
        """Showing everyone's posts (the global timeline) instead of my home timeline."""

    def compose(self) -> ComposeResult:
        # The title line doubles as the "new posts" bar: a row of its own would shrink the
        # list, and the reader's view would move by one line.
        yield Label(HOME, classes="pane-title", id="timeline-title")
        yield PagedTimeline(self._source(), id="timeline", empty=EMPTY[False])
        yield Label("", id="older")

    def _source(self) -> Source:
        posts = self.session.client.posts
        timeline = posts.global_timeline if self.everyone else posts.home_timeline
        return lambda before, after: timeline(before=before, after=after)

    def action_switch(self) -> None:
        """t: my home timeline, or everyone's posts (public), and back."""
        self.everyone = not self.everyone
        self.timeline.source = self._source()
        self.timeline.empty = EMPTY[self.everyone]
        self._show_unseen(0)
        self.timeline.reload()

    def on_mount(self) -> None:
        self._show_unseen(0)
        self.watch(self.timeline, "fetching", self._fetching)
        self.follow_posts()
        self.timeline.reload()

    def _fetching(self, what: str) -> None:
        older = self.query_one("#older", Label)
        older.update("Loading older posts…" if what == "older" else "", layout=False)

    # --- live -----------------------------------------------------------------------

    def post_arrived(self, post: Post, mine_now: bool) -> None:
        """A new post goes on top without moving what the reader is looking at; the
        title counts them until the reader goes to the first post (g). My own goes on
        top and the view goes with it. A reader far down a long timeline (the window no
        longer reaches the top) only sees the count; g fetches the newest page."""
        mine = mine_now or post.author.id == self.session.me.id
        if not self.timeline.at_newest:
            if mine:
                self.timeline.reload()
            else:
                self._show_unseen(self.unseen + 1)
            return
        if not self.timeline.add_top([post], keep_view=True):
            return  # already shown (the feed and the composer both bring my posts)
        if mine:
            self.timeline.action_cursor_to(0)
            self._show_unseen(0)
        else:
            self._show_unseen(self.unseen + 1)

    def _show_unseen(self, count: int) -> None:
        self.unseen = count
        noun = "post" if count == 1 else "posts"
        title = Content.assemble(
            EVERYONE if self.everyone else HOME,
            (f"  ↑ {count} new {noun} · g shows them", "$accent") if count else "",
        )
        self.query_one("#timeline-title", Label).update(title, layout=False)

    @on(ItemLines.NearStart, "#timeline")
    def _at_the_top(self) -> None:
        if self.timeline.cursor == 0 and self.unseen:
            self._show_unseen(0)

    def action_search(self) -> None:
        self.post_message(intents.OpenPostSearch())

    def action_thread(self) -> None:
        post = self.selected
        if post is not None:
            self.post_message(intents.OpenThread(post))

    def repost_undone(self, original_id: str) -> None:
        for shown in list(self.timeline.items):
            original = shown.repost_of
            if original and original.id == original_id and shown.author.id == self.session.me.id:
                self.timeline.remove_item(shown.id)
