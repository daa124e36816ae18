"""Acting on posts from the timeline, as a person would: like, repost and bookmark with
one key, reply in the composer, delete my own post after a confirmation, and counts that
move while someone else presses like."""

from __future__ import annotations

from tests.conftest import People
from tests.test_tui_home import drawn, home_of, signed_in_app, wait_for
from xapp.screens.compose import ComposeScreen
from xapp.widgets.timeline import Timeline


async def test_like_repost_bookmark_and_reply_from_the_keyboard(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.follow("bob")
    post = await bob.create_post("Terminals are back.")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: "Terminals are back." in drawn(timeline))
        timeline.focus()
        await pilot.press("l", "B")
        await wait_for(pilot, lambda: "♥ 1" in drawn(timeline) and "🔖" in drawn(timeline))
        await pilot.press("b")
        await wait_for(pilot, lambda: "🔁 Ada reposted" in drawn(timeline))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        assert app.screen.draft.reply_to is not None
        await pilot.press(*"Never left.", "ctrl+s")
        await wait_for(pilot, lambda: "↳ replying to @bob" in drawn(timeline))
        await wait_for(pilot, lambda: "💬 1" in drawn(timeline))
    seen = await bob.post(post.id)
    assert (seen.likes, seen.reposts, seen.replies) == (1, 1, 1)
    assert [p.id for p in (await ada.bookmarks()).items] == [post.id]


async def test_counts_move_live_and_my_post_can_be_deleted(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    mine = await ada.create_post("Soon to be liked, then gone.")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: "Soon to be liked" in drawn(timeline))
        fans = [await people.signed_in(f"fan{i}") for i in range(3)]
        for fan in fans:
            await fan.like(mine.id)
        await wait_for(pilot, lambda: "♥ 3" in drawn(timeline))
        timeline.focus()
        await pilot.press("d")
        await pilot.press("y")
        await wait_for(pilot, lambda: "Soon to be liked" not in drawn(timeline))
    assert (await ada.post(mine.id)).deleted
