"""Savings: a money-market position that pays a daily dividend, monthly.

The first tests go through the API as a person does. The year test runs the server's own
dividend job (`savings.pay_dividends`, what its loop runs every second) over 365 days of
the server's clock, on 10,000 positions seeded with random balances and a few hundred
moves in and out along the way, and checks it against exact rational arithmetic done
here, independently: every dividend equals the interest-expense debit, each position's
dividends are within one minor unit of the exact interest its real end-of-day balances
earned, the ledger's balances are what that arithmetic says, and a second run on a fresh
database is byte-identical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import People, PgDatabase, Store, audit, query, server_settings, usd
from xapp.api.errors import InsufficientFunds, InvalidRequest
from xapp.api.models import Money
from xapp.embedded import ServerThread
from xapp.server import accounts, clock, ledger, payments, savings
from xapp.server.schema import (
    accounts as accounts_table,
)
from xapp.server.schema import (
    ledger_accounts,
    minted,
    new_id,
    postings,
    savings_positions,
    savings_rates,
    transfers,
)

DAY = 86_400
START = dt.datetime(2027, 1, 1, 0, 0, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def real_time_after() -> Iterator[None]:
    yield
    clock.reset()


def move_clock_to(moment: dt.datetime) -> None:
    clock.reset()
    clock.advance(moment.timestamp() - clock.now_us() / 1_000_000)


async def test_money_moves_between_cash_and_savings(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    await ada.wallet.deposit(usd(10_000))
    moved = await ada.wallet.to_savings(usd(7_500))
    assert (moved.kind, moved.status, moved.note) == ("to_savings", "completed", "To Savings")
    wallet = await ada.wallet.balances()
    assert wallet.balances == [usd(2_500)] and wallet.savings == usd(7_500)
    with pytest.raises(InvalidRequest) as caught:
        await ada.wallet.from_savings(usd(8_000))
    assert caught.value.message == "Your savings are $75.00; you asked for $80.00"
    with pytest.raises(InsufficientFunds):
        await ada.wallet.to_savings(usd(2_501))
    with pytest.raises(InvalidRequest, match="Savings are held in USD"):
        await ada.wallet.to_savings(Money(amount=100, currency="EUR"))
    await ada.wallet.from_savings(usd(500))
    wallet = await ada.wallet.balances()
    assert wallet.balances == [usd(3_000)] and wallet.savings == usd(7_000)
    view = await ada.wallet.savings()
    assert (view.balance, view.apy, view.earned) == (usd(7_000), "4.00", usd(0))
    assert len(view.days) == 30
    assert audit(db_path).returncode == 0


async def test_a_month_of_savings_pays_a_dividend(people: People, db_path, server) -> None:
    move_clock_to(START)
    ada = await people.signed_in("ada")
    await ada.wallet.deposit(usd(1_000_000))
    await ada.wallet.to_savings(usd(1_000_000))  # $10,000.00
    move_clock_to(START + dt.timedelta(days=15))
    view = await ada.wallet.savings()
    # 15 days at 4.00 % APY on $10,000: about $16.10, not paid yet.
    assert view.accrued.amount in range(1_605, 1_615) and view.earned == usd(0)
    assert [d.balance.amount for d in view.days[-15:]] == [1_000_000] * 15
    assert all(d.dividend.amount == 107 for d in view.days[-15:])

    move_clock_to(START + dt.timedelta(days=31, hours=1))
    server.call(lambda: savings.pay_dividends(server.app.state.db, Decimal("4.00")))
    view = await ada.wallet.savings()
    paid = view.earned.amount
    assert paid == 1_000_000 * 31 * savings.daily_rate_e18(Decimal("4.00")) // savings.SCALE
    assert paid == 3_336  # $33.36 for January on $10,000.00 at 4.00 % APY
    assert view.balance == usd(1_000_000 + paid)
    dividend = (await ada.wallet.history()).items[0]
    assert (dividend.kind, dividend.amount.amount, dividend.note) == (
        "dividend",
        paid,
        "Savings dividend for January 2027",
    )
    expense = query(
        db_path, "SELECT balance FROM ledger_accounts WHERE key = ?", "system:interest_expense:USD"
    )
    assert expense == [(-paid,)]
    assert audit(db_path).returncode == 0


async def test_after_downtime_each_missed_month_is_paid_once(people: People, server) -> None:
    """Down from January to mid-March: January's and February's dividends are paid on
    restart, once each, and the owner hears of both (one event each, numbered in turn)."""
    move_clock_to(START)
    ada = await people.signed_in("ada")
    await ada.wallet.deposit(usd(1_000_000))
    await ada.wallet.to_savings(usd(1_000_000))
    seq = (await ada.accounts.me()).event_seq
    move_clock_to(START + dt.timedelta(days=70))
    db = server.app.state.db
    for _ in range(3):  # the loop runs it every second: more runs pay nothing more
        server.call(lambda: savings.pay_dividends(db, Decimal("4.00")))
    dividends = [t for t in (await ada.wallet.history()).items if t.kind == "dividend"]
    assert [t.note for t in dividends] == [
        "Savings dividend for February 2027",
        "Savings dividend for January 2027",
    ]
    me = await ada.accounts.me()
    assert me.event_seq == seq + 2


# --- a year on 10,000 positions ---------------------------------------------------------------

SAVERS = 10_000
MOVES = 480


def _plan(seed: int) -> tuple[list[int], dict[int, list[tuple[int, int, bool]]]]:
    """Starting balances ($2,000 to $50,000) and the moves of the year: (saver, cents, into
    savings?) by day; a move out is at most $1,000, so no saver runs out."""
    rng = random.Random(seed)
    balances = [rng.randrange(200_000, 5_000_000) for _ in range(SAVERS)]
    day0 = START.date().toordinal()
    moves: dict[int, list[tuple[int, int, bool]]] = {}
    for _ in range(MOVES):
        day = day0 + rng.randrange(1, 365)
        into = rng.random() < 0.6
        moves.setdefault(day, []).append((rng.randrange(SAVERS), rng.randrange(1, 100_000), into))
    return balances, moves


async def seed_positions(server: ServerThread, balances: list[int]) -> list[str]:
    """10,000 accounts with savings, funded by one batch deposit from the bank: set-up
    written in bulk, not what the test is about."""
    db = server.app.state.db
    today = savings.today()
    people, ledgers, positions = [], [], []
    for i, balance in enumerate(balances):
        account_id, ledger_id = new_id(), new_id()
        people.append(
            {
                "id": account_id,
                "handle": f"saver{i}",
                "handle_skeleton": f"saver{i}",
                "display_name": f"Saver {i}",
                "password_hash": "-",
                "created_at": 0,
            }
        )
        ledgers.append(
            {
                "id": ledger_id,
                "key": ledger.savings_key(account_id),
                "owner_id": account_id,
                "currency": "USD",
                "balance": balance,
                "allow_negative": False,
            }
        )
        positions.append(
            {
                "ledger_account_id": ledger_id,
                "owner_id": account_id,
                "month": savings.month_start(today),
                "accrued_through": today - 1,
                "accrued": 0,
                "carry": 0,
                "earned": 0,
            }
        )
    total = sum(balances)
    async with db.write() as tx:
        await tx.conn.execute(accounts_table.insert(), people)
        await tx.conn.execute(ledger_accounts.insert(), ledgers)
        clearing = await ledger.system_account(tx, ledger.BANK_CLEARING, "USD")
        funding = new_id()
        await tx.conn.execute(
            transfers.insert().values(
                id=funding,
                kind="deposit",
                status="completed",
                debit_account_id=clearing,
                credit_account_id=clearing,
                recipient_id=people[0]["id"],
                amount=total,
                currency="USD",
                note="seed",
                created_at=clock.now_us() - 1_000_000,
            )
        )
        legs = [(clearing, -total)] + [(row["id"], row["balance"]) for row in ledgers]
        await tx.conn.execute(
            postings.insert(),
            [
                {"transfer_id": funding, "ledger_account_id": i, "amount": a, "currency": "USD"}
                for i, a in legs
            ],
        )
        await tx.conn.execute(
            ledger_accounts.update().where(ledger_accounts.c.id == clearing).values(balance=-total)
        )
        # Seed money with no bank behind it, said so (the audit would flag it otherwise).
        await tx.conn.execute(minted.insert().values(transfer_id=funding, reason="instant_deposit"))
        await tx.conn.execute(savings_positions.insert(), positions)
        await savings.keep_rates(tx, today, Decimal("4.00"))
    return [str(row["id"]) for row in people]


async def _move(server: ServerThread, owner_id: str, cents: int, into: bool) -> None:
    """A saver moves money in (fresh from the bank) or out, through the domain function."""
    db = server.app.state.db
    async with db.write() as tx:
        me = (await accounts.by_ids(tx.conn, [owner_id]))[owner_id]
        if into:
            await payments.deposit(tx, me, usd(cents), minted_for="instant_deposit")
        await savings.move(tx, me, usd(cents), into, server.settings.savings_apy)


async def _outcome(server: ServerThread) -> Outcome:
    db = server.app.state.db
    async with db.read() as conn:
        rows = await conn.execute(
            select(
                savings_positions.c.owner_id,
                ledger_accounts.c.balance,
                savings_positions.c.earned,
                savings_positions.c.carry,
            ).join(ledger_accounts, ledger_accounts.c.id == savings_positions.c.ledger_account_id)
        )
        positions = {owner: (b, e, c) for owner, b, e, c in rows}
        rates = dict(
            (await conn.execute(select(savings_rates.c.day, savings_rates.c.rate_e18))).all()
        )
        expense = await conn.scalar(
            select(ledger_accounts.c.balance).where(
                ledger_accounts.c.key == "system:interest_expense:USD"
            )
        )
        dividends = await conn.scalar(
            select(func.sum(transfers.c.amount)).where(transfers.c.kind == "dividend")
        )
    return Outcome(positions, rates, int(expense), int(dividends))


@dataclass
class Outcome:
    positions: dict[str, tuple[int, int, int]]
    """Each owner's savings (balance, dividends paid, carried remainder in 10**-18)."""
    rates: dict[int, int]
    expense: int
    dividends: int

    def digest(self, owners: list[str]) -> str:
        """The outcome in the savers' order, with nothing random in it (ids are)."""
        lines = [json.dumps(self.positions[o]) for o in owners]
        lines += [json.dumps([d, r]) for d, r in sorted(self.rates.items())]
        lines.append(json.dumps([self.expense, self.dividends]))
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _run_year(store: Store, seed: int) -> tuple[list[str], Outcome]:
    """A server over `store`; 365 days of its clock, its dividend job each morning (as its
    own loop runs it every second), and the planned moves after it."""
    balances, moves = _plan(seed)
    move_clock_to(START)
    with ServerThread(server_settings(store)) as server:
        owners = server.call(lambda: seed_positions(server, balances))
        db = server.app.state.db
        day0 = START.date().toordinal()
        for n in range(1, 366):
            if n == 181:  # the yield changes from the next day on
                server.settings.savings_apy = Decimal("3.50")
            move_clock_to(START + dt.timedelta(days=n))
            server.call(lambda a=server.settings.savings_apy: savings.pay_dividends(db, a), 300)
            for saver, cents, into in moves.get(day0 + n, []):
                server.call(lambda s=saver, c=cents, i=into: _move(server, owners[s], c, i))
        return owners, server.call(lambda: _outcome(server))


def _exact(seed: int, rates: dict[int, int]) -> list[tuple[int, int, Fraction]]:
    """The year again in exact rational arithmetic: each day earns its end balance times
    its rate; on the 1st the whole units accrued are paid (the rest carried). Returns each
    saver's (balance, dividends paid, exact interest earned). Rates are whole multiples of
    10**-18, so integers counted in 10**-18 of a cent are exact (and quicker than Fraction)."""
    balances, moves = _plan(seed)
    day0 = START.date().toordinal()
    accrued = [0] * SAVERS
    exact = [0] * SAVERS
    paid = [0] * SAVERS
    for day in range(day0, day0 + 366):
        if dt.date.fromordinal(day).day == 1 and day != day0:
            for s in range(SAVERS):
                whole, accrued[s] = divmod(accrued[s], savings.SCALE)
                paid[s] += whole
                balances[s] += whole
        for saver, cents, into in moves.get(day, []):
            balances[saver] += cents if into else -cents
        if day < day0 + 365:
            rate = rates[day]
            for s in range(SAVERS):
                earned = balances[s] * rate
                accrued[s] += earned
                exact[s] += earned
    return [(balances[s], paid[s], Fraction(exact[s], savings.SCALE)) for s in range(SAVERS)]


@pytest.mark.timeout(1200)
async def test_a_year_of_dividends_on_ten_thousand_positions(
    backend: str, db_path: Store, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    seed = 20_270_101
    owners, outcome = _run_year(db_path, seed)

    # Dividends paid equal the interest-expense debit, exactly.
    assert outcome.dividends == -outcome.expense == sum(e for _, e, _ in outcome.positions.values())
    # Each day's rate was kept: 4.00 % APY for the first half, 3.50 % after.
    day0 = START.date().toordinal()
    assert outcome.rates[day0] == savings.daily_rate_e18(Decimal("4.00"))
    assert outcome.rates[day0 + 181] == savings.daily_rate_e18(Decimal("3.50"))
    assert abs(savings.daily_apy(outcome.rates[day0]) - Decimal("4.00")) < Decimal("1e-9")
    # Each position is what exact arithmetic says, and within one minor unit of the exact
    # interest its balances earned: the remainder carried is exactly what was not paid.
    for owner, (balance, paid, exact) in zip(owners, _exact(seed, outcome.rates), strict=True):
        got_balance, got_paid, carry = outcome.positions[owner]
        assert (got_balance, got_paid) == (balance, paid)
        assert 0 <= exact - paid < 1
        assert carry == (exact - paid) * savings.SCALE
    assert audit(db_path).returncode == 0

    # A rerun on a fresh database is byte-identical.
    again = _fresh_store(backend, tmp_path, request)
    owners_again, outcome_again = _run_year(again, seed)
    assert outcome_again.digest(owners_again) == outcome.digest(owners)


def _fresh_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    if backend == "postgres":
        cluster = request.getfixturevalue("pg_cluster")
        url = cluster.new_database()
        request.addfinalizer(lambda: cluster.drop_database(url))
        return PgDatabase(url, tmp_path / "again")
    return tmp_path / "again" / "xapp.db"
