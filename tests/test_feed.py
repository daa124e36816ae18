"""The live feed: live delivery, exact replay after a disconnect, auth, reconnection."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from tests.conftest import Online, People, eventually, server_settings, take, usd
from xapp.api.client import ApiClient
from xapp.api.errors import Unauthorized
from xapp.api.feed import Feed, FeedState, feed_url
from xapp.api.models import MessageCreated, PostCreated, TransferUpdated
from xapp.embedded import ServerThread


async def test_feed_delivers_posts_messages_and_payments_live(people: People) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    await bob.accounts.follow("alice")
    since = (await bob.accounts.me()).event_seq
    online = Online()
    feed = Feed(people.url, bob.token or "", since, on_state=online)
    collecting = asyncio.create_task(take(feed, 3))
    await online.wait()  # written while the socket is open: live, not replayed
    post = await alice.posts.create("live!")
    conversation = await alice.chat.open("bob")
    message = await alice.chat.send(conversation.id, "psst")
    await alice.wallet.deposit(usd(1_000))
    transfer = await alice.wallet.pay("bob", usd(250), "coffee")
    events = await collecting
    await feed.close()
    assert [type(e) for e in events] == [PostCreated, MessageCreated, TransferUpdated]
    assert events[0].data.id == post.id
    assert events[1].data.id == message.id
    assert events[2].data.transfer.id == transfer.id
    assert events[2].data.balance == usd(250)
    assert [e.seq for e in events] == [since + 1, since + 2, since + 3]


async def test_an_event_written_by_another_server_process_is_not_skipped(
    people: People, db_path
) -> None:
    """Frames handed to open feeds at commit are a shortcut, not the source: an event
    another process committed (no hand-off here) still arrives, in order, before the
    next one handed off."""
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    await bob.accounts.follow("alice")
    since = (await bob.accounts.me()).event_seq
    online = Online()
    feed = Feed(people.url, bob.token or "", since, on_state=online)
    collecting = asyncio.create_task(take(feed, 2))
    await online.wait()  # the feed waits for hand-offs when the other process writes
    with ServerThread(server_settings(db_path)) as elsewhere:
        async with ApiClient(elsewhere.url, alice.token) as there:
            first = await there.posts.create("written by the other process")
    second = await alice.posts.create("written by this one")
    events = await collecting
    await feed.close()
    assert [e.data.id for e in events] == [first.id, second.id]
    assert [e.seq for e in events] == [since + 1, since + 2]


async def test_reconnect_replays_exactly_the_missed_events_in_order(people: People) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    await bob.accounts.follow("alice")
    feed = Feed(people.url, bob.token or "", 0)
    first = asyncio.create_task(take(feed, 2))  # replays from 0: no need to wait for it
    for i in range(2):
        await alice.posts.create(f"seen {i}")
    seen = await first
    await feed.close()
    last = feed.last_seq

    missed = [await alice.posts.create(f"missed {i}") for i in range(5)]
    resumed = Feed(people.url, bob.token or "", last)
    replayed = await take(resumed, 5)
    await resumed.close()
    assert [e.data.text for e in seen] == ["seen 0", "seen 1"]
    assert [e.data.id for e in replayed] == [p.id for p in missed]
    assert [e.seq for e in replayed] == list(range(last + 1, last + 6))


async def test_feed_survives_a_server_restart_without_loss(db_path, tmp_path) -> None:
    settings = server_settings(db_path)
    first = ServerThread(settings).start()
    port = first.port
    people = People(first.url)
    try:
        alice = await people.signed_in("alice")
        online = Online()
        feed = Feed(first.url, alice.token or "", 0, on_state=online, base_delay=0.05)
        events: list = []

        async def collect() -> None:
            async for event in feed:
                events.append(event)
                if len(events) == 2:
                    return

        got = asyncio.create_task(asyncio.wait_for(collect(), 30))
        await alice.posts.create("before the restart")
        await eventually(lambda: len(events) == 1)  # delivered by the first server
        first.stop()
        second = ServerThread(settings, port=port).start()
        try:
            await alice.posts.create("after the restart")
            await got
            await feed.close()
        finally:
            second.stop()
    finally:
        await people.close()
    assert [e.data.text for e in events] == ["before the restart", "after the restart"]
    assert FeedState.RECONNECTING in online.states
    assert online.states.count(FeedState.ONLINE) >= 2


async def test_feed_refuses_a_bad_token(people: People) -> None:
    feed = Feed(people.url, "xat_not-a-real-token", 0)
    with pytest.raises(Unauthorized):
        await take(feed, 1)
    async with websockets.connect(feed_url(people.url, 0)) as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_frames_are_seq_type_data_json(people: People) -> None:
    alice = await people.signed_in("alice")
    await alice.posts.create("raw")
    headers = {"Authorization": f"Bearer {alice.token}"}
    async with websockets.connect(feed_url(people.url, 0), additional_headers=headers) as ws:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert set(frame) == {"seq", "type", "data"}
    assert (frame["seq"], frame["type"], frame["data"]["text"]) == (1, "post.created", "raw")
