"""Savings: a money-market fund position at a stable 1.00 NAV, paying a daily dividend.

One unit is one cent, so the position's ledger account (`savings:<owner>:USD`) holds
units and dollars alike. Money moves between cash and savings at once, both ways; it
stays the person's, so it takes no PIN.

**The rate.** The yield is set as an APY (`ServerSettings.savings_apy`). Dividends are
paid monthly, so the nominal annual rate is `12 * ((1 + APY) ** (1/12) - 1)` and a day's
rate is that over 365 (actual/365: every calendar day accrues, a leap year's 366th
too). Each day's rate is written once, at its first look (`savings_rates`, times
10**18), and never changes: a new yield applies from the next day on.

**Accrual.** Each day earns `end-of-day balance * that day's rate`, exactly, in 10**-18
of a minor unit. The sum is kept as whole minor units accrued this month plus the
remainder below one (`carry`), so nothing is rounded away: the remainder rolls into the
next month. A position is brought up to date (`_catch_up`) whenever its balance is about
to change and when its month is over, never more often: a day whose balance did not
change has nothing to write, and the sum over a run of days at one balance is the same
exact integer as day by day. So a year for 10,000 positions is 12 writes each, not 365.

**Dividends.** On the first of a month, each position's whole accrued units are paid from
the `interest_expense` system account as a `dividend` transfer, and compound from then.
The payout runs in chunks, one transaction each; a position's row is locked and its
month checked before it is paid, so several server processes, or a move to savings racing
the payout, pay each month once.

Dates are UTC days as proleptic ordinals (`date.toordinal`); the server's clock
(`clock.now_us`) says what today is, so tests run a year in seconds.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext

from pydantic import BaseModel
from sqlalchemy import Row, bindparam, func, select, update

from xapp.api.models import Account, EventType, Money, Savings, SavingsDay, Transfer, TransferEvent
from xapp.api.money import format_amount
from xapp.server import accounts, clock, events, ledger, limits, payments
from xapp.server.clock import now_us
from xapp.server.db import Conn, Database, Tx, upsert
from xapp.server.errors import AppError
from xapp.server.schema import (
    ledger_accounts,
    new_id,
    postings,
    savings_positions,
    savings_rates,
    transfers,
)

SCALE = 10**18
CURRENCY = ledger.SAVINGS_CURRENCY
CHUNK = 1000
"""Positions paid per transaction."""
DAY_US = 86_400_000_000


def daily_rate_e18(apy_percent: Decimal) -> int:
    """One day's rate, times 10**18, for a yield of `apy_percent` % APY."""
    with localcontext() as context:
        context.prec = 60
        yearly = 1 + apy_percent / 100
        nominal = 12 * (yearly ** (Decimal(1) / 12) - 1)
        return int((nominal / 365 * SCALE).to_integral_value())


def today() -> int:
    """Today as a proleptic ordinal, the savings calendar's day numbers."""
    return clock.today().toordinal()


def month_end(first: int) -> int:
    day = dt.date.fromordinal(first)
    return first + calendar.monthrange(day.year, day.month)[1] - 1


def month_start(day: int) -> int:
    return dt.date.fromordinal(day).replace(day=1).toordinal()


# --- each day's rate --------------------------------------------------------------------


async def keep_rates(tx: Tx, through: int, apy_percent: Decimal) -> None:
    """Write the rate of every day up to `through` not written yet, at today's yield."""
    last = await tx.conn.scalar(select(func.max(savings_rates.c.day)))
    first = through if last is None else last + 1
    if first > through:
        return
    apy_bp = int(apy_percent * 100)
    rate = daily_rate_e18(apy_percent)
    await tx.conn.execute(
        upsert(tx.conn.dialect.name, savings_rates).on_conflict_do_nothing(),
        [{"day": d, "apy_bp": apy_bp, "rate_e18": rate} for d in range(first, through + 1)],
    )


async def _rates(conn: Conn, first: int, last: int) -> dict[int, int]:
    rows = await conn.execute(
        select(savings_rates.c.day, savings_rates.c.rate_e18).where(
            savings_rates.c.day.between(first, last)
        )
    )
    return dict(rows.all())


# --- accrual ------------------------------------------------------------------------------


@dataclass
class Position:
    ledger_id: str
    owner_id: str
    month: int
    accrued_through: int
    accrued: int
    carry: int
    earned: int

    @classmethod
    def of(cls, row: Row) -> Position:
        return cls(
            row.ledger_account_id,
            row.owner_id,
            row.month,
            row.accrued_through,
            row.accrued,
            row.carry,
            row.earned,
        )


def catch_up(
    position: Position, balance: int, day: int, rates: dict[int, int]
) -> list[tuple[int, int]]:
    """Accrue `position` through the day before `day` at `balance`, paying each month
    that ended on the way (compounding from then); returns those months (the ordinal of
    each one's first day) and their dividends."""
    paid: list[tuple[int, int]] = []
    while True:
        end = month_end(position.month)
        upto = min(day - 1, end)
        if upto > position.accrued_through:
            days = range(position.accrued_through + 1, upto + 1)
            exact = position.accrued * SCALE + position.carry
            exact += balance * sum(rates[d] for d in days)
            position.accrued, position.carry = divmod(exact, SCALE)
            position.accrued_through = upto
        if end >= day:
            return paid
        paid.append((position.month, position.accrued))
        balance += position.accrued
        position.earned += position.accrued
        position.accrued = 0
        position.month = end + 1


_POSITION = savings_positions.c


async def _locked(conn: Conn, where: object, limit: int | None = None) -> list[Position]:
    query = select(savings_positions).where(where).order_by(_POSITION.ledger_account_id)  # type: ignore[arg-type]
    if limit:
        query = query.limit(limit)
    rows = await conn.execute(query.with_for_update())
    return [Position.of(r) for r in rows]


async def _balances(conn: Conn, ledger_ids: Sequence[str]) -> dict[str, int]:
    rows = await conn.execute(
        select(ledger_accounts.c.id, ledger_accounts.c.balance).where(
            ledger_accounts.c.id.in_(list(ledger_ids))
        )
    )
    return dict(rows.all())


_BUMP = (
    update(ledger_accounts)
    .where(ledger_accounts.c.id == bindparam("ledger_id"))
    .values(balance=ledger_accounts.c.balance + bindparam("delta"))
)
_SAVE = (
    update(savings_positions)
    .where(_POSITION.ledger_account_id == bindparam("ledger_id"))
    .values(
        month=bindparam("month"),
        accrued_through=bindparam("accrued_through"),
        accrued=bindparam("accrued"),
        carry=bindparam("carry"),
        earned=bindparam("earned"),
    )
)


async def _settle(tx: Tx, positions: list[Position], day: int) -> None:
    """Bring locked positions up to `day`, paying the dividends of months that ended, in
    a few statements for all of them."""
    if not positions:
        return
    first = min(p.accrued_through for p in positions) + 1
    rates = await _rates(tx.conn, first, day - 1)
    balances = await _balances(tx.conn, [p.ledger_id for p in positions])
    expense = await ledger.system_account(tx, ledger.INTEREST_EXPENSE, CURRENCY)
    created = now_us()
    rows: list[dict[str, object]] = []
    legs: list[dict[str, object]] = []
    bumps: dict[str, int] = {}
    for position in positions:
        for month, dividend in catch_up(position, balances[position.ledger_id], day, rates):
            if dividend == 0:
                continue
            transfer_id = new_id()
            rows.append(_dividend_row(transfer_id, expense, position, month, dividend, created))
            legs += [
                _leg(transfer_id, expense, -dividend),
                _leg(transfer_id, position.ledger_id, dividend),
            ]
            bumps[position.ledger_id] = bumps.get(position.ledger_id, 0) + dividend
    if rows:
        await tx.conn.execute(transfers.insert(), rows)
        await tx.conn.execute(postings.insert(), legs)
        bumps[expense] = -sum(bumps.values())
        await tx.conn.execute(
            _BUMP, [{"ledger_id": i, "delta": d} for i, d in sorted(bumps.items())]
        )
        await _tell_owners(tx, rows)
    await tx.conn.execute(
        _SAVE,
        [
            {
                "ledger_id": p.ledger_id,
                "month": p.month,
                "accrued_through": p.accrued_through,
                "accrued": p.accrued,
                "carry": p.carry,
                "earned": p.earned,
            }
            for p in positions
        ],
    )


def _dividend_row(
    transfer_id: str, expense: str, position: Position, first: int, amount: int, created: int
) -> dict[str, object]:
    month = dt.date.fromordinal(first)
    return {
        "id": transfer_id,
        "kind": "dividend",
        "status": "completed",
        "debit_account_id": expense,
        "credit_account_id": position.ledger_id,
        "sender_id": None,
        "recipient_id": position.owner_id,
        "amount": amount,
        "currency": CURRENCY,
        "note": f"Savings dividend for {month:%B %Y}",
        "created_at": created,
        "refunded": 0,
        "shared": False,
    }


def _leg(transfer_id: str, ledger_id: str, amount: int) -> dict[str, object]:
    return {
        "transfer_id": transfer_id,
        "ledger_account_id": ledger_id,
        "amount": amount,
        "currency": CURRENCY,
    }


async def _tell_owners(tx: Tx, rows: list[dict[str, object]]) -> None:
    owners = await accounts.by_ids(tx.conn, {str(r["recipient_id"]) for r in rows})
    cash = {
        owner: balance
        for owner, balance in (
            await tx.conn.execute(
                select(ledger_accounts.c.owner_id, ledger_accounts.c.balance).where(
                    ledger_accounts.c.owner_id.in_(list(owners)),
                    ledger_accounts.c.currency == CURRENCY,
                    ledger_accounts.c.key.startswith("user:"),
                )
            )
        ).all()
    }
    # One event per owner per statement (events are numbered per account): an owner paid
    # for two months (after downtime) hears of the second in a second round.
    rounds: list[list[tuple[str, EventType, BaseModel]]] = []
    heard: dict[str, int] = {}
    for row in rows:
        owner = str(row["recipient_id"])
        transfer = Transfer(
            id=str(row["id"]),
            kind="dividend",
            sender=None,
            recipient=owners[owner],
            amount=Money(amount=int(str(row["amount"])), currency=CURRENCY),
            note=str(row["note"]),
            status="completed",
            created_at=dt.datetime.fromtimestamp(int(str(row["created_at"])) / 1e6, tz=dt.UTC),
            refunded=Money(amount=0, currency=CURRENCY),
        )
        balance = Money(amount=cash.get(owner, 0), currency=CURRENCY)
        round_ = heard.get(owner, 0)
        heard[owner] = round_ + 1
        if round_ == len(rounds):
            rounds.append([])
        event = TransferEvent(transfer=transfer, balance=balance)
        rounds[round_].append((owner, EventType.TRANSFER_UPDATED, event))
    for told in rounds:
        await events.append_each(tx, told)


async def pay_dividends(db: Database, apy_percent: Decimal) -> int:
    """Keep today's rate, then pay every month that has ended, a chunk of positions per
    transaction. Returns how many positions were brought up to date."""
    day = today()
    async with db.read() as conn:  # most looks find nothing to do: write nothing then
        last = await conn.scalar(select(func.max(savings_rates.c.day)))
        due = await conn.scalar(
            select(_POSITION.ledger_account_id).where(_POSITION.month < month_start(day)).limit(1)
        )
    if last is None:  # nobody has saved yet
        return 0
    if last < day:
        async with db.write() as tx:
            await keep_rates(tx, day, apy_percent)
    if due is None:
        return 0
    done = 0
    while True:
        async with db.write() as tx:
            due = await _locked(tx.conn, _POSITION.month < month_start(day), CHUNK)
            await _settle(tx, due, day)
        done += len(due)
        if len(due) < CHUNK:
            return done


# --- moving money in and out ----------------------------------------------------------------


async def _position(tx: Tx, me: Account, apy_percent: Decimal) -> Position:
    """`me`'s position, opened on first use, locked and brought up to today."""
    day = today()
    await keep_rates(tx, day, apy_percent)
    ledger_id = await ledger.savings_account(tx.conn, me.id)
    if ledger_id is None:
        ledger_id = await ledger.open_savings_account(tx, me.id)
        start = month_start(day)
        await tx.conn.execute(
            savings_positions.insert().values(
                ledger_account_id=ledger_id,
                owner_id=me.id,
                month=start,
                accrued_through=day - 1,
                accrued=0,
                carry=0,
                earned=0,
            )
        )
    (position,) = await _locked(tx.conn, _POSITION.ledger_account_id == ledger_id)
    await _settle(tx, [position], day)
    return position


async def move(
    tx: Tx, me: Account, amount: Money, to_savings: bool, apy: Decimal, note: str = ""
) -> Transfer:
    """Cash to savings or back, at once. The position is brought up to date first, so
    every day before today accrues at the balance it ended with. `note` says why, when
    it was not by hand (a sweep rule)."""
    if amount.currency != CURRENCY:
        raise AppError(422, "savings_currency", f"Savings are held in {CURRENCY}")
    await limits.require(tx.conn, me, "savings")
    position = await _position(tx, me, apy)
    cash = await ledger.user_account(tx, me.id, CURRENCY)
    legs = (cash, position.ledger_id) if to_savings else (position.ledger_id, cash)
    row = await payments.insert_row(
        tx,
        kind="to_savings" if to_savings else "from_savings",
        sender=me,
        recipient=me,
        amount=amount,
        note=note or ("To Savings" if to_savings else "From Savings"),
        legs=legs,
    )
    try:
        moved = await ledger.move(tx, row.id, legs[0], legs[1], amount)
    except ledger.InsufficientFunds:
        if to_savings:
            raise
        have = (await _balances(tx.conn, [position.ledger_id]))[position.ledger_id]
        raise AppError(
            422,
            "insufficient_savings",
            f"Your savings are {format_amount(have, CURRENCY)}; "
            f"you asked for {format_amount(amount.amount, CURRENCY)}",
        ) from None
    return await payments.announce_new(tx, row, [me], moved)


# --- what the wallet shows --------------------------------------------------------------------


async def view(conn: Conn, me: Account, days: int, apy_percent: Decimal) -> Savings:
    """Balance, today's yield, this month's accrual so far, dividends paid, and the last
    `days` days of balance and daily dividend."""
    day = today()
    zero = Money(amount=0, currency=CURRENCY)
    apy = f"{apy_percent:.2f}"
    ledger_id = await ledger.savings_account(conn, me.id)
    row = (
        (
            await conn.execute(
                select(savings_positions).where(_POSITION.ledger_account_id == ledger_id)
            )
        ).first()
        if ledger_id
        else None
    )
    if ledger_id is None or row is None:
        series = [
            SavingsDay(day=dt.date.fromordinal(d).isoformat(), balance=zero, dividend=zero)
            for d in range(day - days, day)
        ]
        return Savings(balance=zero, apy=apy, accrued=zero, earned=zero, days=series)
    position = Position.of(row)
    first = min(position.accrued_through + 1, day - days)
    rates = await _rates(conn, first, day)
    for d in range(first, day + 1):  # days not kept yet will be, at today's yield
        rates.setdefault(d, daily_rate_e18(apy_percent))
    if day in rates:
        apy = f"{daily_apy(rates[day]):.2f}"
    balance = (await _balances(conn, [ledger_id]))[ledger_id]
    ahead = replace(position)
    paid = catch_up(ahead, balance, day, rates)
    ends = await _day_end_balances(conn, ledger_id, balance, day - days, day)
    series = [
        SavingsDay(
            day=dt.date.fromordinal(d).isoformat(),
            balance=Money(amount=ends[d], currency=CURRENCY),
            dividend=Money(amount=ends[d] * rates.get(d, 0) // SCALE, currency=CURRENCY),
        )
        for d in range(day - days, day)
    ]
    return Savings(
        balance=Money(amount=balance + sum(dividend for _, dividend in paid), currency=CURRENCY),
        apy=apy,
        accrued=Money(amount=ahead.accrued, currency=CURRENCY),
        earned=Money(amount=ahead.earned, currency=CURRENCY),
        days=series,
    )


def daily_apy(rate_e18: int) -> Decimal:
    """The APY a day's rate stands for (the inverse of `daily_rate_e18`)."""
    with localcontext() as context:
        context.prec = 40
        nominal = Decimal(rate_e18) * 365 / SCALE
        return ((1 + nominal / 12) ** 12 - 1) * 100


async def _day_end_balances(
    conn: Conn, ledger_id: str, balance: int, first: int, day: int
) -> dict[int, int]:
    """The balance at the end of each day from `first` to `day - 1`, walked back from
    `balance` (now) through the moves since `first` began."""
    since = dt.datetime.combine(dt.date.fromordinal(first), dt.time(), tzinfo=dt.UTC)
    rows = await conn.execute(
        select(transfers.c.created_at, postings.c.amount)
        .join(transfers, transfers.c.id == postings.c.transfer_id)
        .where(
            postings.c.ledger_account_id == ledger_id,
            transfers.c.created_at >= int(since.timestamp() * 1_000_000),
        )
    )
    by_day: dict[int, int] = {}
    for created, amount in rows:
        moved_on = clock.day_of(created).toordinal()
        by_day[moved_on] = by_day.get(moved_on, 0) + amount
    ends: dict[int, int] = {}
    running = balance - by_day.get(day, 0)
    for d in range(day - 1, first - 1, -1):
        ends[d] = running
        running -= by_day.get(d, 0)
    return ends
