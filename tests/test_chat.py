"""Conversations and messages: one conversation per pair, members-only access."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import People, key
from xapp.api.errors import InvalidRequest, NotFound


async def test_dm_is_readable_by_participants_only(people: People, server) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    eve = await people.signed_in("eve")
    conversation = await alice.chat.open("@bob")
    assert {m.handle for m in conversation.members} == {"alice", "bob"}
    await alice.chat.send(conversation.id, "hi bob")
    await bob.chat.send(conversation.id, "hi alice")

    for reader in (alice, bob):
        page = await reader.chat.messages(conversation.id)
        assert [m.text for m in page.items] == ["hi alice", "hi bob"]  # newest first
    with pytest.raises(NotFound):
        await eve.chat.messages(conversation.id)
    with pytest.raises(NotFound):
        await eve.chat.send(conversation.id, "let me in")
    assert (await eve.chat.conversations()).items == []
    # A non-member cannot tell a real conversation from a made-up id.
    async with httpx.AsyncClient(base_url=server.url) as http:
        headers = {"Authorization": f"Bearer {eve.token}"}
        real = await http.get(f"/v1/conversations/{conversation.id}/messages", headers=headers)
        fake = await http.get("/v1/conversations/nope/messages", headers=headers)
    assert real.status_code == fake.status_code == 404
    assert real.json() == fake.json()


async def test_opening_a_conversation_again_returns_the_same_one(people: People) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    first = await alice.chat.open("bob")
    again = await bob.chat.open("alice")
    assert first.id == again.id
    listing = await alice.chat.conversations()
    assert [c.id for c in listing.items] == [first.id]


async def test_conversations_are_ordered_by_last_activity(people: People) -> None:
    alice = await people.signed_in("alice")
    await people.signed_in("bob")
    await people.signed_in("carol")
    with_bob = await alice.chat.open("bob")
    with_carol = await alice.chat.open("carol")
    await alice.chat.send(with_bob.id, "bob is newest")
    page = await alice.chat.conversations()
    assert [c.id for c in page.items] == [with_bob.id, with_carol.id]
    assert page.items[0].last_message is not None
    assert page.items[0].last_message.text == "bob is newest"


async def test_bad_conversation_requests_say_what_is_wrong(people: People) -> None:
    alice = await people.signed_in("alice")
    with pytest.raises(NotFound, match="@ghost was not found"):
        await alice.chat.open("ghost")
    with pytest.raises(InvalidRequest, match="yourself"):
        await alice.chat.open("alice")
    await people.signed_in("bob")
    conversation = await alice.chat.open("bob")
    same = key()
    first = await alice.chat.send(conversation.id, "once", key=same)
    assert (await alice.chat.send(conversation.id, "once", key=same)).id == first.id
    assert len((await alice.chat.messages(conversation.id)).items) == 1
