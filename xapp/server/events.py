"""The durable per-account event log and the in-process wake-up hub (DESIGN.md principle 6).

`append` writes an event in the caller's transaction, numbered with the account's next
`seq`, so an event exists exactly when the change it describes does. After the commit the
hub hands each of the account's open feed connections the frames just written, so the
common case sends without reading them back. The log stays the truth: a connection whose
frames don't continue exactly from what it last sent (written by another process, out of
order, or dropped from a full queue) reads the log instead, so a lost hand-off costs
latency, never an event. Frames committed by other processes arrive through `bus.py`.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from typing import TYPE_CHECKING

from pydantic import BaseModel
from sqlalchemy import bindparam, select, update

from xapp.api.models import EventType
from xapp.server.clock import now_us
from xapp.server.schema import accounts, events

if TYPE_CHECKING:
    from xapp.server.db import Conn, Tx


Frame = tuple[int, str]
"""An event as a feed sends it: its seq, and its ready-to-send JSON."""

QUEUED_FRAMES = 500
QUEUED_BYTES = 250_000
"""What one connection may hold of handed-off frames (and of a replay page); past either
bound it drops them and reads the log instead, so a consumer that stops reading holds a
bounded amount. At 1 MB a stalled feed held ~6 MB of the server's memory, at 250 KB ~2 MB
(tests/test_abuse_memory.py); events of ordinary size still fill a 500-event page."""


def frame(seq: int, type_: str, data: str) -> str:
    return f'{{"seq":{seq},"type":"{type_}","data":{data}}}'


class Subscription:
    """One feed connection: woken when its account's log grows or an ephemeral signal
    (typing) comes in. Committed frames and ephemeral ones wait in short queues; when a
    queue overflows its oldest go (committed ones are read from the log instead, and
    ephemeral ones are stale by then anyway)."""

    def __init__(self) -> None:
        self.wake = asyncio.Event()
        self.committed: deque[Frame] = deque()
        self.queued_bytes = 0
        self.ephemeral: deque[str] = deque(maxlen=100)

    def hand(self, frames: list[Frame]) -> None:
        self.committed.extend(frames)
        self.queued_bytes += sum(len(f) for _, f in frames)
        if len(self.committed) > QUEUED_FRAMES or self.queued_bytes > QUEUED_BYTES:
            self.drop()
        self.wake.set()

    def drop(self) -> None:
        """Forget the hand-offs: the next look reads the log."""
        self.committed.clear()
        self.queued_bytes = 0

    def take(self, last: int) -> list[Frame] | None:
        """The handed-off frames after `last` if they continue from it without a gap;
        None when the log must be read."""
        frames = [f for f in self.committed if f[0] > last]
        self.drop()
        if not frames or any(seq != last + 1 + i for i, (seq, _) in enumerate(frames)):
            return None
        return frames


class EventHub:
    """Wakes the feed connections of accounts whose log grew, and carries ephemeral
    signals to the connections open right now (in this process)."""

    def __init__(self) -> None:
        self._subscriptions: dict[str, set[Subscription]] = defaultdict(set)

    def subscribe(self, account_id: str) -> Subscription:
        subscription = Subscription()
        self._subscriptions[account_id].add(subscription)
        return subscription

    def unsubscribe(self, account_id: str, subscription: Subscription) -> None:
        subscriptions = self._subscriptions.get(account_id)
        if subscriptions is not None:
            subscriptions.discard(subscription)
            if not subscriptions:
                del self._subscriptions[account_id]

    def open_for(self, account_id: str) -> int:
        """How many feeds this account has open in this process."""
        return len(self._subscriptions.get(account_id, ()))

    def accounts(self) -> set[str]:
        """The accounts with a feed open in this process."""
        return set(self._subscriptions)

    def wake_all(self) -> None:
        """Make every open feed here read the log (hand-offs may have been lost)."""
        for subscriptions in self._subscriptions.values():
            for subscription in subscriptions:
                subscription.drop()
                subscription.wake.set()

    def notify(self, committed: dict[str, list[Frame]]) -> None:
        """Hand the frames a transaction committed to their accounts' connections."""
        for account_id, frames in committed.items():
            for subscription in self._subscriptions.get(account_id, ()):
                subscription.hand(frames)

    def publish(self, account_ids: list[str], frame: str) -> None:
        """Send an ephemeral frame to whoever of these accounts is connected now."""
        for account_id in account_ids:
            for subscription in self._subscriptions.get(account_id, ()):
                subscription.ephemeral.append(frame)
                subscription.wake.set()


# Every change logs events and every feed reads them: built once, because a statement
# built per call costs ~100 µs of SQLAlchemy construction and cache-key work, about three
# times what running it costs (bench/chat.py's round trip).
_NUMBER = (
    update(accounts)
    .where(accounts.c.id.in_(bindparam("accounts", expanding=True)))
    .values(event_seq=accounts.c.event_seq + 1)
    .returning(accounts.c.id, accounts.c.event_seq)
)
_LOG = events.insert()
_AFTER = (
    select(events.c.seq, events.c.type, events.c.data)
    .where(events.c.account_id == bindparam("account_id"), events.c.seq > bindparam("seq"))
    .order_by(events.c.seq)
    .limit(bindparam("limit"))
)


async def append(tx: Tx, account_id: str, type_: EventType, data: BaseModel) -> None:
    """Log one event for `account_id` in this transaction."""
    await append_to(tx, [account_id], type_, data)


async def append_to(tx: Tx, account_ids: list[str], type_: EventType, data: BaseModel) -> None:
    """Log the same event for several accounts (a message to every member), its JSON
    made once for all of them."""
    payload = data.model_dump_json()
    await _log(tx, [(account_id, type_, payload) for account_id in dict.fromkeys(account_ids)])


async def append_each(tx: Tx, logged: list[tuple[str, EventType, BaseModel]]) -> None:
    """Log one event each for several different accounts (a payment's payer and payee,
    each told their own balance)."""
    await _log(
        tx, [(account_id, type_, data.model_dump_json()) for account_id, type_, data in logged]
    )


async def _log(tx: Tx, entries: list[tuple[str, EventType, str]]) -> None:
    """Write events for different accounts in two statements (one numbers them all, one
    writes them all), and keep their frames for the hand-off after the commit."""
    if not entries:
        return
    numbered = dict(
        (await tx.conn.execute(_NUMBER, {"accounts": [a for a, _, _ in entries]})).all()
    )
    created = now_us()
    await tx.conn.execute(
        _LOG,
        [
            {"account_id": a, "seq": numbered[a], "type": t, "data": d, "created_at": created}
            for a, t, d in entries
        ],
    )
    for account_id, type_, payload in entries:
        seq = numbered[account_id]
        tx.committed.setdefault(account_id, []).append((seq, frame(seq, type_, payload)))


async def after(
    conn: Conn, account_id: str, seq: int, limit: int, max_bytes: int = QUEUED_BYTES
) -> tuple[list[Frame], bool]:
    """The account's events after `seq`, oldest first, each with its ready-to-send frame:
    at most `limit` of them and (past the first) `max_bytes` of frames; and whether that
    was all there is (False: read again from the last one)."""
    rows = await conn.execute(_AFTER, {"account_id": account_id, "seq": seq, "limit": limit})
    frames: list[Frame] = []
    size = 0
    for s, t, d in rows:
        frames.append((s, frame(s, t, d)))
        size += len(frames[-1][1])
        if size >= max_bytes:
            return frames, False
    return frames, len(frames) < limit


async def newest(conn: Conn, account_id: str) -> int:
    """The account's newest seq (0 before its first event)."""
    return await conn.scalar(select(accounts.c.event_seq).where(accounts.c.id == account_id)) or 0
