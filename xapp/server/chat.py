"""Conversations and messages. A conversation is visible only to its members: to anyone
else it does not exist (404, never 403, so ids cannot be probed)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from xapp.api.models import Account, Bill, Conversation, Message, Page, Transfer
from xapp.server import accounts, bills, events, payments
from xapp.server.db import Tx
from xapp.server.errors import AppError, not_found
from xapp.server.members import member_ids
from xapp.server.pages import Cursor
from xapp.server.schema import (
    conversation_members,
    conversations,
    messages,
    new_id,
    now_us,
    to_datetime,
)


async def _require_member(conn: AsyncConnection, me: Account, conversation_id: str) -> list[str]:
    members = await member_ids(conn, conversation_id)
    if me.id not in members:
        raise not_found("That conversation")
    return members


async def require_member(
    conn: AsyncConnection, me: Account, conversation_id: str, other: Account
) -> None:
    """Both `me` and `other` must be in the conversation (a payment card is shown there)."""
    members = await _require_member(conn, me, conversation_id)
    if other.id not in members:
        raise AppError(422, "not_a_member", f"@{other.handle} is not in this conversation")


async def start(tx: Tx, me: Account, handles: list[str]) -> tuple[Conversation, bool]:
    """With one handle, the conversation between the two of us (found or made); with
    several, a new group. True when it was created."""
    others = []
    for handle in dict.fromkeys(handles):
        other = await accounts.by_handle(tx.conn, handle)
        if other.id == me.id:
            raise AppError(
                422, "cannot_message_self", "You can't start a conversation with yourself"
            )
        others.append(other)
    pair_key = ":".join(sorted([me.id, others[0].id])) if len(others) == 1 else None
    if pair_key:
        existing = await tx.conn.scalar(
            select(conversations.c.id).where(conversations.c.pair_key == pair_key)
        )
        if existing:
            return await get(tx.conn, me, existing), False
    conversation_id = new_id()
    created = now_us()
    pk = await tx.conn.scalar(
        conversations.insert()
        .values(
            id=conversation_id,
            pair_key=pair_key,
            activity=0,
            created_at=created,
            updated_at=created,
        )
        .returning(conversations.c.pk)
    )
    # Until it has a message, a conversation sorts by its own (negated) position.
    await tx.conn.execute(
        update(conversations).where(conversations.c.pk == pk).values(activity=-pk)
    )
    await tx.conn.execute(
        conversation_members.insert(),
        [
            {"conversation_id": conversation_id, "account_id": a.id, "joined_at": created}
            for a in (me, *others)
        ],
    )
    return await get(tx.conn, me, conversation_id), True


async def get(conn: AsyncConnection, me: Account, conversation_id: str) -> Conversation:
    await _require_member(conn, me, conversation_id)
    row = (
        await conn.execute(select(conversations).where(conversations.c.id == conversation_id))
    ).one()
    return (await _conversations(conn, [row]))[0]


async def _conversations(conn: AsyncConnection, rows: list[Row]) -> list[Conversation]:
    ids = [r.id for r in rows]
    member_rows = (
        await conn.execute(
            select(conversation_members).where(conversation_members.c.conversation_id.in_(ids))
        )
    ).all()
    last_rows = (
        await conn.execute(
            select(messages).where(messages.c.pk.in_([r.activity for r in rows if r.activity > 0]))
        )
    ).all()
    people = await accounts.by_ids(
        conn, {m.account_id for m in member_rows} | {m.sender_id for m in last_rows}
    )
    members: dict[str, list[Account]] = defaultdict(list)
    for m in member_rows:
        members[m.conversation_id].append(people[m.account_id])
    last = {m.conversation_id: m for m in await _messages(conn, last_rows, people)}
    return [
        Conversation(
            id=r.id,
            members=sorted(members[r.id], key=lambda a: a.handle),
            last_message=last.get(r.id),
            updated_at=to_datetime(r.updated_at),
        )
        for r in rows
    ]


async def list_for(conn: AsyncConnection, me: Account, cursor: Cursor) -> Page[Conversation]:
    mine = select(conversation_members.c.conversation_id).where(
        conversation_members.c.account_id == me.id
    )
    rows, next_cursor = await cursor.fetch(
        conn, select(conversations).where(conversations.c.id.in_(mine)), conversations.c.activity
    )
    return Page[Conversation](items=await _conversations(conn, rows), next=next_cursor)


async def _messages(
    conn: AsyncConnection, rows: list[Row], people: dict[str, Account]
) -> list[Message]:
    """Messages with their payment and bill cards as those are now."""
    cards = await payments.by_ids(conn, {r.transfer_id for r in rows if r.transfer_id})
    bill_cards = await bills.load(conn, [r.bill_id for r in rows if r.bill_id])
    return [
        Message(
            id=row.id,
            conversation_id=row.conversation_id,
            sender=people[row.sender_id],
            text=row.text,
            created_at=to_datetime(row.created_at),
            kind=row.kind,
            transfer=cards.get(row.transfer_id) if row.transfer_id else None,
            bill=bill_cards.get(row.bill_id) if row.bill_id else None,
        )
        for row in rows
    ]


async def send(
    tx: Tx,
    me: Account,
    conversation_id: str,
    text: str,
    *,
    transfer: Transfer | None = None,
    bill: Bill | None = None,
) -> Message:
    """Post a message; with `transfer` or `bill` it is that card, `text` its summary."""
    members = await _require_member(tx.conn, me, conversation_id)
    created = now_us()
    kind = "payment" if transfer else "bill" if bill else "text"
    message = Message(
        id=new_id(),
        conversation_id=conversation_id,
        sender=me,
        text=text,
        created_at=to_datetime(created),
        kind=kind,
        transfer=transfer,
        bill=bill,
    )
    pk = await tx.conn.scalar(
        messages.insert()
        .values(
            id=message.id,
            conversation_id=conversation_id,
            sender_id=me.id,
            text=text,
            created_at=created,
            kind=kind,
            transfer_id=transfer.id if transfer else None,
            bill_id=bill.id if bill else None,
        )
        .returning(messages.c.pk)
    )
    await tx.conn.execute(
        update(conversations)
        .where(conversations.c.id == conversation_id)
        .values(activity=pk, updated_at=created)
    )
    for member in members:
        await events.append(tx, member, "message.created", message)
    return message


async def history(
    conn: AsyncConnection, me: Account, conversation_id: str, cursor: Cursor
) -> Page[Message]:
    await _require_member(conn, me, conversation_id)
    rows, next_cursor = await cursor.fetch(
        conn, select(messages).where(messages.c.conversation_id == conversation_id), messages.c.pk
    )
    people = await accounts.by_ids(conn, {r.sender_id for r in rows})
    return Page[Message](items=await _messages(conn, rows, people), next=next_cursor)
