"""A post's thread: the posts it answers (first post first), the post itself, and its
replies oldest first, each with its first few replies indented under it and a "more
replies" line that opens that reply's own thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label

from xapp import intents
from xapp.api.errors import ApiError
from xapp.api.models import Post, PostCounts, Thread
from xapp.session import Session
from xapp.widgets.lines import ItemLines
from xapp.widgets.post_actions import PostActions
from xapp.widgets.timeline import marks_of, post_lines
from xapp.workers import worker

INDENT = "  "


@dataclass(frozen=True)
class ThreadItem:
    """One entry of the thread: a post at a depth, or the "more replies" line of one."""

    post: Post
    depth: int = 0
    focus: bool = False
    more: int = 0
    """On a "more replies" line: how many more replies `post` has."""

    @property
    def key(self) -> str:
        return f"more:{self.post.id}" if self.more else self.post.id


class ThreadView(ItemLines[ThreadItem]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "screen.open",
            "Open thread",
            id="thread.open",
            tooltip="a reply's own thread (or its “more replies”)",
        ),
    ]

    def item_id(self, item: ThreadItem) -> str:
        return item.key

    def render_item(self, item: ThreadItem, width: int) -> list[Content]:
        pad = INDENT * item.depth
        if item.more:
            noun = "reply" if item.more == 1 else "replies"
            line = Content.styled(f"{pad}↳ {item.more} more {noun} · enter opens", "dim")
            return [line, Content("")]
        lines = post_lines(item.post, max(width - len(pad), 10))
        if item.focus:
            lines = [line.stylize("bold") for line in lines]
        if not pad:
            return lines
        return [Content.assemble((pad, "dim"), line) for line in lines]

    def changed(self, post_id: str, update: Callable[[Post], Post]) -> None:
        """Redraw every entry showing `post_id` (a post can't show twice, but a "more
        replies" line carries its post too and stays as it is)."""
        for item in list(self.items):
            if item.post.id == post_id and not item.more:
                self.upsert(replace(item, post=update(item.post)))


def thread_items(thread: Thread) -> list[ThreadItem]:
    items = [ThreadItem(p) for p in thread.ancestors]
    items.append(ThreadItem(thread.post, focus=True))
    for reply in thread.replies:
        items.append(ThreadItem(reply.post, depth=1))
        items += [ThreadItem(p, depth=2) for p in reply.replies]
        if reply.more:
            items.append(ThreadItem(reply.post, depth=2, more=reply.more))
    return items


class ThreadScreen(PostActions, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="thread.back", tooltip="back")
    ]

    def __init__(self, session: Session, post: Post) -> None:
        super().__init__()
        self.session = session
        self.post = post.repost_of or post
        self.next: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="thread-pane", classes="screen-pane"):
            yield Label(Content(f"Thread · @{self.post.author.handle}"), classes="pane-title")
            yield ThreadView(id="thread", empty="Loading the thread…")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ThreadView).focus()
        self.follow_posts()
        self.load()

    @property
    def view(self) -> ThreadView:
        return self.query_one(ThreadView)

    @worker(exclusive=True, group="thread")
    async def load(self) -> None:
        """Load (or reload, after an action here) the whole thread, keeping the place."""
        try:
            thread = await self.session.client.posts.thread(self.post.id)
        except ApiError as exc:
            self.view.empty = exc.message
            self.view.set_items([])
            return
        keep = self.view.selected
        items = thread_items(thread)
        self.next = thread.replies_next
        self.view.set_items(items)
        keys = [i.key for i in items]
        focus = keys.index(keep.key) if keep and keep.key in keys else len(thread.ancestors)
        self.view.cursor = focus

    @on(ItemLines.NearEnd, "#thread")
    def _more_replies(self) -> None:
        if self.next:
            self.load_more(self.next)

    @worker(exclusive=True, group="thread-more")
    async def load_more(self, before: str) -> None:
        try:
            thread = await self.session.client.posts.thread(self.post.id, before=before)
        except ApiError as exc:
            self.notify(exc.message, title="Thread", severity="error")
            return
        self.next = thread.replies_next
        self.view.add_bottom(thread_items(thread)[len(thread.ancestors) + 1 :])

    def action_open(self) -> None:
        item = self.view.selected
        if item is not None and (item.more or not item.focus):
            self.post_message(intents.OpenThread(item.post))

    @property
    def selected(self) -> Post | None:
        item = self.view.selected
        return item.post if item is not None and not item.more else None

    # --- live: counts, edits and my marks in place; a new reply to a post here (mine or
    # anyone's) reads the thread again ---------------------------------------------------

    def post_arrived(self, post: Post, mine_now: bool) -> None:
        if post.reply_to is not None and self.view.has(post.reply_to):
            self.load()

    def post_changed(self, post: Post, reader_marks: bool) -> None:
        if reader_marks:
            self.view.changed(post.id, lambda shown: post)
        else:
            self.view.changed(post.id, lambda shown: post.model_copy(update=marks_of(shown)))

    def author_hidden(self, author_id: str) -> None:
        self.load()  # the server leaves out who I blocked or muted

    def counts_changed(self, counts: PostCounts) -> None:
        numbers = counts.model_dump(exclude={"id"})
        self.view.changed(counts.id, lambda shown: shown.model_copy(update=numbers))
