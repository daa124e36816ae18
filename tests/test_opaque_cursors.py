"""Cursors say nothing about the platform (issue 18, item 14): a page's cursors are
sealed, so they do not count the posts, messages or payments everyone else writes, yet
they keep paging after a restart; a cursor that was edited, made up or given out by
another server is refused as a sentence. (Several processes on one PostgreSQL share
cursors: test_several_processes.py.)"""

from __future__ import annotations

import asyncio
import base64
import re

import pytest

from tests.conftest import People, query, server_settings, usd
from xapp.api.client import ApiClient
from xapp.api.errors import ApiError
from xapp.embedded import ServerThread
from xapp.server.pages import CURSOR_PATTERN


async def test_a_cursor_holds_no_row_number(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    first = await ada.posts.create("one")
    for n in range(5):  # the rest of the platform writes between ada's posts
        await bob.posts.create(f"bob {n}")
    await ada.posts.create("two")
    mine = await ada.accounts.posts("ada", limit=1)
    assert mine.next is not None and re.fullmatch(CURSOR_PATTERN, mine.next)
    sealed = base64.urlsafe_b64decode(mine.next + "==")
    for (pk,) in query(db_path, "SELECT pk FROM posts"):
        assert pk.to_bytes(8, "big") not in sealed and pk.to_bytes(8, "little") not in sealed
    assert not mine.next.isdigit()
    older = await ada.accounts.posts("ada", before=mine.next, limit=1)
    assert [p.id for p in older.items] == [first.id]
    upward = await ada.accounts.posts("ada", after=older.cursors[0], limit=1)
    assert [p.text for p in upward.items] == ["two"]


async def test_every_kind_of_list_pages_with_sealed_cursors(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.deposit(usd(1_000))
    conversation = await ada.chat.open("bob")
    for n in range(3):
        await ada.posts.create(f"post {n}")
        await ada.wallet.pay("bob", usd(100 + n))
        await bob.chat.send(conversation.id, f"hello {n}")
        await bob.accounts.follow("ada", on=n % 2 == 0)
    pages = {
        "timeline": (await ada.posts.home_timeline(limit=1), ada.posts.home_timeline),
        "history": (await ada.wallet.history(limit=1), ada.wallet.history),
        "notifications": (await ada.notifications.list(limit=1), ada.notifications.list),
        "conversations": (await ada.chat.conversations(limit=1), None),
    }
    messages = await ada.chat.messages(conversation.id, limit=1)
    older_messages = await ada.chat.messages(conversation.id, before=messages.next, limit=1)
    assert [m.text for m in messages.items + older_messages.items] == ["hello 2", "hello 1"]
    for name, (page, read) in pages.items():
        if read is None:
            continue
        assert page.next is not None and re.fullmatch(CURSOR_PATTERN, page.next), name
        second = await read(before=page.next, limit=1)
        assert second.items and second.items[0] != page.items[0], name


@pytest.mark.parametrize("edit", ["flipped", "another server's"])
async def test_a_cursor_not_given_out_here_is_refused(
    people: People, db_path, tmp_path, edit: str
) -> None:
    ada = await people.signed_in("ada")
    for n in range(3):
        await ada.posts.create(f"post {n}")
    cursor = (await ada.posts.home_timeline(limit=1)).next
    assert cursor is not None
    if edit == "flipped":
        cursor = cursor[:5] + ("A" if cursor[5] != "A" else "B") + cursor[6:]
    else:
        elsewhere_db = tmp_path / "elsewhere" / "x.db"
        with ServerThread(server_settings(elsewhere_db)) as elsewhere:
            async with ApiClient(elsewhere.url) as eve:
                await eve.accounts.register("eve", "Eve", "correct horse battery")
                await eve.accounts.login("eve", "correct horse battery")
                for n in range(3):
                    await eve.posts.create(f"post {n}")
                cursor = (await eve.posts.home_timeline(limit=1)).next
    with pytest.raises(ApiError) as refused:
        await ada.posts.home_timeline(before=cursor)
    assert refused.value.status == 422
    assert refused.value.message == "The page cursor is not one this server gave out"


async def test_a_cursor_outlives_a_restart(db_path) -> None:
    with ServerThread(server_settings(db_path)) as first:
        people = People(first.url)
        ada = await people.signed_in("ada")
        for n in range(3):
            await ada.posts.create(f"post {n}")
        cursor = (await ada.posts.home_timeline(limit=1)).next
        await people.close()
    with ServerThread(server_settings(db_path)) as second:
        people = People(second.url)
        ada = await people.login("ada")
        page = await ada.posts.home_timeline(before=cursor, limit=1)
        await people.close()
    assert [p.text for p in page.items] == ["post 1"]


async def test_message_positions_count_within_the_conversation(people: People) -> None:
    """A message's position is its place in its own chat, not how many messages the
    platform carried before it: two chats written in turn each count 1, 2, 3."""
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await people.signed_in("cat")
    with_bob, with_cat = await ada.chat.open("bob"), await ada.chat.open("cat")
    sent = {with_bob.id: [], with_cat.id: []}
    for n in range(3):
        for chat in (with_bob.id, with_cat.id):
            sent[chat].append((await ada.chat.send(chat, f"hi {n}")).position)
    assert sent == {with_bob.id: [1, 2, 3], with_cat.id: [1, 2, 3]}
    assert [m.position for m in (await ada.chat.messages(with_cat.id)).items] == [3, 2, 1]
    at_once = await asyncio.gather(*(ada.chat.send(with_bob.id, f"at once {n}") for n in range(20)))
    assert sorted(m.position for m in at_once) == list(range(4, 24))
