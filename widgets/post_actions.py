"""The keys every list of posts shares (the timeline, a thread, a profile, bookmarks),
and how every such list follows what changes.

An action sends its request in a worker and publishes what changed on the App's `posts`
signal; dialogs (write, confirm, the edit history) are intents for the navigator. Every
post list, the one where the key was pressed included, subscribes to that signal when
it mounts and redraws through four hooks, so a like made on a profile shows on the
timeline below it without any list knowing the other exists.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget

from xapp import intents
from xapp.api.errors import ApiError
from xapp.api.models import (
    Account,
    Post,
    PostCounts,
    PostCountsChanged,
    PostCreated,
    PostUpdated,
)
from xapp.live import (
    MarksChanged,
    PostEvent,
    PostsHidden,
    PostWritten,
    RepostUndone,
    live,
    subscribe,
)
from xapp.session import Session
from xapp.widgets.paged_timeline import PagedTimeline
from xapp.workers import worker

COUNTS = {"replies", "likes", "reposts", "quotes"}


class PostActions(Widget):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "like", "Like", id="post.like", tooltip="like or unlike"),
        Binding("b", "repost", "Repost", id="post.repost", tooltip="repost or undo it"),
        Binding(
            "B",
            "bookmark",
            "Bookmark",
            show=False,
            id="post.bookmark",
            tooltip="bookmark or drop it",
        ),
        Binding("r", "reply", "Reply", id="post.reply", tooltip="reply"),
        Binding("q", "quote", "Quote", show=False, id="post.quote", tooltip="quote"),
        Binding("e", "edit", "Edit", show=False, id="post.edit", tooltip="edit (my posts)"),
        Binding("d", "delete", "Delete", show=False, id="post.delete", tooltip="delete (my posts)"),
        Binding("H", "history", "Edits", show=False, id="post.edits", tooltip="its edits"),
        Binding(
            "f",
            "follow_author",
            "Follow",
            show=False,
            id="post.follow",
            tooltip="follow the author",
        ),
        Binding(
            "P", "profile", "Profile", show=False, id="post.profile", tooltip="the author's profile"
        ),
        Binding(
            "dollar_sign",
            "tip",
            "Tip",
            key_display="$",
            show=False,
            id="post.tip",
            tooltip="tip the author",
        ),
        Binding(
            "M",
            "mute_author",
            "Mute",
            show=False,
            id="post.mute",
            tooltip="mute or unmute the author",
        ),
        Binding(
            "X", "block_author", "Block", show=False, id="post.block", tooltip="block the author"
        ),
    ]

    session: Session

    # --- what each list provides ------------------------------------------------------

    @property
    def selected(self) -> Post | None:
        raise NotImplementedError

    def post_arrived(self, post: Post, mine_now: bool) -> None:
        """A new post (from the feed, or `mine_now`: one I just wrote here or elsewhere
        in the app); a list that should show it adds it."""

    def post_changed(self, post: Post, reader_marks: bool) -> None:
        """A post was edited or deleted (`reader_marks` False: from the feed, which
        doesn't carry my likes and bookmarks, so keep the ones shown), or I marked it
        (`reader_marks` True: take them from `post`)."""

    def counts_changed(self, counts: PostCounts) -> None:
        """Someone replied to, liked, reposted or quoted a post."""

    def repost_undone(self, original_id: str) -> None:
        """My repost of `original_id` is gone."""

    def author_hidden(self, author_id: str) -> None:
        """I blocked or muted `author_id`: a list that shows their posts drops them."""

    # --- following the posts signal ---------------------------------------------------

    def follow_posts(self) -> None:
        """Subscribe to live post changes (call from on_mount)."""
        subscribe(self, live(self).posts, self._post_event)

    def _post_event(self, event: PostEvent) -> None:
        match event:
            case PostCreated(data=post):
                self.post_arrived(post, mine_now=False)
            case PostWritten(post=post):
                self.post_arrived(post, mine_now=True)
            case PostUpdated(data=post):
                self.post_changed(post, reader_marks=False)
            case MarksChanged(post=post):
                self.post_changed(post, reader_marks=True)
            case PostCountsChanged(data=counts):
                self.counts_changed(counts)
            case RepostUndone(original_id=original_id):
                self.repost_undone(original_id)
            case PostsHidden(author_id=author_id):
                self.author_hidden(author_id)

    def _target(self) -> Post | None:
        """The post an action is about: a repost stands for what it reposted."""
        post = self.selected
        return post.repost_of or post if post is not None else None

    # --- actions --------------------------------------------------------------------

    def action_like(self) -> None:
        post = self._target()
        if post is not None:
            posts = self.session.client.posts
            self._mark(post, "liked", lambda: posts.like(post.id, on=not post.liked))

    def action_repost(self) -> None:
        post = self._target()
        if post is None:
            return
        posts = self.session.client.posts
        if post.reposted:
            self._mark(post, "reposted", lambda: posts.undo_repost(post.id))
        else:
            self._mark(post, "reposted", lambda: posts.repost(post.id))

    def action_bookmark(self) -> None:
        post = self._target()
        if post is not None:
            posts = self.session.client.posts
            self._mark(post, "bookmarked", lambda: posts.bookmark(post.id, on=not post.bookmarked))

    @worker(group="post-actions")
    async def _mark(self, post: Post, mark: str, call: Any) -> None:
        """Send the change; publish it when the server has it (counts come from the
        reply or, for everyone else, from the feed)."""
        try:
            result = await call()
        except ApiError as exc:
            self.notify(exc.message, title="Post", severity="error")
            return
        update: dict[str, object] = {mark: not getattr(post, mark)}
        if isinstance(result, PostCounts):
            update |= result.model_dump(include=COUNTS)
        reposted = result.repost_of if isinstance(result, Post) else None
        if reposted is not None:
            update |= reposted.model_dump(include=COUNTS)
        posts = live(self).posts
        posts.publish(MarksChanged(post.model_copy(update=update)))
        if isinstance(result, Post) and reposted is not None:
            posts.publish(PostWritten(result))
        elif mark == "reposted" and post.reposted:
            posts.publish(RepostUndone(post.id))

    def action_reply(self) -> None:
        post = self._target()
        if post is not None and not post.deleted:
            self.post_message(intents.WritePost(intents.Draft(reply_to=post)))

    def action_quote(self) -> None:
        post = self._target()
        if post is not None and not post.deleted:
            self.post_message(intents.WritePost(intents.Draft(quote_of=post)))

    def _own(self, verb: str) -> Post | None:
        """The selected post if it is mine (and not a repost), else None after saying so."""
        post = self.selected
        if post is None or post.repost_of is not None:
            return None
        if post.author.id != self.session.me.id:
            self.notify(f"You can only {verb} your own posts.", severity="warning")
            return None
        return post

    def action_edit(self) -> None:
        post = self._own("edit")
        if post is not None:
            self.post_message(intents.WritePost(intents.Draft(editing=post)))

    def action_delete(self) -> None:
        post = self._own("delete")
        if post is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(post)

        question = "Delete this post? Replies to it stay, under “deleted post”."
        self.post_message(intents.Ask(question, "Delete", answered))

    @worker(group="post-actions")
    async def _delete(self, post: Post) -> None:
        try:
            tombstone = await self.session.client.posts.delete(post.id)
        except ApiError as exc:
            self.notify(exc.message, title="Post", severity="error")
            return
        live(self).posts.publish(MarksChanged(tombstone))
        self.notify("Deleted.")

    def action_history(self) -> None:
        post = self._target()
        if post is not None and post.edited_at is not None:
            self._history(post)
        elif post is not None:
            self.notify("This post was never edited.")

    @worker(group="post-actions")
    async def _history(self, post: Post) -> None:
        try:
            versions = await self.session.client.posts.edits(post.id)
        except ApiError as exc:
            self.notify(exc.message, title="Post", severity="error")
            return
        lines = [
            f"{v.written_at.astimezone():%Y-%m-%d %H:%M}  {v.text}" for v in reversed(versions)
        ]
        self.post_message(intents.ShowList("Edits, the newest first", lines))

    def action_follow_author(self) -> None:
        post = self._target()
        if post is not None and post.author.id != self.session.me.id:
            self._follow_author(post.author.handle)

    @worker(group="post-actions")
    async def _follow_author(self, handle: str) -> None:
        """Follow the author, or unfollow if I already do (the profile says which)."""
        accounts = self.session.client.accounts
        try:
            following = (await accounts.profile(handle)).i_follow
            await accounts.follow(handle, on=not following)
        except ApiError as exc:
            self.notify(exc.message, title="Follow", severity="error")
            return
        self.notify(f"{'Unfollowed' if following else 'Following'} @{handle}.", markup=False)

    def action_profile(self) -> None:
        """The profile of who wrote the selected post (for a repost, of who wrote it)."""
        post = self._target()
        if post is not None:
            self.post_message(intents.OpenProfile(post.author.handle))

    def action_tip(self) -> None:
        post = self._target()
        if post is not None:
            self.post_message(intents.Tip(post))

    def _author(self) -> Account | None:
        post = self._target()
        if post is None or post.author.id == self.session.me.id:
            return None
        return post.author

    def action_mute_author(self) -> None:
        author = self._author()
        if author is not None:
            self.toggle_mute(author)

    def action_block_author(self) -> None:
        author = self._author()
        if author is not None:
            self.ask_block(author)

    @worker(group="post-actions")
    async def toggle_mute(self, person: Account) -> None:
        """Mute, or unmute if I already do (the profile says which); a muted account's
        posts leave my timelines and its notifications stop."""
        accounts = self.session.client.accounts
        try:
            muted = (await accounts.profile(person.handle)).muted
            await accounts.mute(person.handle, on=not muted)
        except ApiError as exc:
            self.notify(exc.message, title="Mute", severity="error")
            return
        if not muted:
            live(self).posts.publish(PostsHidden(person.id))
        self.relation_changed(person)
        self.notify(
            f"Unmuted @{person.handle}."
            if muted
            else f"Muted @{person.handle}: their posts "
            "and notifications stay away (M again unmutes).",
            markup=False,
        )

    def ask_block(self, person: Account) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.block(person, on=True)

        question = (
            f"Block @{person.handle}? Neither of you will see the other's posts, messages "
            "or requests, and no money moves between you."
        )
        self.post_message(intents.Ask(question, "Block", answered))

    @worker(group="post-actions")
    async def block(self, person: Account, on: bool) -> None:
        try:
            await self.session.client.accounts.block(person.handle, on=on)
        except ApiError as exc:
            self.notify(exc.message, title="Block", severity="error")
            return
        if on:
            live(self).posts.publish(PostsHidden(person.id))
        self.blocked = on
        self.relation_changed(person)
        self.notify(f"{'Blocked' if on else 'Unblocked'} @{person.handle}.", markup=False)

    blocked = False
    """Whether the last block sent from here blocked (a profile across a block is not
    there to ask)."""

    def relation_changed(self, person: Account) -> None:
        """I muted, unmuted, blocked or unblocked `person` from here: a screen about them
        shows it."""


class TimelineActions(PostActions):
    """The post keys for a list that is one `PagedTimeline` (the home pane, a profile,
    bookmarks): what the actions and the feed change is redrawn there."""

    @property
    def timeline(self) -> PagedTimeline:
        return self.query_one(PagedTimeline)

    @property
    def selected(self) -> Post | None:
        return self.timeline.selected

    def post_changed(self, post: Post, reader_marks: bool) -> None:
        self.timeline.post_changed(post, reader_marks=reader_marks)

    def counts_changed(self, counts: PostCounts) -> None:
        self.timeline.counts_changed(counts)

    def author_hidden(self, author_id: str) -> None:
        self.timeline.hide_author(author_id)
