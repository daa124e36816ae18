"""The payments PIN: needed for every payment once set, five wrong tries lock payments."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, People, balance_of, query, serve, usd
from xapp.api.errors import ApiError, InvalidRequest
from xapp.embedded import ServerThread


async def test_once_set_every_payment_needs_the_pin(people: People, db_path) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    await alice.wallet.deposit(usd(10_000))
    await bob.wallet.deposit(usd(1_000))
    gift = await bob.wallet.pay("alice", usd(500), "for the flat")
    post = await bob.posts.create("tip jar")
    assert not (await alice.accounts.me()).has_pin
    await alice.wallet.pay("bob", usd(100))  # no PIN yet: allowed (the app asks for one first)

    with pytest.raises(ApiError, match="password is not right") as caught:
        await alice.wallet.set_pin("wrong password", "1234")
    assert caught.value.status == 403
    with pytest.raises(InvalidRequest):
        await alice.wallet.set_pin(PASSWORD, "12ab")
    await alice.wallet.set_pin(PASSWORD, "4821")
    assert (await alice.accounts.me()).has_pin
    [(stored,)] = query(db_path, "SELECT pin_hash FROM accounts WHERE handle = 'alice'")
    assert stored.startswith("$argon2id$") and "4821" not in stored

    bill = await bob.bills.request(["alice"], usd(300), "lunch")
    for attempt in (
        lambda pin: alice.wallet.pay("bob", usd(100), pin=pin),
        lambda pin: alice.wallet.tip(post.id, usd(100), pin=pin),
        lambda pin: alice.bills.pay(bill.requests[0].id, pin=pin),
        lambda pin: alice.wallet.refund(gift.id, usd(200), pin=pin),
    ):
        with pytest.raises(ApiError, match="needs your payments PIN") as caught:
            await attempt(None)
        assert caught.value.status == 403
        await attempt("4821")
    assert balance_of(db_path, "bob") == 1_000 - 500 + 100 + 100 + 100 + 300 + 200


async def test_five_wrong_pins_lock_payments_for_fifteen_minutes(people: People, db_path) -> None:
    alice = await people.signed_in("alice")
    await people.signed_in("bob")
    await alice.wallet.deposit(usd(1_000))
    await alice.wallet.set_pin(PASSWORD, "123456")
    messages = []
    for _ in range(5):
        with pytest.raises(ApiError) as caught:
            await alice.wallet.pay("bob", usd(100), pin="000000")
        messages.append((caught.value.status, caught.value.message))
    assert messages[0] == (
        403,
        "Wrong PIN. 4 tries left before payments lock for 15 minutes.",
    )
    assert messages[3][1].startswith("Wrong PIN. 1 try left")
    assert messages[4] == (
        423,
        "Payments are locked after 5 wrong PINs. Try again in 15 minutes.",
    )
    # Locked: even the right PIN is refused, and nothing moved.
    with pytest.raises(ApiError, match="locked") as caught:
        await alice.wallet.pay("bob", usd(100), pin="123456")
    assert caught.value.status == 423
    assert balance_of(db_path, "alice") == 1_000
    # Fifteen minutes later (the lock's end moved into the past) the right PIN works.
    query(db_path, "UPDATE accounts SET pin_locked_until = 1 WHERE handle = 'alice'")
    await alice.wallet.pay("bob", usd(100), pin="123456")
    assert balance_of(db_path, "alice") == 900


@pytest.fixture
def slow_pin_server(tmp_path: Path) -> Iterator[ServerThread]:
    """Argon2 slow enough (~0.1 s a check) that a burst lands while guesses are checked."""
    yield from serve(tmp_path / "slow.db", argon2_time_cost=16)


@pytest.fixture
async def slow_people(slow_pin_server: ServerThread) -> AsyncIterator[People]:
    registry = People(slow_pin_server.url)
    yield registry
    await registry.close()


async def test_a_burst_of_guesses_gets_no_more_tries_than_a_patient_guesser(
    slow_people: People, tmp_path: Path
) -> None:
    db_path = tmp_path / "slow.db"
    alice = await slow_people.signed_in("alice")
    await slow_people.signed_in("bob")
    await alice.wallet.deposit(usd(1_000))
    await alice.wallet.set_pin(PASSWORD, "7777")
    guesses = [f"{n:04d}" for n in range(40)]
    guesses[5] = "7777"  # the right PIN, 6th of 40: next after the five being checked

    async def guess(pin: str) -> int:
        try:
            await alice.wallet.pay("bob", usd(100), pin=pin)
            return 201
        except ApiError as exc:
            return exc.status

    def counted() -> tuple[int, int]:
        [row] = query(
            db_path, "SELECT pin_attempts, pin_locked_until FROM accounts WHERE handle = 'alice'"
        )
        return row

    # Five wrong guesses are counted and being checked (or already checked: then locked)…
    first = [asyncio.create_task(guess(pin)) for pin in guesses[:5]]
    for _ in range(3_000):
        attempts, locked_until = counted()
        if attempts == 5 or locked_until:
            break
        await asyncio.sleep(0.005)
    # …so the other 35, the right PIN among them, are not checked at all.
    rest = await asyncio.gather(*(guess(pin) for pin in guesses[5:]))
    assert sorted(await asyncio.gather(*first)) == [403, 403, 403, 403, 423]
    assert set(rest) <= {423, 429}, rest  # locked, or "too many attempts at once"
    assert counted()[1] > 0
    assert balance_of(db_path, "alice") == 1_000
