"""Typing signals: reach the other side live, are throttled, and never touch the log."""

from __future__ import annotations

import asyncio

from tests.conftest import People, query, take
from xapp.api.feed import Feed
from xapp.api.models import Typing


async def test_typing_reaches_the_other_side_but_not_the_event_log(
    people: People, server, db_path
) -> None:
    ada = await people.signed_in("ada", "Ada Lovelace")
    bob = await people.signed_in("bob")
    chat = await ada.chat.open("bob")
    feed = Feed(server.url, bob.token, (await bob.accounts.me()).event_seq)
    listening = asyncio.create_task(take(feed, 1))
    await asyncio.sleep(0.5)  # the feed is connected: typing only reaches open feeds
    events_before = query(db_path, "SELECT count(*) FROM events")
    await ada.chat.typing(chat.id)
    await ada.chat.typing(chat.id)  # throttled: one signal per 3 s
    [event] = await listening
    assert isinstance(event, Typing)
    assert (event.data.conversation_id, event.data.account.handle) == (chat.id, "ada")
    assert (
        5
        <= (
            event.data.expires_at - event.data.expires_at.now(event.data.expires_at.tzinfo)
        ).total_seconds()
        <= 6.5
    )
    assert query(db_path, "SELECT count(*) FROM events") == events_before
    more = asyncio.create_task(take(feed, 1, timeout=1.5))
    await asyncio.sleep(1.6)
    assert more.done() and isinstance(more.exception(), TimeoutError)  # the second was dropped
    await feed.close()
