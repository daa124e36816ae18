"""The undo window: with it on, a payment is pending (held) and the payer can cancel it;
it is a two-phase transfer, pending then posted or voided."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import People, audit, balance_of, query, serve, usd
from xapp.api.errors import Conflict
from xapp.embedded import ServerThread


@pytest.fixture
def server(db_path: Path) -> Iterator[ServerThread]:
    yield from serve(db_path, undo_seconds=1.5)


async def test_cancel_inside_the_window_gives_the_money_back(people: People, db_path) -> None:
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
    await asyncio.sleep(2.0)
    assert balance_of(db_path, "bob") == 0
    with pytest.raises(Conflict, match="already cancelled"):
        await ada.wallet.cancel(payment.id)
    # Two balanced pairs: the hold, and the void back.
    assert query(
        db_path, "SELECT count(*), sum(amount) FROM postings WHERE transfer_id = ?", payment.id
    ) == [(4, 0)]
    assert audit(db_path).returncode == 0


async def test_the_payment_completes_when_the_window_ends(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.deposit(usd(1_000))
    payment = await ada.wallet.pay("bob", usd(400), "rent")
    for _ in range(40):
        await asyncio.sleep(0.1)
        if (await ada.wallet.get(payment.id)).status == "completed":
            break
    assert (await bob.wallet.get(payment.id)).status == "completed"
    assert balance_of(db_path, "bob") == 400
    assert balance_of(db_path, "ada") == 600
    with pytest.raises(Conflict, match="ask for a refund"):
        await ada.wallet.cancel(payment.id)
    assert audit(db_path).returncode == 0
