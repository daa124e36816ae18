"""A profile as a person reaches it: P on a post opens its author's profile (name, bio,
counts, posts), f follows, F lists followers; f on a post follows its author; E edits
my own name and bio, keeping what I typed when the server refuses; posts by the person
arrive live; and a snapshot of it."""

from __future__ import annotations

import asyncio

from textual.widgets import Input, Static, TextArea

from tests.conftest import People
from tests.test_tui_home import drawn, home_of, notes, shown, signed_in_app, wait_for
from xapp.screens.edit_profile import EditProfileScreen
from xapp.screens.people import PeopleList, PeopleScreen
from xapp.screens.profile import ProfileScreen
from xapp.widgets.timeline import Timeline


async def seed(url: str) -> str:
    """grace has a bio, three posts and a follower; ada sees grace's post through cat."""
    registry = People(url)
    try:
        ada = await registry.signed_in("ada", "Ada Lovelace")
        grace = await registry.signed_in("grace", "Grace Hopper")
        cat = await registry.signed_in("cat", "Cat Stevens")
        await grace.accounts.edit_profile(bio="Rear admiral. Found the first actual bug.")
        for text in ("Shipping is a feature.", "A ship in port is safe.", "Nanoseconds!"):
            await grace.posts.create(text)
        await cat.accounts.follow("grace")
        await ada.accounts.follow("cat")
        last = (await grace.accounts.posts("grace")).items[0]
        await cat.posts.repost(last.id)
        assert ada.token is not None
        return ada.token
    finally:
        await registry.close()


async def test_p_opens_the_authors_profile_and_f_follows(people: People, tmp_path) -> None:
    token = await seed(people.url)
    app = signed_in_app(people.url, "ada", token, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: "Nanoseconds!" in drawn(timeline))
        timeline.focus()
        await pilot.press("P")  # on cat's repost: the profile of who wrote the post
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileScreen))
        screen = app.screen
        card = screen.query_one("#card", Static)
        await wait_for(pilot, lambda: "Grace Hopper @grace" in shown(card))
        assert "Rear admiral." in shown(card)
        assert "3 posts · 1 follower · 0 following" in shown(card)
        await wait_for(pilot, lambda: "A ship in port is safe." in drawn(screen.timeline))
        await pilot.press("f")
        await wait_for(pilot, lambda: "you follow" in shown(card))
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, PeopleScreen))
        followers = app.screen.query_one(PeopleList)
        await wait_for(pilot, lambda: len(followers.items) == 2)
        assert "Ada Lovelace @ada" in drawn(followers) and "Cat Stevens @cat" in drawn(followers)
        followers.cursor = [a.handle for a in followers.items].index("cat")
        await pilot.press("enter")  # a follower's own profile
        await wait_for(
            pilot, lambda: isinstance(app.screen, ProfileScreen) and app.screen is not screen
        )
        cats = app.screen.query_one("#card", Static)
        await wait_for(pilot, lambda: "Cat Stevens @cat" in shown(cats))


async def test_f_on_a_post_follows_its_author(people: People, tmp_path) -> None:
    token = await seed(people.url)
    ada = await people.login("ada")
    app = signed_in_app(people.url, "ada", token, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: "Nanoseconds!" in drawn(timeline))
        timeline.focus()
        await pilot.press("f")  # on cat's repost of grace: follows grace, who wrote it
        await wait_for(pilot, lambda: "Following @grace." in notes(app))
        assert (await ada.accounts.profile("grace")).i_follow
        await pilot.press("f")
        await wait_for(pilot, lambda: "Unfollowed @grace." in notes(app))
        assert not (await ada.accounts.profile("grace")).i_follow


async def test_e_edits_my_profile_and_keeps_what_i_typed(people: People, tmp_path) -> None:
    token = await seed(people.url)
    grace = await people.login("grace")
    app = signed_in_app(people.url, "ada", token, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await app.push_screen(ProfileScreen(home.session, "ada"))
        screen = app.screen
        card = screen.query_one("#card", Static)
        await wait_for(pilot, lambda: "Ada Lovelace @ada" in shown(card))
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, EditProfileScreen))
        dialog = app.screen
        dialog.query_one("#name", Input).value = "Ada, Countess"
        dialog.query_one("#bio", TextArea).text = "x" * 301
        await pilot.press("ctrl+s")
        error = dialog.query_one("#error", Static)
        await wait_for(pilot, lambda: "300" in shown(error))
        assert dialog.query_one("#name", Input).value == "Ada, Countess"
        assert dialog.query_one("#bio", TextArea).text == "x" * 301
        dialog.query_one("#bio", TextArea).text = "Poet of numbers."
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Poet of numbers." in shown(card))
        assert "Ada, Countess @ada" in shown(card)
        cat = await people.login("cat")  # ada follows cat, so this reaches her feed…
        await cat.posts.create("arrives while ada reads her own profile")
        ada = await people.login("ada")
        await ada.posts.create("my newest thought")
        await wait_for(pilot, lambda: "my newest thought" in drawn(screen.timeline))
        assert "arrives while ada" not in drawn(screen.timeline)  # …but not her profile
    assert (await grace.accounts.profile("ada")).bio == "Poet of numbers."


def test_profile_screen(snap_compare, server, tmp_path) -> None:
    token = asyncio.run(seed(server.url))
    app = signed_in_app(server.url, "ada", token, tmp_path)

    async def opened(pilot) -> None:
        home = await home_of(pilot)
        await app.push_screen(ProfileScreen(home.session, "grace"))
        screen = app.screen
        await wait_for(pilot, lambda: "Nanoseconds!" in drawn(screen.timeline))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(160, 48), run_before=opened)
