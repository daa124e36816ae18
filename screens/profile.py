"""Someone's profile: name, handle, bio, joined date and counts, whether you follow each
other, and their posts (with the usual post keys). f follows or unfollows, F and T list
their followers and whom they follow; E edits my own name and bio."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from xapp import intents
from xapp.api.errors import ApiError
from xapp.api.models import Account, Post, Profile
from xapp.screens.edit_profile import EditProfileScreen
from xapp.session import Session
from xapp.widgets.paged_timeline import PagedTimeline
from xapp.widgets.post_actions import TimelineActions
from xapp.widgets.timeline import body
from xapp.workers import worker


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def card(profile: Profile) -> Content:
    person = profile.account
    joined = person.created_at.astimezone().strftime("%B %Y")
    facts = (
        f"joined {joined} · {_count(profile.posts, 'post')} · "
        f"{_count(profile.followers, 'follower')} · {profile.following} following"
    )
    stance = [
        label
        for label, on in (
            ("you follow", profile.i_follow),
            ("follows you", profile.follows_me),
            ("muted", profile.muted),
        )
        if on
    ]
    lines = [
        Content.assemble((person.display_name, "bold"), (f" @{person.handle}", "dim")),
        *([body(profile.bio)] if profile.bio else []),
        Content.styled(facts + (" · " + " · ".join(stance) if stance else ""), "dim"),
    ]
    return Content("\n").join(lines)


class ProfileScreen(TimelineActions, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="profile.back", tooltip="back"),
        Binding("f", "follow", "Follow", id="profile.follow", tooltip="follow or unfollow"),
        Binding("F", "people(True)", "Followers", id="profile.followers", tooltip="followers"),
        Binding("T", "people(False)", "Following", id="profile.following", tooltip="following"),
        Binding(
            "E", "edit_profile", "Edit profile", show=False, id="profile.edit", tooltip="edit mine"
        ),
        Binding("M", "mute", "Mute", show=False, id="profile.mute", tooltip="mute or unmute them"),
        Binding(
            "X", "block", "Block", show=False, id="profile.block", tooltip="block or unblock them"
        ),
    ]

    def __init__(self, session: Session, handle: str) -> None:
        super().__init__()
        self.session = session
        self.handle = handle
        self.profile: Profile | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="profile-pane", classes="screen-pane"):
            yield Static(Content(f"@{self.handle}"), id="card")
            client = self.session.client
            yield PagedTimeline(
                lambda before, after: client.accounts.posts(
                    self.handle, before=before, after=after
                ),
                id="their-posts",
                empty="Loading…",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.timeline.focus()
        self.follow_posts()
        self.load()

    @worker(exclusive=True, group="profile")
    async def load(self) -> None:
        try:
            self.profile = await self.session.client.accounts.profile(self.handle)
        except ApiError as exc:
            said = f"You blocked @{self.handle} · X unblocks" if self.blocked else exc.message
            self.query_one("#card", Static).update(Content(said))
            self.timeline.empty = ""
            self.timeline.set_items([])
            return
        self.query_one("#card", Static).update(card(self.profile))
        self.timeline.empty = "No posts yet."
        self.timeline.reload()

    def action_edit_profile(self) -> None:
        if self.profile is None or self.profile.account.id != self.session.me.id:
            self.notify("You can only edit your own profile.", severity="warning")
            return

        def saved(profile: Profile | None) -> None:
            if profile is not None:
                self.profile = profile
                self.query_one("#card", Static).update(card(profile))

        self.app.push_screen(EditProfileScreen(self.session, self.profile), saved)

    def action_follow(self) -> None:
        if self.profile is not None and self.profile.account.id != self.session.me.id:
            self._follow(not self.profile.i_follow)

    @worker(group="profile-follow")
    async def _follow(self, on: bool) -> None:
        client = self.session.client
        try:
            await client.accounts.follow(self.handle, on=on)
            self.profile = await client.accounts.profile(self.handle)
        except ApiError as exc:
            self.notify(exc.message, title="Profile", severity="error")
            return
        self.query_one("#card", Static).update(card(self.profile))
        self.notify(f"{'Following' if on else 'Unfollowed'} @{self.handle}.", markup=False)

    def _them(self) -> Account | None:
        """The person this profile is about, if it is someone else."""
        if self.profile is None or self.profile.account.id == self.session.me.id:
            return None
        return self.profile.account

    def action_mute(self) -> None:
        person = self._them()
        if person is not None:
            self.toggle_mute(person)

    def action_block(self) -> None:
        if self.blocked and self.profile is not None:
            self.block(self.profile.account, on=False)
            return
        person = self._them()
        if person is not None:
            self.ask_block(person)

    def relation_changed(self, person: Account) -> None:
        self.load()

    def action_people(self, followers: bool) -> None:
        self._people(followers)

    @worker(group="profile-people")
    async def _people(self, followers: bool) -> None:
        accounts = self.session.client.accounts
        try:
            page = await (accounts.followers if followers else accounts.following)(self.handle)
        except ApiError as exc:
            self.notify(exc.message, title="Profile", severity="error")
            return
        title = f"{'Followers of' if followers else 'Followed by'} @{self.handle}"
        self.post_message(intents.ShowPeople(title, page.items, more=page.next is not None))

    # --- live: their new posts join the top --------------------------------------------

    def post_arrived(self, post: Post, mine_now: bool) -> None:
        if post.author.handle == self.handle and self.timeline.at_newest:
            self.timeline.add_top([post], keep_view=True)
