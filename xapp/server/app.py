"""`create_app(settings)`: the one factory behind `xapp serve` and the embedded default."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from xapp import __version__
from xapp.server import demo, errors, money_out, payments
from xapp.server.auth import LoginLimiter, Passwords
from xapp.server.db import Database
from xapp.server.deps import STATE_KEY, Services
from xapp.server.routes import (
    accounts,
    bills,
    chat,
    feed,
    health,
    notifications,
    posts,
    search,
    wallet,
)
from xapp.server.settings import ServerSettings
from xapp.server.signing import ReceiptSigner
from xapp.server.typing_signals import TypingSignals

log = logging.getLogger("xapp.server")


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    settings = settings or ServerSettings()
    passwords = Passwords(settings.argon2_memory_kib, settings.argon2_time_cost)
    login_limiter = LoginLimiter(settings.login_attempts, settings.login_window)
    signer = ReceiptSigner(settings.data_path)
    typing = TypingSignals()
    rules = money_out.Rules.of(settings)  # the demo's scripted payments follow them too

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Services]]:
        db = Database(settings.database_url)
        await db.start()
        # For code that runs beside the requests on the server's loop (the embedded
        # world's sign-in, tests and benchmarks through ServerThread.call); requests get
        # the database as a dependency (deps.Db).
        app.state.db = db
        if settings.demo:
            await demo.seed(db, passwords, rules)
        tasks = []
        async with db.read() as conn:
            held = await payments.next_release(conn) is not None
        if settings.undo_seconds > 0 or held:  # without an undo window nothing is ever held
            tasks.append(asyncio.create_task(_release_pending(db)))
        if settings.demo_activity:
            activity = demo.keep_alive(db, settings.demo_activity_interval, rules)
            tasks.append(asyncio.create_task(activity))
        try:
            # Lifespan state: Starlette hands it to every request, where deps.py reads it.
            yield {STATE_KEY: Services(settings, db, passwords, login_limiter, signer, typing)}
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await db.close()

    app = FastAPI(title="xapp", version=__version__, lifespan=lifespan)
    app.add_middleware(feed.KeepTransport)
    errors.install(app)
    # FastAPI tries routers in this order and each router's routes in turn (about 5 µs a
    # route, twice): the busiest come first, so a chat message is matched among 17
    # routes instead of 55 (bench/chat.py).
    for module in (chat, posts, accounts, notifications, wallet, bills, search, feed, health):
        app.include_router(module.router)
    return app


RELEASE_TICK = 0.25
"""Seconds between looks for pending payments whose undo window has passed."""


async def _release_pending(db: Database) -> None:
    """Complete pending payments when their undo window ends. One read (a walk down the
    pending index, empty when nothing is due) finds what is due; several server processes
    may run this at once, because settling is a guarded update that only one of them
    wins."""
    while True:
        try:
            async with db.read() as conn:
                due = await payments.due(conn)
            for transfer_id in due:
                async with db.write() as tx:
                    await payments.release(tx, transfer_id)
        except Exception:  # keep releasing: one bad pass must not strand every payment
            log.exception("releasing pending payments failed")
        await asyncio.sleep(RELEASE_TICK)
