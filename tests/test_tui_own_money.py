"""The wallet's own-money views, driven with keys as a person would: link a bank (B),
add money from it (a: pending until the bank settles), send money to it (w, with the
PIN), savings (S: yield, sparklines, moving in and out) and exchanges (X: a quote, then
the exchange; an expired quote says so and keeps what was typed)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Sparkline, Static

from tests.conftest import PASSWORD, People, serve, usd
from tests.test_tui_home import drawn, home_of, notes, shown, signed_in_app, wait_for
from tests.test_tui_payments import PIN
from xapp.embedded import ServerThread
from xapp.screens.bank import DepositScreen, LinkBankScreen, WithdrawScreen
from xapp.screens.exchange import ExchangeScreen
from xapp.screens.savings import SavingsScreen
from xapp.server import clock
from xapp.widgets.transfer_list import TransferList

SETTLE = 600.0


@pytest.fixture
def server(db_path: Path) -> Iterator[ServerThread]:
    yield from serve(db_path, instant_deposits=False, rail_settle_seconds=SETTLE)


@pytest.fixture(autouse=True)
def real_time_after() -> Iterator[None]:
    yield
    clock.reset()


async def dialog(pilot, kind: type, field: str = "#amount"):
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: bool(screen.query(field)))
    return screen


async def press_in_wallet(pilot, home, *keys: str) -> None:
    home.query_one(TransferList).focus()
    await pilot.press(*keys)


async def test_link_a_bank_add_money_and_send_it_back(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    await ada.wallet.set_pin(PASSWORD, PIN)
    await ada.wallet.verify("Ada Lovelace", dt.date(1990, 12, 10), "GB")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        balance = home.query_one("#balance", Static)
        more = home.query_one("#money-more", Static)
        await wait_for(pilot, lambda: "$0.00" in shown(balance))

        await press_in_wallet(pilot, home, "a")  # no bank yet: the dialog says how
        screen = await dialog(pilot, DepositScreen)
        assert "Link a bank account first" in shown(screen.query_one("#where", Static))
        await pilot.press("escape")

        await press_in_wallet(pilot, home, "B")
        screen = await dialog(pilot, LinkBankScreen, "#routing")
        await pilot.press(*"123456789", "tab", *"000123456789", "tab", *PIN, "enter")
        await wait_for(
            pilot, lambda: "routing number isn't valid" in shown(screen.query_one("#error"))
        )
        assert screen.query_one("#number", Input).value == "000123456789"  # kept
        screen.query_one("#routing", Input).value = "021000021"
        screen.query_one("#pin", Input).value = PIN
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Bank: JPMorgan Chase ••6789" in shown(more))

        await press_in_wallet(pilot, home, "a")
        screen = await dialog(pilot, DepositScreen)
        assert "From JPMorgan Chase ••6789" in shown(screen.query_one("#where", Static))
        await pilot.press(*"120.00", "enter")
        await wait_for(pilot, lambda: "+$120.00 on its way from your bank" in shown(more))
        assert "$0.00" in shown(balance)  # not spendable yet

        clock.advance(SETTLE + 1)
        await wait_for(pilot, lambda: "$120.00" in shown(balance))
        await wait_for(pilot, lambda: "$120.00 from your bank has arrived." in notes(app))
        await wait_for(pilot, lambda: "on its way" not in shown(more))  # the wallet read again

        await press_in_wallet(pilot, home, "w")
        screen = await dialog(pilot, WithdrawScreen)
        await pilot.press(*"20", "tab", *"0000", "enter")  # a wrong PIN: said, amount kept
        await wait_for(pilot, lambda: "PIN" in shown(screen.query_one("#error")))
        assert screen.query_one("#amount", Input).value == "20"
        screen.query_one("#pin", Input).value = PIN
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "-$20.00 on its way to your bank" in shown(more).replace("−", "-")
        )
        assert "$100.00" in shown(balance)
        history = home.query_one(TransferList)
        await wait_for(pilot, lambda: "to your bank" in drawn(history))


async def test_savings_show_what_they_earn_and_move_both_ways(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    await ada.wallet.set_pin(PASSWORD, PIN)
    await _cash(people, ada, 50_000)
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        balance = home.query_one("#balance", Static)
        await wait_for(pilot, lambda: "$500.00" in shown(balance))
        await press_in_wallet(pilot, home, "S")
        screen = await dialog(pilot, SavingsScreen)
        await wait_for(pilot, lambda: "4.00% APY" in shown(screen.query_one("#summary", Static)))
        await pilot.press(*"300", "enter")  # enter moves to savings
        more = home.query_one("#money-more", Static)
        await wait_for(pilot, lambda: "Savings $300.00" in shown(more))
        assert "$200.00" in shown(balance)

        await press_in_wallet(pilot, home, "S")
        screen = await dialog(pilot, SavingsScreen)
        await wait_for(pilot, lambda: "$300.00" in shown(screen.query_one("#summary", Static)))
        line = screen.query_one("#balance-line", Sparkline)
        assert len(line.data or []) == 30
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: len(line.data or []) == 90)
        await pilot.press(*"400", "ctrl+o")  # more than saved: said, and the amount is kept
        await wait_for(
            pilot, lambda: "Your savings are $300.00" in shown(screen.query_one("#error"))
        )
        assert screen.query_one("#amount", Input).value == "400"
        screen.query_one("#amount", Input).value = "50"
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: "Savings $250.00" in shown(more))
        assert "$250.00" in shown(balance)


async def test_exchange_at_a_quote(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    await _cash(people, ada, 10_000)
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        balance = home.query_one("#balance", Static)
        await wait_for(pilot, lambda: "$100.00" in shown(balance))
        await press_in_wallet(pilot, home, "X")
        screen = await dialog(pilot, ExchangeScreen)
        screen.query_one("#to", Select).value = "JPY"
        await pilot.press(*"100", "enter")
        quote = screen.query_one("#quote", Static)
        await wait_for(pilot, lambda: "you get ¥14,925" in shown(quote))
        assert "1 USD = 150 JPY" in shown(quote) and "Fee $0.50" in shown(quote)

        clock.advance(31)  # too late: said, and a fresh quote is one enter away
        await pilot.press("enter")
        await wait_for(pilot, lambda: "That quote expired" in shown(screen.query_one("#error")))
        assert screen.query_one("#amount", Input).value == "100"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "you get ¥14,925" in shown(quote))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "¥14,925" in shown(balance))
        history = home.query_one(TransferList)
        await wait_for(pilot, lambda: "$100.00 → ¥14,925" in drawn(history))


async def _cash(people: People, client, cents: int) -> None:
    """Verified, and settled money to start with (how it got there is test_bank_rail's
    business)."""
    await client.wallet.verify("Ada Lovelace", dt.date(1990, 12, 10), "GB")
    await client.wallet.link_bank("Ada", "021000021", "000123456789", pin=PIN)
    await client.wallet.deposit(usd(cents))
    clock.advance(SETTLE + 1)
    for _ in range(200):
        if (await client.wallet.balances()).balances:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the deposit never settled")


async def test_the_bank_refusing_a_withdrawal_is_said(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    await ada.wallet.set_pin(PASSWORD, PIN)
    await _cash(people, ada, 5_000)
    await ada.wallet.link_bank("Ada", "021000021", "000123450001", pin=PIN)  # refuses
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        balance = home.query_one("#balance", Static)
        await wait_for(pilot, lambda: "$50.00" in shown(balance))
        await ada.wallet.withdraw(usd(2_000), pin=PIN)  # from another device
        await wait_for(pilot, lambda: "$30.00" in shown(balance))
        clock.advance(2 * SETTLE + 2)
        await wait_for(pilot, lambda: "Your bank refused $20.00" in notes(app))
        await wait_for(pilot, lambda: "$50.00" in shown(balance))
        assert "paid you" not in notes(app)
