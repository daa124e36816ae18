"""Groups: names, members and admins; membership is enforced on every route at once."""

from __future__ import annotations

import pytest

from tests.conftest import People, take
from xapp.api.errors import ApiError, NotFound
from xapp.api.feed import Feed
from xapp.api.models import ConversationLeft


async def test_a_group_is_made_renamed_grown_and_left_with_system_lines(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await people.signed_in("cat")
    dan = await people.signed_in("dan")
    group = await ada.open_conversation("bob", "cat", name="Climbing")
    assert (group.is_group, group.name, group.admins) == (True, "Climbing", [(await ada.me()).id])
    with pytest.raises(ApiError, match="Only the group's admins") as caught:
        await bob.rename_group(group.id, "Mine now")
    assert caught.value.status == 403
    await ada.rename_group(group.id, "Climbing club")
    await ada.add_members(group.id, "dan")
    assert (await dan.conversation(group.id)).unread == 0  # history visible, not unread
    await ada.make_admin(group.id, "bob")
    await bob.remove_member(group.id, "cat")
    await dan.remove_member(group.id, "dan")  # leaving
    lines = [m.text for m in reversed((await ada.messages(group.id)).items)]
    assert lines == [
        "@ada made the group “Climbing” with @bob, @cat",
        "@ada named the group “Climbing club”",
        "@ada added @dan",
        "@ada made @bob an admin",
        "@bob removed @cat",
        "@dan left",
    ]
    final = await ada.conversation(group.id)
    assert [m.handle for m in final.members] == ["ada", "bob"]
    assert final.name == "Climbing club"


async def test_a_removed_member_loses_the_group_at_once(people: People, server) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    cat = await people.signed_in("cat")
    group = await ada.open_conversation("bob", "cat")
    old = await ada.send_message(group.id, "before")
    since = (await cat.me()).event_seq
    await ada.remove_member(group.id, "cat")
    feed = Feed(server.url, cat.token, since)
    events = await take(feed, 2)
    await feed.close()
    assert isinstance(events[-1], ConversationLeft) and events[-1].data.id == group.id
    await ada.send_message(group.id, "after cat left")
    for attempt in (
        lambda: cat.conversation(group.id),
        lambda: cat.messages(group.id),
        lambda: cat.send_message(group.id, "let me in"),
        lambda: cat.edit_message(group.id, old.id, "x"),
        lambda: cat.delete_message(group.id, old.id),
        lambda: cat.react(group.id, old.id, "👍"),
        lambda: cat.mark(group.id, 1, read=True),
        lambda: cat.typing(group.id),
        lambda: cat.add_members(group.id, "ada"),
        lambda: cat.search_messages("after", conversation_id=group.id),
        lambda: cat.messages(group.id, around=old.id),
    ):
        with pytest.raises(NotFound):
            await attempt()
    assert [h.message.text for h in (await cat.search_messages("after")).items] == []
    assert group.id not in [c.id for c in (await cat.conversations()).items]


async def test_one_to_one_chats_are_not_groups(people: People) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await people.signed_in("cat")
    pair = await ada.open_conversation("bob")
    assert not pair.is_group and pair.admins == []
    with pytest.raises(ApiError, match="no members to change"):
        await ada.add_members(pair.id, "cat")
