"""A keymap from the config file's `[keys]`: a remapped binding answers its new key, no
longer its old one, and the help screen shows the new key beside the binding's id."""

from __future__ import annotations

from textual.widgets import Static

from tests.conftest import People
from tests.test_tui_home import home_of, wait_for
from tests.test_tui_own_money import press_in_wallet
from xapp.app import XApp
from xapp.credentials import Credentials
from xapp.screens.help import HelpScreen
from xapp.screens.savings import SavingsScreen


async def test_a_remapped_key_opens_what_it_was_mapped_to(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    credentials = Credentials(tmp_path, keyring_vault=None)
    credentials.save(people.url, "ada", ada.token or "", "file")
    app = XApp(server=people.url, credentials=credentials, keymap={"wallet.savings": "ctrl+y"})
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await press_in_wallet(pilot, home, "S")
        await pilot.pause(0.3)
        assert app.screen is home  # the old key does nothing now
        await press_in_wallet(pilot, home, "ctrl+y")
        await wait_for(pilot, lambda: isinstance(app.screen, SavingsScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = str(app.screen.query_one("#keys Static", Static).render())
        (line,) = [line for line in text.splitlines() if "wallet.savings" in line]
        assert "^y" in line and "savings" in line
