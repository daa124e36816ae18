"""Notifications as a person sees them: a count in the top bar that grows live, N opens
the list newest first and clears the count, enter opens the post's thread."""

from __future__ import annotations

from tests.conftest import People
from tests.test_tui_home import drawn, home_of, shown, signed_in_app, wait_for
from xapp.screens.notifications import NotificationList, NotificationsScreen
from xapp.screens.thread import ThreadScreen


async def test_the_count_grows_live_and_the_list_opens_threads(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob", "Bob Builder")
    post = await ada.posts.create("Ledgers are fun.")
    await bob.posts.like(post.id)  # before ada opens the app: counted at start
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        status = home.query_one("#status")
        await wait_for(pilot, lambda: "🔔 1" in shown(status))
        await bob.posts.create("@ada they really are", reply_to=post.id)
        await bob.accounts.follow("ada")
        await wait_for(pilot, lambda: "🔔 3" in shown(status))
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, NotificationsScreen))
        listing = app.screen.query_one(NotificationList)
        await wait_for(pilot, lambda: len(listing.items) == 3)
        text = drawn(listing)
        order = [
            "Bob Builder @bob followed you",
            "Bob Builder @bob replied to you",
            "Bob Builder @bob liked your post",
        ]
        assert [text.index(line) for line in order] == sorted(text.index(line) for line in order)
        listing.cursor = 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: "🔔" not in shown(status))
    assert await ada.notifications.unread() == 0
