"""Posts and timelines."""

from __future__ import annotations

from fastapi import APIRouter, Response

from xapp.api.models import CreatePost, Page, Post
from xapp.server import posts
from xapp.server.auth import CurrentAccount, Db
from xapp.server.idempotency import Idempotent
from xapp.server.pages import PageParams

router = APIRouter(prefix="/v1", tags=["posts"])


@router.post("/posts", status_code=201, response_model=Post)
async def create_post(body: CreatePost, once: Idempotent) -> Response:
    return await once(body, lambda tx: posts.create(tx, once.account, body.text))


@router.get("/timelines/home", response_model=Page[Post])
async def home(db: Db, account: CurrentAccount, cursor: PageParams) -> Page[Post]:
    async with db.read() as conn:
        return await posts.home(conn, account.id, cursor)


@router.get("/timelines/global", response_model=Page[Post])
async def everyone(db: Db, _account: CurrentAccount, cursor: PageParams) -> Page[Post]:
    async with db.read() as conn:
        return await posts.everyone(conn, cursor)
