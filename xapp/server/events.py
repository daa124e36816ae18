"""The durable per-account event log and the in-process wake-up hub (DESIGN.md principle 6).

`append` writes an event in the caller's transaction, numbered with the account's next
`seq`, so an event exists exactly when the change it describes does. The hub only says
"look again": a feed connection that is woken reads the log, so a lost wake-up costs
latency, never an event.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from typing import TYPE_CHECKING

from pydantic import BaseModel
from sqlalchemy import select, update

from xapp.server.schema import accounts, events, now_us

if TYPE_CHECKING:
    from xapp.server.db import Conn, Tx


class Subscription:
    """One feed connection: woken when its account's log grows or an ephemeral signal
    (typing) comes in; ephemeral frames wait in a short queue, and are dropped if the
    connection falls far behind (they are stale by then anyway)."""

    def __init__(self) -> None:
        self.wake = asyncio.Event()
        self.ephemeral: deque[str] = deque(maxlen=100)


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

    def notify(self, account_ids: set[str]) -> None:
        for account_id in account_ids:
            for subscription in self._subscriptions.get(account_id, ()):
                subscription.wake.set()

    def publish(self, account_ids: list[str], frame: str) -> None:
        """Send an ephemeral frame to whoever of these accounts is connected now."""
        for account_id in account_ids:
            for subscription in self._subscriptions.get(account_id, ()):
                subscription.ephemeral.append(frame)
                subscription.wake.set()


async def append(tx: Tx, account_id: str, type_: str, data: BaseModel) -> None:
    """Log one event for `account_id` in this transaction."""
    await append_to(tx, [account_id], type_, data)


async def append_to(tx: Tx, account_ids: list[str], type_: str, data: BaseModel) -> None:
    """Log the same event for several accounts (a message to every member) in two
    statements: one numbers them all, one writes them all."""
    if not account_ids:
        return
    numbered = (
        await tx.conn.execute(
            update(accounts)
            .where(accounts.c.id.in_(account_ids))
            .values(event_seq=accounts.c.event_seq + 1)
            .returning(accounts.c.id, accounts.c.event_seq)
        )
    ).all()
    payload, created = data.model_dump_json(), now_us()
    await tx.conn.execute(
        events.insert(),
        [
            {"account_id": a, "seq": seq, "type": type_, "data": payload, "created_at": created}
            for a, seq in numbered
        ],
    )
    tx.touched.update(account_ids)


async def after(conn: Conn, account_id: str, seq: int, limit: int) -> list[tuple[int, str]]:
    """The account's events after `seq`, oldest first, each with its ready-to-send frame."""
    rows = await conn.execute(
        select(events.c.seq, events.c.type, events.c.data)
        .where(events.c.account_id == account_id, events.c.seq > seq)
        .order_by(events.c.seq)
        .limit(limit)
    )
    return [(s, f'{{"seq":{s},"type":"{t}","data":{d}}}') for s, t, d in rows]
