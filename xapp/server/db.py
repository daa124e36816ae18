"""The store's connection handling: one place decides how a read and a write transaction
begin on each database, so domain code is the same on SQLite and PostgreSQL.

SQLite (the embedded default) runs in WAL mode with `synchronous=FULL`; every write is a
`BEGIN IMMEDIATE` transaction, and writes from this process are queued on one lock, so
there is a single writer and no `database is locked` retries. Reads run beside writes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from xapp.server.events import EventHub


@dataclass
class Tx:
    """A write transaction, and the accounts whose feeds it wrote to (woken after commit)."""

    conn: AsyncConnection
    touched: set[str] = field(default_factory=set)


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


def _sqlite_engine(url: str, begin: str) -> AsyncEngine:
    engine = create_async_engine(url)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    event.listen(engine.sync_engine, "begin", lambda conn: conn.exec_driver_sql(begin))
    return engine


class Database:
    """Owns the engines and the event hub; hands out read and write transactions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.hub = EventHub()
        if self.is_sqlite:
            self._ensure_parent_dir()
            self._writer = _sqlite_engine(url, "BEGIN IMMEDIATE")
            self._reader = _sqlite_engine(url, "BEGIN")
        else:
            self._writer = self._reader = create_async_engine(url, pool_size=10)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    def _ensure_parent_dir(self) -> None:
        path = self.url.split(":///", 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        """A write transaction; feeds it touched are woken once it has committed."""
        tx: Tx
        if self._write_lock is not None:
            async with self._write_lock, self._writer.begin() as conn:
                tx = Tx(conn)
                yield tx
        else:
            async with self._writer.begin() as conn:
                tx = Tx(conn)
                yield tx
        self.hub.notify(tx.touched)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self._reader.connect() as conn:
            yield conn

    async def migrate(self) -> None:
        """Bring the schema to the newest migration (in a thread: Alembic is synchronous)."""
        await asyncio.to_thread(migrate_sync, self.url)

    async def close(self) -> None:
        await self._writer.dispose()
        if self._reader is not self._writer:
            await self._reader.dispose()


def migrate_sync(url: str, revision: str = "head") -> None:
    sync_url = url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")
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
