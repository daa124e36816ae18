"""Typing signals: reach the other side live, are throttled, and never touch the log."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tests.conftest import Online, People, eventually, query
from xapp.api.feed import Feed
from xapp.api.models import Typing

SHOWN_FOR = timedelta(seconds=6)
"""How long a typing signal says it lasts (from when the server sent it)."""


async def test_typing_reaches_the_other_side_but_not_the_event_log(
    people: People, server, db_path
) -> None:
    ada = await people.signed_in("ada", "Ada Lovelace")
    bob = await people.signed_in("bob")
    cat = await people.signed_in("cat")
    group = await ada.chat.open("bob", "cat")
    online = Online()
    feed = Feed(server.url, bob.token, (await bob.accounts.me()).event_seq, on_state=online)
    signals: list[Typing] = []

    async def listen() -> None:
        async for event in feed:
            if isinstance(event, Typing):
                signals.append(event)

    listening = asyncio.create_task(listen())
    await online.wait()  # typing reaches only open feeds, and is never replayed
    events_before = query(db_path, "SELECT count(*) FROM events")
    before = datetime.now(UTC)
    await ada.chat.typing(group.id)
    after = datetime.now(UTC)
    await ada.chat.typing(group.id)  # throttled: one signal per 3 s
    await cat.chat.typing(group.id)  # signals arrive in order: cat's comes after ada's
    await eventually(lambda: any(s.data.account.handle == "cat" for s in signals))
    await feed.close()
    await listening
    assert [(s.data.conversation_id, s.data.account.handle) for s in signals] == [
        (group.id, "ada"),  # once: the second was dropped
        (group.id, "cat"),
    ]
    tolerance = timedelta(milliseconds=1)  # microseconds through a float
    expires_at = signals[0].data.expires_at
    assert before + SHOWN_FOR - tolerance <= expires_at <= after + SHOWN_FOR + tolerance
    assert query(db_path, "SELECT count(*) FROM events") == events_before
