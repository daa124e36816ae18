"""Replies, reactions, edits and deletes, live to the other side."""

from __future__ import annotations

from tests.conftest import People, query, refused, take
from xapp.api.errors import ApiError, InvalidRequest, NotFound
from xapp.api.feed import Feed
from xapp.api.models import MessageCreated, MessageUpdated


async def test_reply_react_edit_delete_propagate_live(people: People, server) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    chat = await ada.chat.open("bob")
    question = await ada.chat.send(chat.id, "lunch at 12?")
    since = (await bob.accounts.me()).event_seq
    feed = Feed(server.url, bob.token, since)

    answer = await bob.chat.send(chat.id, "yes!", reply_to=question.id)
    assert answer.reply_to is not None
    assert (answer.reply_to.id, answer.reply_to.text) == (question.id, "lunch at 12?")
    await ada.chat.react(chat.id, answer.id, "👍")
    await bob.chat.react(chat.id, answer.id, "👍")
    await bob.chat.react(chat.id, answer.id, "🎉")
    await bob.chat.react(chat.id, answer.id, "🎉", on=False)
    await ada.chat.edit(chat.id, question.id, "lunch at 12:30?")
    await ada.chat.delete(chat.id, question.id)

    events = await take(feed, 7)
    await feed.close()
    assert isinstance(events[0], MessageCreated)
    updates = [e.data for e in events[1:]]
    assert all(isinstance(e, MessageUpdated) for e in events[1:])
    assert [(r.emoji, r.count, r.handles) for r in updates[1].reactions] == [
        ("👍", 2, ["ada", "bob"])
    ]
    assert [r.emoji for r in updates[2].reactions] == ["👍", "🎉"]
    assert [r.emoji for r in updates[3].reactions] == ["👍"]
    assert updates[4].text == "lunch at 12:30?" and updates[4].edited_at is not None
    assert updates[5].deleted and updates[5].text == ""

    newest, oldest = (await bob.chat.messages(chat.id)).items
    assert oldest.deleted and oldest.text == ""  # the tombstone stays
    assert newest.reply_to is not None and newest.reply_to.deleted


async def test_only_the_sender_edits_or_deletes_and_input_is_checked(
    people: People, db_path
) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    chat = await ada.chat.open("bob")
    mine = await ada.chat.send(chat.id, "hello")
    with refused(ApiError, 403, "not_yours", "You can only edit your own messages"):
        await bob.chat.edit(chat.id, mine.id, "hacked")
    with refused(ApiError, 403, "not_yours", "You can only delete your own messages"):
        await bob.chat.delete(chat.id, mine.id)
    with refused(
        InvalidRequest,
        422,
        "invalid_request",
        "emoji: a reaction is one emoji (or a short symbol), without spaces",
    ):
        await bob.chat.react(chat.id, mine.id, "not an emoji")
    with refused(InvalidRequest, 422, "invalid_request", "text: The message is empty"):
        await ada.chat.edit(chat.id, mine.id, "   ")
    other = await ada.chat.open("bob")  # same pair: same chat
    assert other.id == chat.id
    elsewhere = await (await people.signed_in("cat")).chat.open("ada")
    # A reply must answer a message of the same chat: from there, this one doesn't exist.
    with refused(NotFound, 404, "not_found", "That message was not found"):
        await ada.chat.send(elsewhere.id, "hm", reply_to=mine.id)
    # Nothing refused changed anything: the one message is as ada wrote it.
    assert query(db_path, "SELECT text, edited_at, deleted_at FROM messages") == [
        ("hello", None, None)
    ]
