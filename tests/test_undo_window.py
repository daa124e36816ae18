"""The undo window: with it on, all money out (payments, paid requests, tips, refunds) is
pending (held) and the payer can cancel it; it is a two-phase transfer, pending then
posted or voided.

The window is long (`UNDO`) and the tests move the server's clock past it
(`xapp.server.clock`) and wait for the feed to say the payment completed, so nothing
here races the real clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import People, audit, balance_of, query, serve, usd
from xapp.api.client import ApiClient
from xapp.api.errors import ApiError, Conflict, InvalidRequest, NotFound
from xapp.api.feed import Feed
from xapp.api.models import Transfer, TransferUpdated
from xapp.embedded import ServerThread
from xapp.server import clock

UNDO = 600.0


@pytest.fixture
def server(db_path: Path) -> Iterator[ServerThread]:
    yield from serve(db_path, undo_seconds=UNDO)


@pytest.fixture(autouse=True)
def real_time_after() -> Iterator[None]:
    """Each test may move the server's clock; the next one starts on real time."""
    yield
    clock.reset()


async def run_out_the_window(
    server: ServerThread, party: ApiClient, *transfer_ids: str
) -> dict[str, Transfer]:
    """Move the server's clock past the undo window and wait until `party`'s feed says
    each of these transfers completed."""
    feed = Feed(server.url, party.token or "", (await party.accounts.me()).event_seq)
    clock.advance(UNDO + 1)
    done: dict[str, Transfer] = {}

    async def watch() -> None:
        async for event in feed:
            if isinstance(event, TransferUpdated) and event.data.transfer.status == "completed":
                done[event.data.transfer.id] = event.data.transfer
                if set(transfer_ids) <= set(done):
                    return

    try:
        await asyncio.wait_for(watch(), 10)
    finally:
        await feed.close()
    return done


async def test_cancel_inside_the_window_gives_the_money_back(
    people: People, server, db_path
) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.deposit(usd(1_000))
    payment = await ada.wallet.pay("bob", usd(400), "oops, wrong amount")
    assert payment.status == "pending" and payment.release_at is not None
    assert balance_of(db_path, "ada") == 600  # held, not spendable twice
    assert balance_of(db_path, "bob") == 0
    assert (await bob.wallet.history()).items == []  # the payee sees it when it completes
    voided = await ada.wallet.cancel(payment.id)
    assert voided.status == "voided"
    assert balance_of(db_path, "ada") == 1_000
    # A later payment released after the window shows the cancelled one never went.
    later = await ada.wallet.pay("bob", usd(100), "the right amount")
    await run_out_the_window(server, ada, later.id)
    assert balance_of(db_path, "bob") == 100
    with pytest.raises(Conflict, match="already cancelled"):
        await ada.wallet.cancel(payment.id)
    # Two balanced pairs: the hold, and the void back.
    assert query(
        db_path, "SELECT count(*), sum(amount) FROM postings WHERE transfer_id = ?", payment.id
    ) == [(4, 0)]
    assert audit(db_path).returncode == 0


async def completed_payment(
    people: People, server: ServerThread, deposit: int, amount: int
) -> tuple[ApiClient, ApiClient, Transfer]:
    """@ada (with `deposit`) paid @bob `amount`, and the undo window has run out."""
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.deposit(usd(deposit))
    payment = await ada.wallet.pay("bob", usd(amount), "rent")
    await run_out_the_window(server, ada, payment.id)
    return ada, bob, payment


async def test_the_payment_completes_when_the_window_ends(people: People, server, db_path) -> None:
    ada, bob, payment = await completed_payment(people, server, 1_000, 400)
    assert (await bob.wallet.get(payment.id)).status == "completed"
    assert balance_of(db_path, "bob") == 400
    assert balance_of(db_path, "ada") == 600
    with pytest.raises(Conflict, match="ask for a refund"):
        await ada.wallet.cancel(payment.id)
    assert audit(db_path).returncode == 0


async def test_only_the_payer_can_cancel(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    eve = await people.signed_in("eve")
    await ada.wallet.deposit(usd(1_000))
    payment = await ada.wallet.pay("bob", usd(400))
    with pytest.raises(ApiError, match="Only the payer can cancel a payment") as caught:
        await bob.wallet.cancel(payment.id)
    assert caught.value.status == 403
    with pytest.raises(NotFound):  # not a party: the payment does not exist for them
        await eve.wallet.cancel(payment.id)
    assert (await ada.wallet.get(payment.id)).status == "pending"
    assert balance_of(db_path, "ada") == 600


async def test_tips_paid_requests_and_refunds_are_held_too(people: People, server, db_path) -> None:
    ada, bob, payment = await completed_payment(people, server, 10_000, 1_000)

    # A refund is held: it counts against the payment at once (so the cap holds while it
    # waits), and cancelling it gives the room back.
    assert (await bob.wallet.preview_refund(payment.id, usd(400))).held_for == UNDO
    refund = await bob.wallet.refund(payment.id, usd(400), "too much")
    assert refund.status == "pending"
    assert (await bob.wallet.get(payment.id)).refunded == usd(400)
    with pytest.raises(InvalidRequest, match=r"at most \$6.00"):
        await bob.wallet.refund(payment.id, usd(700))
    await bob.wallet.cancel(refund.id)
    assert (await bob.wallet.get(payment.id)).refunded == usd(0)
    refund = await bob.wallet.refund(payment.id, usd(1_000), "all of it")

    # A tip is held.
    post = await bob.posts.create("tip jar")
    assert (await ada.wallet.preview_tip(post.id, usd(200))).held_for == UNDO
    tip = await ada.wallet.tip(post.id, usd(200))
    assert tip.status == "pending"

    # A paid request is held; the request shows paid, and cancelling opens it again.
    bill = await bob.bills.request(["ada"], usd(300), "lunch")
    asked = bill.requests[0].id
    assert (await ada.bills.preview_pay(asked)).held_for == UNDO
    paid = await ada.bills.pay(asked)
    assert paid.status == "pending"
    assert [(r.status, r.transfer_id) for r in (await bob.bills.get(bill.id)).requests] == [
        ("paid", paid.id)
    ]
    await ada.wallet.cancel(paid.id)
    assert [(r.status, r.transfer_id) for r in (await bob.bills.get(bill.id)).requests] == [
        ("open", None)
    ]
    paid = await ada.bills.pay(asked)

    assert balance_of(db_path, "ada") == 10_000 - 1_000 - 200 - 300
    assert balance_of(db_path, "bob") == 0  # the refund is held too
    done = await run_out_the_window(server, ada, refund.id, tip.id, paid.id)
    assert {done[t].kind for t in (refund.id, tip.id, paid.id)} == {"refund", "tip", "request"}
    assert balance_of(db_path, "ada") == 10_000 - 200 - 300
    assert balance_of(db_path, "bob") == 500
    assert (await ada.wallet.earnings()).total == usd(0)
    assert (await bob.wallet.earnings()).total == usd(200)
    assert audit(db_path).returncode == 0
