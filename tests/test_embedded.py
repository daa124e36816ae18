"""The embedded default: a seeded demo world on loopback that stays alive, and `serve`."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys

from tests.conftest import query, take
from tests.test_tui_home import drawn, home_of, wait_for
from xapp.api.client import ApiClient
from xapp.api.feed import Feed
from xapp.app import XApp
from xapp.embedded import EmbeddedWorld
from xapp.widgets.timeline import Timeline


async def test_demo_world_is_seeded_once_and_kept_alive(tmp_path) -> None:
    world = EmbeddedWorld(tmp_path, activity_interval=0.2)
    url, token = await asyncio.to_thread(world.start)
    try:
        async with ApiClient(url, token) as client:
            me = await client.accounts.me()
            assert me.handle == "you"
            assert len((await client.posts.home_timeline()).items) >= 9
            assert len((await client.chat.conversations()).items) >= 2
            assert (await client.wallet.balances()).balances[0].amount > 0
            feed = Feed(url, token, me.event_seq)
            events = await take(feed, 3, timeout=20)
            await feed.close()
        assert {e.type for e in events} <= {
            "post.created",
            "post.counts",  # someone liked or reposted one of mine
            "notification.created",
            "message.created",
            "transfer.updated",
            "bill.updated",
        }
    finally:
        await asyncio.to_thread(world.stop)
    db = tmp_path / "xapp.db"
    assert query(db, "SELECT count(*) FROM accounts")[0][0] >= 6
    assert query(db, "SELECT count(*) FROM follows")[0][0] >= 20

    again = EmbeddedWorld(tmp_path, activity_interval=0)
    await asyncio.to_thread(again.start)
    await asyncio.to_thread(again.stop)
    assert query(db, "SELECT count(*) FROM accounts")[0][0] == 7  # not seeded twice


async def test_the_app_opens_signed_in_on_the_embedded_world(tmp_path) -> None:
    world = EmbeddedWorld(tmp_path, activity_interval=0)
    app = XApp(embedded=world)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            timeline = (await home_of(pilot, timeout=30)).query_one(Timeline)
            await wait_for(pilot, lambda: "Hello from xapp!" in drawn(timeline))
    finally:
        await asyncio.to_thread(world.stop)


def test_serve_logs_one_line_when_ready(tmp_path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "xapp", "serve", "--port", "0", "--db", str(tmp_path / "s.db")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("xapp server ready on http://127.0.0.1:")
    finally:
        process.terminate()
        assert process.wait(timeout=20) == 0


def test_the_server_socket_is_tcp_so_responses_are_not_held_back(server) -> None:
    """asyncio turns Nagle off (TCP_NODELAY) only on sockets whose proto says TCP; with
    proto 0 every keep-alive response waited ~40 ms for the client's delayed ACK."""
    assert server._sock.proto == socket.IPPROTO_TCP
