"""Messages inside a conversation: send (with replies and cards), edit, delete for
everyone, react, page through history, search, and the delivered and read positions.

Membership is checked on every call; to anyone outside, a conversation and its
messages do not exist (404). Changes reach every member through the event log as
`message.created`, `message.updated` and `receipt.updated`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Row, bindparam, delete, func, select, update

from xapp.api.models import (
    Account,
    Bill,
    EventType,
    Message,
    MessageKind,
    Page,
    Position,
    Quote,
    Reaction,
    ReceiptData,
    Transfer,
)
from xapp.server import accounts, bills, events, payments, safety
from xapp.server.clock import now_us
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError, not_found
from xapp.server.members import member_ids
from xapp.server.pages import Cursor
from xapp.server.schema import accounts as accounts_table
from xapp.server.schema import (
    conversation_members,
    conversations,
    messages,
    new_id,
    reactions,
    to_datetime,
)

QUOTE_MAX = 140


async def require_member(conn: Conn, me: Account, conversation_id: str) -> list[str]:
    members = await member_ids(conn, conversation_id)
    if me.id not in members:
        raise not_found("That conversation")
    return members


async def load(conn: Conn, rows: Sequence[Row[Any]]) -> list[Message]:
    """Wire messages for rows, with their cards, quotes and reactions as they are now."""
    if not rows:
        return []
    cards = await payments.by_ids(conn, {r.transfer_id for r in rows if r.transfer_id})
    bill_cards = await bills.load(conn, [r.bill_id for r in rows if r.bill_id])
    quoted_ids = {r.reply_to for r in rows if r.reply_to}
    quoted = (
        (await conn.execute(select(messages).where(messages.c.id.in_(quoted_ids)))).all()
        if quoted_ids
        else []
    )
    reaction_rows = (
        await conn.execute(
            select(reactions.c.message_id, reactions.c.emoji, reactions.c.account_id)
            .where(reactions.c.message_id.in_([r.id for r in rows]))
            .order_by(reactions.c.created_at)
        )
    ).all()
    people = await accounts.by_ids(
        conn,
        {r.sender_id for r in rows}
        | {q.sender_id for q in quoted}
        | {r.account_id for r in reaction_rows},
    )
    quotes = {
        q.id: Quote(
            id=q.id,
            sender=people[q.sender_id],
            text="" if q.deleted_at else q.text[:QUOTE_MAX],
            deleted=q.deleted_at is not None,
        )
        for q in quoted
    }
    grouped: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for message_id, emoji, account_id in reaction_rows:
        grouped[message_id][emoji].append(people[account_id].handle)
    return [
        Message(
            id=row.id,
            conversation_id=row.conversation_id,
            sender=people[row.sender_id],
            text="" if row.deleted_at else row.text,
            created_at=to_datetime(row.created_at),
            kind=row.kind,
            position=row.position,
            transfer=cards.get(row.transfer_id) if row.transfer_id else None,
            bill=bill_cards.get(row.bill_id) if row.bill_id else None,
            reply_to=quotes.get(row.reply_to) if row.reply_to else None,
            reactions=[
                Reaction(emoji=emoji, count=len(handles), handles=handles)
                for emoji, handles in grouped[row.id].items()
            ],
            edited_at=to_datetime(row.edited_at) if row.edited_at else None,
            deleted=row.deleted_at is not None,
            client_key=row.client_key,
        )
        for row in rows
    ]


async def _row(conn: Conn, me: Account, conversation_id: str, message_id: str) -> Row:
    await require_member(conn, me, conversation_id)
    row = (
        await conn.execute(
            select(messages).where(
                messages.c.id == message_id, messages.c.conversation_id == conversation_id
            )
        )
    ).first()
    if row is None:
        raise not_found("That message")
    return row


# Sending is the hot path: its statements are built once (see events.py for why).
_NUMBER = (  # locks the conversation's row: concurrent sends take positions in turn
    update(conversations)
    .where(conversations.c.id == bindparam("conversation"))
    .values(last_position=conversations.c.last_position + 1, updated_at=bindparam("at"))
    .returning(conversations.c.last_position)
)
_INSERT = messages.insert().returning(messages.c.pk)
_TOUCH = (
    update(conversations)
    .where(conversations.c.id == bindparam("conversation"))
    .values(activity=bindparam("message_pk"))
)
_SEEN_OWN = (
    update(conversation_members)
    .where(
        conversation_members.c.conversation_id == bindparam("conversation"),
        conversation_members.c.account_id == bindparam("member"),
    )
    .values(delivered_position=bindparam("position"), read_position=bindparam("position"))
)


async def send(
    tx: Tx,
    me: Account,
    conversation_id: str,
    text: str,
    *,
    transfer: Transfer | None = None,
    bill: Bill | None = None,
    reply_to: str | None = None,
    client_key: str | None = None,
    system: bool = False,
) -> Message:
    """Post a message; with `transfer` or `bill` it is that card and `text` its summary;
    `system` is a line about the conversation itself ("@ada added @bob")."""
    members = await require_member(tx.conn, me, conversation_id)
    others = [m for m in members if m != me.id]
    if len(others) == 1 and not system and await safety.is_blocked(tx.conn, me.id, others):
        # One to one, a block ends the conversation; a group goes on around it.
        raise AppError(403, "blocked", "You can't message here: one of you has blocked the other")
    replied = await _row(tx.conn, me, conversation_id, reply_to) if reply_to else None
    created = now_us()
    kind: MessageKind = (
        "system" if system else "payment" if transfer else "bill" if bill else "text"
    )
    message_id = new_id()
    position = await tx.conn.scalar(_NUMBER, {"conversation": conversation_id, "at": created})
    pk = await tx.conn.scalar(
        _INSERT,
        {
            "id": message_id,
            "conversation_id": conversation_id,
            "sender_id": me.id,
            "text": text,
            "created_at": created,
            "kind": kind,
            "transfer_id": transfer.id if transfer else None,
            "bill_id": bill.id if bill else None,
            "reply_to": reply_to,
            "client_key": client_key,
            "position": position,
        },
    )
    await tx.conn.execute(_TOUCH, {"conversation": conversation_id, "message_pk": pk})
    # My own message is delivered to and read by me.
    await tx.conn.execute(
        _SEEN_OWN, {"conversation": conversation_id, "member": me.id, "position": position}
    )
    quote = None
    if replied is not None:  # it must be in this conversation: `_row` checked
        people = await accounts.by_ids(tx.conn, [replied.sender_id])
        quote = Quote(
            id=replied.id,
            sender=people[replied.sender_id],
            text="" if replied.deleted_at else replied.text[:QUOTE_MAX],
            deleted=replied.deleted_at is not None,
        )
    # Everything about a new message is known here: no need to read it back.
    message = Message(
        id=message_id,
        conversation_id=conversation_id,
        sender=me,
        text=text,
        created_at=to_datetime(created),
        kind=kind,
        position=position,
        transfer=transfer,
        bill=bill,
        reply_to=quote,
        client_key=client_key,
    )
    await events.append_to(tx, members, EventType.MESSAGE_CREATED, message)
    return message


async def _announce(tx: Tx, row_id: str) -> Message:
    row = (await tx.conn.execute(select(messages).where(messages.c.id == row_id))).one()
    [message] = await load(tx.conn, [row])
    await events.append_to(
        tx, await member_ids(tx.conn, row.conversation_id), EventType.MESSAGE_UPDATED, message
    )
    return message


def _own(row: Row, me: Account, verb: str) -> None:
    if row.sender_id != me.id:
        raise AppError(403, "not_yours", f"You can only {verb} your own messages")
    if row.deleted_at is not None:
        raise AppError(409, "deleted", "That message was deleted")
    if row.kind != "text":
        raise AppError(422, "not_editable", f"A {row.kind} message can't be changed")


async def edit(tx: Tx, me: Account, conversation_id: str, message_id: str, text: str) -> Message:
    row = await _row(tx.conn, me, conversation_id, message_id)
    _own(row, me, "edit")
    await tx.conn.execute(
        update(messages).where(messages.c.id == row.id).values(text=text, edited_at=now_us())
    )
    return await _announce(tx, row.id)


async def remove(tx: Tx, me: Account, conversation_id: str, message_id: str) -> Message:
    """Delete for everyone: the text goes, a tombstone stays (replies still make sense)."""
    row = await _row(tx.conn, me, conversation_id, message_id)
    _own(row, me, "delete")
    await tx.conn.execute(
        update(messages).where(messages.c.id == row.id).values(text="", deleted_at=now_us())
    )
    await tx.conn.execute(delete(reactions).where(reactions.c.message_id == row.id))
    return await _announce(tx, row.id)


async def react(
    tx: Tx, me: Account, conversation_id: str, message_id: str, emoji: str, on: bool
) -> Message:
    row = await _row(tx.conn, me, conversation_id, message_id)
    if row.deleted_at is not None:
        raise AppError(409, "deleted", "That message was deleted")
    mine = (
        reactions.c.message_id == row.id,
        reactions.c.account_id == me.id,
        reactions.c.emoji == emoji,
    )
    exists = await tx.conn.scalar(select(func.count()).select_from(reactions).where(*mine))
    if on and not exists:
        await tx.conn.execute(
            reactions.insert().values(
                message_id=row.id, account_id=me.id, emoji=emoji, created_at=now_us()
            )
        )
    elif not on and exists:
        await tx.conn.execute(delete(reactions).where(*mine))
    else:
        [message] = await load(tx.conn, [row])  # nothing changed: nobody needs telling
        return message
    return await _announce(tx, row.id)


async def history(conn: Conn, me: Account, conversation_id: str, cursor: Cursor) -> Page[Message]:
    await require_member(conn, me, conversation_id)
    rows, next_cursor = await cursor.fetch(
        conn, select(messages).where(messages.c.conversation_id == conversation_id), messages.c.pk
    )
    return Page[Message](items=await load(conn, rows), next=next_cursor)


async def around(
    conn: Conn, me: Account, conversation_id: str, message_id: str, cursor: Cursor
) -> Page[Message]:
    """A page that holds `message_id` near its middle (to jump to a search hit); `next`
    pages on into older messages as usual."""
    row = await _row(conn, me, conversation_id, message_id)
    newer = (
        await conn.execute(
            select(messages.c.pk)
            .where(messages.c.conversation_id == conversation_id, messages.c.pk > row.pk)
            .order_by(messages.c.pk)
            .limit(cursor.limit // 2)
        )
    ).all()
    top = newer[-1].pk + 1 if newer else row.pk + 1
    return await history(conn, me, conversation_id, replace(cursor, before=top))


async def search(
    conn: Conn, me: Account, text: str, conversation_id: str | None, cursor: Cursor
) -> tuple[list[Message], str | None]:
    """Messages holding `text` (case-insensitive), newest first, in my conversations or in
    one of them; deleted messages are never found."""
    mine = select(conversation_members.c.conversation_id).where(
        conversation_members.c.account_id == me.id
    )
    if conversation_id is not None:
        await require_member(conn, me, conversation_id)
        mine = mine.where(conversation_members.c.conversation_id == conversation_id)
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = select(messages).where(
        messages.c.conversation_id.in_(mine),
        messages.c.deleted_at.is_(None),
        messages.c.kind == "text",
        func.lower(messages.c.text).like(f"%{escaped}%", "\\"),
    )
    rows, next_cursor = await cursor.fetch(conn, query, messages.c.pk)
    return await load(conn, rows), next_cursor


# --- delivered and read -----------------------------------------------------------------


async def positions(conn: Conn, conversation_ids: list[str]) -> dict[str, list[Position]]:
    """Every member's positions per conversation; `read` hidden for those who opted out."""
    rows = await conn.execute(
        select(
            conversation_members.c.conversation_id,
            conversation_members.c.account_id,
            conversation_members.c.delivered_position,
            conversation_members.c.read_position,
            accounts_table.c.read_receipts,
        )
        .join(accounts_table, accounts_table.c.id == conversation_members.c.account_id)
        .where(conversation_members.c.conversation_id.in_(conversation_ids))
    )
    found: dict[str, list[Position]] = defaultdict(list)
    for conversation_id, account_id, delivered, read, shares in rows:
        found[conversation_id].append(
            Position(account_id=account_id, delivered=delivered, read=read if shares else None)
        )
    return found


async def mark(tx: Tx, me: Account, conversation_id: str, up_to: int, read: bool) -> Position:
    """Move my delivered (and, when `read`, my read) position forward, never back; the
    other members hear of it unless nothing moved."""
    members = await require_member(tx.conn, me, conversation_id)
    last = await tx.conn.scalar(
        select(conversations.c.last_position).where(conversations.c.id == conversation_id)
    )
    up_to = min(up_to, last or 0)
    member = (
        conversation_members.c.conversation_id == conversation_id,
        conversation_members.c.account_id == me.id,
    )
    before = (
        await tx.conn.execute(
            select(
                conversation_members.c.delivered_position, conversation_members.c.read_position
            ).where(*member)
        )
    ).one()
    delivered = max(before.delivered_position, up_to)
    read_up_to = max(before.read_position, up_to) if read else before.read_position
    if (delivered, read_up_to) != tuple(before):
        await tx.conn.execute(
            update(conversation_members)
            .where(*member)
            .values(delivered_position=delivered, read_position=read_up_to)
        )
    # Always the caller's own position, whether or not it moved (the others' are in
    # the conversation itself).
    [mine] = [
        p
        for p in (await positions(tx.conn, [conversation_id]))[conversation_id]
        if p.account_id == me.id
    ]
    moved_read = read_up_to != before.read_position and mine.read is not None
    if delivered != before.delivered_position or moved_read:
        data = ReceiptData(conversation_id=conversation_id, position=mine)
        for member_id in members:
            if member_id != me.id:
                await events.append(tx, member_id, EventType.RECEIPT_UPDATED, data)
    return mine


UNREAD_CAP = 100
"""Unread counts stop here ("99+" is what a person reads anyway), so a chat with 100,000
unread messages costs what one with 100 does."""


async def unread(conn: Conn, me: Account, conversation_ids: list[str]) -> dict[str, int]:
    """Messages from others after my read position, per conversation, up to UNREAD_CAP
    (system lines and deleted messages don't count)."""
    counts: dict[str, int] = {}
    for conversation_id in conversation_ids:
        read_up_to = select(conversation_members.c.read_position).where(
            conversation_members.c.conversation_id == conversation_id,
            conversation_members.c.account_id == me.id,
        )
        newer = (
            select(messages.c.pk)
            .where(
                messages.c.conversation_id == conversation_id,
                messages.c.position > read_up_to.scalar_subquery(),
                messages.c.sender_id != me.id,
                messages.c.kind != "system",
                messages.c.deleted_at.is_(None),
            )
            .limit(UNREAD_CAP)
            .subquery()
        )
        count = await conn.scalar(select(func.count()).select_from(newer))
        if count:
            counts[conversation_id] = count
    return counts
