"""Feed wake-ups between server processes on one PostgreSQL database: LISTEN/NOTIFY.

Each process hands the frames it commits to its own open feeds directly (`EventHub`).
For the feeds open on the other processes, the writing transaction also sends a
notification on `CHANNEL` naming each event it logged (account and seq), from inside the
transaction, so PostgreSQL delivers it exactly when the events are committed and never
for a rolled-back one. Every process listens on one connection of its own; for the
accounts with feeds open here it reads the named events from the log in one query and
hands them to the hub as if written here. Ephemeral signals (typing, counts) travel the
same way with their frame in the notification, since they are not logged.

The durable log stays the truth: a lost notification (the listening connection dropped)
costs latency, not events. When the listener reconnects it wakes every open feed here,
and each one reads the log from the seq it last sent.

A notification carries at most ~8,000 bytes, so a message to a large group names its
events over several notifications.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import text

from xapp.server.events import EventHub, Frame, frame

if TYPE_CHECKING:
    from xapp.server.db import Conn, Database

log = logging.getLogger("xapp.server")

CHANNEL = "xapp_bus"
PAYLOAD_MAX = 7_900
"""PostgreSQL refuses a notification payload of 8,000 bytes or more."""
RECONNECT_PAUSE = 1.0

SEND = text(
    f"SELECT pg_notify('{CHANNEL}', payload) FROM unnest(CAST(:payloads AS text[])) AS payload"
)
NAMED_EVENTS = text(
    "SELECT e.account_id, e.seq, e.type, e.data FROM events e "
    "JOIN unnest(CAST(:accounts AS text[]), CAST(:seqs AS bigint[])) AS w(account_id, seq) "
    "ON e.account_id = w.account_id AND e.seq = w.seq "
    "ORDER BY e.account_id, e.seq"
)


def _chunks(head: str, parts: list[str], tail: str = "") -> Iterator[str]:
    """`head part part ... tail` payloads, each under PAYLOAD_MAX bytes."""
    room = PAYLOAD_MAX - len(head) - len(tail.encode()) - 2
    batch: list[str] = []
    size = 0
    for part in parts:
        if batch and size + len(part) + 1 > room:
            yield " ".join([head, ",".join(batch), tail]).rstrip()
            batch, size = [], 0
        batch.append(part)
        size += len(part) + 1
    if batch:
        yield " ".join([head, ",".join(batch), tail]).rstrip()


def event_payloads(origin: str, committed: dict[str, list[Frame]]) -> list[str]:
    """The notifications naming what a transaction logged: `e ORIGIN acct:seq,...`."""
    named = [f"{account}:{seq}" for account, frames in committed.items() for seq, _ in frames]
    return list(_chunks(f"e {origin}", named))


def signal_payloads(origin: str, account_ids: list[str], signal: str) -> list[str]:
    """The notifications carrying an ephemeral frame: `s ORIGIN acct,... FRAME`."""
    if len(signal.encode()) > PAYLOAD_MAX // 2:
        log.warning("an ephemeral frame too large to cross processes was kept local")
        return []
    return list(_chunks(f"s {origin}", account_ids, signal))


async def send(conn: Conn, payloads: list[str]) -> None:
    """Queue notifications on this transaction: PostgreSQL sends them at its commit."""
    if payloads:
        await conn.execute(SEND, {"payloads": payloads})


class Listener:
    """One process's ear on the channel: wakes the feeds open here for what the other
    processes committed."""

    def __init__(self, db: Database, conninfo: str) -> None:
        self.db = db
        self.conninfo = conninfo
        self._task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    @property
    def hub(self) -> EventHub:
        return self.db.hub

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen_forever())
        await asyncio.wait_for(self.ready.wait(), 30)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _listen_forever(self) -> None:
        import psycopg

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.conninfo, autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    if self.ready.is_set():
                        # Reconnected: what was said meanwhile is lost; the log is not.
                        self.hub.wake_all()
                    self.ready.set()
                    async for notice in conn.notifies():
                        await self._heard(notice.payload)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("listening for other processes' events failed; reconnecting")
                await asyncio.sleep(RECONNECT_PAUSE)

    async def _heard(self, payload: str) -> None:
        kind, origin, rest = [*payload.split(" ", 2), "", ""][:3]
        if origin == self.db.origin:
            return  # this process handed its own frames over already
        if kind == "s":
            accounts, _, signal = rest.partition(" ")
            self.hub.publish(accounts.split(","), signal)
        elif kind == "e":
            await self._deliver(rest.split(","))

    async def _deliver(self, named: list[str]) -> None:
        here = self.hub.accounts()
        wanted = [
            (account, int(seq))
            for account, seq in (item.rsplit(":", 1) for item in named)
            if account in here
        ]
        if not wanted:
            return
        async with self.db.read() as conn:
            rows = await conn.execute(
                NAMED_EVENTS,
                {"accounts": [a for a, _ in wanted], "seqs": [s for _, s in wanted]},
            )
        frames: dict[str, list[Frame]] = defaultdict(list)
        for account, seq, type_, data in rows:
            frames[account].append((seq, frame(seq, type_, data)))
        self.hub.notify(frames)
