"""Currencies with their real decimals (issue 15): what CLDR says each has (JPY none, KWD
three), amounts parsed and written by it, and the ledger holding each in its own minor
units, on both stores and on screen."""

from __future__ import annotations

import pytest
from textual.widgets import Select

from tests.conftest import PASSWORD, People, key, query, refused
from tests.test_tui_home import home_of, shown, signed_in_app, wait_for
from tests.test_tui_payments import PIN, confirm_screen, pay_form
from xapp.api.errors import InsufficientFunds
from xapp.api.models import Money
from xapp.api.money import AmountError, exponent, format_amount, parse_amount


def money(amount: int, currency: str) -> Money:
    return Money(amount=amount, currency=currency)


@pytest.mark.parametrize(
    ("currency", "places"), [("USD", 2), ("EUR", 2), ("GBP", 2), ("JPY", 0), ("KWD", 3)]
)
def test_each_currency_has_its_iso_4217_decimals(currency: str, places: int) -> None:
    assert exponent(currency) == places


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [
        ("12.50", "USD", 1250),
        ("€1,250.5", "EUR", 125050),
        ("¥500", "JPY", 500),
        ("1.234 KWD", "KWD", 1234),
        ("KWD 0.005", "KWD", 5),
        ("£0.01", "GBP", 1),
    ],
)
def test_amounts_are_read_in_their_currency_s_minor_units(
    typed: str, currency: str, minor: int
) -> None:
    assert parse_amount(typed, currency) == minor


@pytest.mark.parametrize(
    ("typed", "currency", "why"),
    [
        ("5.5", "JPY", "JPY amounts have no decimal places"),
        ("1.2345", "KWD", "KWD amounts have at most 3 decimal places"),
        ("1.234", "USD", "USD amounts have at most 2 decimal places"),
        ("10", "XXX", "XXX is not a supported currency"),
    ],
)
def test_more_precision_than_the_currency_has_is_refused(
    typed: str, currency: str, why: str
) -> None:
    with pytest.raises(AmountError, match=why):
        parse_amount(typed, currency)


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "written"),
    [
        (125000, "USD", "en_US", "$1,250.00"),
        (-500, "USD", "en_US", "-$5.00"),
        (1000, "EUR", "en_US", "€10.00"),
        (500, "JPY", "en_US", "¥500"),
        (1250, "KWD", "en_US", "KWD\u00a01.250"),
        (125050, "EUR", "de_DE", "1.250,50\u00a0€"),
        (500, "JPY", "ja_JP", "￥500"),
    ],
)
def test_amounts_are_written_as_the_locale_writes_them(
    minor: int, currency: str, locale: str, written: str
) -> None:
    assert format_amount(minor, currency, locale) == written
    if locale == "en_US" and minor > 0:
        assert parse_amount(written, currency) == minor  # what is shown reads back


async def test_yen_and_dinars_move_in_their_own_minor_units(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await ada.wallet.deposit(money(5_000, "JPY"))
    await ada.wallet.deposit(money(2_500, "KWD"))
    await ada.wallet.pay("bob", money(1_200, "JPY"), "ramen", key=key())
    await ada.wallet.pay("bob", money(1_250, "KWD"), "tea", key=key())
    with refused(
        InsufficientFunds,
        422,
        "insufficient_funds",
        "Insufficient funds: your balance is KWD\u00a01.250, this payment is KWD\u00a02.000",
    ):
        await ada.wallet.pay("bob", money(2_000, "KWD"), "too much", key=key())
    held = query(
        db_path,
        "SELECT l.currency, l.balance FROM ledger_accounts l JOIN accounts a "
        "ON a.id = l.owner_id WHERE a.handle = 'bob' ORDER BY l.currency",
    )
    assert held == [("JPY", 1_200), ("KWD", 1_250), ("USD", 0)]  # no dollars appeared


async def test_the_wallet_shows_every_currency_in_its_own_decimals(
    people: People, tmp_path
) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await bob.wallet.deposit(money(5_000, "JPY"))
    await bob.wallet.deposit(money(9_999, "KWD"))
    await bob.wallet.pay("ada", money(500, "JPY"), "ramen", key=key())
    await bob.wallet.pay("ada", money(1_250, "KWD"), "tea", key=key())
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        balance = home.query_one("#balance")
        await wait_for(pilot, lambda: "¥500" in shown(balance))
        assert "KWD\u00a01.250" in shown(balance) or "KWD 1.250" in shown(balance)


async def test_paying_in_another_currency_opens_it_for_the_payee(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob", "Bob Builder")
    await alice.wallet.deposit(money(5_000, "EUR"))
    await alice.wallet.set_pin(PASSWORD, PIN)
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await pilot.press("p")
        pay = await pay_form(pilot)
        await pilot.press(*"@bob", "tab", *"12.50")
        pay.query_one("#currency", Select).value = "EUR"
        await pilot.press("enter")
        confirm = await confirm_screen(pilot)
        assert shown(confirm.query_one("#amount")) == "€12.50"
        await pilot.press(*PIN, "enter")
        await wait_for(pilot, lambda: app.screen is home)
    assert (await bob.wallet.balances()).balances == [money(1_250, "EUR"), money(0, "USD")]
