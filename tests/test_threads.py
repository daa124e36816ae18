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
    root = await ada.create_post("What should the terminal super-app do first?")
    middle = await bob.create_post("Payments, obviously.", reply_to=root.id)
    post = await cat.create_post("Payments with receipts.", reply_to=middle.id)
    first = await ada.create_post("Signed ones?", reply_to=post.id)
    second = await bob.create_post("Ed25519.", reply_to=post.id)
    under_first = [
        await (bob if i % 2 else cat).create_post(f"nested {i}", reply_to=first.id)
        for i in range(5)
    ]

    thread = await ada.thread(post.id)

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
    deeper = await ada.thread(first.id)
    assert [p.id for p in deeper.ancestors] == [root.id, middle.id, post.id]
    assert [r.post.id for r in deeper.replies] == [p.id for p in under_first]


async def test_replies_page_on_in_order(people: People) -> None:
    ada = await people.signed_in("ada")
    post = await ada.create_post("count with me")
    replies = [await ada.create_post(str(i), reply_to=post.id) for i in range(7)]
    seen, before = [], None
    while True:
        page = await ada.thread(post.id, before=before, limit=3)
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
    post = await ada.create_post("soon gone")
    await ada.delete_post(post.id)
    with pytest.raises(ApiError) as refused:
        await bob.create_post("too late", reply_to=post.id)
    assert refused.value.status == 409
    assert refused.value.message == "That post was deleted, so you can't reply to it"
    with pytest.raises(ApiError) as unknown:
        await bob.thread("0190a1b2-0000-7000-8000-000000000000")
    assert unknown.value.status == 404
