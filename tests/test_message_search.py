"""Search within a conversation and across all of mine, then jump to the hit."""

from __future__ import annotations

from tests.conftest import People


async def test_search_finds_words_across_and_within_conversations(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await people.signed_in("cat")
    with_bob = await ada.chat.open("bob")
    with_cat = await ada.chat.open("cat")
    first = await ada.chat.send(with_bob.id, "The Pizza place on 5th")
    for i in range(60):
        await bob.chat.send(with_bob.id, f"filler {i}")
    await ada.chat.send(with_cat.id, "pizza tonight?")
    gone = await ada.chat.send(with_cat.id, "pizza secret")
    await ada.chat.delete(with_cat.id, gone.id)
    await ada.chat.send(with_cat.id, "100% sure_thing")

    everywhere = (await ada.chat.search("PIZZA")).items
    assert [h.message.text for h in everywhere] == ["pizza tonight?", "The Pizza place on 5th"]
    assert everywhere[1].conversation.id == with_bob.id
    within = (await ada.chat.search("pizza", conversation_id=with_bob.id)).items
    assert [h.message.id for h in within] == [first.id]
    assert [h.message.text for h in (await ada.chat.search("0% s")).items] == ["100% sure_thing"]

    # Jump: the page around the hit holds it, with newer messages above it.
    page = await ada.chat.messages(with_bob.id, around=first.id, limit=20)
    ids = [m.id for m in page.items]
    assert first.id in ids and ids.index(first.id) > 0
    assert page.next is None  # nothing older than the very first message
