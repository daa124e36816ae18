"""The feed under churn: many sockets, some dropping for random spells, a server restart;
every client applies every event exactly once, in order. A client that stops reading is
closed with bounded memory and the others go on; a client from beyond the log is told
to reset.
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
import socket

from tests.conftest import Online, People, eventually, server_settings, take
from xapp.api.feed import Feed
from xapp.api.models import FeedReset, MessageCreated, PostCreated
from xapp.embedded import ServerThread

READERS = 16
FEEDS_PER_READER = 2
POSTS = 120


class Client:
    """One app's feed: it applies what it hears and, now and then, goes away for a
    while and comes back from the last seq it applied (as the app does)."""

    def __init__(self, url: str, token: str, since: int, churn: bool) -> None:
        self.url, self.token, self.churn = url, token, churn
        self.applied: list[int] = []
        self.since = since
        self.feed: Feed | None = None

    async def run(self, until: asyncio.Event, rng: random.Random) -> None:
        while not until.is_set():
            self.feed = Feed(self.url, self.token, self.since, base_delay=0.05, max_delay=0.3)
            spell = rng.uniform(0.2, 1.0) if self.churn else 3600.0
            try:
                await asyncio.wait_for(self._apply(self.feed), spell)
            except TimeoutError:
                pass
            await self.feed.close()
            self.since = self.feed.last_seq
            if self.churn and not until.is_set():
                await asyncio.sleep(rng.uniform(0.05, 0.5))  # away

    async def _apply(self, feed: Feed) -> None:
        async for event in feed:
            if isinstance(event, PostCreated):
                self.applied.append(event.seq)


async def test_every_feed_applies_every_event_once_through_churn_and_a_restart(
    db_path,
) -> None:
    rng = random.Random(14)
    first = ServerThread(server_settings(db_path)).start()
    port, url = first.port, first.url
    people = People(url)
    running: ServerThread | None = first
    try:
        poster = await people.signed_in("poster")
        readers = []
        for i in range(READERS):
            reader = await people.signed_in(f"reader{i}")
            await reader.accounts.follow("poster")
            readers.append((reader, (await reader.accounts.me()).event_seq))
        clients = [
            Client(url, reader.token or "", since, churn=rng.random() < 0.3)
            for reader, since in readers
            for _ in range(FEEDS_PER_READER)
        ]
        done = asyncio.Event()
        tasks = [asyncio.create_task(c.run(done, rng)) for c in clients]
        for n in range(POSTS):
            await poster.posts.create(f"post {n}")
            if n == POSTS // 2:  # the server goes away and comes back
                running.stop()
                running = None
                await asyncio.sleep(0.3)
                running = ServerThread(server_settings(db_path), port=port).start()
            await asyncio.sleep(rng.uniform(0, 0.02))
        expected = {
            c: list(range(c.applied[0], c.applied[0] + POSTS)) if c.applied else [] for c in clients
        }
        deadline = asyncio.get_running_loop().time() + 30
        while any(len(c.applied) < POSTS for c in clients):
            assert asyncio.get_running_loop().time() < deadline, [len(c.applied) for c in clients]
            await asyncio.sleep(0.05)
        done.set()
        for client in clients:
            if client.feed is not None:
                await client.feed.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for client, (_, since) in zip(clients, [r for r in readers for _ in range(2)], strict=True):
            # No gap, no duplicate: exactly the poster's events, once each, in order.
            assert client.applied == list(range(since + 1, since + 1 + POSTS))
        assert expected  # every client heard from the start
        assert any(c.churn for c in clients)
    finally:
        await people.close()
        if running is not None:
            running.stop()


async def test_a_feed_from_beyond_the_log_is_told_to_reset(people: People) -> None:
    ann = await people.signed_in("ann")
    ben = await people.signed_in("ben")
    await ben.accounts.follow("ann")
    newest = (await ben.accounts.me()).event_seq
    feed = Feed(people.url, ben.token or "", newest + 1_000)  # a client from a lost world
    hearing = asyncio.create_task(take(feed, 2))
    await asyncio.sleep(0.3)
    post = await ann.posts.create("after the reset")
    reset, created = await hearing
    await feed.close()
    assert isinstance(reset, FeedReset)
    assert reset.data.seq == newest
    assert isinstance(created, PostCreated)
    assert (created.seq, created.data.id) == (newest + 1, post.id)


def stalled_feed(port: int, token: str, since: int) -> socket.socket:
    """A feed connection whose client never reads: a tiny receive buffer, the upgrade
    done by hand, and then nothing."""
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    raw.sendall(
        f"GET /v1/feed?since={since} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Authorization: Bearer {token}\r\n\r\n".encode()
    )
    head = b""
    while not head.endswith(b"\r\n\r\n"):  # the answer's head only, not a frame more
        head += raw.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return raw


async def test_a_client_that_stops_reading_is_dropped_and_the_others_go_on(db_path) -> None:
    with ServerThread(server_settings(db_path, feed_send_timeout=1.0)) as server:
        hub = server.app.state.db.hub
        people = People(server.url)
        try:
            ann = await people.signed_in("ann")
            ben = await people.signed_in("ben")
            cat = await people.signed_in("cat")
            group = await ann.chat.open("ben", "cat")
            since = (await ben.accounts.me()).event_seq
            cat_since = (await cat.accounts.me()).event_seq
            online = Online()
            cats_feed = Feed(server.url, cat.token or "", cat_since, on_state=online)
            heard: list = []

            async def listen() -> None:
                async for event in cats_feed:
                    heard.append(event)

            listening = asyncio.create_task(listen())
            await online.wait()
            stalled = await asyncio.to_thread(stalled_feed, server.port, ben.token or "", since)
            ben_id = (await ben.accounts.me()).id
            await eventually(lambda: ben_id in hub.accounts())
            text = "🦀" * 3_900  # ~16 kB a frame: the socket's buffers fill in a few MB
            sent = 0
            while ben_id in hub.accounts():
                assert sent < 2_000, "a client that never reads was never dropped"
                await ann.chat.send(group.id, text)
                sent += 1
            # Cat, reading all along, heard every message, live.
            await eventually(lambda: len(heard) >= sent)
            assert [type(e) for e in heard] == [MessageCreated] * sent
            listening.cancel()
            await cats_feed.close()
            stalled.close()
            # Ben's app, back and reading, resumes from its seq and misses nothing.
            resumed = Feed(server.url, ben.token or "", since)
            replayed = await take(resumed, sent, timeout=60)
            await resumed.close()
            assert [e.seq for e in replayed] == list(range(since + 1, since + 1 + sent))
        finally:
            await people.close()
