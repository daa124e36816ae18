"""`create_app(settings)`: the one factory behind `xapp serve` and the embedded default."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from xapp import __version__
from xapp.server import (
    banking,
    creators,
    demo,
    errors,
    money_out,
    money_rules,
    payments,
    savings,
    schedules,
    verification,
)
from xapp.server.auth import LoginLimiter, Passwords
from xapp.server.db import Database
from xapp.server.deps import STATE_KEY, Services
from xapp.server.pages import CursorCodec
from xapp.server.rail import Rail, SandboxRail
from xapp.server.request_size import RequestSizeLimit
from xapp.server.routes import (
    accounts,
    bank,
    bills,
    chat,
    feed,
    fx,
    health,
    notifications,
    posts,
    search,
    wallet,
)
from xapp.server.routes import invoices as invoice_routes
from xapp.server.routes import money_rules as rule_routes
from xapp.server.routes import savings as savings_routes
from xapp.server.routes import schedules as schedule_routes
from xapp.server.routes import verification as verification_routes
from xapp.server.settings import ServerSettings
from xapp.server.signing import ReceiptSigner
from xapp.server.typing_signals import TypingSignals
from xapp.server.write_limits import WriteLimiter, WriteLimits

log = logging.getLogger("xapp.server")


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    settings = settings or ServerSettings()
    passwords = Passwords(settings.argon2_memory_kib, settings.argon2_time_cost)
    login_limiter = LoginLimiter(
        settings.login_attempts,
        settings.login_window,
        settings.registrations,
        settings.registration_window,
    )
    signer = ReceiptSigner(settings.data_path)
    typing = TypingSignals()
    rules = money_out.Rules.of(settings)  # the demo's scripted payments follow them too
    rail = SandboxRail(settings.rail_settle_seconds, settings.rail_return_seconds)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Services]]:
        db = Database(settings.database_url)
        await db.start()
        # For code that runs beside the requests on the server's loop (the embedded
        # world's sign-in, tests and benchmarks through ServerThread.call); requests get
        # the database as a dependency (deps.Db).
        app.state.db = db
        if settings.demo:
            await demo.seed(db, passwords, rules, rail, settings.savings_apy)
        stopping = asyncio.Event()
        money = asyncio.create_task(_keep_money_moving(db, settings, rail, rules, stopping))
        tasks: list[asyncio.Task[None]] = []
        if settings.demo_activity:
            activity = demo.keep_alive(db, settings.demo_activity_interval, rules)
            tasks.append(asyncio.create_task(activity))
        try:
            # Lifespan state: Starlette hands it to every request, where deps.py reads it.
            yield {
                STATE_KEY: Services(
                    settings,
                    db,
                    passwords,
                    login_limiter,
                    signer,
                    typing,
                    rail,
                    WriteLimiter(db, settings.writes, settings.write_window),
                    CursorCodec(signer.secret(b"xapp page cursors")),
                )
            }
        finally:
            # The money loop finishes its pass and stops between passes: cancelled inside a
            # PostgreSQL call, its pooled connection would be left for the garbage collector.
            stopping.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(money), STOP_WAIT)
            tasks.append(money)
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await db.close()

    app = FastAPI(
        title="xapp",
        version=__version__,
        lifespan=lifespan,
        docs_url="/docs" if settings.docs else None,
        redoc_url="/redoc" if settings.docs else None,
    )
    app.add_middleware(feed.KeepTransport)
    app.add_middleware(WriteLimits)
    app.add_middleware(RequestSizeLimit)  # outermost: a huge body is refused unread
    errors.install(app)
    # FastAPI tries routers in this order and each router's routes in turn (about 5 µs a
    # route, twice): the busiest come first, so a chat message is matched among 17
    # routes instead of 55 (bench/chat.py).
    for module in (
        chat,
        posts,
        accounts,
        notifications,
        wallet,
        bills,
        bank,
        savings_routes,
        schedule_routes,
        rule_routes,
        verification_routes,
        invoice_routes,
        fx,
        search,
        feed,
        health,
    ):
        app.include_router(module.router)
    return app


RELEASE_TICK = 0.25
"""Seconds between looks for pending payments whose undo window has passed."""
SLOW_EVERY = 4
"""Looks at the bank rail and the savings calendar every this many ticks (a second)."""


STOP_WAIT = 5.0
"""Seconds shutting down waits for the money loop's pass to finish before cancelling it."""


async def _keep_money_moving(
    db: Database,
    settings: ServerSettings,
    rail: Rail,
    rules: money_out.Rules,
    stopping: asyncio.Event,
) -> None:
    """Complete pending payments when their undo window ends, book what the bank rail
    answered, keep each day's savings rate and pay each month's dividends, pay
    scheduled payments when their day comes, act on money rules (a tip a like queued, a
    sweep from savings), pay each month's creator pool, and decide
    identity reviews whose time has come. Every
    step is safe to run in several server processes at once: settling a payment and
    booking an answer are guarded updates only one process wins, and a savings position
    is locked while it is paid. One failed pass is logged and tried again next tick."""
    tick = 0
    while not stopping.is_set():
        try:
            await _release_due(db)
            if tick % SLOW_EVERY == 0:
                await banking.book_answers(db, rail)
                await savings.pay_dividends(db, settings.savings_apy)
                await schedules.run_due(db, rules)
                await money_rules.run_due(db, rules, settings.savings_apy)
                await creators.pay_ended_month(db, settings.creator_pool)
                await verification.decide_due(db)
        except Exception:  # keep going: one bad pass must not strand every payment
            log.exception("moving money on failed")
        tick += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), RELEASE_TICK)


async def _release_due(db: Database) -> None:
    """One read (a walk down the pending index, empty when nothing is due) finds what is
    due; each payment is released in its own transaction."""
    async with db.read() as conn:
        due = await payments.due(conn)
    for transfer_id in due:
        async with db.write() as tx:
            await payments.release(tx, transfer_id)
