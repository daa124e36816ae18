"""`client.search`: people, posts by words, hashtags (the server's `routes/search.py`)."""

from __future__ import annotations

from xapp.api.accounts import ACCOUNT_LIST
from xapp.api.models import Account, Page, Post
from xapp.api.transport import Transport


class Search:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def posts(self, query: str, before: str | None = None, limit: int = 50) -> Page[Post]:
        return await self._t.get(
            Page[Post], "/v1/search/posts", q=query, before=before, limit=limit
        )

    async def people(self, query: str) -> list[Account]:
        return await self._t.get_list(ACCOUNT_LIST, "/v1/search/people", q=query)

    async def tag(self, tag: str, before: str | None = None, limit: int = 50) -> Page[Post]:
        return await self._t.get(Page[Post], f"/v1/tags/{tag}", before=before, limit=limit)
