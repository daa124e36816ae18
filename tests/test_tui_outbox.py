"""The outbox in the app: a message written while the server is down shows as queued at
once, and goes out exactly once when the server is back."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Input

from tests.conftest import People, query
from tests.test_tui_home import drawn, home_of, signed_in_app, wait_for
from xapp.embedded import ServerThread
from xapp.server import ServerSettings
from xapp.widgets.message_log import MessageLog


async def test_a_message_written_offline_is_queued_then_sent_once(
    people: People, server: ServerThread, db_path: Path, tmp_path: Path
) -> None:
    alice = await people.signed_in("alice")
    await people.signed_in("bob")
    chat = await alice.chat.open("bob")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        log = home.query_one(MessageLog)
        await wait_for(pilot, lambda: home.chat.open_id == chat.id)
        server.stop()  # the server goes away
        home.query_one("#chat-input", Input).focus()
        running = set(app.workers)
        await pilot.press(*"are you there?", "enter")
        await wait_for(pilot, lambda: "are you there?\n◷ queued" in drawn(log))
        # What the keys started (the send attempt among it) has run and failed…
        started = [w for w in app.workers if w not in running]
        await asyncio.wait_for(app.workers.wait_for_complete(started), 20)
        await pilot.pause()
        assert "◷ queued" in drawn(log)  # …and the message stays queued
        with ServerThread(ServerSettings(db=str(db_path)), port=server.port):
            # The feed reconnects, and the outbox drains.
            await wait_for(pilot, lambda: "✓ sent" in drawn(log), timeout=40)
            assert "◷ queued" not in drawn(log)
    assert query(db_path, "SELECT text FROM messages") == [("are you there?",)]
