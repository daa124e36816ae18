"""The store's connection handling: one place decides how a read and a write transaction
begin on each database, so domain code is the same on SQLite and PostgreSQL.

SQLite (the embedded default) runs in WAL mode with `synchronous=FULL`; every write is a
`BEGIN IMMEDIATE` transaction, and writes from this process are queued on one lock, so
there is a single writer and no `database is locked` retries. Reads run beside writes.

On SQLite, statements run on a plain `sqlite3` connection right on the server's event
loop (`LoopConnection`). An SQLite statement takes microseconds, while an async driver's
route costs about four thread hand-offs per statement: a message send (a dozen
statements) took 18 ms that way. Writes are one at a time anyway; the price is that a
commit's fsync (about 0.5 ms on this machine) holds the loop. PostgreSQL keeps the async
driver, whose waits are network waits. Domain code sees one `Conn` either way.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from alembic import command
from alembic.config import Config
from sqlalchemy import Executable, Result, create_engine, event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

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

    def begin(self) -> AbstractAsyncContextManager[Any]:
        """A transaction, for a read that must see one snapshot (the audit)."""
        ...


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

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[None]:
        with self.sync.begin():
            yield


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


class Database:
    """Owns the engines and the event hub; hands out read and write transactions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.hub = EventHub()
        self._sqlite: tuple[Engine, Engine] | None = None
        self._async: AsyncEngine | None = None
        if self.is_sqlite:
            self._ensure_parent_dir()
            self._sqlite = (_sqlite_engine(url, "BEGIN IMMEDIATE"), _sqlite_engine(url, "BEGIN"))
        else:
            self._async = create_async_engine(url, pool_size=10)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    def _ensure_parent_dir(self) -> None:
        path = self.url.split(":///", 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        """A write transaction; its frames reach the open feeds once it has committed."""
        tx: Tx
        if self._sqlite is not None:
            assert self._write_lock is not None
            async with self._write_lock:
                with self._sqlite[0].begin() as conn:
                    tx = Tx(LoopConnection(conn))
                    yield tx
        else:
            assert self._async is not None
            async with self._async.begin() as conn:
                tx = Tx(conn)
                yield tx
        self.hub.notify(tx.committed)
        for account_ids, frame in tx.ephemeral:
            self.hub.publish(account_ids, frame)
        if tx.committed:
            # Let the woken feed connections send before this request goes on to build
            # its own response: the other side of a chat sees the message sooner.
            for _ in range(4):
                await asyncio.sleep(0)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Conn]:
        if self._sqlite is not None:
            with self._sqlite[1].connect() as conn:
                yield LoopConnection(conn)
        else:
            assert self._async is not None
            async with self._async.connect() as conn:
                yield conn

    async def migrate(self) -> None:
        """Bring the schema to the newest migration (in a thread: Alembic is synchronous)."""
        await asyncio.to_thread(migrate_sync, self.url)

    async def close(self) -> None:
        if self._sqlite is not None:
            for engine in self._sqlite:
                engine.dispose()
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
