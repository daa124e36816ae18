"""Posts, threads and timelines.

A reply, a quote and a repost are all rows of `posts` (a repost has `repost_of` and no
text), so a timeline is one walk down one index. Counters on the post row (replies,
likes, reposts, quotes) move in the transaction that adds or removes what they count, so
they are exact however many people press like at once. A deleted post stays as a
tombstone: its text goes, replies keep their place. Home is fan-out on read: the viewer's
own posts and those of the accounts they follow, newest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    CompoundSelect,
    Row,
    Select,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)

from xapp.api.models import (
    Account,
    EventType,
    Page,
    Post,
    PostCounts,
    PostCountsChanged,
    PostVersion,
    QuotedPost,
    Thread,
    ThreadReply,
)
from xapp.server import accounts, events, notifications, safety, timelines
from xapp.server.clock import now_us
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError, not_found
from xapp.server.pages import Cursor
from xapp.server.schema import (
    bookmarks,
    likes,
    new_id,
    post_edits,
    posts,
    timeline_entries,
    to_datetime,
)

ANCESTORS_MAX = 50
NESTED_SHOWN = 3
"""Replies shown under each direct reply in a thread; the rest are "more replies"."""

COUNTERS = {
    "replies": posts.c.reply_count,
    "likes": posts.c.like_count,
    "reposts": posts.c.repost_count,
    "quotes": posts.c.quote_count,
}


# --- reading ----------------------------------------------------------------------------


async def _row(conn: Conn, post_id: str, viewer: Account) -> Row:
    """A post the viewer may see: one by someone a block stands between is not there."""
    row = (await conn.execute(select(posts).where(posts.c.id == post_id))).first()
    if row is None or (
        row.author_id != viewer.id and await safety.is_blocked(conn, viewer.id, [row.author_id])
    ):
        raise not_found("That post")
    return row


async def _target(conn: Conn, post_id: str, viewer: Account, verb: str) -> Row:
    """The post an action is about: a repost stands for its original, and a deleted
    post takes no new replies, quotes, likes or reposts."""
    row = await _row(conn, post_id, viewer)
    if row.repost_of is not None:
        row = await _row(conn, row.repost_of, viewer)
    if row.deleted_at is not None:
        raise AppError(409, "deleted", f"That post was deleted, so you can't {verb} it")
    return row


async def load(conn: Conn, rows: Iterable[Row], viewer_id: str) -> list[Post]:
    """Wire posts for rows, with what they quote or repost, and the viewer's own marks."""
    rows = list(rows)
    originals = await _by_ids(conn, {r.repost_of for r in rows if r.repost_of})
    shown = [*rows, *originals.values()]
    quoted = await _by_ids(conn, {r.quote_of for r in shown if r.quote_of})
    parents = await _by_ids(conn, {r.reply_to for r in shown if r.reply_to})
    people = await accounts.by_ids(
        conn, {r.author_id for r in [*shown, *quoted.values(), *parents.values()]}
    )
    ids = [r.id for r in shown]
    liked = await _marked(conn, likes.c.post_id, likes.c.account_id == viewer_id, ids)
    kept = await _marked(conn, bookmarks.c.post_id, bookmarks.c.account_id == viewer_id, ids)
    reposted = await _marked(
        conn,
        posts.c.repost_of,
        (posts.c.author_id == viewer_id) & posts.c.repost_of.is_not(None),
        ids,
    )

    def wire(row: Row) -> Post:
        quote = quoted.get(row.quote_of) if row.quote_of else None
        parent = parents.get(row.reply_to) if row.reply_to else None
        original = originals.get(row.repost_of) if row.repost_of else None
        return Post(
            id=row.id,
            author=people[row.author_id],
            text="" if row.deleted_at else row.text,
            created_at=to_datetime(row.created_at),
            reply_to=row.reply_to,
            reply_to_handle=people[parent.author_id].handle if parent else None,
            quote=QuotedPost(
                id=quote.id,
                author=people[quote.author_id],
                text="" if quote.deleted_at else quote.text,
                deleted=quote.deleted_at is not None,
            )
            if quote
            else None,
            repost_of=wire(original) if original else None,
            replies=row.reply_count,
            likes=row.like_count,
            reposts=row.repost_count,
            quotes=row.quote_count,
            liked=row.id in liked,
            reposted=row.id in reposted,
            bookmarked=row.id in kept,
            edited_at=to_datetime(row.edited_at) if row.edited_at else None,
            deleted=row.deleted_at is not None,
        )

    return [wire(r) for r in rows]


async def _by_ids(conn: Conn, ids: set[str]) -> dict[str, Row]:
    if not ids:
        return {}
    return {r.id: r for r in await conn.execute(select(posts).where(posts.c.id.in_(ids)))}


async def _marked(
    conn: Conn, column: ColumnElement[str], mine: ColumnElement[bool], ids: list[str]
) -> set[str]:
    """Which of `ids` the viewer has marked (liked, bookmarked, reposted)."""
    if not ids:
        return set()
    return set((await conn.execute(select(column).where(mine, column.in_(ids)))).scalars())


async def get(conn: Conn, viewer: Account, post_id: str) -> Post:
    [post] = await load(conn, [await _row(conn, post_id, viewer)], viewer.id)
    return post


async def page(
    conn: Conn, viewer: Account, query: Select, cursor: Cursor, key: Column = posts.c.pk
) -> Page[Post]:
    """One page of posts in `key` order (the post's own position unless a list orders
    them by something else: a bookmark, a timeline entry)."""
    found = await cursor.fetch_both_ways(conn, query, key)
    return Page[Post](items=await load(conn, found.rows, viewer.id), **found.links())


def _visible(viewer_id: str) -> ColumnElement[bool]:
    """What the viewer's timelines show: not tombstones, nothing by someone blocked either
    way or muted, and no reposts of any of that. The repost test looks up one original
    by its id per row, so a page costs the same however big the table is."""
    hidden = safety.hidden_from_timelines(viewer_id)
    original = posts.alias("original")
    unwanted_original = exists().where(
        original.c.id == posts.c.repost_of,
        or_(original.c.deleted_at.is_not(None), original.c.author_id.in_(hidden)),
    )
    return posts.c.deleted_at.is_(None) & posts.c.author_id.not_in(hidden) & ~unwanted_original


async def home(conn: Conn, viewer: Account, cursor: Cursor) -> Page[Post]:
    """My posts and those of whom I follow, as `timelines` listed them when written."""
    entries = timeline_entries
    query = (
        select(posts, entries.c.post_pk)
        .join(entries, entries.c.post_pk == posts.c.pk)
        .where(entries.c.account_id == viewer.id, _visible(viewer.id))
    )
    return await page(conn, viewer, query, cursor, entries.c.post_pk)


async def everyone(conn: Conn, viewer: Account, cursor: Cursor) -> Page[Post]:
    return await page(conn, viewer, select(posts).where(_visible(viewer.id)), cursor)


async def bookmarked(conn: Conn, viewer: Account, cursor: Cursor) -> Page[Post]:
    """My bookmarks, the newest bookmark first (a deleted post shows as a tombstone)."""
    query = (
        select(posts, bookmarks.c.pk)
        .join(bookmarks, bookmarks.c.post_id == posts.c.id)
        .where(bookmarks.c.account_id == viewer.id)
    )
    return await page(conn, viewer, query, cursor, bookmarks.c.pk)


async def thread(conn: Conn, viewer: Account, post_id: str, cursor: Cursor) -> Thread:
    """The ancestors (first post first), the post, and its direct replies oldest first,
    each with its first few replies and how many more there are."""
    row = await _row(conn, post_id, viewer)
    if row.repost_of is not None:
        row = await _row(conn, row.repost_of, viewer)
    blocked = safety.blocked_either_way(viewer.id)
    chain: list[Row] = []
    parent_id = row.reply_to
    while parent_id and len(chain) < ANCESTORS_MAX:
        parent = (
            await conn.execute(
                select(posts).where(posts.c.id == parent_id, posts.c.author_id.not_in(blocked))
            )
        ).first()
        if parent is None:
            break
        chain.append(parent)
        parent_id = parent.reply_to
    direct, next_cursor = await _replies(conn, row.id, cursor, blocked)
    nested = {
        r.id: (await _replies(conn, r.id, Cursor(limit=NESTED_SHOWN), blocked))[0] for r in direct
    }
    everything = await load(
        conn,
        [*reversed(chain), row, *direct, *(n for ns in nested.values() for n in ns)],
        viewer.id,
    )
    by_id = {p.id: p for p in everything}
    return Thread(
        ancestors=[by_id[r.id] for r in reversed(chain)],
        post=by_id[row.id],
        replies=[
            ThreadReply(
                post=by_id[r.id],
                replies=[by_id[n.id] for n in nested[r.id]],
                more=max(r.reply_count - len(nested[r.id]), 0),
            )
            for r in direct
        ],
        replies_next=next_cursor,
    )


async def _replies(
    conn: Conn, post_id: str, cursor: Cursor, blocked: CompoundSelect
) -> tuple[Sequence[Row[Any]], str | None]:
    """Direct replies oldest first, none by `blocked` authors; `cursor.before` here means
    "after this pk"."""
    query = select(posts).where(posts.c.reply_to == post_id, posts.c.author_id.not_in(blocked))
    if cursor.before is not None:
        query = query.where(posts.c.pk > cursor.before)
    rows = (await conn.execute(query.order_by(posts.c.pk).limit(cursor.limit + 1))).all()
    page = rows[: cursor.limit]
    more = len(rows) > cursor.limit and page
    return page, (cursor.codec.text(page[-1].pk) if more else None)


async def edits(conn: Conn, viewer: Account, post_id: str) -> list[PostVersion]:
    """Every version of the post, oldest first, ending with the one shown now."""
    row = await _row(conn, post_id, viewer)
    if row.deleted_at is not None:
        raise AppError(409, "deleted", "That post was deleted, and its history with it")
    earlier = await conn.execute(
        select(post_edits.c.text, post_edits.c.written_at)
        .where(post_edits.c.post_id == row.id)
        .order_by(post_edits.c.pk)
    )
    versions = [PostVersion(text=t, written_at=to_datetime(w)) for t, w in earlier]
    current_written = row.edited_at or row.created_at
    return [*versions, PostVersion(text=row.text, written_at=to_datetime(current_written))]


# --- writing ----------------------------------------------------------------------------


async def create(
    tx: Tx, author: Account, text: str, reply_to: str | None = None, quote_of: str | None = None
) -> Post:
    parent = await _target(tx.conn, reply_to, author, "reply to") if reply_to else None
    quoted = await _target(tx.conn, quote_of, author, "quote") if quote_of else None
    post_id = new_id()
    pk = await tx.conn.scalar(
        posts.insert()
        .values(
            id=post_id,
            author_id=author.id,
            text=text,
            created_at=now_us(),
            reply_to=parent.id if parent else None,
            quote_of=quoted.id if quoted else None,
        )
        .returning(posts.c.pk)
    )
    await timelines.deliver(tx, author.id, pk)
    told: set[str] = set()
    if parent is not None:
        await _count(tx, parent, "replies", +1, author)
        await notifications.notify(tx, parent.author_id, "reply", author, post_id)
        told.add(parent.author_id)
    if quoted is not None:
        await _count(tx, quoted, "quotes", +1, author)
        await notifications.notify(tx, quoted.author_id, "quote", author, post_id)
        told.add(quoted.author_id)
    await notifications.mentioned(tx, author, text, post_id, skip=told)
    post = await get(tx.conn, author, post_id)
    await events.append_to(tx, await _readers(tx.conn, author.id), EventType.POST_CREATED, post)
    return post


async def repost(tx: Tx, me: Account, post_id: str) -> Post:
    """Repost (once: a second repost returns the first)."""
    original = await _target(tx.conn, post_id, me, "repost")
    existing = (
        await tx.conn.execute(
            select(posts).where(posts.c.author_id == me.id, posts.c.repost_of == original.id)
        )
    ).first()
    if existing is not None:
        return await get(tx.conn, me, existing.id)
    repost_id = new_id()
    pk = await tx.conn.scalar(
        posts.insert()
        .values(id=repost_id, author_id=me.id, text="", created_at=now_us(), repost_of=original.id)
        .returning(posts.c.pk)
    )
    await timelines.deliver(tx, me.id, pk)
    await _count(tx, original, "reposts", +1, me)
    await notifications.notify(tx, original.author_id, "repost", me, original.id)
    post = await get(tx.conn, me, repost_id)
    await events.append_to(tx, await _readers(tx.conn, me.id), EventType.POST_CREATED, post)
    return post


async def undo_repost(tx: Tx, me: Account, post_id: str) -> None:
    original = await _row(tx.conn, post_id, me)
    if original.repost_of is not None:
        original = await _row(tx.conn, original.repost_of, me)
    repost = (
        await tx.conn.execute(
            select(posts.c.id).where(posts.c.author_id == me.id, posts.c.repost_of == original.id)
        )
    ).first()
    if repost is None:
        return
    # Bookmarks of the repost (kept before bookmarks went to the original) move to the
    # original, unless its reader has that one already: the repost row can then go.
    already = select(bookmarks.c.account_id).where(bookmarks.c.post_id == original.id)
    await tx.conn.execute(
        update(bookmarks)
        .where(bookmarks.c.post_id == repost.id, bookmarks.c.account_id.not_in(already))
        .values(post_id=original.id)
    )
    await tx.conn.execute(delete(bookmarks).where(bookmarks.c.post_id == repost.id))
    removed = await tx.conn.scalar(
        delete(posts).where(posts.c.id == repost.id).returning(posts.c.pk)
    )
    if removed is not None:
        await timelines.withdraw(tx, removed)
        await _count(tx, original, "reposts", -1, me)


async def like(tx: Tx, me: Account, post_id: str, on: bool) -> PostCounts:
    """Like or unlike; doing what is already done changes nothing."""
    row = await _target(tx.conn, post_id, me, "like") if on else await _row(tx.conn, post_id, me)
    if row.repost_of is not None:
        row = await _row(tx.conn, row.repost_of, me)
    mine = (likes.c.post_id == row.id, likes.c.account_id == me.id)
    exists = await tx.conn.scalar(select(func.count()).select_from(likes).where(*mine))
    if on and not exists:
        await tx.conn.execute(
            likes.insert().values(post_id=row.id, account_id=me.id, created_at=now_us())
        )
        await notifications.notify(tx, row.author_id, "like", me, row.id)
        return await _count(tx, row, "likes", +1, me)
    if not on and exists:
        await tx.conn.execute(delete(likes).where(*mine))
        return await _count(tx, row, "likes", -1, me)
    return _counts(row)


async def bookmark(tx: Tx, me: Account, post_id: str, on: bool) -> None:
    """A repost's bookmark is the original's (as its like is): the repost can be undone."""
    row = await _row(tx.conn, post_id, me)
    if row.repost_of is not None:
        row = await _row(tx.conn, row.repost_of, me)
    mine = (bookmarks.c.account_id == me.id, bookmarks.c.post_id == row.id)
    exists = await tx.conn.scalar(select(func.count()).select_from(bookmarks).where(*mine))
    if on and not exists:
        await tx.conn.execute(
            bookmarks.insert().values(account_id=me.id, post_id=row.id, created_at=now_us())
        )
    elif not on and exists:
        await tx.conn.execute(delete(bookmarks).where(*mine))


async def edit(tx: Tx, me: Account, post_id: str, text: str) -> Post:
    row = await _own(tx.conn, me, post_id, "edit")
    if text == row.text:
        return await get(tx.conn, me, row.id)
    await tx.conn.execute(
        post_edits.insert().values(
            post_id=row.id, text=row.text, written_at=row.edited_at or row.created_at
        )
    )
    await tx.conn.execute(
        update(posts).where(posts.c.id == row.id).values(text=text, edited_at=now_us())
    )
    return await _announce(tx, me, row.id)


async def remove(tx: Tx, me: Account, post_id: str) -> Post:
    """Delete: the text and its history go, a tombstone stays so replies keep their
    place; reposts of it leave the timelines with it."""
    row = await _own(tx.conn, me, post_id, "delete")
    await tx.conn.execute(delete(post_edits).where(post_edits.c.post_id == row.id))
    await tx.conn.execute(
        update(posts).where(posts.c.id == row.id).values(text="", deleted_at=now_us())
    )
    for linked, counter in ((row.reply_to, "replies"), (row.quote_of, "quotes")):
        if linked:
            original = (await tx.conn.execute(select(posts).where(posts.c.id == linked))).one()
            await _count(tx, original, counter, -1)
    return await _announce(tx, me, row.id)


async def _own(conn: Conn, me: Account, post_id: str, verb: str) -> Row:
    row = await _row(conn, post_id, me)
    if row.author_id != me.id:
        raise AppError(403, "not_yours", f"You can only {verb} your own posts")
    if row.deleted_at is not None:
        raise AppError(409, "deleted", "That post was deleted")
    if row.repost_of is not None:
        raise AppError(422, "is_repost", f"A repost can't be {verb}ed: undo the repost instead")
    return row


async def _announce(tx: Tx, me: Account, post_id: str) -> Post:
    post = await get(tx.conn, me, post_id)
    await events.append_to(tx, await _readers(tx.conn, me.id), EventType.POST_UPDATED, post)
    return post


async def _readers(conn: Conn, author_id: str) -> list[str]:
    return [author_id, *await accounts.follower_ids(conn, author_id)]


def _counts(row: Row) -> PostCounts:
    return PostCounts(
        id=row.id,
        replies=row.reply_count,
        likes=row.like_count,
        reposts=row.repost_count,
        quotes=row.quote_count,
    )


async def _count(
    tx: Tx, row: Row, counter: str, step: int, actor: Account | None = None
) -> PostCounts:
    """Move one counter in this transaction, and tell whoever may be looking (the author,
    their followers and the one who acted) once it has committed."""
    column = COUNTERS[counter]
    await tx.conn.execute(update(posts).where(posts.c.id == row.id).values({column: column + step}))
    fresh = (await tx.conn.execute(select(posts).where(posts.c.id == row.id))).one()
    counts = _counts(fresh)
    audience = await _readers(tx.conn, row.author_id)
    if actor is not None and actor.id not in audience:
        audience.append(actor.id)
    tx.after_commit(
        audience, PostCountsChanged(type=EventType.POST_COUNTS, data=counts).model_dump_json()
    )
    return counts
