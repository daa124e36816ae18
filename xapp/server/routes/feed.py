"""The live feed: a websocket that replays the account's event log after `since`, then
streams new events as they are committed (DESIGN.md principle 6)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Query, WebSocket
from starlette.websockets import WebSocketDisconnect

from xapp.server import events
from xapp.server.auth import account_for_token, bearer_token
from xapp.server.deps import Db

router = APIRouter(tags=["feed"])

BATCH = 500
CLOSE_UNAUTHORIZED = 4401
"""Close code for a missing or revoked token: the client must sign in, not retry."""


@router.websocket("/v1/feed")
async def feed(websocket: WebSocket, db: Db, since: int = Query(0, ge=0)) -> None:
    token = bearer_token(websocket.headers.get("authorization"))
    async with db.read() as conn:
        account = await account_for_token(conn, token) if token else None
    await websocket.accept()
    if account is None:
        await websocket.close(CLOSE_UNAUTHORIZED, "unauthorized")
        return
    subscription = db.hub.subscribe(account.id)
    listener = asyncio.create_task(_until_closed(websocket, subscription))
    try:
        last = since
        while not listener.done():
            # Clear before reading: a commit after the read sets it again, so no wake-up
            # between the read and the wait is lost.
            subscription.wake.clear()
            batch = subscription.take(last)
            if batch is None:
                async with db.read() as conn:
                    batch = await events.after(conn, account.id, last, BATCH)
            for seq, frame in batch:
                await websocket.send_text(frame)
                last = seq
            while subscription.ephemeral:
                await websocket.send_text(subscription.ephemeral.popleft())
            if len(batch) < BATCH:
                await subscription.wake.wait()
    except WebSocketDisconnect:
        return
    finally:
        listener.cancel()
        db.hub.unsubscribe(account.id, subscription)


async def _until_closed(websocket: WebSocket, subscription: events.Subscription) -> None:
    """Read (and ignore: clients say nothing) until the client goes, then wake the sender
    loop so it ends. The loop itself waits on one event, the quickest wake-up there is."""
    try:
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass
    finally:
        subscription.wake.set()
