"""Shared test parts: a real server on loopback over a real SQLite file, real clients.

Nothing here is mocked: `ServerThread` is the same class the embedded default runs.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from xapp.api.client import ApiClient
from xapp.api.feed import Feed
from xapp.api.models import Money
from xapp.embedded import ServerThread
from xapp.server import ServerSettings

PASSWORD = "correct horse battery"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "xapp.db"


def serve(db_path: Path, **settings: object) -> Iterator[ServerThread]:
    """A real server on loopback over `db_path`, for fixtures that need other settings."""
    with ServerThread(ServerSettings(db=str(db_path), **settings)) as running:  # type: ignore[arg-type]
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


def query(db_path: Path, sql: str, *params: object) -> list[tuple]:
    """Read what the database really holds (a separate connection, like an auditor)."""
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def xapp_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "xapp", *args]


def balance_of(db_path: Path, handle: str) -> int:
    """A person's USD balance as the database holds it."""
    [(balance,)] = query(
        db_path,
        "SELECT l.balance FROM ledger_accounts l JOIN accounts a ON a.id = l.owner_id "
        "WHERE a.handle = ? AND l.currency = 'USD'",
        handle,
    )
    return balance


def audit(db_path: Path) -> subprocess.CompletedProcess[str]:
    """Run `xapp audit` on the database, as an operator would."""
    return subprocess.run(
        xapp_command("audit", "--db", str(db_path)), capture_output=True, text=True, timeout=60
    )


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
