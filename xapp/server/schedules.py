"""Scheduled and recurring payments: once on a day, weekly, or monthly.

The PIN is given when the payment is scheduled (the route takes `PinChecked`); each run
pays through `money_out.send` like any payment, with an `Authorized` that `pins` makes
from that standing order (`pins.standing`: refused while payments are locked).

**Once per occurrence.** A run claims its (schedule, day) row in `schedule_runs` in the
same transaction as the payment, so two server processes, or a run raced by a restart,
pay an occurrence once. A refused payment (too little money, a block since) rolls back
whole; a second transaction then claims the occurrence with the error, counts the
failure, and notifies the payer, so it is not retried: the next occurrence comes as
planned, and three failures in a row pause the schedule.

**After downtime, once.** When a run is due its next day is set to the first occurrence
after today, so a server that was down for a week pays a weekly schedule once when it
comes back, not once per day it missed.

Days are UTC ordinals (`date.toordinal`), from the server's clock. A monthly schedule
keeps the day of the month it was asked for: the 31st falls on a shorter month's last
day, and comes back to the 31st when the month has one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools

from sqlalchemy import Executable, Row, select, update

from xapp.api.models import Account, CreateSchedule, Money, Page, Schedule
from xapp.api.money import format_amount
from xapp.server import accounts, clock, money_out, notifications, pins
from xapp.server.clock import now_us
from xapp.server.db import Conn, Database, Tx, upsert
from xapp.server.errors import AppError, not_found
from xapp.server.pages import Cursor
from xapp.server.schema import new_id, schedule_runs, schedules, to_datetime

MAX_FAILURES = 3


def today() -> int:
    """Today as a proleptic ordinal, the schedules' day numbers."""
    return clock.today().toordinal()


def monthly_day(year: int, month: int, day_of_month: int) -> int:
    """The ordinal of a monthly occurrence: `day_of_month`, or the month's last day."""
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day_of_month, last)).toordinal()


def following(row: Row, after: int) -> int | None:
    """The first occurrence of `row`'s schedule after day `after` (none for a one-off)."""
    day = row.next_run
    if row.cadence == "once" or day is None:
        return None
    if row.cadence == "weekly":
        return day + 7 * ((after - day) // 7 + 1)
    date = dt.date.fromordinal(day)
    year, month = date.year, date.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        candidate = monthly_day(year, month, row.day_of_month)
        if candidate > after:
            return candidate


def _wire(row: Row, payee: Account) -> Schedule:
    return Schedule(
        id=row.id,
        payee=payee,
        amount=Money(amount=row.amount, currency=row.currency),
        note=row.note,
        cadence=row.cadence,
        next_run=dt.date.fromordinal(row.next_run) if row.next_run else None,
        status=row.status,
        failures=row.failures,
        last_error=row.last_error,
        created_at=to_datetime(row.created_at),
    )


async def create(tx: Tx, proof: pins.Authorized, body: CreateSchedule) -> Schedule:
    payer = proof.account
    if body.first.toordinal() < today():
        raise AppError(422, "in_the_past", "The first payment can't be before today")
    payee = await accounts.by_handle(tx.conn, body.to)
    await money_out.payee_check(tx.conn, payer, payee, "payment")
    row = (
        await tx.conn.execute(
            schedules.insert()
            .values(
                id=new_id(),
                payer_id=payer.id,
                payee_id=payee.id,
                amount=body.amount.amount,
                currency=body.amount.currency,
                note=body.note,
                cadence=body.cadence,
                day_of_month=body.first.day,
                next_run=body.first.toordinal(),
                status="active",
                failures=0,
                created_at=now_us(),
            )
            .returning(*schedules.c)
        )
    ).one()
    return _wire(row, payee)


async def _mine(conn: Conn, me: Account, schedule_id: str) -> Row:
    row = (await conn.execute(select(schedules).where(schedules.c.id == schedule_id))).first()
    if row is None or row.payer_id != me.id:
        raise not_found("That scheduled payment")
    return row


async def _changed(tx: Tx, row: Row, **values: object) -> Schedule:
    changed = (
        await tx.conn.execute(
            update(schedules)
            .where(schedules.c.id == row.id)
            .values(**values)
            .returning(*schedules.c)
        )
    ).one()
    payee = await accounts.by_id(tx.conn, row.payee_id)
    return _wire(changed, payee)


async def pause(tx: Tx, me: Account, schedule_id: str) -> Schedule:
    row = await _mine(tx.conn, me, schedule_id)
    if row.status != "active":
        raise AppError(409, "not_active", f"This scheduled payment is {row.status}")
    return await _changed(tx, row, status="paused")


async def resume(tx: Tx, me: Account, schedule_id: str) -> Schedule:
    """Active again; an occurrence missed while paused is skipped, not paid late."""
    row = await _mine(tx.conn, me, schedule_id)
    if row.status not in ("paused", "failed"):
        raise AppError(409, "not_paused", f"This scheduled payment is {row.status}")
    day = today()
    next_run = row.next_run if row.next_run and row.next_run >= day else following(row, day - 1)
    if next_run is None:
        raise AppError(409, "over", "This one-off payment's day has passed: schedule it again")
    return await _changed(tx, row, status="active", next_run=next_run, failures=0)


async def cancel(tx: Tx, me: Account, schedule_id: str) -> Schedule:
    row = await _mine(tx.conn, me, schedule_id)
    if row.status in ("cancelled", "done"):
        raise AppError(409, "over", f"This scheduled payment is already {row.status}")
    return await _changed(tx, row, status="cancelled", next_run=None)


async def page(conn: Conn, me: Account, cursor: Cursor) -> Page[Schedule]:
    rows, next_cursor = await cursor.fetch(
        conn, select(schedules).where(schedules.c.payer_id == me.id), schedules.c.pk
    )
    people = await accounts.by_ids(conn, {r.payee_id for r in rows})
    return Page[Schedule](items=[_wire(r, people[r.payee_id]) for r in rows], next=next_cursor)


# --- running them ---------------------------------------------------------------------------


@functools.cache
def _claim(dialect: str) -> Executable:
    """Claim an occurrence: its row, unless a run of it is there already."""
    return upsert(dialect, schedule_runs).on_conflict_do_nothing().returning(schedule_runs.c.day)


async def _due_row(tx: Tx, schedule_id: str, day: int) -> Row | None:
    """The schedule, locked, if its occurrence is still due (no other process ran it)."""
    row = (
        await tx.conn.execute(
            select(schedules).where(schedules.c.id == schedule_id).with_for_update()
        )
    ).first()
    if row is None or row.status != "active" or row.next_run is None or row.next_run > day:
        return None
    return row


async def _pay(tx: Tx, row: Row, day: int, rules: money_out.Rules) -> None:
    payer = await accounts.by_id(tx.conn, row.payer_id)
    payee = await accounts.by_id(tx.conn, row.payee_id)
    proof = await pins.standing(tx.conn, payer)
    order = money_out.Payment(
        payee.handle, Money(amount=row.amount, currency=row.currency), row.note
    )
    sent = await money_out.send(tx, proof, order, rules)
    claimed = await tx.conn.scalar(
        _claim(tx.conn.dialect.name),
        {"schedule_id": row.id, "day": row.next_run, "transfer_id": sent.id, "ran_at": now_us()},
    )
    if claimed is None:  # raced: the other run's payment stands, this one rolls back
        raise AppError(409, "ran", "This occurrence already ran")
    await _advance(tx, row, day, failures=0, error=None)


async def _advance(tx: Tx, row: Row, day: int, failures: int, error: str | None) -> None:
    upcoming = following(row, day)
    status = "done" if upcoming is None else "active"
    if failures >= MAX_FAILURES:
        status = "failed"
    await tx.conn.execute(
        update(schedules)
        .where(schedules.c.id == row.id)
        .values(next_run=upcoming, status=status, failures=failures, last_error=error)
    )


async def _failed(tx: Tx, row: Row, day: int, error: str) -> None:
    """Count a refused occurrence once, and tell the payer."""
    claimed = await tx.conn.scalar(
        _claim(tx.conn.dialect.name),
        {"schedule_id": row.id, "day": row.next_run, "error": error, "ran_at": now_us()},
    )
    if claimed is None:
        return
    failures = row.failures + 1
    await _advance(tx, row, day, failures, error)
    payee = await accounts.by_id(tx.conn, row.payee_id)
    when = dt.date.fromordinal(row.next_run).isoformat()
    amount = format_amount(row.amount, row.currency)
    paused = " It is paused after three failures in a row." if failures >= MAX_FAILURES else ""
    detail = f"{amount} due {when}: {error}.{paused}"
    await notifications.notify(
        tx, row.payer_id, "scheduled_payment_failed", payee, None, detail=detail
    )


async def run_due(db: Database, rules: money_out.Rules, limit: int = 200) -> int:
    """Pay every occurrence due by today, each in its own transaction; returns how many
    ran (paid or failed)."""
    day = today()
    async with db.read() as conn:
        due = [
            schedule_id
            for (schedule_id,) in await conn.execute(
                select(schedules.c.id)
                .where(schedules.c.status == "active", schedules.c.next_run <= day)
                .order_by(schedules.c.next_run)
                .limit(limit)
            )
        ]
    ran = 0
    for schedule_id in due:
        try:
            async with db.write() as tx:
                row = await _due_row(tx, schedule_id, day)
                if row is None:
                    continue
                await _pay(tx, row, day, rules)
            ran += 1
        except AppError as refused:
            async with db.write() as tx:
                row = await _due_row(tx, schedule_id, day)
                if row is not None:
                    await _failed(tx, row, day, refused.message)
                    ran += 1
    return ran
