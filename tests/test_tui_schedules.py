"""Scheduled payments from the wallet (O): schedule one with the PIN, see it listed with
its next day, pause and resume it, cancel it after a yes."""

from __future__ import annotations

import datetime as dt

from tests.conftest import PASSWORD, People, usd
from tests.test_tui_home import drawn, home_of, signed_in_app, visible, wait_for
from tests.test_tui_own_money import dialog, press_in_wallet
from tests.test_tui_payments import PIN
from xapp.screens.dialogs import ConfirmScreen
from xapp.screens.schedules import ScheduleForm, ScheduleList, SchedulesScreen


async def test_schedule_pause_resume_and_cancel(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob", "Bob Builder")
    await ada.wallet.deposit(usd(10_000))
    await ada.wallet.set_pin(PASSWORD, PIN)
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await press_in_wallet(pilot, home, "O")
        screen = await dialog(pilot, SchedulesScreen, ScheduleList)
        listing = screen.query_one(ScheduleList)
        await wait_for(pilot, lambda: "None yet" in visible(listing))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ScheduleForm))
        form = app.screen
        await wait_for(pilot, lambda: bool(form.query("#pin")))
        await pilot.press(*"@bob", "tab", *"12.00", "tab", *"rent")
        form.query_one("#pin").value = PIN
        form.query_one("#pin").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
        await wait_for(pilot, lambda: "$12.00 to Bob Builder @bob · every month" in drawn(listing))
        assert f"next {tomorrow:%a %d %b %Y}" in drawn(listing)
        listing.focus()
        await pilot.press("p")
        await wait_for(pilot, lambda: "paused · next" in drawn(listing))
        await pilot.press("p")
        await wait_for(pilot, lambda: "paused" not in drawn(listing))
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: "cancelled · no more runs" in drawn(listing))
    (plan,) = (await ada.wallet.schedules()).items
    assert (plan.status, plan.note, plan.amount) == ("cancelled", "rent", usd(1_200))
