"""Notifications: the list, the unread count, and marking them seen."""

from __future__ import annotations

from fastapi import APIRouter, Response

from xapp.api.models import Notification, NotificationCount, Page
from xapp.server import notifications
from xapp.server.deps import CurrentAccount, Db
from xapp.server.pages import PageParams
from xapp.server.retries import RetriedRoute

router = APIRouter(prefix="/v1", tags=["notifications"], route_class=RetriedRoute)


@router.get("/notifications", response_model=Page[Notification], summary="List notifications")
async def listing(db: Db, account: CurrentAccount, cursor: PageParams) -> Page[Notification]:
    """Newest first."""
    async with db.read() as conn:
        return await notifications.page(conn, account, cursor)


@router.get(
    "/notifications/unread", response_model=NotificationCount, summary="Unread notifications"
)
async def unread(db: Db, account: CurrentAccount) -> NotificationCount:
    async with db.read() as conn:
        return NotificationCount(unread=await notifications.unread(conn, account))


@router.put("/notifications/seen", status_code=204, summary="Mark notifications seen")
async def seen(db: Db, account: CurrentAccount) -> Response:
    """Everything so far has been seen: the unread count starts again from zero."""
    async with db.write() as tx:
        await notifications.mark_seen(tx, account)
    return Response(status_code=204)
