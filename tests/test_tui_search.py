"""Searching from the keyboard: / on the timeline, words or a #hashtag, people first and
then posts, enter on a post opens its thread; what was typed stays in the box."""

from __future__ import annotations

from textual.widgets import Input

from tests.conftest import People
from tests.test_tui_home import drawn, home_of, signed_in_app, wait_for
from xapp.screens.search import Results, SearchScreen
from xapp.screens.thread import ThreadScreen
from xapp.widgets.timeline import Timeline


async def open_search(pilot) -> SearchScreen:
    """/ on the timeline, as a person would: the search screen, its box focused."""
    home = await home_of(pilot)
    home.query_one(Timeline).focus()
    await pilot.press("slash")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SearchScreen))
    screen = pilot.app.screen
    screen.query_one("#query", Input).focus()
    return screen


async def test_search_people_and_posts_then_open_a_thread(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    grace = await people.signed_in("grace", "Grace Hopper")
    await grace.posts.create("Compilers are just #rust for the soul")
    await grace.posts.create("Nothing to see")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_search(pilot)
        await pilot.press(*"grace", "enter")
        results = app.screen.query_one(Results)
        await wait_for(pilot, lambda: "👤 Grace Hopper @grace" in drawn(results))
        field = app.screen.query_one("#query", Input)
        field.value = ""
        field.focus()
        await pilot.press(*"#rust", "enter")
        await wait_for(pilot, lambda: "Compilers are just #rust" in drawn(results))
        assert "Nothing to see" not in drawn(results) and "👤" not in drawn(results)
        assert field.value == "#rust"
        assert field.has_focus  # the next search can be typed at once
        await pilot.press("down", "enter")  # down to the results; enter opens the post
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
