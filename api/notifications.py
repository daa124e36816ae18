"""`client.notifications`: mentions, replies, quotes, likes, reposts and follows (the
server's `routes/notifications.py`)."""

from __future__ import annotations

from xapp.api.models import Notification, NotificationCount, Page
from xapp.api.transport import Transport


class Notifications:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def list(self, before: str | None = None, limit: int = 50) -> Page[Notification]:
        return await self._t.get(
            Page[Notification], "/v1/notifications", before=before, limit=limit
        )

    async def unread(self) -> int:
        return (await self._t.get(NotificationCount, "/v1/notifications/unread")).unread

    async def seen(self) -> None:
        await self._t.request("PUT", "/v1/notifications/seen")
