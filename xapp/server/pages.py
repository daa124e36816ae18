"""Cursor pagination shared by every list: newest first, `?before=` an opaque cursor.

A cursor is the position (the table's integer `pk`) of the last row a page held, so a
reader paging back never sees a row twice or misses one, however many rows are added
at the top meanwhile.

Lists of posts also page upward (`?after=`) and say where each item sits (`cursors`):
the timeline keeps a bounded window, forgets what the reader scrolled far past, and
fetches it again from the item beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import Column, Row, Select

from xapp.api.models import PAGE_MAX
from xapp.server.db import Conn
from xapp.server.errors import AppError


@dataclass(frozen=True)
class Cursor:
    before: int | None = None
    after: int | None = None
    limit: int = 50

    async def fetch(self, conn: Conn, query: Select, key: Column) -> tuple[list[Row], str | None]:
        """Run `query` for one page, newest first by the unique integer `key` (selected by
        the query); returns the rows and the cursor of the next page."""
        found = await self.fetch_both_ways(conn, query, key)
        return found.rows, found.next

    async def fetch_both_ways(self, conn: Conn, query: Select, key: Column) -> Found:
        """One page newest first, with cursors both ways. With `after`, the page is the
        `limit` rows just above it: read upward along the index, then turned around."""
        if self.after is not None:
            query = query.where(key > self.after).order_by(key.asc())
        else:
            if self.before is not None:
                query = query.where(key < self.before)
            query = query.order_by(key.desc())
        rows = list((await conn.execute(query.limit(self.limit + 1))).all())
        more = len(rows) > self.limit
        rows = rows[: self.limit]
        if self.after is not None:
            rows.reverse()
        cursors = [str(row._mapping[key]) for row in rows]
        older = more or self.after is not None
        newer = more if self.after is not None else self.before is not None
        return Found(
            rows,
            next=cursors[-1] if older and rows else None,
            prev=cursors[0] if newer and rows else None,
            cursors=cursors,
        )


@dataclass(frozen=True)
class Found:
    """A page's rows and where they sit: `next` pages down, `prev` up (null at the newest)."""

    rows: list[Row]
    next: str | None
    prev: str | None
    cursors: list[str]

    def links(self) -> dict[str, Any]:
        """The fields of a `Page` besides its items."""
        return {"next": self.next, "prev": self.prev, "cursors": self.cursors}


CursorText = Annotated[str | None, Query(max_length=20)]


LARGEST = 2**63 - 1
"""The largest key a cursor can name (a BIGINT on PostgreSQL, an INTEGER on SQLite)."""


def _position(cursor: str | None) -> int | None:
    """A cursor this server gave out: ASCII digits naming a key a row can have. Anything
    else ("²" passes str.isdigit, 20 digits overflow the column) is a 422, never a 500."""
    if cursor is None:
        return None
    if not (cursor.isascii() and cursor.isdigit()) or int(cursor) > LARGEST:
        raise AppError(422, "invalid_cursor", "The page cursor is not one this server gave out")
    return int(cursor)


async def page_params(
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 50, before: CursorText = None
) -> Cursor:
    return Cursor(before=_position(before), limit=limit)


async def both_ways_params(
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 50,
    before: CursorText = None,
    after: CursorText = None,
) -> Cursor:
    if before is not None and after is not None:
        raise AppError(
            422, "invalid_cursor", "Ask for a page before a cursor or after one, not both"
        )
    return Cursor(before=_position(before), after=_position(after), limit=limit)


PageParams = Annotated[Cursor, Depends(page_params)]
BothWaysParams = Annotated[Cursor, Depends(both_ways_params)]
