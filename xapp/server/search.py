"""Search: people by handle or name, posts by words and #hashtags.

Post search sits behind `PostIndex`, so the store decides how words are found: SQLite
uses its FTS5 index (`posts_fts`, kept in step by triggers), PostgreSQL its own text
search (a GIN index over `to_tsvector('simple', text)`, migration 0010). Results
are newest first and never include deleted posts, reposts, or anything by someone a
block stands between.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, func, literal_column, or_, select, text

from xapp.api.models import Account, Page, Post
from xapp.server import posts, safety
from xapp.server.accounts import ACCOUNT_COLUMNS, to_account
from xapp.server.db import Conn
from xapp.server.pages import Cursor
from xapp.server.schema import accounts as accounts_table
from xapp.server.schema import posts as posts_table

WORD = re.compile(r"[#@]?\w+", re.UNICODE)
HASHTAG = re.compile(r"#(\w{1,50})", re.UNICODE)
PEOPLE_MAX = 20


class PostIndex(Protocol):
    def matching(self, words: list[str]) -> ColumnElement[bool]:
        """A condition on `posts` that holds when a post has all these words."""
        ...


class Fts5Index:
    def matching(self, words: list[str]) -> ColumnElement[bool]:
        # Each word quoted, so nothing the user types is FTS5 syntax, and matched as a
        # prefix, so "ledger" finds "ledgers".
        phrase = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
        hits: Select[tuple[Any]] = (
            select(literal_column("rowid"))
            .select_from(text("posts_fts"))
            .where(text("posts_fts MATCH :phrase").bindparams(phrase=phrase))
        )
        return posts_table.c.pk.in_(hits)


class TsIndex:
    def matching(self, words: list[str]) -> ColumnElement[bool]:
        # The same expression as the index (so the planner uses it); each word a quoted
        # lexeme matched as a prefix, so nothing typed is tsquery syntax.
        terms = " & ".join(f"'{_lexeme(w)}':*" for w in words)
        return func.to_tsvector(SIMPLE, posts_table.c.text).bool_op("@@")(
            func.to_tsquery(SIMPLE, terms)
        )


SIMPLE: ColumnElement[str] = literal_column("'simple'::regconfig")


def _lexeme(word: str) -> str:
    return word.replace("\\", "\\\\").replace("'", "''")


def index_for(conn: Conn) -> PostIndex:
    return Fts5Index() if conn.dialect.name == "sqlite" else TsIndex()


def words_of(query: str) -> tuple[list[str], list[str]]:
    """The plain words and the hashtags (without '#') a search asks for."""
    found = WORD.findall(query)
    tags = [w[1:].casefold() for w in found if w.startswith("#") and len(w) > 1]
    words = [w.lstrip("#@") for w in found]
    return [w for w in words if w], tags


async def find_posts(conn: Conn, viewer: Account, query: str, cursor: Cursor) -> Page[Post]:
    words, tags = words_of(query)
    if not words:
        return Page[Post](items=[], next=None)
    blocked = safety.blocked_either_way(viewer.id)
    statement: Select = select(posts_table).where(
        index_for(conn).matching(words),
        posts_table.c.deleted_at.is_(None),
        posts_table.c.repost_of.is_(None),
        posts_table.c.author_id.not_in(blocked),
    )
    if not tags:
        return await posts.page(conn, viewer, statement, cursor)
    # The index finds the word; a hashtag must also be written as one ("#rust", not "rust").
    found: list[Post] = []
    batch_cursor, next_cursor = cursor, None
    while len(found) < cursor.limit:
        batch = await posts.page(conn, viewer, statement, batch_cursor)
        found += [p for p in batch.items if set(tags) <= _hashtags(p.text)]
        next_cursor = batch.next
        if next_cursor is None:
            break
        batch_cursor = replace(cursor, before=cursor.codec.position(next_cursor))
    return Page[Post](items=found[: cursor.limit], next=next_cursor)


def _hashtags(text_: str) -> set[str]:
    return {t.casefold() for t in HASHTAG.findall(text_)}


async def find_people(conn: Conn, viewer: Account, query: str) -> list[Account]:
    """By handle (its start) or name (anywhere in it), handles first; not me."""
    wanted = query.strip().lstrip("@")
    if not wanted:
        return []
    rows = await conn.execute(
        select(*ACCOUNT_COLUMNS)
        .where(
            or_(
                accounts_table.c.handle.istartswith(wanted, autoescape=True),
                accounts_table.c.display_name.icontains(wanted, autoescape=True),
            ),
            accounts_table.c.id != viewer.id,
            accounts_table.c.id.not_in(safety.blocked_either_way(viewer.id)),
        )
        .order_by(
            accounts_table.c.handle.istartswith(wanted, autoescape=True).desc(),
            accounts_table.c.handle,
        )
        .limit(PEOPLE_MAX)
    )
    return [to_account(r) for r in rows]
