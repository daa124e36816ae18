"""Refunds: the payee sends back part or all, never more than received, linked both ways."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import People, audit, balance_of, take, usd
from xapp.api.errors import ApiError, Conflict, InvalidRequest, NotFound
from xapp.api.feed import Feed
from xapp.api.models import TransferUpdated


async def test_partial_then_full_refund_never_more_than_received(
    people: People, server, db_path
) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.deposit(usd(10_000))
    payment = await ada.wallet.pay("bob", usd(4_000), "deposit for the flat")
    since = (await ada.accounts.me()).event_seq

    first = await bob.wallet.refund(payment.id, usd(1_500), "you overpaid")
    assert (first.kind, first.refund_of, first.recipient.handle) == ("refund", payment.id, "ada")
    assert first.note == "you overpaid"
    with pytest.raises(InvalidRequest, match=r"at most \$25.00"):
        await bob.wallet.refund(payment.id, usd(2_501))
    second = await bob.wallet.refund(payment.id, usd(2_500))
    assert second.note == "Refund: deposit for the flat"
    assert (await ada.wallet.get(payment.id)).refunded == usd(4_000)
    with pytest.raises(InvalidRequest, match=r"at most \$0.00"):
        await bob.wallet.refund(payment.id, usd(1))
    assert balance_of(db_path, "ada") == 10_000
    assert balance_of(db_path, "bob") == 0

    # Ada's feed shows each refund arriving and the original's refunded amount growing.
    feed = Feed(server.url, ada.token, since)
    events = await take(feed, 4)
    await feed.close()
    assert all(isinstance(e, TransferUpdated) for e in events)
    assert [(e.data.transfer.id, e.data.transfer.refunded.amount) for e in events] == [
        (first.id, 0),
        (payment.id, 1_500),
        (second.id, 0),
        (payment.id, 4_000),
    ]
    assert audit(db_path).returncode == 0


async def test_only_the_payee_refunds_and_only_what_they_received(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    eve = await people.signed_in("eve")
    await ada.wallet.deposit(usd(1_000))
    deposit = (await ada.wallet.history()).items[0]
    payment = await ada.wallet.pay("bob", usd(500))
    with pytest.raises(ApiError, match="Only a payment you received"):
        await ada.wallet.refund(payment.id, usd(100))
    with pytest.raises(NotFound):
        await eve.wallet.refund(payment.id, usd(100))
    with pytest.raises(ApiError, match="Only a payment you received"):
        await ada.wallet.refund(deposit.id, usd(100))
    refund = await bob.wallet.refund(payment.id, usd(100))
    with pytest.raises(ApiError, match="Only a payment you received"):
        await ada.wallet.refund(refund.id, usd(100))  # a refund is not refunded back


async def test_concurrent_refunds_cannot_exceed_the_payment(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.deposit(usd(1_000))
    await bob.wallet.deposit(usd(10_000))
    payment = await ada.wallet.pay("bob", usd(1_000))

    async def refund() -> bool:
        try:
            await bob.wallet.refund(payment.id, usd(300))
            return True
        except InvalidRequest:
            return False

    done = await asyncio.gather(*(refund() for _ in range(10)))
    assert done.count(True) == 3
    assert (await bob.wallet.get(payment.id)).refunded == usd(900)
    assert balance_of(db_path, "ada") == 900
    with pytest.raises(Conflict):
        await ada.wallet.cancel(payment.id)


async def test_a_refund_goes_back_across_a_block(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    troll = await people.signed_in("troll")
    await troll.wallet.deposit(usd(1_000))
    payment = await troll.wallet.pay("ada", usd(600), "sorry")
    await ada.accounts.block("troll")
    back = await ada.wallet.refund(payment.id, usd(600), "keep your money")
    assert (back.kind, back.recipient.handle, back.status) == ("refund", "troll", "completed")
    assert (balance_of(db_path, "ada"), balance_of(db_path, "troll")) == (0, 1_000)
