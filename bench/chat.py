"""Chat at scale: does a conversation of 100,000 messages open and scroll like one of 100,
and how long does a message take from one client's send to the other client's screen?

Runs the real server (`xapp serve`, its own process, as in real use) on loopback over a
fresh SQLite file, and the real App (headless, 120x40) in this process; both sizes in the
same run so the ratios are fair on a noisy machine:

- open: selecting the conversation until its newest message is on screen (the two
  sizes take turns, seven opens each, the first of each left out as warm-up);
- history: a keypress that scrolls up into older messages, including the page fetches
  it triggers (median over 120 presses, which reach three pages back);
- round trip: ann's `ApiClient` sends from its own process, ben's App composes a screen
  update showing it (median of 50).

The last line is the figures as one JSON object.

    .venv/bin/python bench/chat.py
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import PaintWatch, now_ns, person, server, signed_in_app, wait_for

from xapp.api.client import ApiClient
from xapp.server.schema import new_id, now_us
from xapp.widgets.conversation_list import ConversationList
from xapp.widgets.message_log import MessageLog

SIZES = (100, 100_000)


def fill(db: Path, conversation_id: str, sender_id: str, count: int) -> None:
    """`count` messages straight into the database file (the API would take many minutes);
    the server is idle meanwhile, and WAL lets it keep reading."""
    start = now_us() - count * 1000
    with sqlite3.connect(db, timeout=30) as conn:
        conn.executemany(
            "INSERT INTO messages (id, conversation_id, sender_id, text, created_at, kind) "
            "VALUES (?, ?, ?, ?, ?, 'text')",
            (
                (
                    new_id(),
                    conversation_id,
                    sender_id,
                    f"message {i}: the quick brown fox jumps over the lazy dog",
                    start + i * 1000,
                )
                for i in range(count)
            ),
        )
        conn.execute(
            "UPDATE conversations SET activity = (SELECT max(pk) FROM messages "
            "WHERE conversation_id = ?) WHERE id = ?",
            (conversation_id, conversation_id),
        )


async def measure(url: str, db: Path, folder: Path) -> dict[str, float]:
    alice, bob = await person(url, "alice"), await person(url, "bob")
    chats = {}
    bob_id = (await bob.accounts.me()).id
    for size in SIZES:
        # Each size is its own group, so both sit in one list.
        chat = await alice.chat.open("bob", name=f"size {size}")
        await asyncio.to_thread(fill, db, chat.id, bob_id, size)
        chats[size] = chat.id
    figures: dict[str, float] = {}
    app = signed_in_app(url, "alice", alice.token or "", folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: bool(app.screen.query(MessageLog)), timeout=30)
        home = app.screen
        listing = home.query_one(ConversationList)
        log = home.query_one(MessageLog)
        await wait_for(lambda: listing.option_count == len(SIZES), timeout=30)
        home.action_pane(1)
        conversations = {size: listing.get(chats[size]) for size in SIZES}
        opens: dict[int, list[float]] = {size: [] for size in SIZES}
        for _ in range(7):  # the sizes take turns, so a slow patch of the machine hits both
            for size in SIZES:
                conversation = conversations[size]
                assert conversation is not None
                t0 = time.perf_counter()
                home.chat.open(conversation)
                await wait_for(lambda s=size: f"message {s - 1}:" in _visible(log), 30)
                opens[size].append(time.perf_counter() - t0)
        for size in SIZES:
            home.chat.open(conversations[size])  # type: ignore[arg-type]
            await wait_for(lambda s=size: f"message {s - 1}:" in _visible(log), 30)
            log.focus()
            presses = []
            for _ in range(120):
                t0 = time.perf_counter()
                await pilot.press("up")
                while home.chat.chat.loading_older:
                    await asyncio.sleep(0.001)
                await pilot.pause()
                presses.append(time.perf_counter() - t0)
            # The first open of each warms code paths up; the rest are what a person sees.
            figures[f"messages_{size}_open_ms"] = round(
                statistics.median(opens[size][1:]) * 1000, 2
            )
            figures[f"messages_{size}_history_keypress_ms"] = round(
                statistics.median(presses) * 1000, 2
            )
            figures[f"messages_{size}_loaded"] = len(log.items)
    await alice.aclose()
    await bob.aclose()
    big, small = SIZES[1], SIZES[0]
    figures["open_ratio_100k_vs_100"] = round(
        figures[f"messages_{big}_open_ms"] / figures[f"messages_{small}_open_ms"], 2
    )
    figures["history_ratio_100k_vs_100"] = round(
        figures[f"messages_{big}_history_keypress_ms"]
        / figures[f"messages_{small}_history_keypress_ms"],
        2,
    )
    return figures


def _visible(log: MessageLog) -> str:
    return "\n".join(log.render_line(y).text for y in range(log.size.height))


async def round_trip(url: str, folder: Path) -> dict[str, float]:
    """ann sends from her own process, as she would from her own terminal; ben's App
    paints it. Timed from the moment ann's process calls `send_message` until Textual
    composes a screen update for ben's terminal that holds the text (median of 50).
    Both processes read CLOCK_MONOTONIC, which is one clock for the whole machine."""
    ann, ben = await person(url, "ann"), await person(url, "ben")
    chat = await ann.chat.open("ben")
    await ann.chat.send(chat.id, "warm up")
    sender = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--send",
        url,
        ann.token or "",
        chat.id,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert sender.stdin is not None and sender.stdout is not None
    await sender.stdout.readline()  # ready
    app = signed_in_app(url, "ben", ben.token or "", folder)
    paints = PaintWatch(app)
    times, replies = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: bool(app.screen.query(MessageLog)), timeout=30)
        home = app.screen
        log = home.query_one(MessageLog)
        await wait_for(lambda: "warm up" in "".join(m.text for m in log.items), 30)
        await wait_for(lambda: "online" in str(home.query_one("#status").render()), 30)
        for i in range(50):
            text = f"ping {i:02}"
            painted = paints.expect(text)
            sender.stdin.write(f"{text}\n".encode())
            await sender.stdin.drain()
            started, replied = map(int, (await sender.stdout.readline()).split())
            times.append((await painted - started) / 1e6)
            replies.append((replied - started) / 1e6)
            await pilot.pause()
            await asyncio.sleep(0.05)  # messages in a chat come seconds apart, not queued
    sender.stdin.close()
    await sender.wait()
    await ann.aclose()
    await ben.aclose()
    return {
        "round_trip_median_ms": round(statistics.median(times), 2),
        "round_trip_p95_ms": round(sorted(times)[int(len(times) * 0.95)], 2),
        "sender_reply_median_ms": round(statistics.median(replies), 2),
    }


async def send_from_stdin(url: str, token: str, conversation_id: str) -> None:
    """The sender's process: one message per line of stdin; for each, one line back with
    the clock read just before sending and just after the reply."""
    client = ApiClient(url, token)
    await client.accounts.me()  # a warm connection, as an app that has been open a while has
    print("ready", flush=True)
    lines = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(lines), sys.stdin)
    while line := await lines.readline():
        started = now_ns()
        await client.chat.send(conversation_id, line.decode().rstrip("\n"))
        print(started, now_ns(), flush=True)
    await client.aclose()


def main() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        with server(db) as (url, _):
            return asyncio.run(run_all(url, db, Path(folder)))


async def run_all(url: str, db: Path, folder: Path) -> dict[str, float]:
    figures = await measure(url, db, folder / "alice")
    return figures | await round_trip(url, folder / "ben")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--send"]:
        asyncio.run(send_from_stdin(*sys.argv[2:5]))
        sys.exit()
    result = main()
    for name, value in result.items():
        print(f"{name:40} {value}")
    print(json.dumps(result))
