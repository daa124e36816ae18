"""Home timelines, written when a post is made (fan-out on write).

Reading a home timeline as "posts whose author I follow" makes the database gather and
sort every such post for each page: 34 ms a page at 15,000 posts, and growing with the
store. Instead each post (and repost) is listed once for its author and once per
follower in `timeline_entries`, so a page is one walk down (account_id, post_pk), the
same cost at any size. A follow copies the followee's posts in, an unfollow (or a block,
which ends follows) takes them out. What may be shown (tombstones, blocks, mutes) is
still decided when reading, so a block or a mute takes effect at once.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, literal, select, union_all

from xapp.server.db import Tx
from xapp.server.schema import follows, posts, timeline_entries

_COLUMNS = ["account_id", "post_pk", "author_id"]


async def deliver(tx: Tx, author_id: str, post_pk: int) -> None:
    """List a new post for its author and everyone following them."""
    readers = union_all(
        select(literal(author_id)),
        select(follows.c.follower_id).where(follows.c.followee_id == author_id),
    ).subquery()
    rows = select(readers.c[0], literal(post_pk), literal(author_id))
    await tx.conn.execute(insert(timeline_entries).from_select(_COLUMNS, rows))


async def withdraw(tx: Tx, post_pk: int) -> None:
    """A post row that is gone (an undone repost) leaves every timeline."""
    await tx.conn.execute(delete(timeline_entries).where(timeline_entries.c.post_pk == post_pk))


async def copy_in(tx: Tx, reader_id: str, author_id: str) -> None:
    """A new follow: the followee's posts join the reader's timeline, old ones included,
    so paging down it finds them where they belong."""
    rows = select(literal(reader_id), posts.c.pk, posts.c.author_id).where(
        posts.c.author_id == author_id
    )
    await tx.conn.execute(insert(timeline_entries).from_select(_COLUMNS, rows))


async def take_out(tx: Tx, reader_id: str, author_id: str) -> None:
    """An ended follow: the author's posts leave the reader's timeline."""
    await tx.conn.execute(
        delete(timeline_entries).where(
            timeline_entries.c.account_id == reader_id, timeline_entries.c.author_id == author_id
        )
    )
