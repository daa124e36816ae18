"""Shared test parts: a real server on loopback over a real SQLite file, real clients.

Nothing here is mocked: `ServerThread` is the same class the embedded default runs.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from textual.app import App

from xapp.api.client import ApiClient
from xapp.api.errors import ApiError
from xapp.api.feed import Feed, FeedState
from xapp.api.models import Money
from xapp.embedded import ServerThread
from xapp.server import ServerSettings, create_app
from xapp.widgets import clock

from .postgres import Cluster, binaries

# Most tests need money to pay with, and start with `wallet.deposit` completing at once,
# as the demo world's server does; tests of the bank rail turn it off (test_bank_rail.py).
# Every server a test starts reads it, `xapp serve` subprocesses too (they inherit it).
os.environ["XAPP_SERVER_INSTANT_DEPOSITS"] = "1"
# Identity reviews decide while the request waits (test_verification.py tests the delay).
os.environ["XAPP_SERVER_VERIFICATION_SECONDS"] = "0"
# Tests make dozens of accounts from one address (test_registration_limits.py tests the
# limit on a server of its own).
os.environ["XAPP_SERVER_REGISTRATIONS"] = "100000"
# And as many changes as they like from one token (test_write_limits.py tests the limit).
os.environ["XAPP_SERVER_WRITES"] = "1000000"

PASSWORD = "correct horse battery"

SEEDED_AT = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
"""When a snapshot's seed data was written, as far as its screen can tell."""
SNAPSHOT_NOW = SEEDED_AT + timedelta(minutes=5)
"""The client's clock in every snapshot: what was seeded is "5m" old, joined March 2026."""
SERVER_CLOCKS = {"tokens", "idempotency_keys", "events"}
"""Tables whose times only the server reads (expiry, pruning): left on the real clock."""


class PgDatabase(str):
    """A PostgreSQL database's URL, standing where a SQLite file's path stands in the
    tests: `str()` of either is what `--db` takes, and `parent` is a folder of the test's
    own (for the receipt key and other files a server keeps beside its data)."""

    parent: Path

    def __new__(cls, url: str, parent: Path) -> PgDatabase:
        made = super().__new__(cls, url)
        made.parent = parent
        return made


Store = Path | PgDatabase
"""Where a test's server keeps its data: a SQLite file, or a PostgreSQL database."""

BACKENDS = ("sqlite", "postgres")
SQLITE_ONLY_PREFIXES = ("test_tui_", "test_snapshot_")
"""Screens don't care which store the server uses: they run on SQLite only (and their
snapshot names stay as they are)."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that touches storage runs on SQLite and on PostgreSQL; a module narrows
    that with `BACKENDS = ("sqlite",)` and a sentence saying why."""
    if "backend" not in metafunc.fixturenames:
        return
    module = metafunc.module
    if module.__name__.rsplit(".", 1)[-1].startswith(SQLITE_ONLY_PREFIXES):
        return
    metafunc.parametrize("backend", getattr(module, "BACKENDS", BACKENDS), scope="function")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One PostgreSQL server per test process, started on first use."""
    if binaries() is None:
        pytest.skip("PostgreSQL's binaries are not installed (Debian: postgresql)")
    cluster = Cluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def db_path(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    if backend == "postgres":
        cluster: Cluster = request.getfixturevalue("pg_cluster")
        url = cluster.new_database()
        yield PgDatabase(url, tmp_path)
        cluster.drop_database(url)
    else:
        yield tmp_path / "xapp.db"


@pytest.fixture(autouse=True)
def notes_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A toast leaves the screen after a few seconds of wall time, and a test on a busy
    machine may look later than that (Pilot's pauses wait for an idle app): every note
    an app raises is also kept in `app.told`, which `notes(app)` reads. The real
    `notify` still runs, so what a person would see is unchanged."""
    from xapp.app import XApp

    def notify(self: XApp, message: str, *args: object, **kwargs: object) -> None:
        self.__dict__.setdefault("told", []).append(str(message))
        App.notify(self, message, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(XApp, "notify", notify)


@cache
def openapi_document() -> dict[str, Any]:
    """The server's OpenAPI document, built by an app whose files (database, receipt key)
    go to a folder of its own that is gone afterwards, never the working directory."""
    with TemporaryDirectory() as folder:
        return create_app(ServerSettings(db=f"{folder}/x.db")).openapi()


def server_settings(db_path: Store, **settings: object) -> ServerSettings:
    """Settings for a server over this store, keeping its files in the test's folder."""
    return ServerSettings(db=str(db_path), data_dir=str(db_path.parent), **settings)  # type: ignore[arg-type]


def serve(db_path: Store, **settings: object) -> Iterator[ServerThread]:
    """A real server on loopback over `db_path`, for fixtures that need other settings."""
    with ServerThread(server_settings(db_path, **settings)) as running:
        yield running


@pytest.fixture
def server(db_path: Path) -> Iterator[ServerThread]:
    yield from serve(db_path)


class People:
    """Registers accounts on the server and hands out signed-in clients."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.clients: list[ApiClient] = []

    async def client(self, token: str | None = None) -> ApiClient:
        client = ApiClient(self.url, token)
        self.clients.append(client)
        return client

    async def signed_in(self, handle: str, display_name: str | None = None) -> ApiClient:
        client = await self.client()
        await client.accounts.register(handle, display_name or handle.title(), PASSWORD)
        await client.accounts.login(handle, PASSWORD)
        return client

    async def login(self, handle: str) -> ApiClient:
        """A client for an account registered earlier (by a seed, say)."""
        client = await self.client()
        await client.accounts.login(handle, PASSWORD)
        return client

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()


@pytest.fixture
async def people(server: ServerThread) -> AsyncIterator[People]:
    registry = People(server.url)
    yield registry
    await registry.close()


def usd(cents: int) -> Money:
    return Money(amount=cents, currency="USD")


def key() -> str:
    return str(uuid.uuid4())


@contextmanager
def refused(kind: type[ApiError], status: int, code: str, message: str) -> Iterator[None]:
    """The block must fail with exactly this error: its class (not a subclass or a base),
    status, code and the sentence a person reads. A 500, or the right status for another
    reason, fails the test."""
    with pytest.raises(ApiError) as caught:
        yield
    error = caught.value
    assert (type(error), error.status, error.code, error.message) == (
        kind,
        status,
        code,
        message,
    )


def query(db_path: Store, sql: str, *params: object) -> list[tuple]:
    """Read (or change) what the database really holds, on a separate connection, like an
    auditor; `?` marks a parameter on either store."""
    if isinstance(db_path, PgDatabase):
        import psycopg

        with psycopg.connect(db_path, autocommit=True) as conn:
            cursor = conn.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def pin_times(db_path: Path, newest: datetime = SEEDED_AT) -> None:
    """Move every time a screen can show (each `*_at` column but `release_at` and those in
    SERVER_CLOCKS) by one offset, so the newest is `newest`: order and gaps stay as they
    were, and a screen drawn from this database shows the same dates in any year."""
    target = int(newest.timestamp() * 1_000_000)
    with sqlite3.connect(db_path) as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        columns = [
            (table, name)
            for table in tables
            if table not in SERVER_CLOCKS
            for _, name, *_ in conn.execute(f'PRAGMA table_info("{table}")')
            if name.endswith("_at") and name != "release_at"
        ]
        latest = max(
            (conn.execute(f'SELECT max("{c}") FROM "{t}"').fetchone()[0] or 0) for t, c in columns
        )
        for table, column in columns:
            conn.execute(
                f'UPDATE "{table}" SET "{column}" = "{column}" + ? WHERE "{column}" IS NOT NULL',
                (target - latest,),
            )


@pytest.fixture
def stopped_clock() -> Iterator[datetime]:
    """The client's clock stopped at SNAPSHOT_NOW, and local time UTC (dates are drawn in
    local time), for the length of a test."""
    zone = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        with clock.pinned(SNAPSHOT_NOW):
            yield SNAPSHOT_NOW
    finally:
        if zone is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = zone
        time.tzset()


@pytest.fixture
def snap_compare(snap_compare, db_path: Path, stopped_clock: datetime) -> Callable[..., bool]:
    """pytest-textual-snapshot's `snap_compare`, with the clock pinned for every snapshot:
    the database's times are moved to SEEDED_AT just before the App starts (after the
    test's seed) and the client's clock reads SNAPSHOT_NOW, so no snapshot holds today."""

    def compare(app, *args, **kwargs) -> bool:
        if db_path.exists():
            pin_times(db_path)
        return snap_compare(app, *args, **kwargs)

    return compare


def xapp_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "xapp", *args]


SERVE_READY = re.compile(r"xapp server ready on (?P<url>http://127\.0\.0\.1:\d+) · .*\n")


@contextmanager
def serving(
    db: object, folder: Path, *flags: str, **env: str
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`xapp serve` over `db` in its own process, as an operator runs it, with `env`
    added to its environment; its URL once it says it is ready."""
    process = subprocess.Popen(
        xapp_command("serve", "--port", "0", "--db", str(db), *flags),
        cwd=folder,
        env={**os.environ, "XAPP_SERVER_DATA_DIR": str(folder), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        ready = SERVE_READY.fullmatch(line)
        assert ready, line + (process.stderr.read() if process.stderr else "")
        yield ready["url"], process
    finally:
        process.terminate()
        process.communicate(timeout=30)


def balance_of(db_path: Store, handle: str) -> int:
    """A person's USD balance as the database holds it."""
    [(balance,)] = query(
        db_path,
        "SELECT l.balance FROM ledger_accounts l JOIN accounts a ON a.id = l.owner_id "
        "WHERE a.handle = ? AND l.currency = 'USD'",
        handle,
    )
    return balance


def audit(db_path: Store) -> subprocess.CompletedProcess[str]:
    """Run `xapp audit` on the database, as an operator would."""
    return subprocess.run(
        xapp_command("audit", "--db", str(db_path)), capture_output=True, text=True, timeout=60
    )


class Online:
    """A Feed's `on_state` that can be awaited: `await online.wait()` returns once the feed's
    socket is open (FeedState.ONLINE), instead of sleeping and hoping it is. Needed only
    for what the feed does not replay (typing, counts); logged events after `since`
    arrive whenever the socket opens. `states` is every state the feed went through."""

    def __init__(self) -> None:
        self.states: list[FeedState] = []
        self._online = asyncio.Event()

    def __call__(self, state: FeedState) -> None:
        self.states.append(state)
        if state == FeedState.ONLINE:
            self._online.set()
        else:
            self._online.clear()

    async def wait(self, timeout: float = 10.0) -> None:
        await asyncio.wait_for(self._online.wait(), timeout)


async def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until `condition()` holds, polling; fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still not true after {timeout} s")
        await asyncio.sleep(0.02)


async def take(feed: Feed, n: int, timeout: float = 10.0) -> list:
    """The next `n` events from a real feed connection."""
    events = []

    async def collect() -> None:
        async for event in feed:
            events.append(event)
            if len(events) == n:
                return

    await asyncio.wait_for(collect(), timeout)
    return events
