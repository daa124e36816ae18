"""Signing in against a named server, and where the token is kept afterwards."""

from __future__ import annotations

import stat

from textual.widgets import Input, Label

from tests.conftest import PASSWORD, People
from tests.test_tui_home import shown, wait_for
from xapp.app import XApp
from xapp.credentials import Credentials, MemoryVault
from xapp.screens.home import HomeScreen
from xapp.screens.keyring_choice import KeyringChoiceScreen
from xapp.screens.login import LoginScreen


async def type_into(pilot, selector: str, text: str) -> None:
    await wait_for(pilot, lambda: pilot.app.screen.query(selector))
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.press(*text)


async def sign_in(pilot, handle: str, password: str) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, LoginScreen))
    await type_into(pilot, "#handle", handle)
    await type_into(pilot, "#password", password)
    await pilot.press("enter")


async def click(pilot, selector: str) -> None:
    """Click once the widget is on screen (a screen just pushed may still be composing)."""
    await wait_for(pilot, lambda: pilot.app.screen.query(selector))
    await pilot.pause()
    await pilot.click(selector)


async def test_register_then_keep_the_token_in_a_0600_file_after_agreeing(
    people: People, tmp_path
) -> None:
    credentials = Credentials(tmp_path, keyring_vault=None)
    app = XApp(server=people.url, credentials=credentials)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        await type_into(pilot, "#handle", "newbie")
        await type_into(pilot, "#password", "a long password")
        await type_into(pilot, "#display_name", "New Person")
        await click(pilot, "#register")
        await wait_for(pilot, lambda: isinstance(app.screen, KeyringChoiceScreen))
        await click(pilot, "#file")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await wait_for(pilot, lambda: "@newbie" in shown(app.screen.query_one("#status")))
    token_file = tmp_path / "tokens.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    saved = credentials.load(people.url)
    assert saved is not None and saved[0] == "newbie"
    # The device secret the sign-in gave is kept beside the token, for the next sign-in.
    device = credentials.device(people.url, "newbie")
    assert device is not None and device.startswith("xdev_")

    # The next start signs straight in with the kept token.
    again = XApp(server=people.url, credentials=Credentials(tmp_path, keyring_vault=None))
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(again.screen, HomeScreen))


async def test_this_run_only_writes_no_token_anywhere(people: People, tmp_path) -> None:
    await people.signed_in("alice")
    app = XApp(server=people.url, credentials=Credentials(tmp_path, keyring_vault=None))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "alice", PASSWORD)
        await wait_for(pilot, lambda: isinstance(app.screen, KeyringChoiceScreen))
        await click(pilot, "#memory")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
    assert not (tmp_path / "tokens.json").exists()
    assert Credentials(tmp_path, keyring_vault=None).load(people.url) is None


async def test_keyring_is_used_when_there_is_one(people: People, tmp_path) -> None:
    await people.signed_in("alice")
    keyring = MemoryVault()  # stands in for the OS keyring this machine lacks
    app = XApp(server=people.url, credentials=Credentials(tmp_path, keyring_vault=keyring))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "alice", PASSWORD)
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
    assert keyring.get(people.url, "alice") is not None
    assert not (tmp_path / "tokens.json").exists()


async def test_wrong_password_shows_why_and_keeps_the_fields(people: People, tmp_path) -> None:
    await people.signed_in("alice")
    app = XApp(server=people.url, credentials=Credentials(tmp_path, keyring_vault=None))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "alice", "not it")
        error = app.screen.query_one("#error", Label)
        await wait_for(pilot, lambda: "don't match" in shown(error))
        assert app.screen.query_one("#handle", Input).value == "alice"
        assert app.screen.query_one("#password", Input).value == "not it"


async def test_server_down_is_said_plainly(tmp_path) -> None:
    credentials = Credentials(tmp_path, keyring_vault=None)
    credentials.save("http://127.0.0.1:9", "alice", "xat_token", "file")
    app = XApp(server="http://127.0.0.1:9", credentials=credentials)
    async with app.run_test(size=(120, 40)) as pilot:
        problem = app.screen.query_one("#problem", Label)
        await wait_for(pilot, lambda: "Can't reach the server" in shown(problem), timeout=20)
