"""Chat at scale: does a conversation of 100,000 messages open and scroll like one of 100,
and how long does a message take from one client's send to the other client's screen?

Runs the real server on loopback over a fresh SQLite file and the real App (headless,
120x40), in one process, both sizes in the same run so the ratios are fair on a noisy
machine:

- open: selecting the conversation until its newest message is on screen;
- history: a keypress that scrolls up into older messages, including the page fetches
  it triggers (median over 120 presses, which reach three pages back);
- round trip: alice's `ApiClient` sends, bob's App shows it (median of 50).

The last line is the figures as one JSON object.

    .venv/bin/python bench/chat.py
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from xapp.api.client import ApiClient
from xapp.app import XApp
from xapp.credentials import Credentials
from xapp.embedded import ServerThread
from xapp.server import ServerSettings
from xapp.server.schema import conversations, messages, new_id, now_us
from xapp.widgets.conversation_list import ConversationList
from xapp.widgets.message_log import MessageLog

PASSWORD = "correct horse battery"
SIZES = (100, 100_000)


async def person(url: str, handle: str) -> ApiClient:
    client = ApiClient(url)
    await client.register(handle, handle.title(), PASSWORD)
    await client.login(handle, PASSWORD)
    return client


def signed_in_app(url: str, handle: str, token: str, data_dir: Path) -> XApp:
    credentials = Credentials(data_dir, keyring_vault=None)
    credentials.save(url, handle, token, "file")
    return XApp(server=url, credentials=credentials)


async def wait_for(pilot, condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen never showed what was expected")
        await asyncio.sleep(0.001)


def fill(server: ServerThread, conversation_id: str, sender_id: str, count: int) -> None:
    """`count` messages straight into the table (the API would take many minutes)."""
    db = server.app.state.db

    async def write() -> None:
        start = now_us() - count * 1000
        async with db.write() as tx:
            for offset in range(0, count, 5000):
                rows = [
                    {
                        "id": new_id(),
                        "conversation_id": conversation_id,
                        "sender_id": sender_id,
                        "text": f"message {i}: the quick brown fox jumps over the lazy dog",
                        "created_at": start + i * 1000,
                        "kind": "text",
                    }
                    for i in range(offset, min(offset + 5000, count))
                ]
                await tx.conn.execute(messages.insert(), rows)
            last = await tx.conn.scalar(
                messages.select()
                .with_only_columns(messages.c.pk)
                .where(messages.c.conversation_id == conversation_id)
                .order_by(messages.c.pk.desc())
                .limit(1)
            )
            await tx.conn.execute(
                conversations.update()
                .where(conversations.c.id == conversation_id)
                .values(activity=last, updated_at=now_us())
            )

    server.call(write, timeout=600)


async def measure(url: str, server: ServerThread, folder: Path) -> dict[str, float]:
    alice, bob = await person(url, "alice"), await person(url, "bob")
    chats = {}
    bob_id = (await bob.me()).id
    for size in SIZES:
        # Each size is its own group, so both sit in one list.
        chat = await alice.open_conversation("bob", name=f"size {size}")
        await asyncio.to_thread(fill, server, chat.id, bob_id, size)
        chats[size] = chat.id
    figures: dict[str, float] = {}
    app = signed_in_app(url, "alice", alice.token or "", folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(MessageLog)), timeout=30)
        home = app.screen
        listing = home.query_one(ConversationList)
        log = home.query_one(MessageLog)
        await wait_for(pilot, lambda: listing.option_count == len(SIZES), timeout=30)
        home.action_pane(1)
        for size in SIZES:
            conversation = listing.get(chats[size])
            assert conversation is not None
            opens = []
            for _ in range(5):
                t0 = time.perf_counter()
                home.chat.open(conversation)
                await wait_for(pilot, lambda s=size: f"message {s - 1}:" in _visible(log), 30)
                opens.append(time.perf_counter() - t0)
            log.focus()
            presses = []
            for _ in range(120):
                t0 = time.perf_counter()
                await pilot.press("up")
                while home.chat.loading_older:
                    await asyncio.sleep(0.001)
                await pilot.pause()
                presses.append(time.perf_counter() - t0)
            figures[f"messages_{size}_open_ms"] = round(statistics.median(opens) * 1000, 2)
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
    """alice sends with her ApiClient; bob's App shows it: median of 50."""
    ann, ben = await person(url, "ann"), await person(url, "ben")
    chat = await ann.open_conversation("ben")
    await ann.send_message(chat.id, "warm up")
    app = signed_in_app(url, "ben", ben.token or "", folder)
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(MessageLog)), timeout=30)
        home = app.screen
        log = home.query_one(MessageLog)
        await wait_for(pilot, lambda: "warm up" in "".join(m.text for m in log.items), 30)
        await wait_for(pilot, lambda: "online" in str(home.query_one("#status").render()), 30)
        for i in range(50):
            text = f"ping {i}"
            t0 = time.perf_counter()
            await ann.send_message(chat.id, text)
            while not any(m.text == text for m in log.items):
                await asyncio.sleep(0.0005)
            times.append(time.perf_counter() - t0)
            await pilot.pause()
    await ann.aclose()
    await ben.aclose()
    return {
        "round_trip_median_ms": round(statistics.median(times) * 1000, 2),
        "round_trip_p95_ms": round(sorted(times)[int(len(times) * 0.95)] * 1000, 2),
    }


async def main() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        settings = ServerSettings(db=str(Path(folder) / "bench.db"))
        with ServerThread(settings) as server:
            figures = await measure(server.url, server, Path(folder) / "alice")
            figures |= await round_trip(server.url, Path(folder) / "ben")
    return figures


if __name__ == "__main__":
    result = asyncio.run(main())
    for name, value in result.items():
        print(f"{name:40} {value}")
    print(json.dumps(result))
