"""Sessions in the app (ctrl+p → Sessions): this one marked, another signed out after a
yes; changing the password (ctrl+p → Change password) keeps what was typed when it is
refused and signs the other sessions out when it is done."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.conftest import PASSWORD, People
from tests.test_tui_command_palette import run_command
from tests.test_tui_home import drawn, home_of, notes, signed_in_app, wait_for
from xapp.api.errors import Unauthorized
from xapp.screens.dialogs import ConfirmScreen
from xapp.screens.sessions import ChangePasswordScreen, SessionList, SessionsScreen


async def test_sign_another_session_out_and_change_the_password(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    other = await people.login("ada")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await run_command(pilot, "sessions", SessionsScreen)
        listing = app.screen.query_one(SessionList)
        await wait_for(pilot, lambda: len(listing.items) == 2)
        assert "● this one" in drawn(listing)
        listing.cursor = [s.current for s in listing.items].index(False)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: len(listing.items) == 1)
        with pytest.raises(Unauthorized):
            await other.accounts.me()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)

        third = await people.login("ada")
        await run_command(pilot, "change password", ChangePasswordScreen)
        form = app.screen
        form.query_one("#password", Input).value = "not it"
        form.query_one("#new", Input).value = "orange kettle on a quiet moon"
        form.query_one("#again", Input).value = "orange kettle on a quiet moon"
        form.query_one("#again", Input).focus()
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "That password is not right" in str(form.query_one("#error").content)
        )
        assert form.query_one("#new", Input).value == "orange kettle on a quiet moon"
        form.query_one("#password", Input).value = PASSWORD
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Password changed" in notes(app))
    with pytest.raises(Unauthorized):
        await third.accounts.me()
