"""Posts and timelines: delivery to followers, cursor pagination, exactly-once creation."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import People, key, query
from xapp.api.errors import ApiError, InvalidRequest


async def test_post_reaches_a_followers_home_timeline_only(people: People) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    carol = await people.signed_in("carol")
    await bob.accounts.follow("alice")
    post = await alice.posts.create("hello, followers")
    assert [p.id for p in (await bob.posts.home_timeline()).items] == [post.id]
    assert (await carol.posts.home_timeline()).items == []
    assert [p.text for p in (await carol.posts.global_timeline()).items] == ["hello, followers"]
    assert (await alice.posts.home_timeline()).items[0].author.handle == "alice"
    await bob.accounts.unfollow("alice")
    assert (await bob.posts.home_timeline()).items == []


async def test_a_follow_brings_older_posts_in_at_their_place(people: People, db_path) -> None:
    """Home timelines are written when a post is made; a follow copies the followee's
    posts in where they belong, an unfollow or an undone repost takes them out."""
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    early = await alice.posts.create("alice, early")
    mine = await bob.posts.create("bob, in between")
    late = await alice.posts.create("alice, late")
    await bob.accounts.follow("alice")
    assert [p.id for p in (await bob.posts.home_timeline()).items] == [late.id, mine.id, early.id]
    repost = await alice.posts.repost(mine.id)
    assert (await bob.posts.home_timeline()).items[0].id == repost.id
    await alice.posts.undo_repost(mine.id)
    assert [p.id for p in (await bob.posts.home_timeline()).items] == [late.id, mine.id, early.id]
    await bob.accounts.unfollow("alice")
    assert [p.id for p in (await bob.posts.home_timeline()).items] == [mine.id]
    assert query(
        db_path,
        "SELECT count(*) FROM timeline_entries WHERE account_id = "
        "(SELECT id FROM accounts WHERE handle = 'bob')",
    ) == [(1,)]


async def test_pagination_returns_each_post_once_while_posts_arrive(people: People) -> None:
    alice = await people.signed_in("alice")
    reader = await people.signed_in("reader")
    await reader.accounts.follow("alice")
    existing = {(await alice.posts.create(f"post {i}")).id for i in range(23)}

    seen: list[str] = []
    before = None
    while True:
        page = await reader.posts.home_timeline(before=before, limit=5)
        seen.extend(p.id for p in page.items)
        await alice.posts.create("a new post at the top while paging")
        if page.next is None:
            break
        before = page.next
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == existing


async def test_paging_upward_from_any_post_returns_each_newer_post_once(people: People) -> None:
    """A client that forgot the posts above its window fetches them again from the item
    beside them: `after` gives the page just above, newest first, until `prev` is null."""
    alice = await people.signed_in("alice")
    made = [(await alice.posts.create(f"post {i}")).id for i in range(23)]
    down = [await alice.posts.home_timeline(limit=5)]
    while down[-1].next is not None:
        down.append(await alice.posts.home_timeline(before=down[-1].next, limit=5))
    assert down[0].prev is None and all(page.prev == page.cursors[0] for page in down[1:])
    bottom = down[-1]
    assert [p.id for p in bottom.items] == made[2::-1]

    seen: list[str] = []
    after: str | None = bottom.cursors[0]  # from the oldest page's first post, upward
    while after is not None:
        page = await alice.posts.home_timeline(after=after, limit=5)
        assert len(page.items) == len(page.cursors) == 5
        assert page.next == page.cursors[-1]
        seen[:0] = [p.id for p in page.items]
        after = page.prev
        if after is None:
            newest = (await alice.posts.create("after the top was reached")).id
            assert [
                p.id for p in (await alice.posts.home_timeline(after=page.cursors[0])).items
            ] == [newest]
    assert seen == made[:2:-1]
    with pytest.raises(ApiError, match="not both"):
        await alice.posts.home_timeline(before=bottom.next or "1", after="1")


async def test_post_retry_with_the_same_key_creates_one_post(people: People) -> None:
    alice = await people.signed_in("alice")
    same = key()
    results = await asyncio.gather(*(alice.posts.create("once", key=same) for _ in range(10)))
    assert len({r.id for r in results}) == 1
    assert len((await alice.posts.home_timeline()).items) == 1
    with pytest.raises(InvalidRequest, match="different request"):
        await alice.posts.create("another text", key=same)


async def test_posts_are_validated_with_clear_messages(people: People) -> None:
    alice = await people.signed_in("alice")
    with pytest.raises(InvalidRequest, match="empty"):
        await alice.posts.create("   \n ")
    with pytest.raises(InvalidRequest, match="501 characters; the limit is 500"):
        await alice.posts.create("x" * 501)
    with pytest.raises(ApiError, match="cursor"):
        await alice.posts.home_timeline(before="not-a-cursor")
