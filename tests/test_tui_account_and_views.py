"""The app around the panes: t shows everyone's posts and back, L signs out (the token
ends on the server and is forgotten here), and a theme chosen is the theme next time."""

from __future__ import annotations

import pytest

from tests.conftest import People
from tests.test_tui_home import drawn, home_of, shown, signed_in_app, wait_for
from xapp.api.errors import Unauthorized
from xapp.screens.dialogs import ConfirmScreen
from xapp.screens.login import LoginScreen
from xapp.widgets.timeline import Timeline


async def test_t_shows_everyones_posts_and_back(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    stranger = await people.signed_in("zed")
    await stranger.posts.create("a public post from someone ada doesn't follow")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        title = home.query_one("#timeline-title")
        await wait_for(pilot, lambda: "No posts yet" in timeline.empty)
        timeline.focus()
        await pilot.press("t")
        await wait_for(pilot, lambda: "someone ada doesn't follow" in drawn(timeline))
        assert shown(title) == "Everyone's posts"
        await pilot.press("t")
        await wait_for(pilot, lambda: not timeline.items)
        assert shown(title) == "Timeline"


async def test_sign_out_ends_the_session_and_forgets_it(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    token = ada.token or ""
    app = signed_in_app(people.url, "ada", token, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await home_of(pilot)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert "signed out" in shown(app.screen.query_one("#error"))
    assert app.credentials is not None and app.credentials.load(people.url) is None
    with pytest.raises(Unauthorized):
        await (await people.client(token)).accounts.me()


async def test_a_chosen_theme_is_there_next_time(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await home_of(pilot)
        app.theme = "nord"  # what the command palette's "Change theme" does
        await wait_for(pilot, lambda: (tmp_path / "preferences.json").exists())
    again = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with again.run_test(size=(160, 48)) as pilot:
        await home_of(pilot)
        assert again.theme == "nord"
