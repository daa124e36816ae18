"""Typing signals: ephemeral, throttled, never stored.

"@x is typing…" matters for a few seconds and to whoever has the app open, so it goes
straight to the other members' open feed connections (`Database.publish`, in every
server process), not to the event log. A person's signals are throttled to one per
`THROTTLE` seconds per conversation (per server process: a person behind a load balancer
may signal once per process, which costs a frame, not a fact); each says when it
expires, so a client shows it for `TTL` seconds at most.
"""

from __future__ import annotations

import time
from datetime import timedelta

from xapp.api.models import Account, EventType, Typing, TypingData
from xapp.server.clock import now_us
from xapp.server.db import Database
from xapp.server.schema import to_datetime

THROTTLE = 3.0
TTL = timedelta(seconds=6)


class TypingSignals:
    def __init__(self) -> None:
        self._last: dict[tuple[str, str], float] = {}

    async def send(
        self, db: Database, me: Account, conversation_id: str, members: list[str]
    ) -> bool:
        """Signal the other members; False when throttled (a signal went out lately)."""
        now = time.monotonic()
        key = (me.id, conversation_id)
        if now - self._last.get(key, -THROTTLE) < THROTTLE:
            return False
        self._last[key] = now
        if len(self._last) > 10_000:  # forget the stale ones now and then
            self._last = {k: t for k, t in self._last.items() if now - t < THROTTLE}
        data = TypingData(
            conversation_id=conversation_id, account=me, expires_at=to_datetime(now_us()) + TTL
        )
        frame = Typing(type=EventType.TYPING, data=data).model_dump_json()
        await db.publish([m for m in members if m != me.id], frame)
        return True
