"""Cursor pagination shared by every list: newest first, `?before=` an opaque cursor.

A cursor is the position (the table's integer `pk`) of the last row a page held, so a
reader paging back never sees a row twice or misses one, however many rows are added
at the top meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query
from sqlalchemy import Column, Row, Select

from xapp.api.models import PAGE_MAX
from xapp.server.db import Conn
from xapp.server.errors import AppError


@dataclass(frozen=True)
class Cursor:
    before: int | None = None
    limit: int = 50

    async def fetch(self, conn: Conn, query: Select, key: Column) -> tuple[list[Row], str | None]:
        """Run `query` for one page, newest first by the unique integer `key` (selected by
        the query); returns the rows and the cursor of the next page."""
        if self.before is not None:
            query = query.where(key < self.before)
        rows = (await conn.execute(query.order_by(key.desc()).limit(self.limit + 1))).all()
        page = rows[: self.limit]
        more = len(rows) > self.limit
        return page, (str(page[-1]._mapping[key]) if more and page else None)


async def page_params(
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 50,
    before: Annotated[str | None, Query(max_length=20)] = None,
) -> Cursor:
    if before is None:
        return Cursor(limit=limit)
    if not before.lstrip("-").isdigit():
        raise AppError(422, "invalid_cursor", "The page cursor is not one this server gave out")
    return Cursor(before=int(before), limit=limit)


PageParams = Annotated[Cursor, Depends(page_params)]
