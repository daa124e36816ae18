"""Money rules from the wallet (A, automations): write a sweep in the form, read its dry
run, switch it on with the PIN, see it on in the list; an unfinished form keeps what was
typed; switch it off with o."""

from __future__ import annotations

from textual.widgets import Input, Label, Select

from tests.conftest import PASSWORD, People, usd
from tests.test_tui_home import drawn, home_of, signed_in_app, visible, wait_for
from tests.test_tui_own_money import dialog, press_in_wallet
from tests.test_tui_payments import PIN
from xapp.screens.rules import ActionList, DryRunScreen, RuleForm, RuleList, RulesScreen


async def test_write_a_sweep_read_its_dry_run_and_switch_it_on(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(100_000))
    await ada.wallet.to_savings(usd(50_000))
    await ada.wallet.pay("bob", usd(45_000))  # cash $50.00: below the line below
    await ada.wallet.set_pin(PASSWORD, PIN)
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await press_in_wallet(pilot, home, "A")
        screen = await dialog(pilot, RulesScreen, RuleList)
        listing = screen.query_one(RuleList)
        await wait_for(pilot, lambda: "None yet" in visible(listing))
        await pilot.press("n")
        form = await dialog(pilot, RuleForm, "#below")
        assert not form.query_one("#who-field").display  # a sweep needs no handle
        form.query_one("#below", Input).value = "100"
        form.query_one("#amount", Input).value = "twenty"
        await pilot.click("#submit")
        await wait_for(pilot, lambda: "amount" in str(form.query_one("#error", Label).content))
        assert form.query_one("#below", Input).value == "100"  # kept
        form.query_one("#amount", Input).value = "20"
        form.query_one("#amount", Input).focus()
        await pilot.press("enter")

        dry = await dialog(pilot, DryRunScreen, ActionList)
        actions = dry.query_one(ActionList)
        await wait_for(pilot, lambda: "move $20.00 from savings" in drawn(actions))
        said = str(dry.query_one("#dry-summary", Label).content)
        assert "would have moved $20.00 from savings, once" in said
        dry.query_one("#pin", Input).value = PIN
        await pilot.click("#submit")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_for(pilot, lambda: "● on" in drawn(listing))
        assert "When my cash falls below $100.00, move $20.00 from savings" in drawn(listing)

        listing.focus()
        await pilot.press("o")
        await wait_for(pilot, lambda: "○ off" in drawn(listing))
    (rule,) = (await ada.rules.list()).items
    assert rule.status == "off"


async def test_the_form_shows_the_fields_each_kind_needs(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("landlord")
    await ada.wallet.set_pin(PASSWORD, PIN)
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await press_in_wallet(pilot, home, "A")
        await dialog(pilot, RulesScreen, RuleList)
        await pilot.press("n")
        form = await dialog(pilot, RuleForm, "#below")
        form.query_one("#kind", Select).value = "monthly_pay"
        await wait_for(pilot, lambda: form.query_one("#day-field").display)
        assert not form.query_one("#below-field").display
        form.query_one("#who", Input).value = "@landlord"
        form.query_one("#amount", Input).value = "1200"
        form.query_one("#day", Input).value = "31"
        form.query_one("#note", Input).value = "rent"
        await pilot.click("#submit")
        dry = await dialog(pilot, DryRunScreen, ActionList)
        summary = str(dry.query_one("#rule-summary", Label).content)
        assert (
            summary == "Every month on the 31st (or the month's last day), pay @landlord $1,200.00"
        )
        await pilot.press("escape")  # not now: it stays off
    (rule,) = (await ada.rules.list()).items
    assert (rule.status, rule.note, rule.day_of_month) == ("off", "rent", 31)
