"""Posts and timelines: delivery to followers, cursor pagination, exactly-once creation."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import People, key
from xapp.api.errors import ApiError, InvalidRequest


async def test_post_reaches_a_followers_home_timeline_only(people: People) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    carol = await people.signed_in("carol")
    await bob.follow("alice")
    post = await alice.create_post("hello, followers")
    assert [p.id for p in (await bob.home_timeline()).items] == [post.id]
    assert (await carol.home_timeline()).items == []
    assert [p.text for p in (await carol.global_timeline()).items] == ["hello, followers"]
    assert (await alice.home_timeline()).items[0].author.handle == "alice"
    await bob.unfollow("alice")
    assert (await bob.home_timeline()).items == []


async def test_pagination_returns_each_post_once_while_posts_arrive(people: People) -> None:
    alice = await people.signed_in("alice")
    reader = await people.signed_in("reader")
    await reader.follow("alice")
    existing = {(await alice.create_post(f"post {i}")).id for i in range(23)}

    seen: list[str] = []
    before = None
    while True:
        page = await reader.home_timeline(before=before, limit=5)
        seen.extend(p.id for p in page.items)
        await alice.create_post("a new post at the top while paging")
        if page.next is None:
            break
        before = page.next
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == existing


async def test_post_retry_with_the_same_key_creates_one_post(people: People) -> None:
    alice = await people.signed_in("alice")
    same = key()
    results = await asyncio.gather(*(alice.create_post("once", key=same) for _ in range(10)))
    assert len({r.id for r in results}) == 1
    assert len((await alice.home_timeline()).items) == 1
    with pytest.raises(InvalidRequest, match="different request"):
        await alice.create_post("another text", key=same)


async def test_posts_are_validated_with_clear_messages(people: People) -> None:
    alice = await people.signed_in("alice")
    with pytest.raises(InvalidRequest, match="empty"):
        await alice.create_post("   \n ")
    with pytest.raises(InvalidRequest, match="501 characters; the limit is 500"):
        await alice.create_post("x" * 501)
    with pytest.raises(ApiError, match="cursor"):
        await alice.home_timeline(before="not-a-cursor")
