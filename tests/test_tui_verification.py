"""Verifying from the wallet (V): the tier's limits and what was sent against them; a
rejection says why and keeps what was typed; once verified, the limits rise and the
region says what it offers."""

from __future__ import annotations

from textual.widgets import Input, Static

from tests.conftest import People, usd
from tests.test_tui_home import home_of, shown, signed_in_app, wait_for
from tests.test_tui_own_money import dialog, press_in_wallet
from xapp.screens.verification import VerificationScreen


async def test_verify_from_the_wallet(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(50_000))
    await ada.wallet.pay("bob", usd(1_250))
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await press_in_wallet(pilot, home, "V")
        screen = await dialog(pilot, VerificationScreen, "#state")
        state = screen.query_one("#state", Static)
        await wait_for(pilot, lambda: "Not verified yet." in shown(state))
        assert "You may send $2,500.00 a day ($12.50 sent today)" in shown(state)
        assert "withdrawals to a bank need verification" in shown(state)
        await pilot.press(*"1990-05-17", "tab", *"ZZ", "enter")
        await wait_for(pilot, lambda: "doesn't operate in ZZ" in shown(screen.query_one("#error")))
        assert screen.query_one("#born", Input).value == "1990-05-17"  # kept
        screen.query_one("#country", Input).value = "JP"
        screen.query_one("#country", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Verified (verified)." in shown(state))
        assert "You may send $10,000.00 a day" in shown(state)
        assert "In Japan: not available yet: savings." in shown(state)
        assert screen.query_one("#born", Input).disabled
