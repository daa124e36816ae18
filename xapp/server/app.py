"""`create_app(settings)`: the one factory behind `xapp serve` and the embedded default."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from xapp import __version__
from xapp.server import demo, errors
from xapp.server.auth import LoginLimiter, Passwords
from xapp.server.db import Database
from xapp.server.routes import accounts, chat, feed, posts, wallet
from xapp.server.settings import ServerSettings

log = logging.getLogger("xapp.server")


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    settings = settings or ServerSettings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        await db.migrate()
        app.state.db = db
        activity: asyncio.Task[None] | None = None
        if settings.demo:
            await demo.seed(db, app.state.passwords)
        if settings.demo_activity:
            activity = asyncio.create_task(demo.keep_alive(db, settings.demo_activity_interval))
        try:
            yield
        finally:
            if activity is not None:
                activity.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await activity
            await db.close()

    app = FastAPI(title="xapp", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.passwords = Passwords(settings.argon2_memory_kib, settings.argon2_time_cost)
    app.state.login_limiter = LoginLimiter(settings.login_attempts, settings.login_window)
    errors.install(app)
    for module in (accounts, posts, chat, wallet, feed):
        app.include_router(module.router)
    return app
