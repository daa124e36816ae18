"""Cursor pagination shared by every list: newest first, `?before=` an opaque cursor.

A cursor names the position (the table's integer `pk`) of the last row a page held, so a
reader paging back never sees a row twice or misses one, however many rows are added
at the top meanwhile. The position is sealed before it leaves the server (`CursorCodec`):
a row number would tell anyone how many posts, messages or payments the whole platform
writes between two of their pages.

Lists of posts also page upward (`?after=`) and say where each item sits (`cursors`):
the timeline keeps a bounded window, forgets what the reader scrolled far past, and
fetches it again from the item beside it.
"""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from fastapi import Depends, Query
from sqlalchemy import Column, Row, Select
from starlette.requests import HTTPConnection

from xapp.api.models import PAGE_MAX
from xapp.server.db import Conn
from xapp.server.deps import services
from xapp.server.errors import AppError

CURSOR_PATTERN = "^[A-Za-z0-9_-]{22}$"
"""What a cursor looks like: one AES block in URL-safe base64, unpadded."""

_SHAPE = re.compile(CURSOR_PATTERN)
_SEAL = bytes(8)
"""The block's second half: a cursor that decrypts to anything else was not made here."""


class CursorCodec:
    """Seals a row position into a cursor and opens it again.

    One AES block holds the position and eight zero bytes: the same key (derived from
    the receipt-signing key every process of a server shares) gives every process the
    same cursors, the text says nothing about the number inside, and a made-up or edited
    cursor opens to a block whose second half is not zeros (1 in 2^64 is not), which
    is refused as one this server never gave out."""

    def __init__(self, key: bytes) -> None:
        self._cipher = Cipher(algorithms.AES(key), modes.ECB())  # one block: a permutation

    def text(self, position: int) -> str:
        block = position.to_bytes(8, "big", signed=True) + _SEAL
        sealed = self._cipher.encryptor().update(block)
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()

    def position(self, cursor: str) -> int:
        """The position a cursor names; anything this server did not give out is a 422."""
        if not _SHAPE.fullmatch(cursor):
            raise AppError(422, "invalid_cursor", "A page cursor is 22 letters, digits, - or _")
        block = self._cipher.decryptor().update(base64.urlsafe_b64decode(cursor + "=="))
        if block[8:] != _SEAL:
            raise AppError(422, "invalid_cursor", "The page cursor is not one this server gave out")
        return int.from_bytes(block[:8], "big", signed=True)


INTERNAL = CursorCodec(os.urandom(16))
"""For pages the server reads itself (the demo's seeding): their cursors never leave it."""


@dataclass(frozen=True)
class Cursor:
    before: int | None = None
    after: int | None = None
    limit: int = 50
    codec: CursorCodec = field(default=INTERNAL, compare=False, repr=False)

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
        cursors = [self.codec.text(row._mapping[key]) for row in rows]
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


CursorText = Annotated[
    str | None,
    # Described, not validated, by the schema: the codec refuses with a sentence.
    Query(json_schema_extra={"pattern": CURSOR_PATTERN}),
]


def _codec(connection: HTTPConnection) -> CursorCodec:
    return services(connection).cursors


async def page_params(
    connection: HTTPConnection,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 50,
    before: CursorText = None,
) -> Cursor:
    codec = _codec(connection)
    return Cursor(before=_position(codec, before), limit=limit, codec=codec)


async def both_ways_params(
    connection: HTTPConnection,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 50,
    before: CursorText = None,
    after: CursorText = None,
) -> Cursor:
    if before is not None and after is not None:
        raise AppError(
            422, "invalid_cursor", "Ask for a page before a cursor or after one, not both"
        )
    codec = _codec(connection)
    return Cursor(
        before=_position(codec, before), after=_position(codec, after), limit=limit, codec=codec
    )


def _position(codec: CursorCodec, cursor: str | None) -> int | None:
    return None if cursor is None else codec.position(cursor)


PageParams = Annotated[Cursor, Depends(page_params)]
BothWaysParams = Annotated[Cursor, Depends(both_ways_params)]
