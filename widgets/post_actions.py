"""The keys every list of posts shares (the timeline, a thread, a profile, bookmarks):
like, repost, bookmark, reply, quote, edit, delete, the edit history, and following the
author. Network calls run in workers; what changed is handed back
to the list through three hooks, so each list redraws in its own way."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from xapp.api.errors import ApiError
from xapp.api.models import Post, PostCounts
from xapp.screens.chat_dialogs import ConfirmScreen, ListScreen
from xapp.screens.compose import ComposeScreen, Draft
from xapp.session import Session
from xapp.widgets.paged_timeline import PagedTimeline


class PostActions(DOMNode):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "like", "Like"),
        Binding("b", "repost", "Repost"),
        Binding("B", "bookmark", "Bookmark"),
        Binding("r", "reply", "Reply"),
        Binding("q", "quote", "Quote"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
        Binding("H", "history", "Edits"),
        Binding("f", "follow_author", "Follow"),
    ]

    session: Session

    # --- what each list provides ------------------------------------------------------

    @property
    def selected(self) -> Post | None:
        raise NotImplementedError

    def show_post(self, post: Post) -> None:
        """Redraw `post` (it carries the reader's own marks) wherever it shows; a
        deleted one goes."""
        raise NotImplementedError

    def add_post(self, post: Post) -> None:
        """A post of mine this list should now show (a reply, a quote, a repost)."""
        raise NotImplementedError

    def drop_repost(self, original_id: str) -> None:
        """My repost of `original_id` was undone."""

    # --- live changes from the feed (the home screen hands them to every post list) ---

    def post_arrived(self, post: Post) -> None:
        """A new post; a list that should show it adds it."""

    def post_changed(self, post: Post) -> None:
        """A post was edited or deleted (without the reader's marks, which it keeps)."""

    def counts_changed(self, counts: PostCounts) -> None:
        """Someone replied to, liked, reposted or quoted a post."""

    def marks_changed(self, post: Post) -> None:
        """The reader liked, reposted or bookmarked `post` from another list; no feed
        event carries the reader's own marks, so the list that did it says so."""

    def _share_marks(self, post: Post) -> None:
        for other in open_post_lists(self.app):
            if other is not self:
                other.marks_changed(post)

    def _target(self) -> Post | None:
        """The post an action is about: a repost stands for what it reposted."""
        post = self.selected
        return post.repost_of or post if post is not None else None

    # --- actions --------------------------------------------------------------------

    def action_like(self) -> None:
        post = self._target()
        if post is not None:
            self._react(post, "liked", self.session.client.posts.like(post.id, on=not post.liked))

    def action_repost(self) -> None:
        post = self._target()
        if post is None:
            return
        if post.reposted:
            self._react(post, "reposted", self.session.client.posts.undo_repost(post.id))
        else:
            self._react(post, "reposted", self.session.client.posts.repost(post.id))

    def action_bookmark(self) -> None:
        post = self._target()
        if post is not None:
            self._react(
                post,
                "bookmarked",
                self.session.client.posts.bookmark(post.id, on=not post.bookmarked),
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
        changed = post.model_copy(update=update)
        self.show_post(changed)
        self._share_marks(changed)
        if isinstance(result, Post) and result.repost_of is not None:
            self.add_post(result)
        elif mark == "reposted" and post.reposted:
            self.drop_repost(post.id)

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
                self.show_post(post)
                self.notify("Edited.")
            else:
                self.add_post(post)
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
            tombstone = await self.session.client.posts.delete(post.id)
        except ApiError as exc:
            self.notify(exc.message, title="Post", severity="error")
            return
        self.show_post(tombstone)
        self.notify("Deleted.")

    def action_history(self) -> None:
        post = self._target()
        if post is not None and post.edited_at is not None:
            self._history(post)
        elif post is not None:
            self.notify("This post was never edited.")

    @work(group="post-actions", exit_on_error=False)
    async def _history(self, post: Post) -> None:
        try:
            versions = await self.session.client.posts.edits(post.id)
        except ApiError as exc:
            self.notify(exc.message, title="Post", severity="error")
            return
        lines = [
            f"{v.written_at.astimezone():%Y-%m-%d %H:%M}  {v.text}" for v in reversed(versions)
        ]
        self.app.push_screen(ListScreen("Edits, the newest first", lines))

    def action_follow_author(self) -> None:
        post = self._target()
        if post is not None and post.author.id != self.session.me.id:
            self._follow_author(post.author.handle)

    @work(group="post-actions", exit_on_error=False)
    async def _follow_author(self, handle: str) -> None:
        """Follow the author, or unfollow if I already do (the profile says which)."""
        client = self.session.client
        try:
            following = (await client.accounts.profile(handle)).i_follow
            await (
                client.accounts.unfollow(handle) if following else client.accounts.follow(handle)
            )
        except ApiError as exc:
            self.notify(exc.message, title="Follow", severity="error")
            return
        self.notify(f"{'Unfollowed' if following else 'Following'} @{handle}.", markup=False)


def open_post_lists(app: App[object]) -> list[PostActions]:
    """Every post list on the screen stack, bottom first: the screens that are one (a
    thread, a profile, bookmarks) and those inside a screen (the home timeline)."""
    return [
        node
        for screen in app.screen_stack
        for node in (screen, *screen.walk_children())
        if isinstance(node, PostActions)
    ]


class TimelineActions(PostActions):
    """The post keys for a list that is one `PagedTimeline` (the home pane, a profile,
    bookmarks): what the actions and the feed change is redrawn there."""

    @property
    def timeline(self) -> PagedTimeline:
        return self.query_one(PagedTimeline)

    @property
    def selected(self) -> Post | None:
        return self.timeline.selected

    def show_post(self, post: Post) -> None:
        self.timeline.post_changed(post, reader_marks=True)

    def marks_changed(self, post: Post) -> None:
        self.show_post(post)

    def post_changed(self, post: Post) -> None:
        self.timeline.post_changed(post)

    def counts_changed(self, counts: PostCounts) -> None:
        self.timeline.counts_changed(counts)
