"""The live feed: a websocket that replays the account's event log after `since`, then
streams new events as they are committed (DESIGN.md principle 6).

A connection holds a bounded amount: the log is replayed in batches of at most `BATCH`
events and ~1 MB, hand-offs past a bound are dropped for the log (`Subscription`), and a
client that stops reading is closed after `feed_send_timeout` seconds of a blocked send
(the connection is aborted), so it resumes from its seq when it reconnects while the
others go on. A session revoked (signed out, or by its owner from another device) has
its feed closed with 4401 as soon as the revocation is committed. A `since` beyond the
log (the database was reset or restored) gets a `feed.reset` frame with the log's newest
seq, not silence.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Query, WebSocket
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect

from xapp.api.models import EventType, FeedReset, FeedResetData
from xapp.server import events
from xapp.server.auth import REVOKED, account_for_token, bearer_token, hash_token
from xapp.server.deps import Db, Settings

router = APIRouter(tags=["feed"])

BATCH = 500
CLOSE_UNAUTHORIZED = 4401
"""Close code for a missing or revoked token: the client must sign in, not retry."""
CLOSE_TOO_SLOW = 4408
"""Close code for a client that stopped reading, where it can be sent."""
CLOSE_TOO_MANY = 4429
"""Close code for a feed past the account's allowance of open feeds."""


class TooSlow(Exception):
    pass


@router.websocket("/v1/feed")
async def feed(
    websocket: WebSocket, db: Db, settings: Settings, since: int = Query(0, ge=0)
) -> None:
    token = bearer_token(websocket.headers.get("authorization"))
    async with db.read() as conn:
        account = await account_for_token(conn, token, settings.session_days) if token else None
        newest = await events.newest(conn, account.id) if account else 0
    await websocket.accept()
    if account is None:
        await websocket.close(CLOSE_UNAUTHORIZED, "unauthorized")
        return
    if db.hub.open_for(account.id) >= settings.feeds_per_account:
        await websocket.close(CLOSE_TOO_MANY, "too many live feeds open for this account")
        return
    subscription = db.hub.subscribe(account.id)
    revoked_me = REVOKED + hash_token(token or "")
    listener = asyncio.create_task(_until_closed(websocket, subscription))
    timeout = settings.feed_send_timeout

    async def send(frame: str) -> None:
        try:
            async with asyncio.timeout(timeout):  # no task per frame, as wait_for makes
                await websocket.send_text(frame)
        except TimeoutError as exc:
            raise TooSlow from exc

    try:
        last = since
        if since > newest:
            last = newest
            reset = FeedReset(type=EventType.FEED_RESET, data=FeedResetData(seq=newest))
            await send(reset.model_dump_json())
        while not listener.done():
            # Clear before reading: a commit after the read sets it again, so no wake-up
            # between the read and the wait is lost.
            subscription.wake.clear()
            batch, complete = subscription.take(last), True
            if batch is None:
                async with db.read() as conn:
                    batch, complete = await events.after(conn, account.id, last, BATCH)
            for seq, frame in batch:
                await send(frame)
                last = seq
            while subscription.ephemeral:
                signal = subscription.ephemeral.popleft()
                if signal.startswith(REVOKED):  # a session of this account was revoked
                    if signal == revoked_me:
                        await websocket.close(CLOSE_UNAUTHORIZED, "signed out")
                        return
                    continue
                await send(signal)
            if complete:
                await subscription.wake.wait()
    except TooSlow:
        _abort(websocket)
    except WebSocketDisconnect:
        return
    finally:
        listener.cancel()
        db.hub.unsubscribe(account.id, subscription)


TRANSPORT = "xapp.transport"


class KeepTransport:
    """ASGI middleware that notes a websocket's transport in its scope (uvicorn's protocol
    object is behind the `send` it hands the app), so a feed can abort a connection
    whose client stopped reading (`_abort`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            protocol = getattr(send, "__self__", None)
            scope[TRANSPORT] = getattr(protocol, "transport", None)
        await self.app(scope, receive, send)


def _abort(websocket: WebSocket) -> None:
    """Drop a client that stopped reading. A close frame can't reach it (it waits behind
    what the client isn't reading), and closing the transport waits for that buffer to
    drain, which a stalled client never lets happen: so the connection is aborted. Under
    a server whose transport can't be found, the handler just returns: everything it
    held is freed but the transport's own buffer (bounded by its high-water mark)."""
    transport = websocket.scope.get(TRANSPORT)
    if transport is not None and hasattr(transport, "abort"):
        transport.abort()


async def _until_closed(websocket: WebSocket, subscription: events.Subscription) -> None:
    """Read (and ignore: clients say nothing) until the client goes, then wake the sender
    loop so it ends. The loop itself waits on one event, the quickest wake-up there is."""
    try:
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass
    finally:
        subscription.wake.set()
