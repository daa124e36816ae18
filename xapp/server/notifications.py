"""Notifications: someone mentioned me, replied to or quoted my post, liked or reposted
it, or followed me. Each is stored for the list and logged to my feed for the live count.
None come from someone a block stands between or whom I muted, and none for my own
doings. The unread count stops at 100, so a famous account's costs what anyone's does."""

from __future__ import annotations

import re

from sqlalchemy import func, select, update

from xapp.api.models import Account, EventType, Notification, NotificationKind, Page
from xapp.server import accounts, events, posts, safety
from xapp.server.clock import now_us
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError
from xapp.server.pages import Cursor
from xapp.server.schema import accounts as accounts_table
from xapp.server.schema import new_id, to_datetime
from xapp.server.schema import notifications as table

MENTION = re.compile(r"(?<![\w@])@([a-z0-9_]{3,15})\b", re.IGNORECASE)
UNREAD_CAP = 100


async def notify(
    tx: Tx,
    recipient_id: str,
    kind: NotificationKind,
    actor: Account,
    post_id: str | None,
    detail: str | None = None,
    about_self: bool = False,
) -> None:
    """Tell `recipient_id` what `actor` did; nobody hears of their own likes and replies,
    except when the news is about their own money (`about_self`: a rule of theirs that
    failed)."""
    if recipient_id == actor.id and not about_self:
        return
    if recipient_id != actor.id and await _unwelcome(tx.conn, recipient_id, actor.id):
        return
    created = now_us()
    notification_id = new_id()
    await tx.conn.execute(
        table.insert().values(
            id=notification_id,
            account_id=recipient_id,
            kind=kind,
            actor_id=actor.id,
            post_id=post_id,
            detail=detail,
            created_at=created,
        )
    )
    recipient = await accounts.by_id(tx.conn, recipient_id)
    post = await posts.get(tx.conn, recipient, post_id) if post_id else None
    notification = Notification(
        id=notification_id,
        kind=kind,
        actor=actor,
        post=post,
        detail=detail,
        created_at=to_datetime(created),
    )
    await events.append(tx, recipient_id, EventType.NOTIFICATION_CREATED, notification)


async def _unwelcome(conn: Conn, recipient_id: str, actor_id: str) -> bool:
    return await safety.has_muted(conn, recipient_id, actor_id) or await safety.is_blocked(
        conn, recipient_id, [actor_id]
    )


async def mentioned(tx: Tx, author: Account, text: str, post_id: str, skip: set[str]) -> None:
    """Tell each @handle in the text (once; not those in `skip`, told another way)."""
    handles = {m.group(1).casefold() for m in MENTION.finditer(text)}
    if not handles:
        return
    rows = await tx.conn.execute(
        select(accounts_table.c.id).where(accounts_table.c.handle.in_(handles))
    )
    for (account_id,) in rows:
        if account_id not in skip:
            await notify(tx, account_id, "mention", author, post_id)


async def page(conn: Conn, me: Account, cursor: Cursor) -> Page[Notification]:
    """Newest first; the post of each as I may see it now (gone if deleted or blocked)."""
    rows, next_cursor = await cursor.fetch(
        conn, select(table).where(table.c.account_id == me.id), table.c.pk
    )
    people = await accounts.by_ids(conn, {r.actor_id for r in rows})
    shown = {}
    for post_id in {r.post_id for r in rows if r.post_id}:
        try:
            shown[post_id] = await posts.get(conn, me, post_id)
        except AppError:  # one I may no longer see (a block since) shows as none
            continue
    items = [
        Notification(
            id=r.id,
            kind=r.kind,
            actor=people[r.actor_id],
            post=shown.get(r.post_id) if r.post_id else None,
            detail=r.detail,
            created_at=to_datetime(r.created_at),
        )
        for r in rows
    ]
    return Page[Notification](items=items, next=next_cursor)


async def unread(conn: Conn, me: Account) -> int:
    seen = select(accounts_table.c.notifications_seen).where(accounts_table.c.id == me.id)
    newer = (
        select(table.c.pk)
        .where(table.c.account_id == me.id, table.c.pk > seen.scalar_subquery())
        .limit(UNREAD_CAP)
        .subquery()
    )
    return int(await conn.scalar(select(func.count()).select_from(newer)) or 0)


async def mark_seen(tx: Tx, me: Account) -> None:
    newest = select(func.coalesce(func.max(table.c.pk), 0)).where(table.c.account_id == me.id)
    await tx.conn.execute(
        update(accounts_table)
        .where(accounts_table.c.id == me.id)
        .values(notifications_seen=newest.scalar_subquery())
    )
