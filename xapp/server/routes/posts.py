"""Posts, threads, likes, reposts, bookmarks and timelines."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from xapp.api.models import CreatePost, EditPost, Page, Post, PostCounts, PostVersion, Thread
from xapp.server import posts
from xapp.server.deps import CurrentAccount, Db
from xapp.server.idempotency import Idempotent
from xapp.server.pages import BothWaysParams, PageParams

router = APIRouter(prefix="/v1", tags=["posts"])


@router.post("/posts", status_code=201, response_model=Post)
async def create_post(body: CreatePost, once: Idempotent) -> Response:
    """A post; with `reply_to` a reply, with `quote_of` a quote (shown inline)."""
    return await once(
        body,
        lambda tx: posts.create(tx, once.account, body.text, body.reply_to, body.quote_of),
    )


@router.get("/posts/{post_id}", response_model=Post)
async def get_post(post_id: str, db: Db, account: CurrentAccount) -> Post:
    async with db.read() as conn:
        return await posts.get(conn, account, post_id)


@router.get("/posts/{post_id}/thread", response_model=Thread)
async def thread(post_id: str, db: Db, account: CurrentAccount, cursor: PageParams) -> Thread:
    """Ancestors, the post, and its replies (oldest first; `before` pages onward)."""
    async with db.read() as conn:
        return await posts.thread(conn, account, post_id, cursor)


@router.get("/posts/{post_id}/edits", response_model=list[PostVersion])
async def edit_history(post_id: str, db: Db, account: CurrentAccount) -> list[PostVersion]:
    async with db.read() as conn:
        return await posts.edits(conn, account, post_id)


@router.patch("/posts/{post_id}", response_model=Post)
async def edit_post(post_id: str, body: EditPost, db: Db, account: CurrentAccount) -> Post:
    async with db.write() as tx:
        return await posts.edit(tx, account, post_id, body.text)


@router.delete("/posts/{post_id}", response_model=Post)
async def delete_post(post_id: str, db: Db, account: CurrentAccount) -> Post:
    """Delete my post; a tombstone stays so the replies keep their place."""
    async with db.write() as tx:
        return await posts.remove(tx, account, post_id)


@router.put("/posts/{post_id}/like", response_model=PostCounts, operation_id="like")
@router.delete("/posts/{post_id}/like", response_model=PostCounts, operation_id="unlike")
async def like(post_id: str, request: Request, db: Db, account: CurrentAccount) -> PostCounts:
    """PUT likes, DELETE unlikes; either way the post's counts come back."""
    async with db.write() as tx:
        return await posts.like(tx, account, post_id, on=request.method == "PUT")


@router.post("/posts/{post_id}/repost", status_code=201, response_model=Post)
async def repost(post_id: str, db: Db, account: CurrentAccount) -> Post:
    async with db.write() as tx:
        return await posts.repost(tx, account, post_id)


@router.delete("/posts/{post_id}/repost", status_code=204)
async def undo_repost(post_id: str, db: Db, account: CurrentAccount) -> Response:
    async with db.write() as tx:
        await posts.undo_repost(tx, account, post_id)
    return Response(status_code=204)


@router.put("/posts/{post_id}/bookmark", status_code=204, operation_id="bookmark")
@router.delete("/posts/{post_id}/bookmark", status_code=204, operation_id="unbookmark")
async def bookmark(post_id: str, request: Request, db: Db, account: CurrentAccount) -> Response:
    """PUT bookmarks, DELETE takes the bookmark off."""
    async with db.write() as tx:
        await posts.bookmark(tx, account, post_id, on=request.method == "PUT")
    return Response(status_code=204)


@router.get("/bookmarks", response_model=Page[Post])
async def bookmarks(db: Db, account: CurrentAccount, cursor: BothWaysParams) -> Page[Post]:
    async with db.read() as conn:
        return await posts.bookmarked(conn, account, cursor)


@router.get("/timelines/home", response_model=Page[Post])
async def home(db: Db, account: CurrentAccount, cursor: BothWaysParams) -> Page[Post]:
    async with db.read() as conn:
        return await posts.home(conn, account, cursor)


@router.get("/timelines/global", response_model=Page[Post])
async def everyone(db: Db, account: CurrentAccount, cursor: BothWaysParams) -> Page[Post]:
    async with db.read() as conn:
        return await posts.everyone(conn, account, cursor)
