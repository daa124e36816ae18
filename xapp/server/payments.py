"""Who pays whom, and why: transfers, the undo window, refunds' bookkeeping, history.

A transfer is one `transfers` row and its postings (see `ledger`). Money leaves a
person's account only through `money_out.send`, which applies the money rules and then
calls `move_out` here; deposits come in from the simulated bank. With an undo window a
transfer is two-phase: `pending` holds the money in `pending_payments` until
`release_at`, then `release` posts it to the payee, or the payer's `cancel` voids it
back, and a void undoes what the transfer had settled (a paid request opens again, a
refund stops counting against its payment). Every change is announced as a
`transfer.updated` event to both parties (with their new balance) and, for a payment made
in a chat, to the chat's other members as a card update without a balance. Payments are
private to the two parties otherwise; `shared` posts "@a paid @b · note" to the payer's
followers, never the amount.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Row, bindparam, func, or_, select, union_all, update

from xapp.api.models import (
    Account,
    Earnings,
    EarningsRow,
    EventType,
    Money,
    Page,
    Transfer,
    TransferEvent,
    TransferKind,
)
from xapp.api.money import format_amount
from xapp.server import accounts, bills, compliance, events, ledger, posts
from xapp.server.clock import day_start_us, now_us
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError, not_found
from xapp.server.members import member_ids
from xapp.server.pages import Cursor
from xapp.server.schema import (
    minted,
    new_id,
    to_datetime,
    transfers,
)
from xapp.server.schema import posts as posts_table

REFUNDABLE = ("payment", "request", "tip", "invoice")


def to_transfer(row: Row, people: dict[str, Account], under_review: bool = False) -> Transfer:
    return Transfer(
        under_review=under_review,
        id=row.id,
        kind=row.kind,
        sender=people.get(row.sender_id) if row.sender_id else None,
        recipient=people[row.recipient_id],
        amount=Money(amount=row.amount, currency=row.currency),
        note=row.note,
        status=row.status,
        created_at=to_datetime(row.created_at),
        release_at=to_datetime(row.release_at) if row.release_at else None,
        refunded=Money(amount=row.refunded, currency=row.currency),
        refund_of=row.refund_of,
        request_id=row.request_id,
        post_id=row.post_id,
        conversation_id=row.conversation_id,
        shared=row.shared,
        received=(
            Money(amount=row.received_amount, currency=row.received_currency)
            if row.received_currency
            else None
        ),
    )


async def _wire(conn: Conn, rows: Sequence[Row[Any]]) -> list[Transfer]:
    people = await accounts.by_ids(
        conn, {r.recipient_id for r in rows} | {r.sender_id for r in rows if r.sender_id}
    )
    held = await compliance.under_review(conn, [r.id for r in rows if r.status == "pending"])
    return [to_transfer(r, people, r.id in held) for r in rows]


async def by_ids(conn: Conn, ids: Iterable[str]) -> dict[str, Transfer]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = (await conn.execute(select(transfers).where(transfers.c.id.in_(wanted)))).all()
    return {t.id: t for t in await _wire(conn, rows)}


async def _row(conn: Conn, transfer_id: str) -> Row | None:
    return (await conn.execute(select(transfers).where(transfers.c.id == transfer_id))).first()


async def _party_row(conn: Conn, me: Account, transfer_id: str) -> Row:
    """A transfer's row if `me` is one of its parties; to anyone else it does not exist."""
    row = await _row(conn, transfer_id)
    if row is None or me.id not in (row.sender_id, row.recipient_id):
        raise not_found("That payment")
    return row


async def get(conn: Conn, me: Account, transfer_id: str) -> Transfer:
    """A transfer as one of its parties sees it; anyone else gets a 404."""
    return (await _wire(conn, [await _party_row(conn, me, transfer_id)]))[0]


@dataclass(frozen=True)
class Known:
    """What the transaction that just wrote a transfer already holds, so announcing it
    reads nothing again: its row, its wire form, and its parties' new balances."""

    row: Row
    transfer: Transfer
    balances: dict[str, int]


async def _announce(
    tx: Tx, transfer_id: str, only: str | None = None, known: Known | None = None
) -> Transfer:
    """Send the transfer as it now is to everyone who should see the change, or `only`
    to that account (a change the other party has not heard of yet)."""
    if known is None:
        row = await _row(tx.conn, transfer_id)
        assert row is not None
        transfer, balances = (await _wire(tx.conn, [row]))[0], {}
    else:
        row, transfer, balances = known.row, known.transfer, known.balances
    parties = [p for p in (row.sender_id, row.recipient_id) if p]
    if row.status != "completed":
        # The payee hears of a payment when it completes; one cancelled inside its undo
        # window never reached them (in a chat they still see the card change). A
        # deposit has no payer: its owner hears of it while it waits for the bank.
        parties = [row.sender_id or row.recipient_id]
    if only is not None:
        parties = [only]
    told: list[tuple[str, EventType, BaseModel]] = []
    for party in dict.fromkeys(parties):
        balance = (
            Money(amount=balances[party], currency=row.currency)
            if party in balances
            else await ledger.balance(tx.conn, party, row.currency)
        )
        told.append(
            (party, EventType.TRANSFER_UPDATED, TransferEvent(transfer=transfer, balance=balance))
        )
    if row.conversation_id and row.status != "pending" and only is None:
        for watcher in await member_ids(tx.conn, row.conversation_id):
            if watcher not in parties:
                told.append(
                    (
                        watcher,
                        EventType.TRANSFER_UPDATED,
                        TransferEvent(transfer=transfer, balance=None),
                    )
                )
    await events.append_each(tx, told)
    return transfer


@dataclass(frozen=True)
class Links:
    """What a transfer is about, beyond who and how much."""

    refund_of: str | None = None
    request_id: str | None = None
    post_id: str | None = None
    conversation_id: str | None = None
    shared: bool = False


@dataclass(frozen=True)
class Outgoing:
    """Money about to leave a person's account, as `money_out` worked it out: to whom,
    how much, what kind, and what it is about."""

    kind: TransferKind
    payee: Account
    amount: Money
    note: str
    links: Links = Links()


_INSERT = transfers.insert().returning(*transfers.c)
"""Built once, like every statement a payment runs (see events.py)."""

BANK_HOLDS = {"deposit": ledger.BANK_INCOMING, "withdrawal": ledger.BANK_OUTGOING}
"""Kinds the bank rail holds until it answers, and the account that holds them; a held
payment waits in `pending_payments` for its undo window instead."""


def _hold_code(kind: str) -> str:
    return BANK_HOLDS.get(kind, ledger.PENDING)


async def _legs(
    tx: Tx, kind: TransferKind, sender: Account | None, recipient: Account, currency: str
) -> tuple[str, str]:
    """The ledger accounts a transfer debits and credits: a person's cash, or the bank's
    clearing for money that comes from a bank (no sender) or goes to one."""
    if sender is None:
        debit = await ledger.system_account(tx, ledger.BANK_CLEARING, currency)
    else:
        debit = await ledger.user_account(tx, sender.id, currency)
    if kind == "withdrawal":
        credit = await ledger.system_account(tx, ledger.BANK_CLEARING, currency)
    else:
        credit = await ledger.user_account(tx, recipient.id, currency)
    return debit, credit


async def insert_row(
    tx: Tx,
    *,
    kind: TransferKind,
    sender: Account | None,
    recipient: Account,
    amount: Money,
    note: str,
    legs: tuple[str, str],
    links: Links = Links(),
    status: str = "completed",
    release_at: int | None = None,
    received: Money | None = None,
) -> Row:
    """Write a transfer's row (its postings are the caller's: `ledger.move`)."""
    return (
        await tx.conn.execute(
            _INSERT,
            {
                "id": new_id(),
                "kind": kind,
                "status": status,
                "debit_account_id": legs[0],
                "credit_account_id": legs[1],
                "sender_id": sender.id if sender else None,
                "recipient_id": recipient.id,
                "amount": amount.amount,
                "currency": amount.currency,
                "note": note,
                "created_at": now_us(),
                "release_at": release_at,
                "refunded": 0,
                "refund_of": links.refund_of,
                "request_id": links.request_id,
                "post_id": links.post_id,
                "conversation_id": links.conversation_id,
                "shared": links.shared,
                "received_amount": received.amount if received else None,
                "received_currency": received.currency if received else None,
            },
        )
    ).one()


async def announce_new(
    tx: Tx, row: Row, people: list[Account], moved: dict[str, int], under_review: bool = False
) -> Transfer:
    """Tell a just-written transfer's parties, with the balances its moves left."""
    by_id = {person.id: person for person in people}
    balances = {
        party: moved[ledger_id]
        for party, ledger_id in (
            (row.sender_id, row.debit_account_id),
            (row.recipient_id, row.credit_account_id),
        )
        if party and ledger_id in moved
    }
    known = Known(row, to_transfer(row, by_id, under_review), balances)
    return await _announce(tx, row.id, known=known)


async def _create(
    tx: Tx,
    *,
    kind: TransferKind,
    sender: Account | None,
    recipient: Account,
    amount: Money,
    note: str,
    links: Links = Links(),
    hold_seconds: float = 0,
    bank_held: bool = False,
    review: bool = False,
) -> Transfer:
    """A transfer and its first moves: completed at once, held for its undo window,
    (`bank_held`) held until the rail answers, or (`review`) held until an operator
    decides."""
    pending = hold_seconds > 0 or bank_held or review
    release_at = (
        now_us() + int(hold_seconds * 1_000_000) if hold_seconds > 0 and not review else None
    )
    legs = await _legs(tx, kind, sender, recipient, amount.currency)
    row = await insert_row(
        tx,
        kind=kind,
        sender=sender,
        recipient=recipient,
        amount=amount,
        note=note,
        legs=legs,
        links=links,
        status="pending" if pending else "completed",
        release_at=release_at,
    )
    if pending:
        hold = await ledger.system_account(tx, _hold_code(kind), amount.currency)
        moved = await ledger.move(tx, row.id, legs[0], hold, amount)
    else:
        moved = await ledger.move(tx, row.id, legs[0], legs[1], amount)
        await _completed(tx, row)
    people = [recipient, *([sender] if sender else [])]
    return await announce_new(tx, row, people, moved, under_review=review)


async def _completed(tx: Tx, row: Row) -> None:
    if row.shared and row.sender_id:
        people = await accounts.by_ids(tx.conn, [row.sender_id, row.recipient_id])
        payer, payee = people[row.sender_id], people[row.recipient_id]
        text = f"@{payer.handle} paid @{payee.handle}" + (f" · {row.note}" if row.note else "")
        await posts.create(tx, payer, text)


async def _voided(tx: Tx, row: Row) -> None:
    """Undo what a cancelled transfer had settled: its request is open again, and a
    refund no longer counts against the payment it was returning."""
    if row.request_id:
        await bills.reopen(tx, row.request_id)
    if row.refund_of:
        await tx.conn.execute(
            update(transfers)
            .where(transfers.c.id == row.refund_of)
            .values(refunded=transfers.c.refunded - row.amount)
        )


async def deposit(
    tx: Tx,
    account: Account,
    amount: Money,
    note: str = "Deposit from bank",
    pending: bool = False,
    minted_for: str | None = None,
) -> Transfer:
    """Money in from a bank: `pending` in `bank_incoming` until the rail settles it
    (`banking`), or, with `minted_for` (why: "demo_seed", "instant_deposit"), completed
    at once with no bank behind it, as the demo world and tests may; it is recorded as
    minted, which the audit names."""
    made = await _create(
        tx,
        kind="deposit",
        sender=None,
        recipient=account,
        amount=amount,
        note=note,
        bank_held=pending,
    )
    if minted_for is not None:
        await tx.conn.execute(minted.insert().values(transfer_id=made.id, reason=minted_for))
    return made


async def decide_held(tx: Tx, transfer_id: str, to_payee: bool) -> Transfer:
    """An operator's decision on a payment held for review: on to the payee, or back."""
    row = await _row(tx.conn, transfer_id)
    assert row is not None and row.status == "pending"
    return await _settle(tx, row, to_payee=to_payee)


async def bank_answered(tx: Tx, transfer_id: str, settled: bool) -> bool:
    """The rail's answer to a deposit or withdrawal it held: settled posts it (a deposit
    to the person's cash, a withdrawal to the bank), failed voids it back. False if it
    was answered before (an answer delivered twice is booked once)."""
    row = await _row(tx.conn, transfer_id)
    if row is None or row.status != "pending" or row.kind not in BANK_HOLDS:
        return False
    await _settle(tx, row, to_payee=settled)
    return True


async def bank_return(tx: Tx, transfer_id: str, reason: str) -> Transfer:
    """A settled bank transfer the bank sent back later (an ACH return). A returned
    withdrawal comes back to the person's cash. A returned deposit goes back out of it,
    as far as the cash covers it; what was already spent is the platform's loss
    (`bank_returns_loss`), because no balance may go below zero."""
    row = await _row(tx.conn, transfer_id)
    assert row is not None and row.status == "completed" and row.kind in BANK_HOLDS
    owner = await accounts.by_id(tx.conn, row.recipient_id)
    amount = Money(amount=row.amount, currency=row.currency)
    note = f"Returned by your bank: {reason}"
    links = Links(refund_of=row.id)
    if row.kind == "withdrawal":
        return await _create(
            tx, kind="return", sender=None, recipient=owner, amount=amount, note=note, links=links
        )
    cash = await ledger.user_account(tx, owner.id, row.currency)
    clearing = await ledger.system_account(tx, ledger.BANK_CLEARING, row.currency)
    back = await insert_row(
        tx,
        kind="return",
        sender=owner,
        recipient=owner,
        amount=amount,
        note=note,
        legs=(cash, clearing),
        links=links,
    )
    have = (await ledger.balance(tx.conn, owner.id, row.currency)).amount
    taken = min(have, row.amount)
    moved: dict[str, int] = {}
    if taken:
        moved = await ledger.move(
            tx, back.id, cash, clearing, Money(amount=taken, currency=row.currency)
        )
    if taken < row.amount:
        loss = await ledger.system_account(tx, ledger.RETURNS_LOSS, row.currency)
        short = Money(amount=row.amount - taken, currency=row.currency)
        await ledger.move(tx, back.id, loss, clearing, short)
    return await announce_new(tx, back, [owner], moved)


async def move_out(
    tx: Tx, payer: Account, out: Outgoing, hold_seconds: float, review: bool = False
) -> Transfer:
    """Write the transfer and its postings, held for `hold_seconds` (0: completed now),
    or for review. Only `money_out.send` calls this, after the PIN, payee check, limits
    and screening."""
    return await _create(
        tx,
        kind=out.kind,
        sender=payer,
        recipient=out.payee,
        amount=out.amount,
        note=out.note,
        links=out.links,
        hold_seconds=hold_seconds,
        bank_held=out.kind in BANK_HOLDS,
        review=review,
    )


async def _settle(tx: Tx, row: Row, to_payee: bool) -> Transfer:
    """Second phase: the hold goes to the payee (post) or back to the payer (void)."""
    changed = await tx.conn.scalar(
        update(transfers)
        .where(transfers.c.id == row.id, transfers.c.status == "pending")
        .values(status="completed" if to_payee else "voided")
        .returning(transfers.c.id)
    )
    if changed is None:  # another process settled it first
        return (await _wire(tx.conn, [row]))[0]
    hold = await ledger.system_account(tx, _hold_code(row.kind), row.currency)
    amount = Money(amount=row.amount, currency=row.currency)
    target = row.credit_account_id if to_payee else row.debit_account_id
    await ledger.move(tx, row.id, hold, target, amount)
    if to_payee:
        await _completed(tx, row)
    else:
        await _voided(tx, row)
    settled = await _announce(tx, row.id)
    if row.refund_of:  # the payment it returns: refunded now, or as it was
        await _announce(tx, row.refund_of, only=None if to_payee else row.sender_id)
    return settled


async def due(conn: Conn, now: int | None = None, limit: int = 200) -> list[str]:
    """Pending payments whose undo window has passed, soonest first."""
    rows = await conn.execute(
        select(transfers.c.id)
        .where(transfers.c.status == "pending", transfers.c.release_at <= (now or now_us()))
        .order_by(transfers.c.release_at)
        .limit(limit)
    )
    return [transfer_id for (transfer_id,) in rows]


async def release(tx: Tx, transfer_id: str) -> bool:
    """Post one pending payment to its payee; False if it is no longer pending (its payer
    cancelled it, or another server process released it first). One payment per
    transaction: it locks two ledger rows in id order, as a payment does, where a batch
    would hold the pending account while it waited for payees (a deadlock on PostgreSQL
    against payments being held)."""
    row = await _row(tx.conn, transfer_id)
    if row is None or row.status != "pending":
        return False
    await _settle(tx, row, to_payee=True)
    return True


async def cancel(tx: Tx, me: Account, transfer_id: str) -> Transfer:
    """The payer takes back a payment still inside its undo window."""
    row = await _party_row(tx.conn, me, transfer_id)
    if row.sender_id != me.id:
        raise AppError(403, "not_yours", "Only the payer can cancel a payment")
    if row.kind in BANK_HOLDS:
        raise AppError(409, "sent_to_bank", "A bank transfer can't be cancelled once it is sent")
    if await compliance.under_review(tx.conn, [row.id]):
        raise AppError(409, "under_review", "This payment is under review")
    if row.status != "pending":
        raise AppError(
            409,
            "not_pending",
            "This payment has already completed; ask for a refund instead"
            if row.status == "completed"
            else "This payment was already cancelled",
        )
    return await _settle(tx, row, to_payee=False)


# --- refunds ---------------------------------------------------------------------------


def _refund_too_large(row: Row) -> AppError:
    left = format_amount(row.amount - row.refunded, row.currency)
    return AppError(422, "refund_too_large", f"You can refund at most {left} of this payment")


async def refundable(conn: Conn, me: Account, transfer_id: str, amount: Money) -> Row:
    """The payment `me` received that `amount` may go back from; refusals say why."""
    row = await _party_row(conn, me, transfer_id)
    if row.recipient_id != me.id or row.kind not in REFUNDABLE or row.sender_id is None:
        raise AppError(422, "not_refundable", "Only a payment you received can be refunded")
    if row.status != "completed":
        raise AppError(409, "not_completed", "Only a completed payment can be refunded")
    if amount.currency != row.currency:
        raise AppError(422, "wrong_currency", f"This payment was in {row.currency}")
    if row.refunded + amount.amount > row.amount:
        raise _refund_too_large(row)
    return row


async def count_refund(tx: Tx, refund: Transfer) -> None:
    """Count a refund against the payment it returns, with a guarded UPDATE so that
    concurrent refunds (from several server processes too) never exceed it. A refund
    held in its undo window counts at once, so the cap holds while it waits; the payer
    hears of it when it completes."""
    assert refund.refund_of is not None and refund.sender is not None
    counted = await tx.conn.scalar(
        update(transfers)
        .where(
            transfers.c.id == refund.refund_of,
            transfers.c.refunded + refund.amount.amount <= transfers.c.amount,
        )
        .values(refunded=transfers.c.refunded + refund.amount.amount)
        .returning(transfers.c.id)
    )
    if counted is None:
        row = await _row(tx.conn, refund.refund_of)
        assert row is not None
        raise _refund_too_large(row)
    quiet = refund.status != "completed"
    await _announce(tx, refund.refund_of, only=refund.sender.id if quiet else None)


_PAID_BEFORE = (
    select(transfers.c.id)
    .where(
        transfers.c.sender_id == bindparam("me"),
        transfers.c.recipient_id == bindparam("payee"),
        transfers.c.status != "voided",
    )
    .limit(1)
)


async def paid_before(conn: Conn, me: Account, payee: Account) -> bool:
    return await conn.scalar(_PAID_BEFORE, {"me": me.id, "payee": payee.id}) is not None


# --- history --------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    direction: str | None = None
    counterparty: Account | None = None
    kind: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    text: str | None = None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def history(
    conn: Conn, me: Account, cursor: Cursor, filters: Filters = Filters()
) -> Page[Transfer]:
    """My transfers, newest first. Sent and received money are walked separately, each
    down its own (party, pk) index and cut at one page, then merged: an OR of the two
    would make the database sort every transfer the account ever had for each page."""
    common = []
    if filters.kind:
        common.append(transfers.c.kind == filters.kind)
    if filters.since:
        common.append(transfers.c.created_at >= day_start_us(filters.since))
    if filters.until:
        common.append(transfers.c.created_at < day_start_us(filters.until + dt.timedelta(days=1)))
    if filters.text:
        common.append(func.lower(transfers.c.note).like(_like(filters.text.lower()), "\\"))
    if cursor.before is not None:
        common.append(transfers.c.pk < cursor.before)
    other = filters.counterparty.id if filters.counterparty else None
    sides = {
        "out": [transfers.c.sender_id == me.id]
        + ([transfers.c.recipient_id == other] if other else []),
        # A payee only ever sees money that reached them: not a hold, not a cancelled one.
        # Money between my own pockets (savings, exchanges, my bank) is listed once, as out.
        "in": [
            transfers.c.recipient_id == me.id,
            transfers.c.status == "completed",
            or_(transfers.c.sender_id.is_(None), transfers.c.sender_id != me.id),
        ]
        + ([transfers.c.sender_id == other] if other else []),
    }
    pages = [
        select(transfers.c.pk)
        .where(*conditions, *common)
        .order_by(transfers.c.pk.desc())
        .limit(cursor.limit + 1)
        .subquery()
        for direction, conditions in sides.items()
        if filters.direction in (None, direction)
    ]
    newest = union_all(*(select(page.c.pk) for page in pages)).subquery()
    query = select(transfers).where(transfers.c.pk.in_(select(newest.c.pk)))
    rows, next_cursor = await cursor.fetch(conn, query, transfers.c.pk)
    return Page[Transfer](items=await _wire(conn, rows), next=next_cursor)


async def earnings(conn: Conn, me: Account, currency: str) -> Earnings:
    """Tips received: per post (with its opening words) and per UTC day, newest first."""
    tips = (
        await conn.execute(
            select(transfers.c.post_id, transfers.c.amount, transfers.c.created_at).where(
                transfers.c.recipient_id == me.id,
                transfers.c.kind == "tip",
                transfers.c.status == "completed",
                transfers.c.currency == currency,
            )
        )
    ).all()
    by_post: dict[str, list[int]] = {}
    by_day: dict[str, list[int]] = {}
    latest: dict[str, int] = {}
    for post_id, amount, created in tips:
        by_post.setdefault(post_id, []).append(amount)
        latest[post_id] = max(latest.get(post_id, 0), created)
        by_day.setdefault(to_datetime(created).date().isoformat(), []).append(amount)
    texts = dict(
        (
            await conn.execute(
                select(posts_table.c.id, posts_table.c.text).where(
                    posts_table.c.id.in_(list(by_post))
                )
            )
        ).all()
    )

    def row(label: str, amounts: list[int], post_id: str | None = None) -> EarningsRow:
        return EarningsRow(
            label=label,
            post_id=post_id,
            total=Money(amount=sum(amounts), currency=currency),
            tips=len(amounts),
        )

    return Earnings(
        total=Money(amount=sum(a for _, a, _ in tips), currency=currency),
        by_post=[
            row(" ".join(texts.get(p, "deleted post").split())[:80], by_post[p], p)
            for p in sorted(by_post, key=lambda p: -latest[p])
        ],
        by_day=[row(day, by_day[day]) for day in sorted(by_day, reverse=True)],
    )
