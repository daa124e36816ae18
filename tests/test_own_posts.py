"""Editing and deleting my own posts: an "edited" marker with the history in order, a
tombstone that keeps replies in place, and nobody else's hands on either."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import People, take
from xapp.api.errors import ApiError
from xapp.api.feed import Feed
from xapp.api.models import PostUpdated


async def test_edits_keep_their_history_oldest_first(people: People) -> None:
    ada = await people.signed_in("ada")
    post = await ada.posts.create("first draft")
    assert post.edited_at is None
    for text in ("second draft", "third draft", "final"):
        edited = await ada.posts.edit(post.id, text)
    assert edited.text == "final" and edited.edited_at is not None
    history = await ada.posts.edits(post.id)
    assert [v.text for v in history] == ["first draft", "second draft", "third draft", "final"]
    assert [v.written_at for v in history] == sorted(v.written_at for v in history)
    assert history[0].written_at == post.created_at


async def test_only_the_author_edits_or_deletes(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    post = await ada.posts.create("mine")
    with pytest.raises(ApiError) as editing:
        await bob.posts.edit(post.id, "hijacked")
    with pytest.raises(ApiError) as deleting:
        await bob.posts.delete(post.id)
    assert (editing.value.status, editing.value.message) == (
        403,
        "You can only edit your own posts",
    )
    assert deleting.value.status == 403
    assert (await bob.posts.get(post.id)).text == "mine"


async def test_a_deleted_post_leaves_a_tombstone_and_its_replies(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await bob.accounts.follow("ada")
    post = await ada.posts.create("regrettable")
    reply = await bob.posts.create("hmm", reply_to=post.id)
    await bob.posts.repost(post.id)
    await ada.posts.edit(post.id, "still regrettable")
    feed = Feed(people.url, bob.token or "", (await bob.accounts.me()).event_seq)
    told = asyncio.create_task(take(feed, 1))  # replays from `since`: no need to wait
    tombstone = await ada.posts.delete(post.id)
    [event] = await told
    await feed.close()
    assert tombstone.deleted and tombstone.text == ""
    assert isinstance(event, PostUpdated) and event.data.deleted
    thread = await bob.posts.thread(reply.id)
    assert [(p.id, p.deleted, p.text) for p in thread.ancestors] == [(post.id, True, "")]
    assert thread.post.text == "hmm"
    home = [p.id for p in (await bob.posts.home_timeline()).items]
    assert home == [reply.id]  # neither the post nor bob's repost of it
    with pytest.raises(ApiError) as history:
        await ada.posts.edits(post.id)
    assert history.value.status == 409
