"""Abuse leaves the server's memory where it was (issue 18's suite): a real `xapp serve`
process is attacked as the issue found it could be, and its resident memory is read from
/proc before, during and after. Ten 50 MB bodies at once once took it to 2.1 GB; twenty
sockets that never read once held 1.8 GB, and one person could open a thousand. The
bounds here are what the fixes allow with room for the allocator; bench/README.md has
the measured figures."""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import PASSWORD, People, serving
from tests.test_feed_under_churn import stalled_feed

MB = 1024 * 1024
FEEDS_EACH = 20
CLOSE = 0x8


def resident(pid: int) -> int:
    """The process's resident memory in bytes (VmRSS)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status)[1]) * 1024  # type: ignore[index]


@pytest.fixture
def served(db_path, tmp_path: Path) -> Iterator[tuple[str, int, int]]:
    """`xapp serve` in its own process: its URL, port and pid."""
    settings = {
        "XAPP_SERVER_FEED_SEND_TIMEOUT": "2",
        "XAPP_SERVER_FEEDS_PER_ACCOUNT": str(FEEDS_EACH),
    }
    with serving(db_path, tmp_path, **settings) as (url, process):
        yield url, int(url.rsplit(":", 1)[1]), process.pid


async def test_huge_bodies_at_once_cost_no_memory(served: tuple[str, int, int]) -> None:
    url, _, pid = served
    people = People(url)
    await people.signed_in("ada")  # warm: the routes, the database, the hasher
    before = resident(pid)
    body = json.dumps({"handle": "mallory", "display_name": "x" * 50 * MB, "password": PASSWORD})
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        headers = {"Content-Type": "application/json"}
        answers = await asyncio.gather(
            *(client.post("/v1/accounts", content=body, headers=headers) for _ in range(10)),
            return_exceptions=True,
        )
        statuses = [a.status_code if isinstance(a, httpx.Response) else "closed" for a in answers]
        assert set(statuses) <= {413, "closed"} and 413 in statuses, statuses
        assert (await client.get("/v1/health")).status_code == 200
    grown = resident(pid) - before
    await people.close()
    assert grown < 40 * MB, f"{grown / MB:.0f} MB more after ten 50 MB bodies"


async def test_sockets_that_never_read_hold_a_bounded_amount(
    served: tuple[str, int, int],
) -> None:
    """Twenty stalled feeds with ~15 MB each to replay held 1.8 GB before; now each
    holds what its bounded queue and replay page do, and later rounds reuse what earlier
    ones freed (the allocator keeps freed memory for reuse rather than returning it to
    the system, so the bound after is on growth from round to round, not a return to the
    start)."""
    url, port, pid = served
    people = People(url)
    ann = await people.signed_in("ann")
    ben = await people.signed_in("ben")
    chat = await ben.chat.open("ann")
    text = "\U0001f980" * 4_000  # the longest message, and 12 bytes a character as JSON
    for _ in range(300):  # ~15 MB of events in ann's log for every socket to replay
        await ben.chat.send(chat.id, text)
    before = resident(pid)
    peaks = [await _stall_fifty_feeds(port, ann.token or "", pid) - before for _ in range(3)]
    after = resident(pid) - before
    assert (await ann.accounts.me()).handle == "ann"  # and it answers as before
    await people.close()
    # Measured: 34 MB (SQLite), 40 MB (PostgreSQL); 83–147 MB with a 1 MB budget a feed.
    assert max(peaks) < 100 * MB, f"{max(peaks) / MB:.0f} MB held at the peak"
    # Measured 34, 34, 34 MB (83, 119, 119, 119 at a 1 MB budget): a plateau, not a leak.
    assert peaks[2] < peaks[1] + 25 * MB, f"still growing: {[p // MB for p in peaks]} MB"
    assert after < max(peaks) + 25 * MB, f"{after / MB:.0f} MB after, {peaks}"


async def _stall_fifty_feeds(port: int, token: str, pid: int) -> int:
    """One person asks for fifty feeds that never read and leaves them past the send
    timeout; the cap lets twenty in. Returns the peak resident memory seen."""
    opened, refused, peak = [], 0, resident(pid)
    for _ in range(50):
        sock = await asyncio.to_thread(stalled_feed, port, token, 0)
        if await asyncio.to_thread(first_opcode, sock) == CLOSE:
            refused += 1  # over the cap: closed at once (4429)
            sock.close()
        else:
            opened.append(sock)
        peak = max(peak, resident(pid))
    assert (len(opened), refused) == (FEEDS_EACH, 50 - FEEDS_EACH)
    for _ in range(25):  # past the send timeout (2 s): each stalled feed is dropped
        peak = max(peak, resident(pid))
        await asyncio.sleep(0.2)
    for sock in opened:
        sock.close()
    await asyncio.sleep(1)
    return peak


def first_opcode(sock: socket.socket) -> int:
    """The opcode of the first frame the server sends (one byte read, no more): a feed
    that was let in starts replaying (text), one over the cap is closed."""
    sock.settimeout(10)
    return sock.recv(1)[0] & 0x0F
