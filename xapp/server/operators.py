"""What an operator may do (`xapp admin`), and the log that keeps them honest.

An operator lists the review queue, approves a held transfer (it goes on to its payee) or
rejects it (it comes back to its payer), and freezes or unfreezes an account, always with
a reason. That is all: an operator cannot move money any other way. Every action is an
entry in `operator_log`, whose hash covers the entry before it, so `xapp audit`
(`verify_log`) finds any entry changed, removed or put out of order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update

from xapp.server import accounts, payments
from xapp.server.clock import now_us
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError
from xapp.server.schema import frozen_accounts, operator_log, reviews, to_datetime, transfers

GENESIS = "0" * 64


def _hash(
    prev: str, seq: int, at: int, operator: str, action: str, target: str, reason: str
) -> str:
    text = "\x1f".join([prev, str(seq), str(at), operator, action, target, reason])
    return hashlib.sha256(text.encode()).hexdigest()


async def _log(tx: Tx, operator: str, action: str, target: str, reason: str) -> None:
    if not operator.strip() or not reason.strip():
        raise AppError(422, "say_who_and_why", "An operator action needs an operator and a reason")
    last = (
        await tx.conn.execute(
            select(operator_log.c.seq, operator_log.c.hash)
            .order_by(operator_log.c.seq.desc())
            .limit(1)
        )
    ).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    at = now_us()
    await tx.conn.execute(
        operator_log.insert().values(
            seq=seq,
            at=at,
            operator=operator,
            action=action,
            target=target,
            reason=reason,
            hash=_hash(prev, seq, at, operator, action, target, reason),
        )
    )


@dataclass(frozen=True)
class Held:
    transfer_id: str
    rule: str
    payer: str
    payee: str
    amount: int
    currency: str
    note: str


async def queue(conn: Conn) -> list[Held]:
    rows = (
        await conn.execute(
            select(reviews.c.transfer_id, reviews.c.rule, transfers)
            .join(transfers, transfers.c.id == reviews.c.transfer_id)
            .where(reviews.c.status == "open")
            .order_by(reviews.c.created_at)
        )
    ).all()
    people = await accounts.by_ids(
        conn, {r.sender_id for r in rows} | {r.recipient_id for r in rows}
    )
    return [
        Held(
            r.transfer_id,
            r.rule,
            people[r.sender_id].handle,
            people[r.recipient_id].handle,
            r.amount,
            r.currency,
            r.note,
        )
        for r in rows
    ]


async def decide(tx: Tx, transfer_id: str, approve: bool, operator: str, reason: str) -> None:
    """Approve (on to the payee) or reject (back to the payer) a held transfer, once."""
    await _log(tx, operator, "approve" if approve else "reject", transfer_id, reason)
    decided = await tx.conn.scalar(
        update(reviews)
        .where(reviews.c.transfer_id == transfer_id, reviews.c.status == "open")
        .values(
            status="approved" if approve else "rejected",
            reason=reason,
            operator=operator,
            decided_at=now_us(),
        )
        .returning(reviews.c.transfer_id)
    )
    if decided is None:
        raise AppError(409, "not_held", "No transfer with that id is waiting for review")
    await payments.decide_held(tx, transfer_id, to_payee=approve)


async def freeze(tx: Tx, handle: str, frozen: bool, operator: str, reason: str) -> None:
    account = await accounts.by_handle(tx.conn, handle.removeprefix("@"))
    await _log(tx, operator, "freeze" if frozen else "unfreeze", f"@{account.handle}", reason)
    if frozen:
        already = await tx.conn.scalar(
            select(func.count()).where(frozen_accounts.c.account_id == account.id)
        )
        if already:
            raise AppError(409, "frozen", f"@{account.handle} is frozen already")
        await tx.conn.execute(
            frozen_accounts.insert().values(account_id=account.id, reason=reason, at=now_us())
        )
    else:
        await tx.conn.execute(
            delete(frozen_accounts).where(frozen_accounts.c.account_id == account.id)
        )


@dataclass(frozen=True)
class Entry:
    seq: int
    at: datetime
    operator: str
    action: str
    target: str
    reason: str


async def recent_log(conn: Conn, limit: int) -> list[Entry]:
    """The operator log's newest entries, newest first (the operators' console)."""
    rows = await conn.execute(select(operator_log).order_by(operator_log.c.seq.desc()).limit(limit))
    return [Entry(r.seq, to_datetime(r.at), r.operator, r.action, r.target, r.reason) for r in rows]


async def verify_log(conn: Conn) -> list[str]:
    """Problems with the operator log's chain (none when every entry is as written)."""
    problems = []
    prev, expected = GENESIS, 1
    for row in await conn.execute(select(operator_log).order_by(operator_log.c.seq)):
        if row.seq != expected:
            problems.append(f"operator log entry {expected} is missing")
        digest = _hash(prev, row.seq, row.at, row.operator, row.action, row.target, row.reason)
        if digest != row.hash:
            problems.append(f"operator log entry {row.seq} was changed")
        prev, expected = row.hash, row.seq + 1
    return problems
