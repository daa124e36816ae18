"""Several server processes on one PostgreSQL database, as an operator runs them: each a
real `xapp serve` process. What one process commits reaches feeds open on another, live;
what used to live in one process's memory (sign-in throttling, pending payments'
release, typing) works across them; `--workers N` shares one port.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.conftest import (
    PASSWORD,
    Online,
    People,
    audit,
    key,
    query,
    serving,
    take,
    usd,
    xapp_command,
)
from xapp.api.client import ApiClient
from xapp.api.feed import Feed
from xapp.api.models import MessageCreated, Typing

BACKENDS = ("postgres",)  # SQLite is one process by design: refused below
FAST_HASHES = {"XAPP_SERVER_ARGON2_MEMORY_KIB": "256", "XAPP_SERVER_ARGON2_TIME_COST": "1"}
PAYMENTS = "kind = 'payment'"


@pytest.fixture
def two(db_path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two separate server processes on one database."""
    with (
        serving(db_path, tmp_path, **FAST_HASHES) as (a, _),
        serving(db_path, tmp_path, **FAST_HASHES) as (b, _),
    ):
        yield a, b


@pytest.fixture
async def ann_on_a_ben_on_b(two: tuple[str, str]) -> AsyncIterator[tuple[ApiClient, ApiClient]]:
    """Ann signed in through one process, Ben through the other."""
    on_a, on_b = People(two[0]), People(two[1])
    try:
        yield await on_a.signed_in("ann"), await on_b.signed_in("ben")
    finally:
        await on_a.close()
        await on_b.close()


async def test_a_message_sent_through_one_process_reaches_a_feed_on_another(
    two: tuple[str, str], ann_on_a_ben_on_b: tuple[ApiClient, ApiClient]
) -> None:
    ann, ben = ann_on_a_ben_on_b
    since = (await ben.accounts.me()).event_seq
    online = Online()
    feed = Feed(two[1], ben.token or "", since, on_state=online)
    heard: list = []

    async def listen() -> None:
        async for event in feed:
            heard.append(event)

    listening = asyncio.create_task(listen())
    await online.wait()
    conversation = await ann.chat.open("ben")
    await ann.chat.typing(conversation.id)  # ephemeral: crosses without the log
    sent = await ann.chat.send(conversation.id, "through process A")
    deadline = time.monotonic() + 5
    while not any(isinstance(e, MessageCreated) for e in heard):
        assert time.monotonic() < deadline, heard
        await asyncio.sleep(0.01)
    listening.cancel()
    await feed.close()
    message = next(e for e in heard if isinstance(e, MessageCreated))
    assert message.data.id == sent.id
    assert message.data.text == "through process A"
    assert any(isinstance(e, Typing) and e.data.account.handle == "ann" for e in heard)


async def test_a_feed_replays_what_another_process_wrote_while_it_was_away(
    two: tuple[str, str], ann_on_a_ben_on_b: tuple[ApiClient, ApiClient]
) -> None:
    ann, ben = ann_on_a_ben_on_b
    await ben.accounts.follow("ann")
    since = (await ben.accounts.me()).event_seq
    posts = [await ann.posts.create(f"post {i}") for i in range(3)]
    feed = Feed(two[1], ben.token or "", since)
    events = await take(feed, 3)
    await feed.close()
    assert [e.data.id for e in events] == [p.id for p in posts]
    assert [e.seq for e in events] == [since + 1, since + 2, since + 3]


async def test_a_cursor_one_process_gave_pages_on_another(
    two: tuple[str, str], ann_on_a_ben_on_b: tuple[ApiClient, ApiClient]
) -> None:
    """Cursors are sealed with a key every process derives from the shared data dir."""
    ann, _ = ann_on_a_ben_on_b
    for n in range(3):
        await ann.posts.create(f"post {n}")
    cursor = (await ann.posts.home_timeline(limit=1)).next
    async with ApiClient(two[1], ann.token) as ann_on_b:
        page = await ann_on_b.posts.home_timeline(before=cursor, limit=1)
    assert [p.text for p in page.items] == ["post 1"]


async def test_sign_in_guesses_are_counted_once_across_processes(
    two: tuple[str, str],
) -> None:
    """The allowance (10) is shared: a burst split over two processes gets 10 checks in
    all, not 10 each, and every other guess is refused before its password is checked."""
    a, b = two
    async with ApiClient(a) as client:
        await client.accounts.register("carol", "Carol", PASSWORD)
    async with httpx.AsyncClient(timeout=60) as http:
        answers = await asyncio.gather(
            *(
                http.post(
                    f"{(a, b)[i % 2]}/v1/sessions",
                    json={"handle": "carol", "password": f"guess {i}"},
                )
                for i in range(40)
            )
        )
        statuses = [r.status_code for r in answers]
        assert statuses.count(401) == 10, statuses
        assert statuses.count(429) == 30
        # Carol herself, now: the window is used up on both processes.
        for url in (a, b):
            late = await http.post(
                f"{url}/v1/sessions", json={"handle": "carol", "password": PASSWORD}
            )
            assert late.status_code == 429
            assert "Too many failed sign-ins" in late.json()["error"]["message"]


async def test_pending_payments_are_released_once_while_every_process_releases(
    db_path, tmp_path: Path
) -> None:
    with (
        serving(db_path, tmp_path, "--undo-seconds", "0.5", **FAST_HASHES) as (a, _),
        serving(db_path, tmp_path, "--undo-seconds", "0.5", **FAST_HASHES) as (b, _),
    ):
        on_a, on_b = People(a), People(b)
        try:
            ann = await on_a.signed_in("ann")
            await on_a.signed_in("ben")
            await ann.wallet.deposit(usd(10_000))
            there = await on_b.login("ann")
            sent = await asyncio.gather(
                *(
                    (ann, there)[i % 2].wallet.pay("ben", usd(100 + i), "held", key=key())
                    for i in range(20)
                )
            )
            assert {t.status for t in sent} == {"pending"}
            deadline = time.monotonic() + 15
            ids = [t.id for t in sent]
            while True:
                states = query(
                    db_path, "SELECT DISTINCT status FROM transfers WHERE kind = 'payment'"
                )
                if states == [("completed",)]:
                    break
                assert time.monotonic() < deadline, states
                await asyncio.sleep(0.1)
        finally:
            await on_a.close()
            await on_b.close()
    # Each payment: one hold and one post (two balanced pairs), never posted twice.
    legs = query(
        db_path,
        "SELECT transfer_id, count(*) FROM postings GROUP BY transfer_id HAVING count(*) != 4 "
        "AND transfer_id IN (SELECT id FROM transfers WHERE kind = 'payment')",
    )
    assert legs == []
    assert sorted(
        r[0] for r in query(db_path, "SELECT id FROM transfers WHERE kind = 'payment'")
    ) == sorted(ids)
    [(ben,)] = query(
        db_path,
        "SELECT l.balance FROM ledger_accounts l JOIN accounts a ON a.id = l.owner_id "
        "WHERE a.handle = 'ben'",
    )
    assert ben == sum(100 + i for i in range(20))
    assert audit(db_path).returncode == 0


async def test_scheduled_payments_run_once_while_every_process_runs_them(
    db_path, tmp_path: Path
) -> None:
    """Every process's loop looks for due scheduled payments each second: twenty due today,
    scheduled through both, are each paid once."""
    with (
        serving(db_path, tmp_path, **FAST_HASHES) as (a, _),
        serving(db_path, tmp_path, **FAST_HASHES) as (b, _),
    ):
        on_a, on_b = People(a), People(b)
        try:
            ann = await on_a.signed_in("ann")
            await on_a.signed_in("ben")
            await ann.wallet.deposit(usd(10_000))
            there = await on_b.login("ann")
            today = datetime.now(UTC).date()
            await asyncio.gather(
                *(
                    (ann, there)[i % 2].wallet.schedule("ben", usd(100 + i), "once", today)
                    for i in range(20)
                )
            )
            deadline = time.monotonic() + 15
            while query(db_path, "SELECT count(*) FROM schedules WHERE status = 'done'") != [(20,)]:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.1)
        finally:
            await on_a.close()
            await on_b.close()
    paid = query(db_path, f"SELECT amount FROM transfers WHERE {PAYMENTS} ORDER BY amount")
    assert [amount for (amount,) in paid] == [100 + i for i in range(20)]
    assert query(db_path, "SELECT count(*) FROM schedule_runs") == [(20,)]
    assert audit(db_path).returncode == 0


def _children(pid: int) -> set[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return {int(p) for p in found.stdout.split()}


def _connections(pid: int, port: int) -> int:
    """Established TCP connections on `port` that process `pid` holds (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    held = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        if local_port == port and fields[3] == "01" and fields[9] in inodes:  # ESTABLISHED
            held += 1
    return held


def _running(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


def _serving_children(pid: int) -> set[int]:
    """The supervisor's server processes (not multiprocessing's resource tracker)."""
    found = set()
    for child in _children(pid):
        try:
            if "spawn_main" in Path(f"/proc/{child}/cmdline").read_text(errors="replace"):
                found.add(child)
        except FileNotFoundError:  # ended meanwhile
            pass
    return found


async def test_workers_share_one_port_and_a_dead_one_is_replaced(db_path, tmp_path: Path) -> None:
    with serving(db_path, tmp_path, "--workers", "2", **FAST_HASHES) as (url, supervisor):
        workers = _serving_children(supervisor.pid)
        assert len(workers) == 2
        people = People(url)
        try:
            # Many connections: the kernel spreads them over both processes, and a
            # feed on either hears a message sent through the other.
            ann = await people.signed_in("ann")
            ben = await people.signed_in("ben")
            since = (await ben.accounts.me()).event_seq
            conversation = await ann.chat.open("ben")
            feeds = [Feed(url, ben.token or "", since) for _ in range(20)]
            hearing = [asyncio.create_task(take(f, 1)) for f in feeds]
            await asyncio.sleep(0.5)  # every feed connected (and replayed nothing yet)
            port = int(url.rsplit(":", 1)[1])
            held = [_connections(worker, port) for worker in workers]
            assert sum(held) >= 20 and min(held) >= 1, held  # both take connections
            sent = await ann.chat.send(conversation.id, "to every process")
            heard = await asyncio.gather(*hearing)
            for feed in feeds:
                await feed.close()
            assert {events[0].data.id for events in heard} == {sent.id}

            os.kill(next(iter(workers)), signal.SIGKILL)
            deadline = time.monotonic() + 30
            while len(_serving_children(supervisor.pid) - workers) < 1:
                assert time.monotonic() < deadline, "the dead worker was not replaced"
                await asyncio.sleep(0.2)
            for _ in range(20):  # whichever process answers, it answers
                assert (await ann.accounts.me()).handle == "ann"
        finally:
            await people.close()
        replacements = _serving_children(supervisor.pid) - workers
        supervisor.terminate()
        supervisor.wait(timeout=30)
    assert not any(_running(w) for w in workers | replacements)


def test_sqlite_is_refused_several_workers(tmp_path: Path) -> None:
    result = subprocess.run(
        xapp_command("serve", "--db", str(tmp_path / "x.db"), "--workers", "2"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "several server processes need PostgreSQL" in result.stderr
    assert not (tmp_path / "x.db").exists()
