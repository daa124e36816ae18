"""Exactly once under fire: one key, a hundred identical requests at the same instant."""

from __future__ import annotations

import asyncio

import httpx

from tests.conftest import People, balance_of, key, query, usd

BODY = {"to": "bob", "amount": {"amount": 1_000, "currency": "USD"}, "note": "rent"}


async def test_a_hundred_concurrent_sends_with_one_key_move_money_once(
    people: People, server, db_path
) -> None:
    alice = await people.signed_in("alice")
    await people.signed_in("bob")
    await alice.wallet.deposit(usd(5_000))
    same = key()
    headers = {"Authorization": f"Bearer {alice.token}", "Idempotency-Key": same}
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=60) as http:
        responses = await asyncio.gather(
            *(http.post("/v1/transfers", json=BODY, headers=headers) for _ in range(100))
        )
    statuses = {r.status_code for r in responses}
    assert statuses <= {201, 409}, statuses
    created = [r.content for r in responses if r.status_code == 201]
    assert len(set(created)) == 1  # every answer is byte for byte the first one
    assert query(db_path, "SELECT count(*) FROM transfers WHERE kind = 'payment'") == [(1,)]
    assert balance_of(db_path, "alice") == 4_000
    assert balance_of(db_path, "bob") == 1_000


async def test_retries_racing_the_first_send_never_hear_it_spent_their_money(
    people: People, server, db_path
) -> None:
    """The balance covers the payment once. A retry racing the first attempt must get
    the first attempt's answer, not "insufficient funds" from re-running it."""
    alice = await people.signed_in("alice")
    await people.signed_in("bob")
    await alice.wallet.deposit(usd(1_000))
    headers = {"Authorization": f"Bearer {alice.token}", "Idempotency-Key": key()}
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=60) as http:
        responses = await asyncio.gather(
            *(http.post("/v1/transfers", json=BODY, headers=headers) for _ in range(50))
        )
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses][:3]
    assert len({r.content for r in responses}) == 1
    assert balance_of(db_path, "alice") == 0
    assert balance_of(db_path, "bob") == 1_000


async def test_a_key_is_bound_to_its_body_and_to_its_account(
    people: People, server, db_path
) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    await alice.wallet.deposit(usd(5_000))
    await bob.wallet.deposit(usd(5_000))
    same = key()
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        first = await http.post(
            "/v1/transfers",
            json=BODY,
            headers={"Authorization": f"Bearer {alice.token}", "Idempotency-Key": same},
        )
        other_body = {**BODY, "note": "not rent"}
        changed = await http.post(
            "/v1/transfers",
            json=other_body,
            headers={"Authorization": f"Bearer {alice.token}", "Idempotency-Key": same},
        )
        # Bob replays Alice's key and body: he gets his own answer, never hers.
        replay = await http.post(
            "/v1/transfers",
            json={**BODY, "to": "alice"},
            headers={"Authorization": f"Bearer {bob.token}", "Idempotency-Key": same},
        )
    assert first.status_code == 201
    assert changed.status_code == 422
    assert changed.json()["error"]["code"] == "idempotency_key_reused"
    assert replay.status_code == 201
    assert replay.json()["id"] != first.json()["id"]
    assert replay.json()["sender"]["handle"] == "bob"
    assert balance_of(db_path, "alice") == 5_000 - 1_000 + 1_000
