"""Statements: every movement of a person's money between two dates, read from the
ledger itself, so a statement's closing balance is the ledger's balance by construction
(and a test holds it to that).

A movement is dated by its transfer: a payment's hold and its void, or a deposit's
settlement, count on the day the transfer was made.

A movement is one posting on one of the person's ledger accounts (cash per currency,
savings), with the transfer it belongs to: a payment held in the undo window is money
out when it is held (and back in if it is voided), as the balance shows it; a deposit is
money in when it settles. An exchange's two postings are two movements, one per
currency, each saying what the other was. Days are UTC, both ends included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from sqlalchemy import Row, and_, func, select

from xapp.api.models import Account, Money, Statement, StatementAccount, StatementLine
from xapp.server import accounts
from xapp.server.clock import day_start_us
from xapp.server.db import Conn
from xapp.server.errors import AppError
from xapp.server.schema import ledger_accounts, postings, to_datetime, transfers

MAX_DAYS = 366


async def statement(conn: Conn, me: Account, since: dt.date, until: dt.date) -> Statement:
    if until < since:
        raise AppError(422, "bad_dates", "The statement's end comes before its start")
    if (until - since).days >= MAX_DAYS:
        raise AppError(422, "too_long", f"A statement covers at most {MAX_DAYS} days")
    start, end = day_start_us(since), day_start_us(until + dt.timedelta(days=1))
    mine = sorted(
        (
            await conn.execute(
                select(
                    ledger_accounts.c.id, ledger_accounts.c.key, ledger_accounts.c.currency
                ).where(ledger_accounts.c.owner_id == me.id)
            )
        ).all(),
        key=lambda row: (row.key.startswith("savings:"), row.currency),  # cash first
    )
    ids = [row.id for row in mine]
    opening = dict(
        (
            await conn.execute(
                select(postings.c.ledger_account_id, func.sum(postings.c.amount))
                .join(transfers, transfers.c.id == postings.c.transfer_id)
                .where(postings.c.ledger_account_id.in_(ids), transfers.c.created_at < start)
                .group_by(postings.c.ledger_account_id)
            )
        ).all()
    )
    moves = (
        await conn.execute(
            select(postings.c.ledger_account_id, postings.c.amount, transfers)
            .join(transfers, transfers.c.id == postings.c.transfer_id)
            .where(
                postings.c.ledger_account_id.in_(ids),
                and_(transfers.c.created_at >= start, transfers.c.created_at < end),
            )
            .order_by(postings.c.pk)
        )
    ).all()
    people = await accounts.by_ids(
        conn, {r.sender_id for r in moves if r.sender_id} | {r.recipient_id for r in moves}
    )
    sections = []
    for row in mine:
        balance = int(opening.get(row.id, 0))
        first = balance
        lines = []
        for move, amount in _merged(m for m in moves if m.ledger_account_id == row.id):
            balance += amount
            sent = move.sender_id == me.id
            other = move.recipient_id if sent else move.sender_id
            lines.append(
                StatementLine(
                    at=to_datetime(move.created_at),
                    transfer_id=move.id,
                    kind=move.kind,
                    amount=Money(amount=amount, currency=row.currency),
                    balance=Money(amount=balance, currency=row.currency),
                    counterparty=people.get(other) if other and other != me.id else None,
                    sent=sent,
                    note=move.note,
                    received=(
                        Money(amount=move.received_amount, currency=move.received_currency)
                        if move.received_currency
                        else None
                    ),
                )
            )
        sections.append(
            StatementAccount(
                account="savings" if row.key.startswith("savings:") else "cash",
                currency=row.currency,
                opening=Money(amount=first, currency=row.currency),
                closing=Money(amount=balance, currency=row.currency),
                lines=lines,
            )
        )
    return Statement(since=since, until=until, accounts=sections)


def _merged(moves: Iterable[Row]) -> Iterator[tuple[Row, int]]:
    """(transfer row, amount): one line per transfer and direction. An exchange's two
    postings out of my cash (to the desk, and its fee) are one movement; a hold and its
    void stay two."""
    held: tuple[Row, int] | None = None
    for move in moves:
        if held is not None and held[0].id == move.id and (held[1] < 0) == (move.amount < 0):
            held = (held[0], held[1] + move.amount)
            continue
        if held is not None:
            yield held
        held = (move, move.amount)
    if held is not None:
        yield held
