"""Notifications: mentions, replies, quotes, likes, reposts and new followers reach the
right person once, live and in the list, with an unread count; never from someone a
block stands between or whom I muted, and never for my own doings."""

from __future__ import annotations

import asyncio

from tests.conftest import Online, People
from xapp.api.feed import Feed
from xapp.api.models import NotificationCreated


async def notes_from(feed: Feed, n: int) -> list[NotificationCreated]:
    """The next `n` notifications on a real feed (other events pass by)."""
    notes: list[NotificationCreated] = []

    async def collect() -> None:
        async for event in feed:
            if isinstance(event, NotificationCreated):
                notes.append(event)
                if len(notes) == n:
                    return

    await asyncio.wait_for(collect(), 10)
    return notes


async def test_each_kind_reaches_the_right_person_live_and_listed(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    online = Online()
    feed = Feed(people.url, ada.token or "", (await ada.accounts.me()).event_seq, on_state=online)
    live = asyncio.create_task(notes_from(feed, 6))
    await online.wait()  # each note arrives live (a later socket would replay them too)
    post = await ada.posts.create("Who wants to build a terminal bank?")
    await bob.accounts.follow("ada")
    await bob.posts.create("Me! cc @ada", reply_to=post.id)  # a reply, not also a mention
    await bob.posts.create("Look what @ada is doing", quote_of=post.id)
    await bob.posts.like(post.id)
    await bob.posts.repost(post.id)
    await bob.posts.create("Talking with @ADA about ledgers")
    await ada.posts.create("replying to myself @ada", reply_to=post.id)  # my own: no notes
    events = await live
    await feed.close()
    kinds = ["follow", "reply", "quote", "like", "repost", "mention"]
    assert [e.data.kind for e in events] == kinds
    listed = (await ada.notifications.list()).items
    assert [n.kind for n in listed] == list(reversed(kinds))  # newest first
    assert all(n.actor.handle == "bob" for n in listed)
    assert listed[-1].post is None  # the follow
    assert listed[0].post is not None and listed[0].post.text == "Talking with @ADA about ledgers"
    assert await ada.notifications.unread() == 6
    await ada.notifications.seen()
    assert await ada.notifications.unread() == 0
    await bob.posts.like(post.id, on=False)
    await bob.posts.like(post.id)
    assert await ada.notifications.unread() == 1


async def test_no_notes_from_blocked_or_muted_accounts(people: People) -> None:
    ada = await people.signed_in("ada")
    troll = await people.signed_in("troll")
    loud = await people.signed_in("loud")
    post = await ada.posts.create("quiet please")
    await ada.accounts.block("troll")
    await ada.accounts.mute("loud")
    await troll.posts.create("@ada hey")  # can't reach the post; a mention is not a way in
    await loud.posts.create("@ada HEY", reply_to=post.id)
    await loud.posts.like(post.id)
    assert (await ada.notifications.list()).items == []
    assert await ada.notifications.unread() == 0
