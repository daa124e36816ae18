"""Delivered and read receipts between two real clients, and the opt-out."""

from __future__ import annotations

from tests.conftest import People, take
from xapp.api.feed import Feed
from xapp.api.models import ReceiptUpdated


async def test_delivered_then_read_flow_both_ways(people: People, server) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    chat = await ada.chat.open("bob")
    ada_id, bob_id = (await ada.accounts.me()).id, (await bob.accounts.me()).id
    since = (await ada.accounts.me()).event_seq
    hello = await ada.chat.send(chat.id, "hello")
    assert (await bob.chat.get(chat.id)).unread == 1

    await bob.chat.mark(chat.id, hello.position, read=False)  # bob's client got it
    await bob.chat.mark(chat.id, hello.position, read=True)  # and showed it
    feed = Feed(server.url, ada.token, since)
    events = [e for e in await take(feed, 3) if isinstance(e, ReceiptUpdated)]
    await feed.close()
    assert [(e.data.position.delivered, e.data.position.read) for e in events] == [
        (hello.position, 0),
        (hello.position, hello.position),
    ]
    assert (await bob.chat.get(chat.id)).unread == 0

    reply = await bob.chat.send(chat.id, "hi back")
    await ada.chat.mark(chat.id, reply.position, read=True)
    positions = {p.account_id: p for p in (await bob.chat.get(chat.id)).positions}
    assert positions[ada_id].read == reply.position
    assert positions[bob_id].read == reply.position  # my own message counts as read by me
    # Positions never move back.
    await ada.chat.mark(chat.id, 0, read=True)
    positions = {p.account_id: p for p in (await bob.chat.get(chat.id)).positions}
    assert positions[ada_id].read == reply.position


async def test_a_member_can_stop_sending_read_receipts(people: People, server) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    chat = await ada.chat.open("bob")
    await bob.accounts.set_preferences(read_receipts=False)
    assert not (await bob.accounts.me()).read_receipts
    hello = await ada.chat.send(chat.id, "hello")
    since = (await ada.accounts.me()).event_seq
    await bob.chat.mark(chat.id, hello.position, read=True)
    positions = {p.account_id: p for p in (await ada.chat.get(chat.id)).positions}
    bob_position = positions[(await bob.accounts.me()).id]
    assert bob_position.delivered == hello.position and bob_position.read is None
    assert (await bob.chat.get(chat.id)).unread == 0  # bob's own count still works
    feed = Feed(server.url, ada.token, since)
    [event] = await take(feed, 1)
    await feed.close()
    assert isinstance(event, ReceiptUpdated) and event.data.position.read is None


async def test_a_mark_that_moves_nothing_answers_my_own_position(people: People) -> None:
    """Marking at or behind where I already am changes nothing, and still answers my own
    position (it once answered whichever member the database listed first)."""
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    carol = await people.signed_in("carol")
    group = await ada.chat.open("bob", "carol", name="trio")
    hello = await ada.chat.send(group.id, "hello")
    for client in (ada, bob, carol):
        me = await client.accounts.me()
        await client.chat.mark(group.id, hello.position, read=True)
        for read in (False, True):
            again = await client.chat.mark(group.id, 0, read=read)
            assert (again.account_id, again.delivered, again.read) == (
                me.id,
                hello.position,
                hello.position,
            )
