"""The timeline pane: the home timeline, paged in as the reader nears its end, and every
action on a post (like, repost, bookmark, reply, quote, edit, delete). Network calls run
in workers; live changes come in through `post_arrived`, `post_changed` and
`counts_changed` from the App's feed."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label

from xapp.api.errors import ApiError
from xapp.api.models import Post, PostCounts
from xapp.screens.chat_dialogs import ConfirmScreen
from xapp.screens.compose import ComposeScreen, Draft
from xapp.session import Session
from xapp.widgets.lines import ItemLines
from xapp.widgets.timeline import Timeline


class TimelinePane(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "like", "Like"),
        Binding("b", "repost", "Repost"),
        Binding("B", "bookmark", "Bookmark"),
        Binding("r", "reply", "Reply"),
        Binding("q", "quote", "Quote"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
    ]

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

    def _target(self) -> Post | None:
        """The post an action is about: a repost stands for what it reposted."""
        post = self.selected
        return post.repost_of or post if post is not None else None

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

    # --- actions --------------------------------------------------------------------

    def action_like(self) -> None:
        post = self._target()
        if post is not None:
            self._react(post, "liked", self.session.client.like(post.id, on=not post.liked))

    def action_repost(self) -> None:
        post = self._target()
        if post is None:
            return
        if post.reposted:
            self._react(post, "reposted", self.session.client.undo_repost(post.id))
        else:
            self._react(post, "reposted", self.session.client.repost(post.id))

    def action_bookmark(self) -> None:
        post = self._target()
        if post is not None:
            self._react(
                post, "bookmarked", self.session.client.bookmark(post.id, on=not post.bookmarked)
            )

    @work(group="post-actions", exit_on_error=False)
    async def _react(self, post: Post, mark: str, call: Awaitable[object]) -> None:
        """Send the change; show it when the server has it (counts come from the reply
        or, for everyone else, from the feed)."""
        try:
            result = await call
        except ApiError as exc:
            self.notify(exc.message, title="Post", severity="error")
            return
        update: dict[str, object] = {mark: not getattr(post, mark)}
        if isinstance(result, PostCounts):
            update |= result.model_dump(exclude={"id"})
        if isinstance(result, Post) and result.repost_of is not None:
            update |= result.repost_of.model_dump(include={"replies", "likes", "reposts", "quotes"})
        self.timeline.post_changed(post.model_copy(update=update), reader_marks=True)
        if isinstance(result, Post) and result.repost_of is not None:
            self.timeline.add_top([result])  # my repost, on top of my own timeline
        elif mark == "reposted" and post.reposted:
            self._drop_my_repost(post.id)

    def _drop_my_repost(self, original_id: str) -> None:
        for shown in list(self.timeline.items):
            original = shown.repost_of
            if original and original.id == original_id and shown.author.id == self.session.me.id:
                self.timeline.remove(shown.id)

    def action_reply(self) -> None:
        post = self._target()
        if post is not None and not post.deleted:
            self._write(Draft(reply_to=post))

    def action_quote(self) -> None:
        post = self._target()
        if post is not None and not post.deleted:
            self._write(Draft(quote_of=post))

    def action_edit(self) -> None:
        post = self.selected
        if post is None or post.repost_of is not None:
            return
        if post.author.id != self.session.me.id:
            self.notify("You can only edit your own posts.", severity="warning")
            return
        self._write(Draft(editing=post))

    def _write(self, draft: Draft) -> None:
        def done(post: Post | None) -> None:
            if post is None:
                return
            if draft.editing is not None:
                self.timeline.post_changed(post, reader_marks=True)
                self.notify("Edited.")
            else:
                self.post_arrived(post)
                self.notify("Replied." if draft.reply_to else "Quoted.")

        self.app.push_screen(ComposeScreen(self.session, draft), done)

    def action_delete(self) -> None:
        post = self.selected
        if post is None or post.repost_of is not None:
            return
        if post.author.id != self.session.me.id:
            self.notify("You can only delete your own posts.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(post)

        question = "Delete this post? Replies to it stay, under “deleted post”."
        self.app.push_screen(ConfirmScreen(question, "Delete"), answered)

    @work(group="post-actions", exit_on_error=False)
    async def _delete(self, post: Post) -> None:
        try:
            tombstone = await self.session.client.delete_post(post.id)
        except ApiError as exc:
            self.notify(exc.message, title="Post", severity="error")
            return
        self.timeline.post_changed(tombstone)
        self.notify("Deleted.")
