"""Profiles: name, bio and joined date, counts that match what exists, their posts, the
followers and following lists, editing my own, and none for someone a block stands
between."""

from __future__ import annotations

import pytest

from tests.conftest import People
from xapp.api.errors import ApiError, InvalidRequest


async def test_a_profile_shows_who_someone_is_and_their_counts(people: People) -> None:
    ada = await people.signed_in("ada", "Ada Lovelace")
    bob = await people.signed_in("bob")
    cat = await people.signed_in("cat")
    await bob.accounts.follow("ada")
    await cat.accounts.follow("ada")
    await ada.accounts.follow("bob")
    kept = [await ada.posts.create(f"post {i}") for i in range(3)]
    gone = await ada.posts.create("soon gone")
    await ada.posts.delete(gone.id)
    await ada.posts.repost((await bob.posts.create("bob's")).id)

    seen = await bob.accounts.profile("@ada")
    assert (seen.account.display_name, seen.posts, seen.followers, seen.following) == (
        "Ada Lovelace",
        3,
        2,
        1,
    )
    assert (seen.i_follow, seen.follows_me, seen.muted) == (True, True, False)
    their = (await bob.accounts.posts("ada")).items
    assert [p.id for p in their][1:] == [p.id for p in reversed(kept)]  # the repost first
    assert their[0].repost_of is not None
    assert [a.handle for a in (await bob.accounts.followers("ada")).items] == ["cat", "bob"]
    assert [a.handle for a in (await bob.accounts.following("ada")).items] == ["bob"]


async def test_followers_page_on_exactly_once(people: People) -> None:
    star = await people.signed_in("star")
    fans = [await people.signed_in(f"fan{i:02}") for i in range(7)]
    for fan in fans:
        await fan.accounts.follow("star")
    seen, before = [], None
    while True:
        page = await star.accounts.followers("star", before=before, limit=3)
        seen += [a.handle for a in page.items]
        if page.next is None:
            break
        before = page.next
    assert sorted(seen) == sorted(f"fan{i:02}" for i in range(7)) and len(seen) == 7


async def test_edit_my_profile(people: People) -> None:
    ada = await people.signed_in("ada", "Ada")
    edited = await ada.accounts.edit_profile(bio="Poet of numbers.\nFirst programmer.")
    assert (edited.account.display_name, edited.bio) == (
        "Ada",
        "Poet of numbers.\nFirst programmer.",
    )
    renamed = await ada.accounts.edit_profile(display_name="Ada Lovelace")
    assert (renamed.account.display_name, renamed.bio) == ("Ada Lovelace", edited.bio)
    assert (await ada.accounts.me()).display_name == "Ada Lovelace"
    with pytest.raises(InvalidRequest) as too_long:
        await ada.accounts.edit_profile(bio="x" * 301)
    assert "The bio is 301 characters; the limit is 300" in too_long.value.message


async def test_no_profile_across_a_block(people: People) -> None:
    ada = await people.signed_in("ada")
    troll = await people.signed_in("troll")
    await ada.accounts.block("troll")
    for call in (
        troll.accounts.profile("ada"),
        troll.accounts.posts("ada"),
        ada.accounts.followers("troll"),
    ):
        with pytest.raises(ApiError) as hidden:
            await call
        assert hidden.value.status == 404
