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
    group = await ada.chat.open("bob", "cat", name="Climbing")
    assert (group.is_group, group.name, group.admins) == (
        True,
        "Climbing",
        [(await ada.accounts.me()).id],
    )
    with pytest.raises(ApiError, match="Only the group's admins") as caught:
        await bob.chat.rename(group.id, "Mine now")
    assert caught.value.status == 403
    await ada.chat.rename(group.id, "Climbing club")
    await ada.chat.add_members(group.id, "dan")
    assert (await dan.chat.get(group.id)).unread == 0  # history visible, not unread
    await ada.chat.make_admin(group.id, "bob")
    await bob.chat.remove_member(group.id, "cat")
    await dan.chat.remove_member(group.id, "dan")  # leaving
    lines = [m.text for m in reversed((await ada.chat.messages(group.id)).items)]
    assert lines == [
        "@ada made the group “Climbing” with @bob, @cat",
        "@ada named the group “Climbing club”",
        "@ada added @dan",
        "@ada made @bob an admin",
        "@bob removed @cat",
        "@dan left",
    ]
    final = await ada.chat.get(group.id)
    assert [m.handle for m in final.members] == ["ada", "bob"]
    assert final.name == "Climbing club"


async def test_a_removed_member_loses_the_group_at_once(people: People, server) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    cat = await people.signed_in("cat")
    group = await ada.chat.open("bob", "cat")
    old = await ada.chat.send(group.id, "before")
    since = (await cat.accounts.me()).event_seq
    await ada.chat.remove_member(group.id, "cat")
    feed = Feed(server.url, cat.token, since)
    events = await take(feed, 2)
    await feed.close()
    assert isinstance(events[-1], ConversationLeft) and events[-1].data.id == group.id
    await ada.chat.send(group.id, "after cat left")
    for attempt in (
        lambda: cat.chat.get(group.id),
        lambda: cat.chat.messages(group.id),
        lambda: cat.chat.send(group.id, "let me in"),
        lambda: cat.chat.edit(group.id, old.id, "x"),
        lambda: cat.chat.delete(group.id, old.id),
        lambda: cat.chat.react(group.id, old.id, "👍"),
        lambda: cat.chat.mark(group.id, 1, read=True),
        lambda: cat.chat.typing(group.id),
        lambda: cat.chat.add_members(group.id, "ada"),
        lambda: cat.chat.search("after", conversation_id=group.id),
        lambda: cat.chat.messages(group.id, around=old.id),
    ):
        with pytest.raises(NotFound):
            await attempt()
    assert [h.message.text for h in (await cat.chat.search("after")).items] == []
    assert group.id not in [c.id for c in (await cat.chat.conversations()).items]


async def test_one_to_one_chats_are_not_groups(people: People) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await people.signed_in("cat")
    pair = await ada.chat.open("bob")
    assert not pair.is_group and pair.admins == []
    with pytest.raises(ApiError, match="no members to change"):
        await ada.chat.add_members(pair.id, "cat")
