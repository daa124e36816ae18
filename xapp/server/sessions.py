"""A person's sessions: the devices and programs signed in to their account. They are
listed (what signed in, from where, when it ends), revoked one by one, and all but the
current one are revoked when the password changes. A revoked session's token stops
working at once and its open feeds close (`auth.tell_feeds`)."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from xapp.api.models import Account, SessionInfo
from xapp.server.auth import oldest_live_session, session_id, session_us
from xapp.server.db import Conn, Tx
from xapp.server.errors import not_found
from xapp.server.schema import accounts, to_datetime, tokens


async def listing(
    conn: Conn, me: Account, current_hash: str, session_days: float
) -> list[SessionInfo]:
    """My live sessions, newest first."""
    rows = await conn.execute(
        select(tokens)
        .where(
            tokens.c.account_id == me.id,
            tokens.c.created_at > oldest_live_session(session_days),
        )
        .order_by(tokens.c.created_at.desc())
    )
    return [
        SessionInfo(
            id=session_id(row.token_hash),
            label=row.label or "unknown",
            address=row.address or "unknown",
            created_at=to_datetime(row.created_at),
            expires_at=to_datetime(row.created_at + session_us(session_days)),
            current=row.token_hash == current_hash,
        )
        for row in rows
    ]


async def revoke(tx: Tx, me: Account, session: str) -> str:
    """Revoke one of my sessions by its id; returns its token's hash (for its feeds)."""
    if len(session) != len(session_id("0" * 64)) or not session.isalnum():
        raise not_found("That session")
    gone = await tx.conn.scalar(
        delete(tokens)
        .where(tokens.c.account_id == me.id, tokens.c.token_hash.startswith(session))
        .returning(tokens.c.token_hash)
    )
    if gone is None:
        raise not_found("That session")
    return str(gone)


async def revoke_others(tx: Tx, me: Account, keep_hash: str) -> list[str]:
    """Revoke every session of mine but `keep_hash`; returns their hashes."""
    gone = [
        h
        for (h,) in await tx.conn.execute(
            delete(tokens)
            .where(tokens.c.account_id == me.id, tokens.c.token_hash != keep_hash)
            .returning(tokens.c.token_hash)
        )
    ]
    return gone


async def set_password(tx: Tx, me: Account, password_hash: str) -> None:
    await tx.conn.execute(
        update(accounts).where(accounts.c.id == me.id).values(password_hash=password_hash)
    )
