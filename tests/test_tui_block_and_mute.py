"""Block and mute from the TUI, on a post and on a profile: what they hide goes at once,
a block asks first, and a profile says it is blocked and offers to unblock."""

from __future__ import annotations

from textual.widgets import Static

from tests.conftest import People
from tests.test_tui_home import drawn, home_of, shown, signed_in_app, wait_for
from xapp.screens.dialogs import ConfirmScreen
from xapp.screens.profile import ProfileScreen
from xapp.widgets.timeline import Timeline


async def two_voices(people: People) -> tuple[str, object, object]:
    ada = await people.signed_in("ada")
    loud = await people.signed_in("loud", "Loud Larry")
    calm = await people.signed_in("calm", "Calm Carol")
    for person in ("loud", "calm"):
        await ada.accounts.follow(person)
    await loud.posts.create("SHOUTING INTO THE VOID")
    await calm.posts.create("a quiet thought")
    return ada.token or "", ada, loud


async def on_louds_post(pilot) -> Timeline:
    """The home timeline, its cursor on loud's post."""
    timeline = (await home_of(pilot)).query_one(Timeline)
    await wait_for(pilot, lambda: "SHOUTING" in drawn(timeline))
    timeline.focus()
    timeline.cursor = [p.author.handle for p in timeline.items].index("loud")
    return timeline


async def test_mute_an_author_from_a_post(people: People, tmp_path) -> None:
    token, ada, _ = await two_voices(people)
    app = signed_in_app(people.url, "ada", token, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        timeline = await on_louds_post(pilot)
        await pilot.press("M")
        await wait_for(pilot, lambda: "SHOUTING" not in drawn(timeline))
        assert "a quiet thought" in drawn(timeline)
    assert (await ada.accounts.profile("loud")).muted


async def test_block_from_a_profile_asks_then_can_be_undone(people: People, tmp_path) -> None:
    token, _, loud = await two_voices(people)
    app = signed_in_app(people.url, "ada", token, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        timeline = await on_louds_post(pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileScreen))
        profile = app.screen
        card = profile.query_one("#card", Static)
        await wait_for(pilot, lambda: "Loud Larry @loud" in shown(card))
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: "You blocked @loud · X unblocks" in shown(card))
        assert "SHOUTING" not in drawn(timeline)  # gone from the timeline below too
        await pilot.press("X")  # unblock
        await wait_for(pilot, lambda: "Loud Larry @loud" in shown(card))
    chat = await loud.chat.open("ada")  # unblocked: messages reach again
    assert chat.id
