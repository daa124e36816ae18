"""Posts and timelines. Home is fan-out on read for now: the author's own posts and those
of the accounts they follow, newest first."""

from __future__ import annotations

from sqlalchemy import Row, or_, select

from xapp.api.models import Account, Page, Post
from xapp.server import accounts, events
from xapp.server.db import Conn, Tx
from xapp.server.pages import Cursor
from xapp.server.schema import follows, new_id, now_us, posts, to_datetime


async def create(tx: Tx, author: Account, text: str) -> Post:
    created = now_us()
    post = Post(id=new_id(), author=author, text=text, created_at=to_datetime(created))
    await tx.conn.execute(
        posts.insert().values(id=post.id, author_id=author.id, text=text, created_at=created)
    )
    readers = [author.id, *await accounts.follower_ids(tx.conn, author.id)]
    await events.append_to(tx, readers, "post.created", post)
    return post


async def _page(conn: Conn, rows: list[Row], next_cursor: str | None) -> Page[Post]:
    authors = await accounts.by_ids(conn, {r.author_id for r in rows})
    return Page[Post](
        items=[
            Post(
                id=r.id,
                author=authors[r.author_id],
                text=r.text,
                created_at=to_datetime(r.created_at),
            )
            for r in rows
        ],
        next=next_cursor,
    )


async def home(conn: Conn, viewer_id: str, cursor: Cursor) -> Page[Post]:
    followed = select(follows.c.followee_id).where(follows.c.follower_id == viewer_id)
    query = select(posts).where(
        or_(posts.c.author_id == viewer_id, posts.c.author_id.in_(followed))
    )
    return await _page(conn, *await cursor.fetch(conn, query, posts.c.pk))


async def everyone(conn: Conn, cursor: Cursor) -> Page[Post]:
    return await _page(conn, *await cursor.fetch(conn, select(posts), posts.c.pk))
