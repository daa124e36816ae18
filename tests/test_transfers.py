"""Money: deposits, transfers, insufficient funds, exactly-once, and the ledger audit."""

from __future__ import annotations

import asyncio
import random

import httpx
import pytest

from tests.conftest import People, audit, balance_of, key, query, usd
from xapp.api.client import AttemptKey
from xapp.api.errors import InsufficientFunds, InvalidRequest, NotFound


async def test_transfer_moves_the_right_amounts(people: People, db_path) -> None:
    alice = await people.signed_in("alice", "Alice Liddell")
    bob = await people.signed_in("bob")
    deposit = await alice.wallet.deposit(usd(10_000))
    assert deposit.kind == "deposit" and deposit.sender is None
    transfer = await alice.wallet.pay("@bob", usd(1_250), "pizza 🍕")
    assert (transfer.sender.handle, transfer.recipient.handle) == ("alice", "bob")
    assert transfer.amount == usd(1_250) and transfer.note == "pizza 🍕"
    assert (await alice.wallet.balances()).balances == [usd(8_750)]
    assert (await bob.wallet.balances()).balances == [usd(1_250)]
    assert balance_of(db_path, "alice") == 8_750
    assert [t.id for t in (await bob.wallet.history()).items] == [transfer.id]
    assert [t.kind for t in (await alice.wallet.history()).items] == ["payment", "deposit"]


async def test_insufficient_funds_is_clear_and_changes_nothing(people: People, db_path) -> None:
    alice = await people.signed_in("alice")
    await people.signed_in("bob")
    await alice.wallet.deposit(usd(500))
    with pytest.raises(InsufficientFunds) as caught:
        await alice.wallet.pay("bob", usd(501), "too much")
    assert caught.value.status == 422
    assert caught.value.message == (
        "Insufficient funds: your balance is $5.00, this payment is $5.01"
    )
    assert balance_of(db_path, "alice") == 500
    assert balance_of(db_path, "bob") == 0
    assert query(db_path, "SELECT count(*) FROM transfers WHERE kind='payment'") == [(0,)]


async def test_idempotent_retry_returns_the_same_transfer(people: People, db_path) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    await alice.wallet.deposit(usd(5_000))
    same = key()
    results = await asyncio.gather(
        *(alice.wallet.pay("bob", usd(1_000), "rent", key=same) for _ in range(20))
    )
    assert len({r.model_dump_json() for r in results}) == 1
    assert balance_of(db_path, "alice") == 4_000
    with pytest.raises(InvalidRequest, match="different request"):
        await alice.wallet.pay("bob", usd(999), "rent", key=same)
    # Keys are per user: bob's use of the same key is his own request.
    await bob.wallet.deposit(usd(100), key=same)
    assert balance_of(db_path, "bob") == 1_100


async def test_money_input_is_validated(people: People, server) -> None:
    alice = await people.signed_in("alice")
    await alice.wallet.deposit(usd(100))
    with pytest.raises(NotFound, match="@ghost"):
        await alice.wallet.pay("ghost", usd(1))
    with pytest.raises(InvalidRequest, match="yourself"):
        await alice.wallet.pay("alice", usd(1))
    with pytest.raises(InvalidRequest, match="more than zero"):
        await alice.wallet.pay("alice", usd(0))
    async with httpx.AsyncClient(base_url=server.url) as http:
        headers = {"Authorization": f"Bearer {alice.token}", "Idempotency-Key": key()}
        for amount in ({"amount": 1.5, "currency": "USD"}, {"amount": 100, "currency": "XXX"}):
            response = await http.post("/v1/deposits", json={"amount": amount}, headers=headers)
            assert response.status_code == 422, amount
        response = await http.post(
            "/v1/deposits",
            json={"amount": {"amount": 100, "currency": "USD"}},
            headers={"Authorization": f"Bearer {alice.token}"},
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "idempotency_key_required"


async def test_audit_passes_after_a_burst_of_concurrent_transfers(people: People, db_path) -> None:
    handles = ["ann", "ben", "cat", "dan", "eva"]
    clients = [await people.signed_in(h) for h in handles]
    for client in clients:
        await client.wallet.deposit(usd(2_000))
    rng = random.Random(42)

    async def pay(client) -> str:
        try:
            await client.wallet.pay(rng.choice(handles), usd(rng.randint(1, 900)))
            return "ok"
        except InsufficientFunds:
            return "short"
        except InvalidRequest:
            return "self"

    outcomes = await asyncio.gather(*(pay(rng.choice(clients)) for _ in range(150)))
    assert outcomes.count("ok") > 50
    total = sum(balance_of(db_path, h) for h in handles)
    assert total == 5 * 2_000
    assert all(balance_of(db_path, h) >= 0 for h in handles)

    result = audit(db_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ledger OK" in result.stdout


async def test_overdraft_race_fifty_payments_of_ten_on_a_hundred(people: People, db_path) -> None:
    alice = await people.signed_in("alice")
    await people.signed_in("bob")
    await alice.wallet.deposit(usd(10_000))

    async def pay() -> str:
        try:
            await alice.wallet.pay("bob", usd(1_000), "race")
            return "ok"
        except InsufficientFunds as exc:
            return exc.message

    outcomes = await asyncio.gather(*(pay() for _ in range(50)))
    assert outcomes.count("ok") == 10
    refused = [o for o in outcomes if o != "ok"]
    assert len(refused) == 40
    assert set(refused) == {"Insufficient funds: your balance is $0.00, this payment is $10.00"}
    assert balance_of(db_path, "alice") == 0
    assert balance_of(db_path, "bob") == 10_000
    assert query(db_path, "SELECT count(*) FROM transfers WHERE kind = 'payment'") == [(10,)]
    assert audit(db_path).returncode == 0


async def test_audit_fails_loudly_when_a_balance_is_tampered_with(people: People, db_path) -> None:
    alice = await people.signed_in("alice")
    await alice.wallet.deposit(usd(700))
    query(db_path, "UPDATE ledger_accounts SET balance = balance + 1 WHERE owner_id IS NOT NULL")
    result = audit(db_path)
    assert result.returncode == 1
    assert "LEDGER BROKEN" in result.stdout
    assert "balance 701 != postings total 700" in result.stdout
    assert "USD accounts sum to 1, not 0" in result.stdout


async def test_a_resent_payment_keeps_its_key_and_moves_money_once(people: People, db_path) -> None:
    alice = await people.signed_in("alice")
    await people.signed_in("bob")
    await alice.wallet.deposit(usd(1_000))
    attempt = AttemptKey()
    for _ in range(3):  # the user pressing send again after a timeout
        await alice.wallet.pay("bob", usd(100), "lunch", key=attempt.key_for(("bob", 100, "lunch")))
    assert balance_of(db_path, "bob") == 100
    await alice.wallet.pay("bob", usd(200), "lunch", key=attempt.key_for(("bob", 200, "lunch")))
    assert balance_of(db_path, "bob") == 300
