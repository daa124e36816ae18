"""Conversations in posts: replies, reply counts, and a thread assembled from ancestors
to replies nested one level deep."""

from __future__ import annotations

import pytest

from tests.conftest import People
from xapp.api.errors import ApiError


async def test_a_thread_shows_ancestors_the_post_and_replies_one_level_deep(
    people: People,
) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    cat = await people.signed_in("cat")
    root = await ada.posts.create("What should the terminal super-app do first?")
    middle = await bob.posts.create("Payments, obviously.", reply_to=root.id)
    post = await cat.posts.create("Payments with receipts.", reply_to=middle.id)
    first = await ada.posts.create("Signed ones?", reply_to=post.id)
    second = await bob.posts.create("Ed25519.", reply_to=post.id)
    under_first = [
        await (bob if i % 2 else cat).posts.create(f"nested {i}", reply_to=first.id)
        for i in range(5)
    ]

    thread = await ada.posts.thread(post.id)

    assert [p.id for p in thread.ancestors] == [root.id, middle.id]
    assert thread.post.id == post.id
    assert thread.post.reply_to == middle.id and thread.post.reply_to_handle == "bob"
    assert thread.post.replies == 2
    assert [r.post.id for r in thread.replies] == [first.id, second.id]  # oldest first
    [shown_first, shown_second] = thread.replies
    assert [p.id for p in shown_first.replies] == [p.id for p in under_first[:3]]
    assert shown_first.more == 2  # "more replies" opens the reply's own thread
    assert shown_first.post.replies == 5
    assert shown_second.replies == [] and shown_second.more == 0
    deeper = await ada.posts.thread(first.id)
    assert [p.id for p in deeper.ancestors] == [root.id, middle.id, post.id]
    assert [r.post.id for r in deeper.replies] == [p.id for p in under_first]


async def test_replies_page_on_in_order(people: People) -> None:
    ada = await people.signed_in("ada")
    post = await ada.posts.create("count with me")
    replies = [await ada.posts.create(str(i), reply_to=post.id) for i in range(7)]
    seen, before = [], None
    while True:
        page = await ada.posts.thread(post.id, before=before, limit=3)
        seen += [r.post.id for r in page.replies]
        if page.replies_next is None:
            break
        before = page.replies_next
    assert seen == [r.id for r in replies]


async def test_a_reply_to_a_deleted_post_is_refused_and_unknown_posts_are_404(
    people: People,
) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    post = await ada.posts.create("soon gone")
    await ada.posts.delete(post.id)
    with pytest.raises(ApiError) as refused:
        await bob.posts.create("too late", reply_to=post.id)
    assert refused.value.status == 409
    assert refused.value.message == "That post was deleted, so you can't reply to it"
    with pytest.raises(ApiError) as unknown:
        await bob.posts.thread("0190a1b2-0000-7000-8000-000000000000")
    assert unknown.value.status == 404
