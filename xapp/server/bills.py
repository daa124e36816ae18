"""Requests for money, and split bills: a bill is requests made together.

Asking one person is a bill with one request; asking several for the same amount, or
splitting a total in a group chat, makes one request per payer under one bill. The
requester's own share of a split is never requested. A request is open until the payer
pays it (through `money_out`, PIN and all) or declines it, or the requester cancels it;
a payment cancelled in its undo window opens it again. Reminders are at most one per
request per `REMIND_EVERY_US`.

Every change is sent as `bill.updated` (the whole bill) to the requester, every payer
and, for a bill in a chat, every member, so a bill card can show who has paid.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Row, select, update

from xapp.api.models import Account, Bill, EventType, Money, Page, PaymentRequest
from xapp.api.money import format_amount
from xapp.server import accounts, events, safety
from xapp.server.clock import now_us
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError, not_found
from xapp.server.members import member_ids
from xapp.server.pages import Cursor
from xapp.server.schema import (
    bills,
    new_id,
    payment_requests,
    to_datetime,
)

REMIND_EVERY_US = 24 * 3600 * 1_000_000


async def load(conn: Conn, bill_ids: list[str]) -> dict[str, Bill]:
    if not bill_ids:
        return {}
    bill_rows = (await conn.execute(select(bills).where(bills.c.id.in_(bill_ids)))).all()
    request_rows = (
        await conn.execute(
            select(payment_requests)
            .where(payment_requests.c.bill_id.in_(bill_ids))
            .order_by(payment_requests.c.pk)
        )
    ).all()
    people = await accounts.by_ids(
        conn,
        {r.requester_id for r in bill_rows} | {r.payer_id for r in request_rows},
    )
    by_bill: dict[str, list[PaymentRequest]] = defaultdict(list)
    for r in request_rows:
        by_bill[r.bill_id].append(_to_request(r, people))
    return {
        b.id: Bill(
            id=b.id,
            kind=b.kind,
            requester=people[b.requester_id],
            conversation_id=b.conversation_id,
            total=Money(amount=b.total, currency=b.currency),
            note=b.note,
            requests=by_bill[b.id],
            created_at=to_datetime(b.created_at),
        )
        for b in bill_rows
    }


def _to_request(row: Row, people: dict[str, Account]) -> PaymentRequest:
    return PaymentRequest(
        id=row.id,
        bill_id=row.bill_id,
        requester=people[row.requester_id],
        payer=people[row.payer_id],
        amount=Money(amount=row.amount, currency=row.currency),
        note=row.note,
        status=row.status,
        transfer_id=row.transfer_id,
        reminded_at=to_datetime(row.reminded_at) if row.reminded_at else None,
        created_at=to_datetime(row.created_at),
        updated_at=to_datetime(row.updated_at),
    )


async def _announce(tx: Tx, bill_id: str) -> Bill:
    bill = (await load(tx.conn, [bill_id]))[bill_id]
    audience = [bill.requester.id, *(r.payer.id for r in bill.requests)]
    if bill.conversation_id:
        audience += await member_ids(tx.conn, bill.conversation_id)
    await events.append_to(tx, list(dict.fromkeys(audience)), EventType.BILL_UPDATED, bill)
    return bill


async def get(conn: Conn, me: Account, bill_id: str) -> Bill:
    bill = (await load(conn, [bill_id])).get(bill_id)
    if bill is None:
        raise not_found("That request")
    allowed = {bill.requester.id, *(r.payer.id for r in bill.requests)}
    if bill.conversation_id:
        allowed |= set(await member_ids(conn, bill.conversation_id))
    if me.id not in allowed:
        raise not_found("That request")
    return bill


async def _create(
    tx: Tx,
    kind: str,
    me: Account,
    shares: list[tuple[Account, int]],
    total: Money,
    note: str,
    conversation_id: str | None,
) -> Bill:
    bill_id = new_id()
    created = now_us()
    await tx.conn.execute(
        bills.insert().values(
            id=bill_id,
            requester_id=me.id,
            kind=kind,
            conversation_id=conversation_id,
            total=total.amount,
            currency=total.currency,
            note=note,
            created_at=created,
        )
    )
    await tx.conn.execute(
        payment_requests.insert(),
        [
            {
                "id": new_id(),
                "bill_id": bill_id,
                "requester_id": me.id,
                "payer_id": payer.id,
                "amount": amount,
                "currency": total.currency,
                "note": note,
                "status": "open",
                "created_at": created,
                "updated_at": created,
            }
            for payer, amount in shares
            if amount > 0
        ],
    )
    return await _announce(tx, bill_id)


async def request(
    tx: Tx,
    me: Account,
    handles: list[str],
    amount: Money,
    note: str,
    conversation_id: str | None = None,
) -> Bill:
    """Ask each handle for `amount`; asked inside a chat, everyone asked must be in it."""
    payers = await accounts.others(
        tx.conn,
        me,
        handles,
        AppError(422, "cannot_request_self", "You can't request money from yourself"),
    )
    if conversation_id is not None:
        in_chat = set(await member_ids(tx.conn, conversation_id))
        if me.id not in in_chat:
            raise not_found("That conversation")
        for payer in payers:
            if payer.id not in in_chat:
                raise AppError(422, "not_a_member", f"@{payer.handle} is not in this chat")
    total = Money(amount=amount.amount * len(payers), currency=amount.currency)
    shares = [(p, amount.amount) for p in payers]
    return await _create(tx, "request", me, shares, total, note, conversation_id)


def equal_shares(total: int, count: int) -> list[int]:
    """`total` in `count` whole-cent shares that differ by at most one cent and add up."""
    base, extra = divmod(total, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


async def split(
    tx: Tx,
    me: Account,
    conversation_id: str,
    total: Money,
    note: str,
    shares: dict[str, int] | None,
) -> Bill:
    """Split `total` among the chat's members, equally or as `shares` (handle → minor units)."""
    in_chat = await member_ids(tx.conn, conversation_id)
    if me.id not in in_chat:
        raise not_found("That conversation")
    if len(in_chat) < 2:
        raise AppError(422, "nobody_to_split_with", "There is nobody else in this chat")
    members = await accounts.by_ids(tx.conn, in_chat)
    by_handle = {a.handle: a for a in members.values()}
    if shares is None:
        ordered = sorted(members.values(), key=lambda a: (a.id != me.id, a.handle))
        owed = dict(
            zip([a.handle for a in ordered], equal_shares(total.amount, len(ordered)), strict=True)
        )
    else:
        strangers = sorted(set(shares) - set(by_handle))
        if strangers:
            raise AppError(
                422, "not_a_member", f"@{strangers[0]} is not in this chat, so can't share the bill"
            )
        if any(amount < 0 for amount in shares.values()):
            raise AppError(422, "negative_share", "A share can't be negative")
        if sum(shares.values()) != total.amount:
            given = format_amount(sum(shares.values()), total.currency)
            raise AppError(
                422,
                "shares_do_not_add_up",
                f"The shares add up to {given}, not the total of "
                f"{format_amount(total.amount, total.currency)}",
            )
        owed = shares
    payers = [(by_handle[h], amount) for h, amount in owed.items() if h != me.handle]
    if not any(amount > 0 for _, amount in payers):
        raise AppError(422, "nothing_to_request", "Nobody else owes a share of this bill")
    for payer, amount in payers:
        # As with a request: nobody is asked across a block. Refused rather than skipped,
        # so the shares people see always add up; shares that give them none still work.
        if amount > 0 and await safety.is_blocked(tx.conn, me.id, [payer.id]):
            raise AppError(
                403,
                "blocked",
                f"You can't ask @{payer.handle} for a share: one of you has blocked the "
                f"other. Split it with shares that give @{payer.handle} none.",
            )
    return await _create(tx, "split", me, payers, total, note, conversation_id)


async def _request(conn: Conn, request_id: str) -> Row | None:
    return (
        await conn.execute(select(payment_requests).where(payment_requests.c.id == request_id))
    ).first()


async def _request_row(conn: Conn, me: Account, request_id: str) -> Row:
    row = await _request(conn, request_id)
    if row is None or me.id not in (row.payer_id, row.requester_id):
        raise not_found("That request")
    return row


def _closed(status: str) -> AppError:
    return AppError(409, "request_closed", f"This request was already {status}")


async def _close(tx: Tx, row: Row, status: str, transfer_id: str | None = None) -> None:
    """Move an open request to `status`; a request that is no longer open says how it ended."""
    closed = await tx.conn.scalar(
        update(payment_requests)
        .where(payment_requests.c.id == row.id, payment_requests.c.status == "open")
        .values(status=status, transfer_id=transfer_id, updated_at=now_us())
        .returning(payment_requests.c.id)
    )
    if closed is None:
        current = await tx.conn.scalar(
            select(payment_requests.c.status).where(payment_requests.c.id == row.id)
        )
        raise _closed(current)


async def payable(conn: Conn, me: Account, request_id: str) -> tuple[Row, Account]:
    """The open request `me` was asked to pay, and who asked; refusals say why. Paying
    it is a payment like any other (`money_out.PayRequest`)."""
    row = await _request_row(conn, me, request_id)
    if row.payer_id != me.id:
        raise AppError(403, "not_yours", "Only the person asked can pay a request")
    if row.status != "open":
        raise _closed(row.status)
    requester = await accounts.by_id(conn, row.requester_id)
    return row, requester


async def mark_paid(tx: Tx, request_id: str, transfer_id: str) -> None:
    """The request was paid by `transfer_id` (held in the undo window, perhaps)."""
    row = await _request(tx.conn, request_id)
    assert row is not None
    await _close(tx, row, "paid", transfer_id)
    await _announce(tx, row.bill_id)


async def reopen(tx: Tx, request_id: str) -> None:
    """The payment of this request was cancelled in its undo window: it is open again."""
    row = await _request(tx.conn, request_id)
    assert row is not None
    await tx.conn.execute(
        update(payment_requests)
        .where(payment_requests.c.id == row.id, payment_requests.c.status == "paid")
        .values(status="open", transfer_id=None, updated_at=now_us())
    )
    await _announce(tx, row.bill_id)


async def decline(tx: Tx, me: Account, request_id: str) -> Bill:
    """The payer says no."""
    return await _answer(tx, me, request_id, "declined")


async def cancel(tx: Tx, me: Account, request_id: str) -> Bill:
    """The requester takes the request back."""
    return await _answer(tx, me, request_id, "cancelled")


async def _answer(tx: Tx, me: Account, request_id: str, status: str) -> Bill:
    row = await _request_row(tx.conn, me, request_id)
    declining = status == "declined"
    if (row.payer_id if declining else row.requester_id) != me.id:
        who, verb = ("person asked", "decline") if declining else ("person who asked", "cancel")
        raise AppError(403, "not_yours", f"Only the {who} can {verb} a request")
    await _close(tx, row, status)
    return await _announce(tx, row.bill_id)


async def remind(tx: Tx, me: Account, bill_id: str) -> Bill:
    """Nudge every open payer of my bill not reminded in the last 24 hours."""
    bill = await get(tx.conn, me, bill_id)
    if bill.requester.id != me.id:
        raise AppError(403, "not_yours", "Only the person who asked can send a reminder")
    now = now_us()
    reminded = await tx.conn.execute(
        update(payment_requests)
        .where(
            payment_requests.c.bill_id == bill_id,
            payment_requests.c.status == "open",
            (payment_requests.c.reminded_at.is_(None))
            | (payment_requests.c.reminded_at <= now - REMIND_EVERY_US),
        )
        .values(reminded_at=now, updated_at=now)
        .returning(payment_requests.c.id)
    )
    if not reminded.all():
        if not any(r.status == "open" for r in bill.requests):
            raise AppError(409, "nothing_open", "Everyone has already settled this request")
        raise AppError(
            429, "reminded_recently", "Everyone who owes was reminded in the last 24 hours"
        )
    return await _announce(tx, bill_id)


async def requests_for(
    conn: Conn, me: Account, role: str, status: str | None, cursor: Cursor
) -> Page[PaymentRequest]:
    column = payment_requests.c.payer_id if role == "incoming" else payment_requests.c.requester_id
    query = select(payment_requests).where(column == me.id)
    if status:
        query = query.where(payment_requests.c.status == status)
    rows, next_cursor = await cursor.fetch(conn, query, payment_requests.c.pk)
    people = await accounts.by_ids(
        conn, {r.payer_id for r in rows} | {r.requester_id for r in rows}
    )
    return Page[PaymentRequest](items=[_to_request(r, people) for r in rows], next=next_cursor)
