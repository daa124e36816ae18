"""The regulated wallet: identity verification (a simulated review with a reason), tiers
as data with daily and monthly send limits enforced inside the payment's transaction (so
parallel payments cannot pass one together), and regions that say what is offered where,
refused on every money path with a sentence naming the rule."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import People, audit, query, refused, serve, usd
from xapp.api.errors import ApiError, Conflict, InvalidRequest
from xapp.api.models import Money
from xapp.embedded import ServerThread
from xapp.server import clock

ADULT = dt.date(1990, 5, 17)


@pytest.fixture(autouse=True)
def real_time_after() -> Iterator[None]:
    yield
    clock.reset()


class Refused:
    """Match an ApiError by its code and sentence, whatever its class."""

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, tb) -> bool:
        assert isinstance(error, ApiError), f"expected a refusal, got {error!r}"
        assert (error.code, error.message) == (self.code, self.message)
        return True


async def test_verification_is_reviewed_and_says_why(people: People) -> None:
    ada = await people.signed_in("ada")
    mine = await ada.wallet.verification()
    assert (mine.status, mine.tier, mine.region) == ("unverified", "unverified", None)
    assert (mine.limits.daily, mine.limits.monthly) == (usd(250_000), usd(1_000_000))
    assert not mine.limits.withdrawals

    seventeen = dt.date.today() - dt.timedelta(days=365 * 17)
    young = await ada.wallet.verify("Ada Lovelace", seventeen, "US")
    assert (young.status, young.reason) == (
        "rejected",
        "You must be 18 or older to use xapp's money features",
    )
    elsewhere = await ada.wallet.verify("Ada Lovelace", ADULT, "ZZ")
    assert (elsewhere.status, elsewhere.reason) == ("rejected", "xapp doesn't operate in ZZ yet")
    done = await ada.wallet.verify("Ada Lovelace", ADULT, "GB")
    assert (done.status, done.tier, done.limits.daily) == ("approved", "verified", usd(1_000_000))
    assert done.region is not None and done.region.name == "United Kingdom"
    with refused(Conflict, 409, "verified", "You are verified already"):
        await ada.wallet.verify("Ada Lovelace", ADULT, "US")
    with pytest.raises(InvalidRequest):
        await ada.wallet.verify("Ada Lovelace", ADULT, "united kingdom")


@pytest.fixture
def slow_review(db_path: Path) -> Iterator[ServerThread]:
    yield from serve(db_path, verification_seconds=600)


async def test_a_review_takes_its_time(slow_review: ServerThread) -> None:
    people = People(slow_review.url)
    try:
        bob = await people.signed_in("bob")
        pending = await bob.wallet.verify("Bob Builder", ADULT, "US", business=True)
        assert (pending.status, pending.tier) == ("pending", "unverified")
        with refused(Conflict, 409, "pending", "Your verification is being reviewed"):
            await bob.wallet.verify("Bob Builder", ADULT, "US")
        clock.advance(601)
        for _ in range(100):
            if (await bob.wallet.verification()).status == "approved":
                break
            await asyncio.sleep(0.05)
        approved = await bob.wallet.verification()
        assert (approved.status, approved.tier) == ("approved", "business")
    finally:
        await people.close()


async def test_parallel_payments_cannot_pass_the_daily_limit_together(
    people: People, db_path
) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(1_000_000))
    await ada.wallet.deposit(Money(amount=9_200, currency="EUR"))
    answers = await asyncio.gather(
        *(ada.wallet.pay("bob", usd(20_000), f"#{n}") for n in range(20)), return_exceptions=True
    )
    sent = [a for a in answers if not isinstance(a, BaseException)]
    over = [a for a in answers if isinstance(a, ApiError) and a.code == "limit_exceeded"]
    assert (len(sent), len(over)) == (12, 8), answers  # $2,400 of $2,500; a 13th is over
    assert over[0].message == (
        "This would take you over your daily limit of $2,500.00: you have sent $2,400.00 "
        "today. Verify your identity for higher limits."
    )
    (totals,) = query(db_path, "SELECT sent FROM send_totals WHERE period LIKE ?", "d%")
    assert totals == (240_000,)
    # The preview says so before the PIN; other currencies count at the mid-market rate.
    with Refused("limit_exceeded", over[0].message):
        await ada.wallet.preview_payment("bob", usd(20_000))
    await ada.wallet.pay("bob", Money(amount=9_200, currency="EUR"))  # €92.00 = $100.00
    with Refused("limit_exceeded", over[0].message.replace("$2,400.00", "$2,500.00")):
        await ada.wallet.pay("bob", usd(1))
    assert audit(db_path).returncode == 0


async def test_a_refund_counts_against_no_limit(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.deposit(usd(250_000))
    await bob.wallet.deposit(usd(250_000))
    paid = await ada.wallet.pay("bob", usd(100_000))
    await bob.wallet.pay("ada", usd(250_000))  # bob's whole day
    refund = await bob.wallet.refund(paid.id, usd(100_000))  # still allowed: money back
    assert refund.status == "completed"


async def test_each_region_refuses_what_it_does_not_offer(people: People, db_path) -> None:
    kuwait = await people.signed_in("kuwait")
    canada = await people.signed_in("canada")
    france = await people.signed_in("france")
    for client, country in ((kuwait, "KW"), (canada, "CA"), (france, "FR")):
        await client.wallet.verify(country.title(), ADULT, country)
        await client.wallet.deposit(usd(50_000))
        await client.wallet.link_bank("Someone", "021000021", "000123456789")
    with Refused("not_in_region", "Savings aren't available in Kuwait yet"):
        await kuwait.wallet.to_savings(usd(100))
    with Refused("not_in_region", "Exchanges between currencies aren't available in Kuwait yet"):
        await kuwait.wallet.quote(usd(100), "EUR")
    await kuwait.wallet.pay("canada", usd(100))  # payments are
    with Refused("not_in_region", "Withdrawals to a bank aren't available in Canada yet"):
        await canada.wallet.withdraw(usd(100))
    # Regions are data: an operator turns payments off in France.
    query(db_path, "UPDATE regions SET payments = ? WHERE code = 'FR'", False)
    sorry = "Payments aren't available in France yet"
    with Refused("not_in_region", sorry):
        await france.wallet.pay("kuwait", usd(100))
    post = await kuwait.posts.create("worth a tip")
    with Refused("not_in_region", sorry):
        await france.wallet.tip(post.id, usd(100))
    bill = await kuwait.bills.request(["france"], usd(100))
    with Refused("not_in_region", sorry):
        await france.bills.pay(bill.requests[0].id)
    with Refused("not_in_region", sorry):
        await france.wallet.preview_payment("kuwait", usd(100))
    assert audit(db_path).returncode == 0


async def test_an_unverified_account_cannot_withdraw(people: People) -> None:
    ada = await people.signed_in("ada")
    await ada.wallet.deposit(usd(5_000))
    await ada.wallet.link_bank("Ada", "021000021", "000123456789")
    with Refused("verify_first", "Verify your identity to send money to a bank (V in the wallet)"):
        await ada.wallet.withdraw(usd(100))
