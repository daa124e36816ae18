"""The store's connection handling: one place decides how a read and a write transaction
begin on each database, so domain code is the same on SQLite and PostgreSQL.

SQLite (the embedded default) runs in WAL mode with `synchronous=FULL`; every write is
part of a `BEGIN IMMEDIATE` transaction that one writer task runs (`GroupCommit`), so
there is a single writer, no `database is locked` retries, and one fsync commits every
request that queued while the last one was being written. Reads run beside writes.

On SQLite, statements run on a plain `sqlite3` connection right on the server's event
loop (`LoopConnection`). An SQLite statement takes microseconds, while an async driver's
route costs about four thread hand-offs per statement: a message send (a dozen
statements) took 18 ms that way. Only the commit (the fsync) goes to a thread.

PostgreSQL keeps the async driver (psycopg 3), whose waits are network waits, and runs
transactions side by side on a pool: its WAL writer already flushes concurrent commits
together, so group commit there is the database's own. Several server processes may
share one PostgreSQL; `bus.py` carries feed wake-ups between them. Domain code sees one
`Conn` either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from alembic import command
from alembic.config import Config
from sqlalchemy import Executable, Result, Table, create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from xapp.server import bus
from xapp.server.bus import Listener
from xapp.server.events import EventHub, Frame


class Conn(Protocol):
    """What domain code may do with a connection: run a statement, or fetch one value;
    `dialect` says which store it is, for the few things stores do differently (search)."""

    @property
    def dialect(self) -> Dialect: ...

    async def execute(
        self, statement: Executable, parameters: Any = None
    ) -> Result[*tuple[Any, ...]]: ...

    async def scalar(self, statement: Executable, parameters: Any = None) -> Any: ...


class LoopConnection:
    """A synchronous SQLite connection behind the async `Conn` face (see the module
    docstring for why)."""

    def __init__(self, conn: Connection) -> None:
        self.sync = conn

    @property
    def dialect(self) -> Dialect:
        return self.sync.dialect

    async def execute(
        self, statement: Executable, parameters: Any = None
    ) -> Result[*tuple[Any, ...]]:
        return self.sync.execute(statement, parameters)

    async def scalar(self, statement: Executable, parameters: Any = None) -> Any:
        return self.sync.scalar(statement, parameters)


def upsert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `table` that can say what to do on a conflict (`ON CONFLICT`): both
    stores speak it alike, but SQLAlchemy builds it per dialect."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table)


@dataclass
class Tx:
    """A write transaction, and the feed frames it wrote per account (handed to their
    open connections once it has committed)."""

    conn: Conn
    committed: dict[str, list[Frame]] = field(default_factory=dict)
    ephemeral: list[tuple[list[str], str]] = field(default_factory=list)

    def after_commit(self, account_ids: list[str], frame: str) -> None:
        """Send an ephemeral frame (not logged) to these accounts' open feeds, but only
        if this transaction commits: a rolled-back like must not show as counted."""
        self.ephemeral.append((account_ids, frame))


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    for pragma in (
        "journal_mode=WAL",
        "synchronous=FULL",
        "foreign_keys=ON",
        "busy_timeout=10000",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_engine(url: str, begin: str) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
    return engine


@dataclass
class _Turn:
    """One request's place in a group commit: `go` hands it the shared connection, it
    answers `done` (True to keep its work), and `committed` says when the batch is safe."""

    go: asyncio.Future[Connection]
    done: asyncio.Future[bool]
    committed: asyncio.Future[None]


class GroupCommit:
    """SQLite's single writer, committing many requests with one fsync.

    Requests queue their turn; one writer task opens a transaction and gives each queued
    request the connection in turn, inside a savepoint of its own, so a request that
    fails rolls back only its own work and hears its own error. When the queue is empty
    the writer commits the batch on a thread (the fsync, about 0.5 ms here, and far more
    on a busy disk), and the event loop goes on meanwhile: the requests that arrive
    during that commit form the next batch. A request returns only after the commit that
    holds its work, so an answer still means the work is on disk.
    """

    BATCH_MAX = 256
    """Requests in one transaction at most, so one commit's wait stays short."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._queue: deque[_Turn] = deque()
        self._wake: asyncio.Event | None = None
        self._writer: asyncio.Task[None] | None = None
        self.commits = 0
        """Transactions committed so far (each one fsync), for tests and benchmarks."""

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[Connection]:
        loop = asyncio.get_running_loop()
        turn = _Turn(loop.create_future(), loop.create_future(), loop.create_future())
        self._queue.append(turn)
        if self._writer is None:
            self._wake = asyncio.Event()
            self._writer = loop.create_task(self._write_forever())
        assert self._wake is not None
        self._wake.set()
        conn = await turn.go
        try:
            yield conn
        except BaseException:
            turn.done.set_result(False)
            raise
        turn.done.set_result(True)
        await turn.committed

    async def _write_forever(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._queue:
                await self._batch()

    async def _batch(self) -> None:
        kept: list[_Turn] = []
        with self.engine.connect() as conn:
            outer = conn.begin()
            try:
                while self._queue and len(kept) < self.BATCH_MAX:
                    turn = self._queue.popleft()
                    if turn.go.cancelled():  # its request went away while queued
                        continue
                    savepoint = conn.begin_nested()
                    turn.go.set_result(conn)
                    if await turn.done:
                        savepoint.commit()
                        kept.append(turn)
                    else:
                        savepoint.rollback()
                if kept:
                    await asyncio.to_thread(outer.commit)
                    self.commits += 1
                else:
                    outer.rollback()
            except BaseException as error:
                if outer.is_active:
                    outer.rollback()
                for turn in kept:
                    turn.committed.set_exception(error)
                if not isinstance(error, Exception):
                    raise
                return
        for turn in kept:
            turn.committed.set_result(None)
        if self._queue:
            self._wake.set()  # type: ignore[union-attr]

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer


class Database:
    """Owns the engines, the event hub and (on PostgreSQL) the bus to the other server
    processes; hands out read and write transactions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.hub = EventHub()
        self.origin = uuid.uuid4().hex[:12]
        """This process, in the notifications it sends to the others (bus.py)."""
        self.writer: GroupCommit | None = None
        """SQLite's single writer (None on PostgreSQL)."""
        self._reader: Engine | None = None
        self._async: AsyncEngine | None = None
        self.listener: Listener | None = None
        if url.startswith("sqlite"):
            self._ensure_parent_dir()
            self.writer = GroupCommit(_sqlite_engine(url, "BEGIN IMMEDIATE"))
            self._reader = _sqlite_engine(url, "BEGIN")
        else:
            self._async = create_async_engine(url, pool_size=20, max_overflow=20)
            self._reads = self._async.execution_options(isolation_level="AUTOCOMMIT")
            self._snapshot_reads = self._async.execution_options(isolation_level="REPEATABLE READ")
            conninfo = make_url(url).set(drivername="postgresql")
            self.listener = Listener(self, conninfo.render_as_string(hide_password=False))

    def _ensure_parent_dir(self) -> None:
        """The SQLite file's folder, and the file itself readable by its owner only: it
        holds password hashes, every message and the ledger. SQLite gives the -wal and
        -shm files the database file's mode."""
        path = self.url.split(":///", 1)[1]
        if path and path != ":memory:":
            file = Path(path)
            file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            file.touch(mode=0o600, exist_ok=True)
            for kept in (file, Path(f"{path}-wal"), Path(f"{path}-shm")):
                if kept.exists():
                    kept.chmod(0o600)

    async def start(self) -> None:
        """Migrate, then (on PostgreSQL) listen for the other processes' events."""
        await self.migrate()
        if self.listener is not None:
            await self.listener.start()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        """A write transaction; its frames reach the open feeds once it has committed."""
        tx: Tx
        if self.writer is not None:
            async with self.writer.turn() as conn:
                tx = Tx(LoopConnection(conn))
                yield tx
        else:
            assert self._async is not None
            async with self._async.begin() as conn:
                tx = Tx(conn)
                yield tx
                # Sent by PostgreSQL at the commit, and only if it commits.
                await bus.send(conn, self._cross_process(tx))
        self.hub.notify(tx.committed)
        for account_ids, frame in tx.ephemeral:
            self.hub.publish(account_ids, frame)
        if tx.committed:
            # Let the woken feed connections send before this request goes on to build
            # its own response: the other side of a chat sees the message sooner.
            for _ in range(4):
                await asyncio.sleep(0)

    def _cross_process(self, tx: Tx) -> list[str]:
        payloads = bus.event_payloads(self.origin, tx.committed)
        for account_ids, frame in tx.ephemeral:
            payloads += bus.signal_payloads(self.origin, account_ids, frame)
        return payloads

    async def publish(self, account_ids: list[str], frame: str) -> None:
        """An ephemeral frame (typing) to these accounts' open feeds, in every process."""
        self.hub.publish(account_ids, frame)
        if self._async is not None:
            async with self._async.begin() as conn:
                await bus.send(conn, bus.signal_payloads(self.origin, account_ids, frame))

    @asynccontextmanager
    async def read(self, snapshot: bool = False) -> AsyncIterator[Conn]:
        """A connection to read with. Its statements each see what was committed when
        they ran; with `snapshot`, they all see one moment (the audit).

        On PostgreSQL a plain read runs in autocommit: under READ COMMITTED every
        statement takes its own snapshot anyway, so the transaction around them only
        cost two round trips (BEGIN, ROLLBACK), and each ROLLBACK made psycopg discard
        its prepared statements (a DEALLOCATE ALL per request)."""
        if self._reader is not None:
            with self._reader.connect() as conn:
                if snapshot:
                    with conn.begin():
                        yield LoopConnection(conn)
                else:
                    yield LoopConnection(conn)
        else:
            assert self._async is not None
            engine = self._snapshot_reads if snapshot else self._reads
            async with engine.connect() as conn:
                if snapshot:
                    async with conn.begin():
                        yield conn
                else:
                    yield conn

    async def migrate(self) -> None:
        """Bring the schema to the newest migration (in a thread: Alembic is synchronous)."""
        await asyncio.to_thread(migrate_sync, self.url)

    async def close(self) -> None:
        if self.listener is not None:
            await self.listener.stop()
        if self.writer is not None:
            await self.writer.close()
            self.writer.engine.dispose()
        if self._reader is not None:
            self._reader.dispose()
        if self._async is not None:
            await self._async.dispose()


def migrate_sync(url: str, revision: str = "head") -> None:
    sync_url = url.replace("+asyncpg", "+psycopg")
    engine = create_engine(sync_url, poolclass=NullPool)
    config = Config()
    config.set_main_option("script_location", "xapp.server:migrations")
    try:
        with engine.begin() as conn:
            _lock_for_migration(conn)
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def _lock_for_migration(conn: Connection) -> None:
    """Several server processes may start at once; only one migrates at a time."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7267031)")
