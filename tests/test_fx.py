"""Exchanges between currencies: a quote shows rate, fee and what arrives, holds for 30
seconds, and is carried out once; rounding never lets money appear.

The server's rate table and fee are its settings (`fx_rates`, `fx_fee_percent`); the
rounding rules are written in `xapp/server/fx.py`: the fee rounds down, what arrives
rounds down, so a round trip never returns more than it started with.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import People, audit, key, query, refused, serve, usd
from xapp.api.errors import Conflict, InvalidRequest, NotFound
from xapp.api.models import Money
from xapp.embedded import ServerThread
from xapp.server import clock, fx
from xapp.server.settings import ServerSettings


@pytest.fixture(autouse=True)
def real_time_after() -> Iterator[None]:
    yield
    clock.reset()


def jpy(yen: int) -> Money:
    return Money(amount=yen, currency="JPY")


async def test_a_quote_shows_rate_fee_and_what_arrives(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    await ada.wallet.deposit(usd(10_000))
    quote = await ada.wallet.quote(usd(10_000), "JPY")
    # $100.00 at 150 yen to the dollar, less the 0.50 % fee ($0.50): ¥14,925.
    assert (quote.sell, quote.fee, quote.rate, quote.buy) == (
        usd(10_000),
        usd(50),
        "150",
        jpy(14_925),
    )
    done = await ada.wallet.exchange(quote.id)
    assert (done.kind, done.amount, done.received, done.note) == (
        "exchange",
        usd(10_000),
        jpy(14_925),
        "USD → JPY at 150",
    )
    wallet = await ada.wallet.balances()
    assert wallet.balances == [jpy(14_925), usd(0)]
    fees = query(db_path, "SELECT balance FROM ledger_accounts WHERE key = ?", "system:fx_fees:USD")
    assert fees == [(50,)]
    # Listed once in the history.
    assert [t.kind for t in (await ada.wallet.history()).items] == ["exchange", "deposit"]
    assert audit(db_path).returncode == 0


async def test_an_expired_quote_is_refused(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    await ada.wallet.deposit(usd(10_000))
    quote = await ada.wallet.quote(usd(5_000), "EUR")
    clock.advance(31)
    with refused(Conflict, 409, "quote_expired", "This quote has expired: get a new one"):
        await ada.wallet.exchange(quote.id)
    assert (await ada.wallet.balances()).balances == [usd(10_000)]


async def test_a_quote_is_used_once(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.deposit(usd(10_000))
    quote = await ada.wallet.quote(usd(1_000), "GBP")
    with refused(NotFound, 404, "not_found", "That quote was not found"):
        await bob.wallet.exchange(quote.id)  # someone else's quote is not there
    same = key()
    first = await ada.wallet.exchange(quote.id, same)
    assert (await ada.wallet.exchange(quote.id, same)).id == first.id  # a retry, not twice
    with refused(Conflict, 409, "quote_used", "This quote was already used"):
        await ada.wallet.exchange(quote.id)
    assert (await ada.wallet.balances()).balances == [Money(amount=786, currency="GBP"), usd(9_000)]


async def test_refusals_say_why(people: People) -> None:
    ada = await people.signed_in("ada")
    with refused(
        InvalidRequest, 422, "same_currency", "Pick a different currency to exchange into"
    ):
        await ada.wallet.quote(usd(100), "USD")
    with refused(InvalidRequest, 422, "too_small", "¥1 is too little to buy any USD"):
        await ada.wallet.quote(jpy(1), "USD")
    quote = await ada.wallet.quote(usd(100), "KWD")  # KWD has three decimals
    # The fee on $1.00 is half a cent, rounded down to nothing: 0.307 KWD arrives.
    assert (quote.fee, quote.buy) == (usd(0), Money(amount=307, currency="KWD"))
    with pytest.raises(InvalidRequest, match="Insufficient funds"):
        await ada.wallet.exchange(quote.id)


async def test_a_round_trip_usd_jpy_usd_never_creates_money(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    await ada.wallet.deposit(usd(100_000))
    for cents in (7, 99, 1_001, 33_333):
        before = (await ada.wallet.balances()).balances
        there = await ada.wallet.exchange((await ada.wallet.quote(usd(cents), "JPY")).id)
        assert there.received is not None
        back = await ada.wallet.exchange((await ada.wallet.quote(there.received, "USD")).id)
        assert back.received is not None and back.received.amount <= cents
        after = (await ada.wallet.balances()).balances
        assert sum(m.amount for m in after if m.currency == "USD") <= sum(
            m.amount for m in before if m.currency == "USD"
        )
    assert audit(db_path).returncode == 0


@pytest.fixture
def free_server(db_path: Path) -> Iterator[ServerThread]:
    """No fee at all: the rounding alone must keep a round trip from minting money."""
    yield from serve(db_path, fx_fee_percent=Decimal(0))


async def test_without_a_fee_rounding_still_creates_nothing(free_server: ServerThread) -> None:
    people = People(free_server.url)
    try:
        ada = await people.signed_in("ada")
        await ada.wallet.deposit(usd(10))
        for _ in range(5):  # 1 cent is 1.5 yen: rounding up would make it 2, then 2 cents
            there = await ada.wallet.exchange((await ada.wallet.quote(usd(1), "JPY")).id)
            assert there.received == jpy(1)
            with pytest.raises(InvalidRequest, match="too little"):
                await ada.wallet.quote(jpy(1), "USD")
        assert (await ada.wallet.balances()).balances == [jpy(5), usd(5)]
    finally:
        await people.close()


PRICED = ServerSettings(db=":memory:")
CURRENCIES = sorted(PRICED.fx_rates)


@settings(max_examples=400, deadline=None)
@given(
    amount=st.integers(1, 10**12),
    there=st.sampled_from(CURRENCIES),
    back=st.sampled_from(CURRENCIES),
    fee=st.sampled_from([Decimal(0), Decimal("0.5"), Decimal("2")]),
)
def test_no_round_trip_between_any_two_currencies_returns_more(
    amount: int, there: str, back: str, fee: Decimal
) -> None:
    """The pricing itself, for every pair and any amount: a round trip A→B→A never
    returns more than it started with, whatever the fee, even none."""
    if there == back:
        return
    priced = PRICED.model_copy(update={"fx_fee_percent": fee})
    try:
        _, bought, _ = fx.price(priced, Money(amount=amount, currency=there), back)
        _, returned, _ = fx.price(priced, Money(amount=bought, currency=back), there)
    except fx.AppError:  # too little to buy anything: nothing moves
        return
    assert returned <= amount
