"""The bank rail: money enters and leaves xapp only through a linked bank.

A server with no instant deposits (as `xapp serve` is): a deposit is pending, and not
spendable, until the sandbox rail settles it; a withdrawal is held at once and posts or
voids when the rail answers; a settled transfer can come back later (an ACH return),
and comes back once. The rail answers `SETTLE` seconds after an order and a return
`RETURN` seconds after that; the tests move the server's clock (`xapp.server.clock`)
and wait for the server's own loop to book the answers, so nothing races real time.
The sandbox behaves by the account number: ...0001 fails, ...0002 is returned.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, People, audit, balance_of, query, refused, serve, usd
from xapp.api.client import ApiClient
from xapp.api.errors import ApiError, Conflict, InsufficientFunds, InvalidRequest
from xapp.api.models import BankTransfer
from xapp.embedded import ServerThread
from xapp.server import accounts, banking, clock, payments
from xapp.server.rail import Answer, SandboxRail

SETTLE = 600.0
RETURN = 3600.0
CHASE = "021000021"
GOOD, FAILS, RETURNED = "000123456789", "000123450001", "000123450002"


@pytest.fixture
def server(db_path: Path) -> Iterator[ServerThread]:
    yield from serve(
        db_path, instant_deposits=False, rail_settle_seconds=SETTLE, rail_return_seconds=RETURN
    )


@pytest.fixture(autouse=True)
def real_time_after() -> Iterator[None]:
    yield
    clock.reset()


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait (10 s at most) for the server's loop to have booked what the rail said."""
    for _ in range(200):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


async def last_bank_transfer(client: ApiClient) -> BankTransfer:
    return (await client.wallet.bank_transfers())[0]


async def status_is(client: ApiClient, status: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return (await last_bank_transfer(client)).status == status

    return check


async def linked(people: People, handle: str, number: str = GOOD) -> ApiClient:
    """Verified (withdrawals need it) with a bank account linked."""
    client = await people.signed_in(handle)
    await client.wallet.verify(handle.title(), dt.date(1990, 5, 17), "US")
    await client.wallet.link_bank(handle.title(), CHASE, number)
    return client


async def test_nobody_can_create_money_without_a_bank(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    with refused(Conflict, 409, "no_bank_account", "Link a bank account first (b in the wallet)"):
        await ada.wallet.deposit(usd(1_000_000))
    assert balance_of(db_path, "ada") == 0
    assert query(db_path, "SELECT count(*) FROM transfers") == [(0,)]


async def test_a_linked_account_is_kept_masked_and_checked(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    with refused(
        InvalidRequest,
        422,
        "bad_routing_number",
        "That routing number isn't valid: check its 9 digits",
    ):
        await ada.wallet.link_bank("Ada", "123456789", GOOD)
    bank = await ada.wallet.link_bank("Ada Lovelace", CHASE, GOOD)
    assert (bank.bank_name, bank.last4) == ("JPMorgan Chase", "6789")
    assert (await ada.wallet.balances()).bank == bank
    # xapp's own table never holds the number (only the rail's books do).
    assert query(db_path, "SELECT holder, bank_name, last4 FROM bank_links") == [
        ("Ada Lovelace", "JPMorgan Chase", "6789")
    ]


async def test_a_pending_deposit_cannot_be_spent(people: People, db_path) -> None:
    ada = await linked(people, "ada")
    await people.signed_in("bob")
    deposit = await ada.wallet.deposit(usd(50_000))
    assert (deposit.status, deposit.note) == ("pending", "From JPMorgan Chase ••6789")
    wallet = await ada.wallet.balances()
    assert wallet.balances == [] or wallet.balances[0].amount == 0
    assert wallet.pending == [usd(50_000)]
    with refused(
        InsufficientFunds,
        422,
        "insufficient_funds",
        "Insufficient funds: your balance is $0.00, this payment is $10.00",
    ):
        await ada.wallet.pay("bob", usd(1_000))

    clock.advance(SETTLE + 1)
    await until(await status_is(ada, "settled"), "the deposit settled")
    wallet = await ada.wallet.balances()
    assert wallet.balances == [usd(50_000)] and wallet.pending == []
    assert (await ada.wallet.get(deposit.id)).status == "completed"
    await ada.wallet.pay("bob", usd(1_000))
    assert balance_of(db_path, "bob") == 1_000
    assert audit(db_path).returncode == 0


async def test_a_withdrawal_is_held_then_posted(people: People, db_path, server) -> None:
    ada = await linked(people, "ada")
    await ada.wallet.deposit(usd(20_000))
    clock.advance(SETTLE + 1)
    await until(await status_is(ada, "settled"), "the deposit settled")

    out = await ada.wallet.withdraw(usd(5_000))
    assert (out.kind, out.status, out.note) == ("withdrawal", "pending", "To JPMorgan Chase ••6789")
    wallet = await ada.wallet.balances()
    assert wallet.balances == [usd(15_000)] and wallet.held == [usd(5_000)]
    with refused(
        Conflict, 409, "sent_to_bank", "A bank transfer can't be cancelled once it is sent"
    ):
        await ada.wallet.cancel(out.id)

    clock.advance(SETTLE + 1)
    await until(await status_is(ada, "settled"), "the withdrawal settled")
    wallet = await ada.wallet.balances()
    assert wallet.balances == [usd(15_000)] and wallet.held == []
    assert (await ada.wallet.get(out.id)).status == "completed"
    # Listed once in the history, as money out.
    kinds = [(t.kind, t.status) for t in (await ada.wallet.history()).items]
    assert kinds == [("withdrawal", "completed"), ("deposit", "completed")]
    assert audit(db_path).returncode == 0


async def test_a_failed_withdrawal_comes_back_once(people: People, db_path, server) -> None:
    ada = await linked(people, "ada", FAILS)
    server.call(lambda: _instant_deposit(server, "ada", 10_000))
    out = await ada.wallet.withdraw(usd(4_000))
    assert balance_of(db_path, "ada") == 6_000

    clock.advance(SETTLE + 1)
    await until(await status_is(ada, "failed"), "the bank refused the withdrawal")
    bank = await last_bank_transfer(ada)
    assert bank.reason == "Account closed"
    assert (await ada.wallet.get(out.id)).status == "voided"
    assert balance_of(db_path, "ada") == 10_000

    # The same answer delivered again books nothing.
    again = Answer(_rail_ref(db_path, out.id), "failed", "Account closed")
    assert not server.call(lambda: _book(server, again))
    assert balance_of(db_path, "ada") == 10_000
    assert audit(db_path).returncode == 0


async def test_a_returned_withdrawal_comes_back_once(people: People, db_path, server) -> None:
    ada = await linked(people, "ada", RETURNED)
    server.call(lambda: _instant_deposit(server, "ada", 10_000))
    out = await ada.wallet.withdraw(usd(4_000))
    clock.advance(SETTLE + 1)
    await until(await status_is(ada, "settled"), "the withdrawal settled")
    assert balance_of(db_path, "ada") == 6_000

    clock.advance(RETURN + 1)
    await until(await status_is(ada, "returned"), "the bank sent it back")
    assert balance_of(db_path, "ada") == 10_000
    back = (await ada.wallet.history()).items[0]
    assert (back.kind, back.refund_of, back.amount) == ("return", out.id, usd(4_000))
    assert back.note == "Returned by your bank: R03 No account/unable to locate"

    again = Answer(_rail_ref(db_path, out.id), "returned", "R03")
    assert not server.call(lambda: _book(server, again))
    await asyncio.sleep(1.5)  # a few more passes of the server's loop find nothing to do
    assert balance_of(db_path, "ada") == 10_000
    assert query(db_path, "SELECT count(*) FROM transfers WHERE kind = 'return'") == [(1,)]
    assert audit(db_path).returncode == 0


async def test_a_returned_deposit_already_spent_is_the_platforms_loss(
    people: People, db_path
) -> None:
    ada = await linked(people, "ada", RETURNED)
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(3_000))
    clock.advance(SETTLE + 1)
    await until(await status_is(ada, "settled"), "the deposit settled")
    await ada.wallet.pay("bob", usd(2_000))

    clock.advance(RETURN + 1)
    await until(await status_is(ada, "returned"), "the bank took the deposit back")
    assert balance_of(db_path, "ada") == 0  # never below zero
    assert balance_of(db_path, "bob") == 2_000
    loss = query(
        db_path, "SELECT balance FROM ledger_accounts WHERE key = ?", "system:bank_returns_loss:USD"
    )
    assert loss == [(-2_000,)]
    clearing = query(
        db_path, "SELECT balance FROM ledger_accounts WHERE key = ?", "system:bank_clearing:USD"
    )
    assert clearing == [(0,)]  # the bank has all its money back
    assert audit(db_path).returncode == 0


async def test_concurrent_withdrawals_cannot_overdraw(people: People, db_path, server) -> None:
    ada = await linked(people, "ada")
    server.call(lambda: _instant_deposit(server, "ada", 1_000))
    answers = await asyncio.gather(
        *(ada.wallet.withdraw(usd(100)) for _ in range(25)), return_exceptions=True
    )
    sent = [a for a in answers if not isinstance(a, BaseException)]
    refusals = [a for a in answers if isinstance(a, InvalidRequest)]
    assert len(sent) == 10 and len(refusals) == 15
    assert balance_of(db_path, "ada") == 0
    assert (await ada.wallet.balances()).held == [usd(1_000)]
    assert audit(db_path).returncode == 0


async def test_a_withdrawal_takes_the_pin_like_any_money_out(people: People) -> None:
    ada = await linked(people, "ada")
    await ada.wallet.set_pin(PASSWORD, "4821")
    with pytest.raises(ApiError, match="needs your payments PIN"):
        await ada.wallet.withdraw(usd(100))
    with pytest.raises(ApiError, match="needs your payments PIN"):
        await ada.wallet.link_bank("Ada", CHASE, FAILS)  # where withdrawals go needs it too


async def test_no_withdrawal_without_a_bank(people: People) -> None:
    ada = await people.signed_in("ada")
    with refused(Conflict, 409, "no_bank_account", "Link a bank account first (b in the wallet)"):
        await ada.wallet.withdraw(usd(100))


# --- helpers that run on the server's loop ---------------------------------------------------


async def _instant_deposit(server: ServerThread, handle: str, cents: int) -> None:
    """Money that settled long ago (the test is about what happens next)."""
    db = server.app.state.db
    async with db.write() as tx:
        account = await accounts.by_handle(tx.conn, handle)
        await payments.deposit(tx, account, usd(cents), minted_for="instant_deposit")


async def _book(server: ServerThread, answer: Answer) -> bool:
    db = server.app.state.db
    rail = SandboxRail(SETTLE, RETURN)  # the sandbox bank's books are in the database
    async with db.write() as tx:
        return await banking.book(tx, rail, answer)


def _rail_ref(db_path, transfer_id: str) -> str:
    return query(db_path, "SELECT rail_ref FROM bank_transfers WHERE id = ?", transfer_id)[0][0]


async def test_the_audit_notices_money_held_for_nothing(people: People, db_path) -> None:
    """A deposit marked settled without its money moving on: every sum still balances,
    but the bank's hold holds money no pending transfer accounts for."""
    ada = await linked(people, "ada")
    deposit = await ada.wallet.deposit(usd(700))
    assert audit(db_path).returncode == 0
    query(db_path, "UPDATE transfers SET status = 'completed' WHERE id = ?", deposit.id)
    result = audit(db_path)
    assert result.returncode != 0
    assert "system:bank_incoming:USD holds 700, its pending transfers 0" in result.stdout
