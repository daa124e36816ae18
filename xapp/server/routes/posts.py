"""Posts, threads, likes, reposts, bookmarks and timelines."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from xapp.api.models import CreatePost, EditPost, Page, Post, PostCounts, PostVersion, Thread
from xapp.server import money_rules, posts
from xapp.server.deps import CurrentAccount, Db
from xapp.server.idempotency import Idempotent
from xapp.server.openapi import refuses
from xapp.server.pages import BothWaysParams, PageParams
from xapp.server.retries import RetriedRoute
from xapp.server.routes.switches import on_off

router = APIRouter(prefix="/v1", tags=["posts"], route_class=RetriedRoute)


@router.post("/posts", status_code=201, response_model=Post, responses=refuses(404, 409))
async def create_post(body: CreatePost, once: Idempotent) -> Response:
    """A post; with `reply_to` a reply, with `quote_of` a quote (shown inline)."""
    return await once(
        body,
        lambda tx: posts.create(tx, once.account, body.text, body.reply_to, body.quote_of),
    )


@router.get("/posts/{post_id}", response_model=Post, responses=refuses(404))
async def get_post(post_id: str, db: Db, account: CurrentAccount) -> Post:
    async with db.read() as conn:
        return await posts.get(conn, account, post_id)


@router.get("/posts/{post_id}/thread", response_model=Thread, responses=refuses(404))
async def thread(post_id: str, db: Db, account: CurrentAccount, cursor: PageParams) -> Thread:
    """Ancestors, the post, and its replies (oldest first; `before` pages onward)."""
    async with db.read() as conn:
        return await posts.thread(conn, account, post_id, cursor)


@router.get("/posts/{post_id}/edits", response_model=list[PostVersion], responses=refuses(404, 409))
async def edit_history(post_id: str, db: Db, account: CurrentAccount) -> list[PostVersion]:
    async with db.read() as conn:
        return await posts.edits(conn, account, post_id)


@router.patch("/posts/{post_id}", response_model=Post, responses=refuses(403, 404, 409))
async def edit_post(post_id: str, body: EditPost, db: Db, account: CurrentAccount) -> Post:
    async with db.write() as tx:
        return await posts.edit(tx, account, post_id, body.text)


@router.delete("/posts/{post_id}", response_model=Post, responses=refuses(403, 404, 409))
async def delete_post(post_id: str, db: Db, account: CurrentAccount) -> Post:
    """Delete my post; a tombstone stays so the replies keep their place."""
    async with db.write() as tx:
        return await posts.remove(tx, account, post_id)


@on_off(
    router,
    "/posts/{post_id}/like",
    on=("like", "Like a post"),
    off=("unlike", "Unlike a post"),
    refuses_on=(404, 409),  # a deleted post takes no new likes
    response_model=PostCounts,
)
async def like(post_id: str, request: Request, db: Db, account: CurrentAccount) -> PostCounts:
    """PUT likes, DELETE unlikes; either way the post's counts come back. A like queues
    the tip a money rule of mine asks for (paid by the money loop)."""
    on = request.method == "PUT"
    async with db.write() as tx:
        counts = await posts.like(tx, account, post_id, on=on)
        if on:
            await money_rules.liked(tx, account, post_id)
        return counts


@router.post(
    "/posts/{post_id}/repost", status_code=201, response_model=Post, responses=refuses(404, 409)
)
async def repost(post_id: str, db: Db, account: CurrentAccount) -> Post:
    async with db.write() as tx:
        return await posts.repost(tx, account, post_id)


@router.delete("/posts/{post_id}/repost", status_code=204, responses=refuses(404))
async def undo_repost(post_id: str, db: Db, account: CurrentAccount) -> Response:
    async with db.write() as tx:
        await posts.undo_repost(tx, account, post_id)
    return Response(status_code=204)


@on_off(
    router,
    "/posts/{post_id}/bookmark",
    on=("bookmark", "Bookmark a post"),
    off=("unbookmark", "Take a bookmark off"),
    status_code=204,
)
async def bookmark(post_id: str, request: Request, db: Db, account: CurrentAccount) -> Response:
    """PUT bookmarks, DELETE takes the bookmark off."""
    async with db.write() as tx:
        await posts.bookmark(tx, account, post_id, on=request.method == "PUT")
    return Response(status_code=204)


@router.get("/bookmarks", response_model=Page[Post], summary="My bookmarks")
async def bookmarks(db: Db, account: CurrentAccount, cursor: BothWaysParams) -> Page[Post]:
    async with db.read() as conn:
        return await posts.bookmarked(conn, account, cursor)


@router.get("/timelines/home", response_model=Page[Post], summary="Home timeline")
async def home(db: Db, account: CurrentAccount, cursor: BothWaysParams) -> Page[Post]:
    async with db.read() as conn:
        return await posts.home(conn, account, cursor)


@router.get("/timelines/global", response_model=Page[Post], summary="Everyone's posts")
async def everyone(db: Db, account: CurrentAccount, cursor: BothWaysParams) -> Page[Post]:
    async with db.read() as conn:
        return await posts.everyone(conn, account, cursor)
