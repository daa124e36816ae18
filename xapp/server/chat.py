"""Conversations: one-to-one chats and groups, their names, members and roles.

A conversation is visible only to its members: to anyone else it does not exist (404,
never 403, so ids cannot be probed), and a removed member loses it at once. A group's
creator is its first admin; admins add and remove members and rename it, anyone may
leave. Every change is a system line in the chat and a `conversation.updated` event,
built for each member (their unread count is their own). Messages live in `messages`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable

from sqlalchemy import Row, delete, select, update

from xapp.api.models import GROUP_MAX, Account, Conversation, EventType, Page
from xapp.server import accounts, events, messages
from xapp.server.clock import now_us
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError, not_found
from xapp.server.members import member_ids
from xapp.server.pages import Cursor
from xapp.server.schema import conversation_members, conversations, new_id, to_datetime
from xapp.server.schema import messages as messages_table


async def require_member(conn: Conn, me: Account, conversation_id: str, other: Account) -> None:
    """Both `me` and `other` must be in the conversation (a payment card is shown there)."""
    members = await messages.require_member(conn, me, conversation_id)
    if other.id not in members:
        raise AppError(422, "not_a_member", f"@{other.handle} is not in this conversation")


def _people(tx: Tx, me: Account, handles: list[str]) -> Awaitable[list[Account]]:
    refusal = AppError(422, "cannot_message_self", "You can't start a conversation with yourself")
    return accounts.others(tx.conn, me, handles, refusal)


async def start(
    tx: Tx, me: Account, handles: list[str], name: str | None = None
) -> tuple[Conversation, bool]:
    """With one handle and no name, the conversation between the two of us (found or
    made); otherwise a new group. True when it was created."""
    others = await _people(tx, me, handles)
    is_group = len(others) > 1 or name is not None
    pair_key = None if is_group else ":".join(sorted([me.id, others[0].id]))
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
            name=name,
            is_group=is_group,
            created_by=me.id,
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
            {
                "conversation_id": conversation_id,
                "account_id": a.id,
                "joined_at": created,
                "role": "admin" if a.id == me.id and is_group else "member",
            }
            for a in (me, *others)
        ],
    )
    if is_group:
        names = ", ".join(f"@{o.handle}" for o in others)
        title = f" “{name}”" if name else ""
        await messages.send(
            tx, me, conversation_id, f"@{me.handle} made the group{title} with {names}", system=True
        )
    return await get(tx.conn, me, conversation_id), True


async def _row(conn: Conn, conversation_id: str) -> Row:
    return (
        await conn.execute(select(conversations).where(conversations.c.id == conversation_id))
    ).one()


async def get(conn: Conn, me: Account, conversation_id: str) -> Conversation:
    await messages.require_member(conn, me, conversation_id)
    return (await _conversations(conn, me, [await _row(conn, conversation_id)]))[0]


async def _conversations(conn: Conn, me: Account, rows: list[Row]) -> list[Conversation]:
    ids = [r.id for r in rows]
    member_rows = (
        await conn.execute(
            select(conversation_members).where(conversation_members.c.conversation_id.in_(ids))
        )
    ).all()
    last_rows = (
        await conn.execute(
            select(messages_table).where(
                messages_table.c.pk.in_([r.activity for r in rows if r.activity > 0])
            )
        )
    ).all()
    people = await accounts.by_ids(conn, {m.account_id for m in member_rows})
    members: dict[str, list[Account]] = defaultdict(list)
    admins: dict[str, list[str]] = defaultdict(list)
    for m in member_rows:
        members[m.conversation_id].append(people[m.account_id])
        if m.role == "admin":
            admins[m.conversation_id].append(m.account_id)
    last = {m.conversation_id: m for m in await messages.load(conn, last_rows)}
    unread = await messages.unread(conn, me, ids)
    positions = await messages.positions(conn, ids)
    return [
        Conversation(
            id=r.id,
            members=sorted(members[r.id], key=lambda a: a.handle),
            last_message=last.get(r.id),
            updated_at=to_datetime(r.updated_at),
            name=r.name,
            is_group=r.is_group,
            admins=sorted(admins[r.id]),
            unread=unread.get(r.id, 0),
            positions=positions[r.id],
        )
        for r in rows
    ]


async def list_for(conn: Conn, me: Account, cursor: Cursor) -> Page[Conversation]:
    mine = select(conversation_members.c.conversation_id).where(
        conversation_members.c.account_id == me.id
    )
    rows, next_cursor = await cursor.fetch(
        conn, select(conversations).where(conversations.c.id.in_(mine)), conversations.c.activity
    )
    return Page[Conversation](items=await _conversations(conn, me, rows), next=next_cursor)


# --- groups -----------------------------------------------------------------------------


async def _group(tx: Tx, me: Account, conversation_id: str, admin: bool) -> Row:
    await messages.require_member(tx.conn, me, conversation_id)
    row = await _row(tx.conn, conversation_id)
    if not row.is_group:
        raise AppError(422, "not_a_group", "A one-to-one conversation has no members to change")
    if admin:
        role = await tx.conn.scalar(
            select(conversation_members.c.role).where(
                conversation_members.c.conversation_id == conversation_id,
                conversation_members.c.account_id == me.id,
            )
        )
        if role != "admin":
            raise AppError(403, "not_admin", "Only the group's admins can do that")
    return row


async def _announce(tx: Tx, conversation_id: str, gone: Account | None = None) -> None:
    """Tell every member (and whoever just left) how the conversation now looks to them."""
    row = await _row(tx.conn, conversation_id)
    viewers = [
        *(await accounts.by_ids(tx.conn, await member_ids(tx.conn, conversation_id))).values()
    ]
    if gone is not None:
        viewers.append(gone)
    # Built once; only the unread count is each viewer's own.
    [shared] = await _conversations(tx.conn, viewers[0], [row])
    for viewer in viewers:
        unread = (await messages.unread(tx.conn, viewer, [conversation_id])).get(conversation_id, 0)
        kind = EventType.CONVERSATION_LEFT if viewer is gone else EventType.CONVERSATION_UPDATED
        await events.append(tx, viewer.id, kind, shared.model_copy(update={"unread": unread}))


async def rename(tx: Tx, me: Account, conversation_id: str, name: str) -> Conversation:
    await _group(tx, me, conversation_id, admin=True)
    await tx.conn.execute(
        update(conversations).where(conversations.c.id == conversation_id).values(name=name)
    )
    await messages.send(
        tx, me, conversation_id, f"@{me.handle} named the group “{name}”", system=True
    )
    await _announce(tx, conversation_id)
    return await get(tx.conn, me, conversation_id)


async def add_members(
    tx: Tx, me: Account, conversation_id: str, handles: list[str]
) -> Conversation:
    await _group(tx, me, conversation_id, admin=True)
    present = set(await member_ids(tx.conn, conversation_id))
    newcomers = [p for p in await _people(tx, me, handles) if p.id not in present]
    if len(present) + len(newcomers) > GROUP_MAX:
        raise AppError(422, "group_full", f"A group holds at most {GROUP_MAX} people")
    if newcomers:
        # Newcomers start with everything so far read: history is visible, not unread.
        seen = await tx.conn.scalar(
            select(conversations.c.last_position).where(conversations.c.id == conversation_id)
        )
        await tx.conn.execute(
            conversation_members.insert(),
            [
                {
                    "conversation_id": conversation_id,
                    "account_id": p.id,
                    "joined_at": now_us(),
                    "role": "member",
                    "delivered_position": seen,
                    "read_position": seen,
                }
                for p in newcomers
            ],
        )
        names = ", ".join(f"@{p.handle}" for p in newcomers)
        await messages.send(tx, me, conversation_id, f"@{me.handle} added {names}", system=True)
        await _announce(tx, conversation_id)
    return await get(tx.conn, me, conversation_id)


async def remove_member(tx: Tx, me: Account, conversation_id: str, handle: str) -> Conversation:
    """An admin removes someone, or anyone removes themself (leaves)."""
    target = await accounts.by_handle(tx.conn, handle)
    await _group(tx, me, conversation_id, admin=target.id != me.id)
    if target.id not in await member_ids(tx.conn, conversation_id):
        raise not_found(f"@{handle} in this group")
    line = f"@{me.handle} left" if target.id == me.id else f"@{me.handle} removed @{target.handle}"
    await messages.send(tx, me, conversation_id, line, system=True)
    await tx.conn.execute(
        delete(conversation_members).where(
            conversation_members.c.conversation_id == conversation_id,
            conversation_members.c.account_id == target.id,
        )
    )
    remaining = await member_ids(tx.conn, conversation_id)
    admins = await tx.conn.scalar(
        select(conversation_members.c.account_id).where(
            conversation_members.c.conversation_id == conversation_id,
            conversation_members.c.role == "admin",
        )
    )
    if remaining and admins is None:  # the last admin left: the longest member takes over
        heir = await tx.conn.scalar(
            select(conversation_members.c.account_id)
            .where(conversation_members.c.conversation_id == conversation_id)
            .order_by(conversation_members.c.joined_at)
            .limit(1)
        )
        await tx.conn.execute(
            update(conversation_members)
            .where(
                conversation_members.c.conversation_id == conversation_id,
                conversation_members.c.account_id == heir,
            )
            .values(role="admin")
        )
    await _announce(tx, conversation_id, gone=target)
    if target.id == me.id:
        return (await _conversations(tx.conn, me, [await _row(tx.conn, conversation_id)]))[0]
    return await get(tx.conn, me, conversation_id)


async def make_admin(tx: Tx, me: Account, conversation_id: str, handle: str) -> Conversation:
    await _group(tx, me, conversation_id, admin=True)
    target = await accounts.by_handle(tx.conn, handle)
    if target.id not in await member_ids(tx.conn, conversation_id):
        raise not_found(f"@{handle} in this group")
    await tx.conn.execute(
        update(conversation_members)
        .where(
            conversation_members.c.conversation_id == conversation_id,
            conversation_members.c.account_id == target.id,
        )
        .values(role="admin")
    )
    await messages.send(
        tx, me, conversation_id, f"@{me.handle} made @{target.handle} an admin", system=True
    )
    await _announce(tx, conversation_id)
    return await get(tx.conn, me, conversation_id)
