"""Who pays whom, and why: payments, tips, refunds, the undo window, history.

A payment is one `transfers` row and its postings (see `ledger`). With an undo window
it is two-phase: `pending` holds the money in `pending_payments` until `release_at`,
then `release_due` posts it to the payee, or the payer's `cancel` voids it back. Every
change is announced as a `transfer.updated` event to both parties (with their new
balance) and, for a payment made in a chat, to the chat's other members as a card
update without a balance. Payments are private to the two parties otherwise; `shared`
posts "@a paid @b · note" to the payer's followers, never the amount.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Row, func, select, union_all, update

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
from xapp.server import accounts, events, ledger, posts, safety
from xapp.server.clock import now_us
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError, not_found
from xapp.server.members import member_ids
from xapp.server.pages import Cursor
from xapp.server.schema import (
    new_id,
    to_datetime,
    transfers,
)
from xapp.server.schema import posts as posts_table

REFUNDABLE = ("payment", "request", "tip")


def to_transfer(row: Row, people: dict[str, Account]) -> Transfer:
    return Transfer(
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
    )


async def _wire(conn: Conn, rows: list[Row]) -> list[Transfer]:
    people = await accounts.by_ids(
        conn, {r.recipient_id for r in rows} | {r.sender_id for r in rows if r.sender_id}
    )
    return [to_transfer(r, people) for r in rows]


async def by_ids(conn: Conn, ids: Iterable[str]) -> dict[str, Transfer]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = (await conn.execute(select(transfers).where(transfers.c.id.in_(wanted)))).all()
    return {t.id: t for t in await _wire(conn, rows)}


async def _row(conn: Conn, transfer_id: str) -> Row | None:
    return (await conn.execute(select(transfers).where(transfers.c.id == transfer_id))).first()


async def get(conn: Conn, me: Account, transfer_id: str) -> Transfer:
    """A transfer as one of its parties sees it; anyone else gets a 404."""
    row = await _row(conn, transfer_id)
    if row is None or me.id not in (row.sender_id, row.recipient_id):
        raise not_found("That payment")
    return (await _wire(conn, [row]))[0]


async def _announce(tx: Tx, transfer_id: str) -> Transfer:
    """Send the transfer as it now is to everyone who should see the change."""
    row = await _row(tx.conn, transfer_id)
    assert row is not None
    transfer = (await _wire(tx.conn, [row]))[0]
    parties = [p for p in (row.sender_id, row.recipient_id) if p]
    if row.status != "completed":
        # The payee hears of a payment when it completes; one cancelled inside its undo
        # window never reached them (in a chat they still see the card change).
        parties = [row.sender_id]
    for party in dict.fromkeys(parties):
        balance = await ledger.balance(tx.conn, party, row.currency)
        await events.append(
            tx, party, EventType.TRANSFER_UPDATED, TransferEvent(transfer=transfer, balance=balance)
        )
    if row.conversation_id and row.status != "pending":
        for watcher in await member_ids(tx.conn, row.conversation_id):
            if watcher in parties:
                continue
            await events.append(
                tx,
                watcher,
                EventType.TRANSFER_UPDATED,
                TransferEvent(transfer=transfer, balance=None),
            )
    return transfer


@dataclass(frozen=True)
class Links:
    """What a transfer is about, beyond who and how much."""

    refund_of: str | None = None
    request_id: str | None = None
    post_id: str | None = None
    conversation_id: str | None = None
    shared: bool = False


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
) -> Transfer:
    transfer_id = new_id()
    created = now_us()
    pending = hold_seconds > 0
    await tx.conn.execute(
        transfers.insert().values(
            id=transfer_id,
            kind=kind,
            status="pending" if pending else "completed",
            debit_account_id=(
                await ledger.user_account(tx, sender.id, amount.currency)
                if sender
                else await ledger.system_account(tx, ledger.BANK_CLEARING, amount.currency)
            ),
            credit_account_id=await ledger.user_account(tx, recipient.id, amount.currency),
            sender_id=sender.id if sender else None,
            recipient_id=recipient.id,
            amount=amount.amount,
            currency=amount.currency,
            note=note,
            created_at=created,
            release_at=created + int(hold_seconds * 1_000_000) if pending else None,
            refund_of=links.refund_of,
            request_id=links.request_id,
            post_id=links.post_id,
            conversation_id=links.conversation_id,
            shared=links.shared,
        )
    )
    row = await _row(tx.conn, transfer_id)
    assert row is not None
    if pending:
        hold = await ledger.system_account(tx, ledger.PENDING, amount.currency)
        await ledger.move(tx, transfer_id, row.debit_account_id, hold, amount)
    else:
        await ledger.move(tx, transfer_id, row.debit_account_id, row.credit_account_id, amount)
        await _completed(tx, row)
    return await _announce(tx, transfer_id)


async def _completed(tx: Tx, row: Row) -> None:
    if row.shared and row.sender_id:
        people = await accounts.by_ids(tx.conn, [row.sender_id, row.recipient_id])
        payer, payee = people[row.sender_id], people[row.recipient_id]
        text = f"@{payer.handle} paid @{payee.handle}" + (f" · {row.note}" if row.note else "")
        await posts.create(tx, payer, text)


async def deposit(tx: Tx, account: Account, amount: Money) -> Transfer:
    """Money in from the simulated bank: instant for now (a bank rail comes later)."""
    return await _create(
        tx, kind="deposit", sender=None, recipient=account, amount=amount, note="Deposit from bank"
    )


async def pay(
    tx: Tx,
    sender: Account,
    recipient: Account,
    amount: Money,
    note: str,
    *,
    kind: TransferKind = "payment",
    links: Links = Links(),
    hold_seconds: float = 0,
) -> Transfer:
    if sender.id == recipient.id:
        raise AppError(422, "cannot_pay_self", "You can't send money to yourself")
    if kind != "refund":  # money going back to where it came from is never refused
        await safety.require_unblocked(tx.conn, sender, recipient)
    return await _create(
        tx,
        kind=kind,
        sender=sender,
        recipient=recipient,
        amount=amount,
        note=note,
        links=links,
        hold_seconds=hold_seconds,
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
    hold = await ledger.system_account(tx, ledger.PENDING, row.currency)
    amount = Money(amount=row.amount, currency=row.currency)
    target = row.credit_account_id if to_payee else row.debit_account_id
    await ledger.move(tx, row.id, hold, target, amount)
    if to_payee:
        await _completed(tx, row)
    return await _announce(tx, row.id)


async def release_due(tx: Tx, now: int | None = None) -> int:
    """Post every pending payment whose undo window has passed; returns how many."""
    due = (
        await tx.conn.execute(
            select(transfers)
            .where(transfers.c.status == "pending", transfers.c.release_at <= (now or now_us()))
            .order_by(transfers.c.release_at)
            .limit(200)
        )
    ).all()
    for row in due:
        await _settle(tx, row, to_payee=True)
    return len(due)


async def next_release(conn: Conn) -> int | None:
    return await conn.scalar(
        select(func.min(transfers.c.release_at)).where(transfers.c.status == "pending")
    )


async def cancel(tx: Tx, me: Account, transfer_id: str) -> Transfer:
    """The payer takes back a payment still inside its undo window."""
    row = await _row(tx.conn, transfer_id)
    if row is None or me.id not in (row.sender_id, row.recipient_id):
        raise not_found("That payment")
    if row.sender_id != me.id:
        raise AppError(403, "not_yours", "Only the payer can cancel a payment")
    if row.status != "pending":
        raise AppError(
            409,
            "not_pending",
            "This payment has already completed; ask for a refund instead"
            if row.status == "completed"
            else "This payment was already cancelled",
        )
    return await _settle(tx, row, to_payee=False)


async def refund(tx: Tx, me: Account, transfer_id: str, amount: Money, note: str) -> Transfer:
    """The payee sends back part or all of what they received, never more in total."""
    row = await _row(tx.conn, transfer_id)
    if row is None or me.id not in (row.sender_id, row.recipient_id):
        raise not_found("That payment")
    if row.recipient_id != me.id or row.kind not in REFUNDABLE or row.sender_id is None:
        raise AppError(422, "not_refundable", "Only a payment you received can be refunded")
    if row.status != "completed":
        raise AppError(409, "not_completed", "Only a completed payment can be refunded")
    if amount.currency != row.currency:
        raise AppError(422, "wrong_currency", f"This payment was in {row.currency}")
    left = row.amount - row.refunded
    counted = await tx.conn.scalar(
        update(transfers)
        .where(transfers.c.id == row.id, transfers.c.refunded + amount.amount <= transfers.c.amount)
        .values(refunded=transfers.c.refunded + amount.amount)
        .returning(transfers.c.id)
    )
    if counted is None:
        raise AppError(
            422,
            "refund_too_large",
            f"You can refund at most {format_amount(left, row.currency)} of this payment",
        )
    people = await accounts.by_ids(tx.conn, [row.sender_id])
    back = await pay(
        tx,
        me,
        people[row.sender_id],
        amount,
        note or f"Refund: {row.note}"[:140],
        kind="refund",
        links=Links(refund_of=row.id, conversation_id=row.conversation_id),
    )
    await _announce(tx, row.id)
    return back


async def tip(tx: Tx, me: Account, post_id: str, amount: Money) -> Transfer:
    shown = await posts.get(tx.conn, me, post_id)  # a post I can't see is not there
    post = shown.repost_of or shown  # a repost's tip goes to who wrote the post
    if post.author.id == me.id:
        raise AppError(422, "cannot_tip_self", "You can't tip your own post")
    words = " ".join(post.text.split())
    note = f"Tip · {words[:60]}{'…' if len(words) > 60 else ''}"
    return await pay(tx, me, post.author, amount, note, kind="tip", links=Links(post_id=post.id))


async def paid_before(conn: Conn, me: Account, payee: Account) -> bool:
    return (
        await conn.scalar(
            select(transfers.c.id)
            .where(
                transfers.c.sender_id == me.id,
                transfers.c.recipient_id == payee.id,
                transfers.c.status != "voided",
            )
            .limit(1)
        )
    ) is not None


# --- history --------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    direction: str | None = None
    counterparty: Account | None = None
    kind: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    text: str | None = None


def _day_us(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp() * 1_000_000)


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
        common.append(transfers.c.created_at >= _day_us(filters.since))
    if filters.until:
        common.append(transfers.c.created_at < _day_us(filters.until + dt.timedelta(days=1)))
    if filters.text:
        common.append(func.lower(transfers.c.note).like(_like(filters.text.lower()), "\\"))
    if cursor.before is not None:
        common.append(transfers.c.pk < cursor.before)
    other = filters.counterparty.id if filters.counterparty else None
    sides = {
        "out": [transfers.c.sender_id == me.id]
        + ([transfers.c.recipient_id == other] if other else []),
        # A payee only ever sees money that reached them: not a hold, not a cancelled one.
        "in": [transfers.c.recipient_id == me.id, transfers.c.status == "completed"]
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
