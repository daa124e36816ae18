"""The chat pane driven as a person would: the list's order and unread counts, staying
pinned to the newest message (and not when reading history), replies and reactions."""

from __future__ import annotations

import asyncio

from textual.widgets import Input

from tests.conftest import People
from tests.test_tui_home import (
    drawn,
    home_of,
    shown,
    signed_in_app,
    type_in_chat,
    visible,
    wait_for,
)
from xapp.api.client import ApiClient
from xapp.screens.dialogs import ReactScreen
from xapp.widgets.conversation_list import ConversationList
from xapp.widgets.message_log import MessageLog


def listed(listing: ConversationList) -> list[str]:
    return [
        str(listing.get_option_at_index(i).prompt).split("\n")[0]
        for i in range(listing.option_count)
    ]


async def wait_until_read_by(
    client: ApiClient, conversation_id: str, reader_id: str, position: int
) -> None:
    for _ in range(100):
        conversation = await client.chat.get(conversation_id)
        if any(p.account_id == reader_id and p.read == position for p in conversation.positions):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never read up to {position}: {conversation.positions}")


async def test_the_list_orders_by_activity_and_counts_unread(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob", "Bob Builder")
    cat = await people.signed_in("cat", "Cat Stevens")
    with_bob = await alice.chat.open("bob")
    with_cat = await alice.chat.open("cat")
    await alice.chat.send(with_bob.id, "hi bob")
    await alice.chat.send(with_cat.id, "hi cat")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        listing = home.query_one(ConversationList)
        await wait_for(pilot, lambda: listing.option_count == 2)
        assert listed(listing) == ["Cat Stevens @cat", "Bob Builder @bob"]
        await wait_for(pilot, lambda: home.chat.open_id == with_cat.id)
        await bob.chat.send(with_bob.id, "one")
        await bob.chat.send(with_bob.id, "two")
        await wait_for(pilot, lambda: listed(listing)[0] == "Bob Builder @bob (2)")
        await wait_for(pilot, lambda: "✉ 2 unread" in shown(home.query_one("#status")))
        assert shown(home.query_one("#chat-heading")) == "Messages · 2 unread"
        await pilot.press("ctrl+down")  # jump to the next unread conversation
        await wait_for(pilot, lambda: home.chat.open_id == with_bob.id)
        await wait_for(pilot, lambda: listed(listing)[0] == "Bob Builder @bob")
        assert "✉" not in shown(home.query_one("#status"))
    assert (await alice.chat.get(with_bob.id)).unread == 0  # read on the server too
    assert (await cat.chat.get(with_cat.id)).unread == 1


async def test_the_chat_stays_pinned_unless_reading_history(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    chat = await alice.chat.open("bob")
    alice_id = (await alice.accounts.me()).id
    for i in range(120):  # more than one page: older ones load when scrolling up
        await bob.chat.send(chat.id, f"message {i}")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        log = home.query_one(MessageLog)
        await wait_for(pilot, lambda: "message 119" in visible(log))
        newest = await bob.chat.send(chat.id, "newest")
        await wait_for(pilot, lambda: "newest" in visible(log))  # pinned: it scrolls in
        # ...and alice read it there, which bob's receipts say (not merely "delivered").
        await wait_until_read_by(bob, chat.id, alice_id, newest.position)
        log.focus()
        for _ in range(42):  # reading back up through the page
            await pilot.press("up")
        await wait_for(pilot, lambda: len(log.items) > 100)  # older pages came in above
        before = visible(log)
        await bob.chat.send(chat.id, "while reading")
        await wait_for(pilot, lambda: "while reading" in drawn(log))
        await pilot.wait_for_scheduled_animations()  # a scroll, if any, has happened
        assert visible(log) == before  # reading history: nothing moved
        mine = await bob.chat.get(chat.id)
        [alice_at] = [p for p in mine.positions if p.account_id == alice_id]
        assert alice_at.read == newest.position  # delivered, not read: it is off screen
        assert alice_at.delivered > newest.position
        await pilot.press("home")
        await wait_for(pilot, lambda: "message 0\n" in drawn(log) + "\n")


async def test_reply_and_react_from_the_keyboard(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice", "Alice Liddell")
    bob = await people.signed_in("bob", "Bob Builder")
    chat = await alice.chat.open("bob")
    await bob.chat.send(chat.id, "pizza tonight?")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        log = home.query_one(MessageLog)
        await wait_for(pilot, lambda: "pizza tonight?" in drawn(log))
        log.focus()
        log.action_cursor_to(-1)
        await pilot.press("R")
        assert "replying to @bob: pizza tonight?" in shown(home.query_one("#reply-bar"))
        assert home.query_one("#chat-input", Input).has_focus
        await pilot.press(*"yes please", "enter")
        await wait_for(pilot, lambda: "↳ @bob: pizza tonight?\nyes please" in drawn(log))
        await wait_for(pilot, lambda: "✓ sent" in drawn(log) or "✓✓" in drawn(log))
        assert shown(home.query_one("#reply-bar")) == ""

        log.focus()
        log.action_cursor_to(0)
        await pilot.press("plus")
        await wait_for(pilot, lambda: isinstance(app.screen, ReactScreen))
        await wait_for(pilot, lambda: bool(app.screen.query("#emoji-0")))
        await pilot.press("enter")  # 👍, the first quick reaction
        await wait_for(pilot, lambda: "👍 1" in drawn(log))
        await bob.chat.react(chat.id, (await bob.chat.messages(chat.id)).items[-1].id, "👍")
        await wait_for(pilot, lambda: "👍 2" in drawn(log))
    [reply, question] = (await bob.chat.messages(chat.id)).items
    assert reply.reply_to is not None and reply.reply_to.id == question.id
    assert [(r.emoji, r.handles) for r in question.reactions] == [("👍", ["alice", "bob"])]


async def test_read_receipts_can_be_turned_off_from_the_chat(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    await people.signed_in("bob")
    await alice.chat.open("bob")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await type_in_chat(pilot, home, "/receipts off")
        await wait_for(pilot, lambda: home.query_one("#chat-input", Input).value == "")
    assert not (await alice.accounts.me()).read_receipts


async def test_someone_typing_shows_then_expires(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    chat = await alice.chat.open("bob")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await wait_for(pilot, lambda: home.chat.open_id == chat.id)
        await wait_for(pilot, lambda: "online" in shown(home.query_one("#status")))
        await bob.chat.typing(chat.id)
        typing = home.query_one("#typing")
        await wait_for(pilot, lambda: shown(typing) == "@bob is typing…")
        assert typing.display
        await wait_for(pilot, lambda: not typing.display, timeout=10)  # gone after 6 s
