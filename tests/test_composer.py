"""The composer's 500-character limit counts characters as people see them (grapheme
clusters), the same on the server and in the live counter; a refused post keeps its text."""

from __future__ import annotations

import pytest
from textual.widgets import Label, TextArea

from tests.conftest import People
from tests.test_tui_home import home_of, shown, signed_in_app, wait_for
from xapp.api.errors import InvalidRequest
from xapp.screens.compose import ComposeScreen

FLAG = "🇫🇷"  # two code points, one character
FAMILY = "👩\u200d👩\u200d👧"  # five code points, one character


async def test_the_server_counts_what_people_see(people: People) -> None:
    ada = await people.signed_in("ada")
    full = await ada.posts.create(FLAG * 250 + FAMILY * 250)  # 500 characters, 1,750 code points
    assert full.text.count(FLAG) == 250
    with pytest.raises(InvalidRequest) as refused:
        await ada.posts.create(FLAG * 501)
    assert "The post is 501 characters; the limit is 500" in refused.value.message


async def test_the_counter_and_the_limit_in_the_composer(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await home_of(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        screen = app.screen
        area = screen.query_one("#text", TextArea)
        area.text = FLAG * 499 + FAMILY
        count = screen.query_one("#count", Label)
        await wait_for(pilot, lambda: shown(count).startswith("500/500"))
        area.text += "!"
        await wait_for(pilot, lambda: shown(count).startswith("501/500"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "501 characters" in shown(screen.query_one("#error", Label)))
        assert app.screen is screen and area.text.endswith(FAMILY + "!")  # nothing lost
