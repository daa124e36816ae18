"""Profiles: who someone is (name, bio, joined), their counts, their posts, and the
lists of who follows them and whom they follow. Someone a block stands between has no
profile for the other: 404, as for their posts."""

from __future__ import annotations

from sqlalchemy import Select, func, select, update

from xapp.api.models import Account, Page, Post, Profile
from xapp.server import accounts, posts, safety
from xapp.server.accounts import ACCOUNT_COLUMNS, to_account
from xapp.server.db import Conn, Tx
from xapp.server.errors import not_found
from xapp.server.pages import Cursor
from xapp.server.schema import accounts as accounts_table
from xapp.server.schema import follows
from xapp.server.schema import posts as posts_table


async def _visible(conn: Conn, viewer: Account, handle: str) -> Account:
    person = await accounts.by_handle(conn, handle)
    if person.id != viewer.id and await safety.is_blocked(conn, viewer.id, [person.id]):
        raise not_found(f"@{handle}")
    return person


async def _count(conn: Conn, query: Select) -> int:
    return int(await conn.scalar(select(func.count()).select_from(query.subquery())) or 0)


async def get(conn: Conn, viewer: Account, handle: str) -> Profile:
    person = await _visible(conn, viewer, handle)
    bio = await conn.scalar(select(accounts_table.c.bio).where(accounts_table.c.id == person.id))

    def follow(follower: str, followee: str) -> Select:
        return select(follows.c.follower_id).where(
            follows.c.follower_id == follower, follows.c.followee_id == followee
        )

    return Profile(
        account=person,
        bio=bio or "",
        posts=await _count(
            conn,
            select(posts_table.c.pk).where(
                posts_table.c.author_id == person.id,
                posts_table.c.deleted_at.is_(None),
                posts_table.c.repost_of.is_(None),
            ),
        ),
        followers=await _count(
            conn, select(follows.c.follower_id).where(follows.c.followee_id == person.id)
        ),
        following=await _count(
            conn, select(follows.c.followee_id).where(follows.c.follower_id == person.id)
        ),
        i_follow=bool(await _count(conn, follow(viewer.id, person.id))),
        follows_me=bool(await _count(conn, follow(person.id, viewer.id))),
        muted=await safety.has_muted(conn, viewer.id, person.id),
    )


async def their_posts(conn: Conn, viewer: Account, handle: str, cursor: Cursor) -> Page[Post]:
    """Their posts and reposts, newest first, without tombstones."""
    person = await _visible(conn, viewer, handle)
    query = select(posts_table).where(
        posts_table.c.author_id == person.id, posts_table.c.deleted_at.is_(None)
    )
    return await posts.page(conn, viewer, query, cursor)


async def people(
    conn: Conn, viewer: Account, handle: str, cursor: Cursor, followers: bool
) -> Page[Account]:
    """Who follows them (or whom they follow), newest accounts first (the account's
    `pk` is the one unique order a cursor can hold); people a block stands between the
    viewer and are left out."""
    person = await _visible(conn, viewer, handle)
    them, other = (
        (follows.c.followee_id, follows.c.follower_id)
        if followers
        else (follows.c.follower_id, follows.c.followee_id)
    )
    query = (
        select(*ACCOUNT_COLUMNS, accounts_table.c.pk)
        .join(follows, other == accounts_table.c.id)
        .where(them == person.id, accounts_table.c.id.not_in(safety.blocked_either_way(viewer.id)))
    )
    rows, next_cursor = await cursor.fetch(conn, query, accounts_table.c.pk)
    return Page[Account](items=[to_account(r) for r in rows], next=next_cursor)


async def edit(tx: Tx, me: Account, display_name: str | None, bio: str | None) -> Profile:
    changes = {
        key: value
        for key, value in (("display_name", display_name), ("bio", bio))
        if value is not None
    }
    if changes:
        await tx.conn.execute(
            update(accounts_table).where(accounts_table.c.id == me.id).values(**changes)
        )
    fresh = await accounts.by_handle(tx.conn, me.handle)
    return await get(tx.conn, fresh, me.handle)
