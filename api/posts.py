"""`client.posts`: posts, threads, likes, reposts, bookmarks and timelines (the server's
`routes/posts.py`)."""

from __future__ import annotations

from pydantic import TypeAdapter

from xapp.api.models import Page, Post, PostCounts, PostVersion, Thread
from xapp.api.transport import Transport, new_key

_VERSIONS = TypeAdapter(list[PostVersion])


class Posts:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def create(
        self,
        text: str,
        key: str | None = None,
        reply_to: str | None = None,
        quote_of: str | None = None,
    ) -> Post:
        """A post; with `reply_to` a reply, with `quote_of` a quote."""
        body = {"text": text, "reply_to": reply_to, "quote_of": quote_of}
        return await self._t.send(Post, "POST", "/v1/posts", body, key or new_key())

    async def get(self, post_id: str) -> Post:
        return await self._t.get(Post, f"/v1/posts/{post_id}")

    async def thread(self, post_id: str, before: str | None = None, limit: int = 50) -> Thread:
        path = f"/v1/posts/{post_id}/thread"
        return await self._t.get(Thread, path, before=before, limit=limit)

    async def edits(self, post_id: str) -> list[PostVersion]:
        return await self._t.get_list(_VERSIONS, f"/v1/posts/{post_id}/edits")

    async def edit(self, post_id: str, text: str) -> Post:
        return await self._t.send(Post, "PATCH", f"/v1/posts/{post_id}", {"text": text})

    async def delete(self, post_id: str) -> Post:
        return await self._t.send(Post, "DELETE", f"/v1/posts/{post_id}")

    async def like(self, post_id: str, on: bool = True) -> PostCounts:
        path = f"/v1/posts/{post_id}/like"
        return await self._t.send(PostCounts, "PUT" if on else "DELETE", path)

    async def repost(self, post_id: str) -> Post:
        return await self._t.send(Post, "POST", f"/v1/posts/{post_id}/repost")

    async def undo_repost(self, post_id: str) -> None:
        await self._t.request("DELETE", f"/v1/posts/{post_id}/repost")

    async def bookmark(self, post_id: str, on: bool = True) -> None:
        await self._t.request("PUT" if on else "DELETE", f"/v1/posts/{post_id}/bookmark")

    async def bookmarks(
        self, before: str | None = None, after: str | None = None, limit: int = 50
    ) -> Page[Post]:
        return await self._t.get(
            Page[Post], "/v1/bookmarks", before=before, after=after, limit=limit
        )

    async def home_timeline(
        self, before: str | None = None, after: str | None = None, limit: int = 50
    ) -> Page[Post]:
        """Newest first; `before` pages down, `after` gives the page just above a cursor."""
        path = "/v1/timelines/home"
        return await self._t.get(Page[Post], path, before=before, after=after, limit=limit)

    async def global_timeline(
        self, before: str | None = None, after: str | None = None, limit: int = 50
    ) -> Page[Post]:
        path = "/v1/timelines/global"
        return await self._t.get(Page[Post], path, before=before, after=after, limit=limit)
