"""Likes, reposts, quotes and bookmarks: exact counts under concurrency, reposts on the
timelines of the reposter's followers, quotes showing the original inline, and counts
reaching open feeds live."""

from __future__ import annotations

import asyncio

from tests.conftest import Online, People, query, take
from xapp.api.feed import Feed
from xapp.api.models import PostCountsChanged


async def test_likes_are_exact_when_thirty_people_press_like_at_once(
    people: People, db_path
) -> None:
    ada = await people.signed_in("ada")
    post = await ada.posts.create("like me")
    fans = [await people.signed_in(f"fan{i}") for i in range(30)]
    await asyncio.gather(*(fan.posts.like(post.id) for fan in fans))
    await asyncio.gather(*(fan.posts.like(post.id) for fan in fans[:10]))  # twice changes nothing
    await asyncio.gather(*(fan.posts.like(post.id, on=False) for fan in fans[20:]))
    assert (await ada.posts.get(post.id)).likes == 20
    assert query(db_path, "SELECT count(*) FROM likes WHERE post_id = ?", post.id) == [(20,)]
    assert (await fans[0].posts.get(post.id)).liked is True
    assert (await fans[29].posts.get(post.id)).liked is False


async def test_a_repost_reaches_the_reposters_followers_once(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    cat = await people.signed_in("cat")
    await cat.accounts.follow("bob")  # cat doesn't follow ada
    post = await ada.posts.create("worth sharing")
    first = await bob.posts.repost(post.id)
    again = await bob.posts.repost(post.id)
    assert again.id == first.id
    [shown] = (await cat.posts.home_timeline()).items
    assert shown.author.handle == "bob"
    assert shown.repost_of is not None and shown.repost_of.id == post.id
    assert shown.repost_of.reposts == 1
    assert (await bob.posts.get(post.id)).reposted is True
    await bob.posts.undo_repost(post.id)
    assert (await cat.posts.home_timeline()).items == []
    assert (await ada.posts.get(post.id)).reposts == 0


async def test_a_quote_shows_the_original_inline_and_counts(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    post = await ada.posts.create("Money is integers.")
    quote = await bob.posts.create("Cents, always.", quote_of=post.id)
    assert quote.quote is not None
    assert (quote.quote.id, quote.quote.author.handle, quote.quote.text) == (
        post.id,
        "ada",
        "Money is integers.",
    )
    assert (await ada.posts.get(post.id)).quotes == 1
    await ada.posts.delete(post.id)
    gone = await bob.posts.get(quote.id)
    assert gone.quote is not None and gone.quote.deleted and gone.quote.text == ""


async def test_counts_reach_an_open_feed_live(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await bob.accounts.follow("ada")
    post = await ada.posts.create("watch the counter")
    online = Online()
    feed = Feed(people.url, bob.token or "", (await bob.accounts.me()).event_seq, on_state=online)
    counting = asyncio.create_task(take(feed, 2))
    await online.wait()  # counts are not logged: only an open feed gets them
    fan = await people.signed_in("fan")
    await fan.posts.like(post.id)
    await fan.posts.create("agreed", reply_to=post.id)
    seen = await counting
    await feed.close()
    assert all(isinstance(e, PostCountsChanged) for e in seen)
    assert [(e.data.id, e.data.likes, e.data.replies) for e in seen] == [
        (post.id, 1, 0),
        (post.id, 1, 1),
    ]


async def test_bookmarks_list_newest_first_and_come_off(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    posts = [await ada.posts.create(f"keep {i}") for i in range(3)]
    for post in (posts[1], posts[0], posts[2]):
        await bob.posts.bookmark(post.id)
    await bob.posts.bookmark(posts[0].id)  # again: no duplicate
    kept = await bob.posts.bookmarks()
    assert [p.id for p in kept.items] == [posts[2].id, posts[0].id, posts[1].id]
    assert all(p.bookmarked for p in kept.items)
    await bob.posts.bookmark(posts[0].id, on=False)
    assert [p.id for p in (await bob.posts.bookmarks()).items] == [posts[2].id, posts[1].id]
    assert (await ada.posts.bookmarks()).items == []  # bookmarks are private
