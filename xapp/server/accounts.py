"""Accounts and follows: the people side of the domain."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Row, bindparam, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from xapp.api.handles import skeleton
from xapp.api.models import Account
from xapp.server import ledger, safety, timelines
from xapp.server.clock import now_us
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError, not_found
from xapp.server.schema import accounts, blocks, follows, mutes, new_id, to_datetime

ACCOUNT_COLUMNS = (accounts.c.id, accounts.c.handle, accounts.c.display_name, accounts.c.created_at)


def to_account(row: Row) -> Account:
    return Account(
        id=row.id,
        handle=row.handle,
        display_name=row.display_name,
        created_at=to_datetime(row.created_at),
    )


async def require_free(conn: Conn, handle: str) -> None:
    """A 409 that says so if `handle` is taken, or looks too much like one that is."""
    taken = await conn.scalar(select(accounts.c.id).where(accounts.c.handle == handle))
    if taken:
        raise AppError(409, "handle_taken", f"The handle @{handle} is taken")
    shape = skeleton(handle)
    lookalike = await conn.scalar(
        select(accounts.c.handle).where(accounts.c.handle_skeleton == shape)
    )
    if lookalike:
        raise AppError(
            409,
            "handle_lookalike",
            f"@{handle} looks too much like @{lookalike}, so people could pay the wrong "
            "person. Please pick another handle.",
        )


async def create(tx: Tx, handle: str, display_name: str, password_hash: str) -> Account:
    """Create an account and its wallet; a taken handle is a 409 that says so (checked
    again here: another registration may have taken it since `require_free`)."""
    await require_free(tx.conn, handle)
    account_id = new_id()
    created = now_us()
    try:
        await tx.conn.execute(
            accounts.insert().values(
                id=account_id,
                handle=handle,
                display_name=display_name,
                password_hash=password_hash,
                created_at=created,
                handle_skeleton=skeleton(handle),
            )
        )
    except IntegrityError:
        raise AppError(409, "handle_taken", f"The handle @{handle} is taken") from None
    await ledger.open_user_account(tx, account_id, ledger.DEFAULT_CURRENCY)
    return Account(
        id=account_id, handle=handle, display_name=display_name, created_at=to_datetime(created)
    )


async def password_hash_for(conn: Conn, handle: str) -> Row | None:
    return (
        await conn.execute(
            select(*ACCOUNT_COLUMNS, accounts.c.password_hash).where(accounts.c.handle == handle)
        )
    ).first()


_BY_HANDLE = select(*ACCOUNT_COLUMNS).where(accounts.c.handle == bindparam("handle"))
"""Every payment looks its payee up: built once (a statement built per call costs its
construction and cache key, ~100 µs, more than running it)."""


async def by_handle(conn: Conn, handle: str) -> Account:
    row = (await conn.execute(_BY_HANDLE, {"handle": handle})).first()
    if row is None:
        raise not_found(f"@{handle}")
    return to_account(row)


async def others(conn: Conn, me: Account, handles: list[str], refusal: AppError) -> list[Account]:
    """The accounts of these handles, each once, in order; `refusal` if one of them is me,
    and a refusal too for anyone a block stands between."""
    found = []
    for handle in dict.fromkeys(handles):
        other = await by_handle(conn, handle)
        if other.id == me.id:
            raise refusal
        await safety.require_unblocked(conn, me, other)
        found.append(other)
    return found


async def by_id(conn: Conn, account_id: str) -> Account:
    """An account known to exist (the id comes from a row that references it)."""
    return (await by_ids(conn, [account_id]))[account_id]


async def by_ids(conn: Conn, ids: Iterable[str]) -> dict[str, Account]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await conn.execute(select(*ACCOUNT_COLUMNS).where(accounts.c.id.in_(wanted)))
    return {row.id: to_account(row) for row in rows}


async def private_state(conn: Conn, account_id: str) -> tuple[int, bool, bool]:
    """The account's last event seq, whether it has a payments PIN, and whether it sends
    read receipts."""
    row = (
        await conn.execute(
            select(accounts.c.event_seq, accounts.c.pin_hash, accounts.c.read_receipts).where(
                accounts.c.id == account_id
            )
        )
    ).one()
    return row.event_seq, row.pin_hash is not None, row.read_receipts


async def set_preferences(tx: Tx, me: Account, read_receipts: bool) -> None:
    await tx.conn.execute(
        update(accounts).where(accounts.c.id == me.id).values(read_receipts=read_receipts)
    )


async def follow(tx: Tx, follower: Account, handle: str) -> Account | None:
    """Follow someone; returns them if this is a new follow (None if it already was)."""
    followee = await _other(tx.conn, follower, handle, "follow")
    await safety.require_unblocked(tx.conn, follower, followee)
    exists = await tx.conn.scalar(
        select(follows.c.created_at).where(
            follows.c.follower_id == follower.id, follows.c.followee_id == followee.id
        )
    )
    if exists is not None:
        return None
    await tx.conn.execute(
        follows.insert().values(
            follower_id=follower.id, followee_id=followee.id, created_at=now_us()
        )
    )
    await timelines.copy_in(tx, follower.id, followee.id)
    return followee


async def unfollow(tx: Tx, follower: Account, handle: str) -> None:
    followee = await by_handle(tx.conn, handle)
    await tx.conn.execute(
        delete(follows).where(
            follows.c.follower_id == follower.id, follows.c.followee_id == followee.id
        )
    )
    await timelines.take_out(tx, follower.id, followee.id)


async def follower_ids(conn: Conn, account_id: str) -> list[str]:
    rows = await conn.execute(
        select(follows.c.follower_id).where(follows.c.followee_id == account_id)
    )
    return [r[0] for r in rows]


async def block(tx: Tx, me: Account, handle: str, on: bool) -> None:
    """Block (or unblock) someone; a block also ends the follows between us."""
    other = await _other(tx.conn, me, handle, "block")
    await tx.conn.execute(
        delete(blocks).where(blocks.c.blocker_id == me.id, blocks.c.blocked_id == other.id)
    )
    if not on:
        return
    await tx.conn.execute(
        blocks.insert().values(blocker_id=me.id, blocked_id=other.id, created_at=now_us())
    )
    await tx.conn.execute(
        delete(follows).where(
            or_(
                (follows.c.follower_id == me.id) & (follows.c.followee_id == other.id),
                (follows.c.follower_id == other.id) & (follows.c.followee_id == me.id),
            )
        )
    )
    await timelines.take_out(tx, me.id, other.id)
    await timelines.take_out(tx, other.id, me.id)


async def mute(tx: Tx, me: Account, handle: str, on: bool) -> None:
    """Mute (or unmute) someone: their posts leave my timelines, nothing else changes."""
    other = await _other(tx.conn, me, handle, "mute")
    await tx.conn.execute(
        delete(mutes).where(mutes.c.muter_id == me.id, mutes.c.muted_id == other.id)
    )
    if on:
        await tx.conn.execute(
            mutes.insert().values(muter_id=me.id, muted_id=other.id, created_at=now_us())
        )


async def _other(conn: Conn, me: Account, handle: str, verb: str) -> Account:
    other = await by_handle(conn, handle)
    if other.id == me.id:
        raise AppError(422, f"cannot_{verb}_self", f"You can't {verb} yourself")
    return other
