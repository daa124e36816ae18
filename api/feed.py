"""`Feed`: the account's live events as an async iterator that survives the network.

It resumes from the last seq it handed out, so a reconnect replays exactly what was
missed, in order, and never repeats an event. It never moves past a frame it could not
read: a frame of a type it doesn't know is handed on as `UnknownEvent` (the app says it
is missing something); a known type it cannot parse stops the feed with `ServerNewer`,
its seq not taken, so an updated client replays it. Between attempts it waits with
exponential backoff and full jitter (a random wait up to the doubling cap), so many
clients that lost one server do not all come back in the same instant.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Callable
from enum import StrEnum
from typing import Annotated

import websockets
from pydantic import Field, TypeAdapter, ValidationError
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from xapp.api.errors import ServerNewer, Unauthorized
from xapp.api.models import (
    EventType,
    FeedEvent,
    FeedReset,
    PostCountsChanged,
    Typing,
    UnknownEvent,
)

CLOSE_UNAUTHORIZED = 4401

_EVENT = TypeAdapter(FeedEvent)

Ephemeral = Annotated[Typing | PostCountsChanged | FeedReset, Field(discriminator="type")]
_EPHEMERAL = TypeAdapter(Ephemeral)

LiveEvent = FeedEvent | Typing | PostCountsChanged | FeedReset | UnknownEvent
"""What a feed yields: logged events (with a seq), ephemeral signals (without; a
`FeedReset` says the server's log is behind what this client saw, so reload), and
logged events of a type this client doesn't know."""

_EPHEMERAL_TYPES = frozenset({EventType.TYPING, EventType.POST_COUNTS, EventType.FEED_RESET})
_LOGGED_TYPES = frozenset(EventType) - _EPHEMERAL_TYPES


class FeedState(StrEnum):
    CONNECTING = "connecting"
    ONLINE = "online"
    RECONNECTING = "reconnecting"
    OUTDATED = "outdated"
    """The server sent something this client can't read: it stopped to lose nothing."""
    CLOSED = "closed"


def feed_url(base_url: str, since: int) -> str:
    base = base_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base.removeprefix("https://")
    elif base.startswith("http://"):
        base = "ws://" + base.removeprefix("http://")
    return f"{base}/v1/feed?since={since}"


class Feed:
    """Iterate with `async for event in feed`; `close()` ends the iteration."""

    def __init__(
        self,
        base_url: str,
        token: str,
        since: int = 0,
        on_state: Callable[[FeedState], None] | None = None,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
    ) -> None:
        self.base_url = base_url
        self.token = token
        self.last_seq = since
        self.state = FeedState.CLOSED
        self._on_state = on_state
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._closed = False
        self._ws: websockets.ClientConnection | None = None

    def _set_state(self, state: FeedState) -> None:
        if state != self.state:
            self.state = state
            if self._on_state is not None:
                self._on_state(state)

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
        return random.uniform(0, min(self._max_delay, self._base_delay * 2**attempt))

    async def close(self) -> None:
        self._closed = True
        if self._ws is not None:
            await self._ws.close()

    async def __aiter__(self) -> AsyncIterator[LiveEvent]:
        attempt = 0
        self._set_state(FeedState.CONNECTING)
        while not self._closed:
            try:
                async with websockets.connect(
                    feed_url(self.base_url, self.last_seq),
                    additional_headers={"Authorization": f"Bearer {self.token}"},
                    open_timeout=10,
                    ping_interval=15,
                    ping_timeout=15,
                ) as ws:
                    self._ws = ws
                    self._set_state(FeedState.ONLINE)
                    attempt = 0
                    async for raw in ws:
                        event = self._accept(raw)
                        if event is not None:
                            yield event
                    if ws.close_code == CLOSE_UNAUTHORIZED:
                        raise Unauthorized(401, "unauthorized", "Your session has ended")
            except ServerNewer:
                self._set_state(FeedState.OUTDATED)
                raise
            except ConnectionClosed as exc:
                if exc.rcvd is not None and exc.rcvd.code == CLOSE_UNAUTHORIZED:
                    self._set_state(FeedState.CLOSED)
                    raise Unauthorized(401, "unauthorized", "Your session has ended") from exc
            except (OSError, InvalidHandshake, TimeoutError):
                pass
            finally:
                self._ws = None
            if self._closed:
                break
            self._set_state(FeedState.RECONNECTING)
            await asyncio.sleep(self.backoff(attempt))
            attempt += 1
        self._set_state(FeedState.CLOSED)

    def _accept(self, raw: str | bytes) -> LiveEvent | None:
        """Parse a frame; drop repeats. `last_seq` moves only past a frame that was read."""
        frame = json.loads(raw)
        kind = frame.get("type")
        if "seq" not in frame:  # ephemeral: not in the log, nothing to resume from
            if kind not in _EPHEMERAL_TYPES:
                return None  # a newer server's signal: it would be stale by a reload anyway
            try:
                signal = _EPHEMERAL.validate_python(frame)
            except ValidationError:
                return None
            if isinstance(signal, FeedReset):
                self.last_seq = signal.data.seq  # a reconnect resumes from the server's log
            return signal
        seq = int(frame["seq"])
        if seq <= self.last_seq:
            return None
        if kind not in _LOGGED_TYPES:
            self.last_seq = seq
            return UnknownEvent(seq=seq, type=str(kind))
        try:
            event = _EVENT.validate_python(frame)
        except ValidationError as exc:
            raise ServerNewer(
                f"This server sent a {kind} update this version of xapp can't read; "
                "update xapp to see live updates again."
            ) from exc
        self.last_seq = seq
        return event
