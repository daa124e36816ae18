"""Search: people, posts by words and #hashtags, and a hashtag's own view."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from xapp.api.models import Account, Page, Post
from xapp.server import search
from xapp.server.deps import CurrentAccount, Db
from xapp.server.pages import PageParams
from xapp.server.retries import RetriedRoute

router = APIRouter(prefix="/v1", tags=["search"], route_class=RetriedRoute)

SearchText = Annotated[str, Query(min_length=1, max_length=200, description="What to find.")]


@router.get("/search/posts", response_model=Page[Post], summary="Search posts")
async def posts(q: SearchText, db: Db, account: CurrentAccount, cursor: PageParams) -> Page[Post]:
    """Posts with all these words (and hashtags, written as hashtags), newest first."""
    async with db.read() as conn:
        return await search.find_posts(conn, account, q, cursor)


@router.get("/search/people", response_model=list[Account], summary="Search people")
async def people(q: SearchText, db: Db, account: CurrentAccount) -> list[Account]:
    """People by the start of their handle or anywhere in their name."""
    async with db.read() as conn:
        return await search.find_people(conn, account, q)


@router.get("/tags/{tag}", response_model=Page[Post], summary="Posts with a hashtag")
async def tag(
    tag: Annotated[str, Path(min_length=1, max_length=50, pattern=r"^\w+$")],
    db: Db,
    account: CurrentAccount,
    cursor: PageParams,
) -> Page[Post]:
    """Everything posted with #tag, newest first."""
    async with db.read() as conn:
        return await search.find_posts(conn, account, f"#{tag}", cursor)
