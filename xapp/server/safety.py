"""Blocks and mutes: the one place that says who may reach whom.

A block works both ways and everywhere: neither side sees the other's posts (timelines,
threads, single posts), replies to, quotes, likes or reposts them, messages the other in
a one-to-one chat, adds them to a group or a bill, or pays them. Blocking also ends the
follows between the two. A mute is quieter and one-sided: the muted account's posts and
reposts leave my timelines, and nothing else changes for either of us.
"""

from __future__ import annotations

from sqlalchemy import CompoundSelect, Select, bindparam, exists, or_, select, union

from xapp.api.models import Account
from xapp.server.db import Conn
from xapp.server.errors import AppError
from xapp.server.schema import blocks, mutes

_BETWEEN = select(
    exists().where(
        or_(
            (blocks.c.blocker_id == bindparam("a"))
            & blocks.c.blocked_id.in_(bindparam("b", expanding=True)),
            (blocks.c.blocked_id == bindparam("a"))
            & blocks.c.blocker_id.in_(bindparam("b", expanding=True)),
        )
    )
)


def _blocked(viewer_id: str) -> list[Select]:
    return [
        select(blocks.c.blocked_id).where(blocks.c.blocker_id == viewer_id),
        select(blocks.c.blocker_id).where(blocks.c.blocked_id == viewer_id),
    ]


def blocked_either_way(viewer_id: str) -> CompoundSelect:
    """The accounts the viewer blocked, and those that blocked the viewer."""
    return union(*_blocked(viewer_id))


def hidden_from_timelines(viewer_id: str) -> CompoundSelect:
    """Blocked either way, and muted by the viewer (one flat UNION: SQLite refuses a
    nested one inside IN)."""
    return union(
        *_blocked(viewer_id), select(mutes.c.muted_id).where(mutes.c.muter_id == viewer_id)
    )


async def is_blocked(conn: Conn, me_id: str, other_ids: list[str]) -> bool:
    """Whether a block stands between me and any of these accounts, either way."""
    if not other_ids:
        return False
    return bool(await conn.scalar(_BETWEEN, {"a": me_id, "b": other_ids}))


async def has_muted(conn: Conn, muter_id: str, muted_id: str) -> bool:
    found = await conn.scalar(
        select(mutes.c.muted_id).where(mutes.c.muter_id == muter_id, mutes.c.muted_id == muted_id)
    )
    return found is not None


def refusal(handle: str) -> AppError:
    return AppError(
        403, "blocked", f"You can't do that with @{handle}: one of you has blocked the other"
    )


async def require_unblocked(conn: Conn, me: Account, other: Account) -> None:
    if await is_blocked(conn, me.id, [other.id]):
        raise refusal(other.handle)
