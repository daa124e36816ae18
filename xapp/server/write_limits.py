"""Rate limits on writes: every POST, PUT, PATCH and DELETE under /v1 is counted per
session token and per address in a fixed window, and past the allowance answered 429
with Retry-After (1,000 posts from one token once took 7 s). Signing in and registering
have throttles of their own (`auth.LoginLimiter`) and are not counted here.

The counters are where every server process sees them: in the database on PostgreSQL
(several processes share it), in memory on SQLite (which runs one process), so a write
costs no extra write transaction on SQLite's single writer."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from xapp.server.auth import (
    bearer_token,
    client_address,
    hash_token,
    over_allowance,
    seconds_left,
    too_many,
)
from xapp.server.clock import now_us
from xapp.server.db import Database
from xapp.server.deps import STATE_KEY
from xapp.server.errors import error_response

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
OWN_THROTTLE = {("POST", "/v1/sessions"), ("POST", "/v1/accounts")}
ADDRESS_SHARE = 5
"""An address may write this many times what one token may (several people behind it)."""


class WriteLimiter:
    def __init__(self, db: Database, per_token: int, window: float) -> None:
        self.db = db
        self.per_token = per_token
        self.window_us = int(window * 1_000_000)
        self._counts: dict[str, tuple[int, int]] = {}

    async def wait_for(self, token: str | None, address: str) -> int | None:
        """Count a write; the seconds to wait when an allowance is used up, else None."""
        keys = [(f"write:addr:{address}", self.per_token * ADDRESS_SHARE)]
        if token:
            keys.append((f"write:token:{hash_token(token)[:32]}", self.per_token))
        if self.db.writer is None:  # PostgreSQL: shared by every process
            return await over_allowance(self.db, keys, self.window_us)
        now = now_us()
        over = []
        for key, allowance in keys:
            count, start = self._count(key, now)
            if count > allowance:
                over.append(start)
        return seconds_left(over, self.window_us, now)

    def _count(self, key: str, now: int) -> tuple[int, int]:
        """The database's fixed window, in this process's memory (SQLite: one process)."""
        count, start = self._counts.get(key, (0, now))
        if start <= now - self.window_us:
            count, start = 0, now
        self._counts[key] = (count + 1, start)
        if len(self._counts) > 100_000:  # forget the windows that have passed
            self._counts = {k: v for k, v in self._counts.items() if v[1] > now - self.window_us}
        return count + 1, start


class WriteLimits:
    """ASGI middleware: count every write before the app sees it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method, path = scope.get("method", ""), scope.get("path", "")
        services = scope.get("state", {}).get(STATE_KEY)  # none before the lifespan ran
        if (
            scope["type"] != "http"
            or method not in WRITES
            or not path.startswith("/v1/")
            or (method, path) in OWN_THROTTLE
            or services is None
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        token = bearer_token(headers.get(b"authorization", b"").decode("latin-1"))
        wait = await services.write_limiter.wait_for(token, client_address(scope))
        if wait is None:
            await self.app(scope, receive, send)
            return
        said = too_many("too_many_writes", "Too many changes too quickly", wait)
        await error_response(said.status, said.code, said.message, said.headers)(
            scope, receive, send
        )
