"""Block and mute on every path: a block stands between two accounts for timelines,
single posts and threads, replies and quotes, likes and reposts, follows, direct
messages, requests and payments, either way round; a mute only hides from timelines."""

from __future__ import annotations

from collections.abc import Awaitable

import pytest

from tests.conftest import People, usd
from xapp.api.client import ApiClient
from xapp.api.errors import ApiError

BLOCKED = "You can't do that with @{}: one of you has blocked the other"


async def refused(call: Awaitable[object], status: int) -> str:
    with pytest.raises(ApiError) as caught:
        await call
    assert caught.value.status == status
    return caught.value.message


async def test_a_block_stands_between_two_accounts_everywhere(people: People) -> None:
    ada = await people.signed_in("ada")
    troll = await people.signed_in("troll")
    await troll.accounts.follow("ada")
    await ada.accounts.follow("troll")
    chat = await troll.chat.open("ada")
    await troll.chat.send(chat.id, "hi")
    await troll.wallet.deposit(usd(5_000))
    ada_post = await ada.posts.create("hello world")
    troll_post = await troll.posts.create("hello ada")

    await ada.accounts.block("troll")

    # Posts: neither sees the other's, on any timeline or by id.
    for viewer, other_post in ((troll, ada_post), (ada, troll_post)):
        assert other_post.id not in [p.id for p in (await viewer.posts.global_timeline()).items]
        assert other_post.id not in [p.id for p in (await viewer.posts.home_timeline()).items]
        await refused(viewer.posts.get(other_post.id), 404)
        await refused(viewer.posts.thread(other_post.id), 404)
    # Nor answers, quotes, likes, reposts or bookmarks it.
    await refused(troll.posts.create("reply", reply_to=ada_post.id), 404)
    await refused(troll.posts.create("quote", quote_of=ada_post.id), 404)
    await refused(troll.posts.like(ada_post.id), 404)
    await refused(troll.posts.repost(ada_post.id), 404)
    # Follows ended both ways, and can't start again.
    assert await refused(troll.accounts.follow("ada"), 403) == BLOCKED.format("ada")
    await refused(ada.accounts.follow("troll"), 403)
    # No messages one to one, no new chats, no money either way (but refunds go back).
    assert await refused(troll.chat.send(chat.id, "hello?"), 403) == (
        "You can't message here: one of you has blocked the other"
    )
    await refused(ada.chat.send(chat.id, "bye"), 403)
    await refused(troll.chat.open("ada", name="sneaky group"), 403)
    await refused(troll.wallet.pay("ada", usd(100), "pls"), 403)
    await refused(troll.bills.request(["ada"], usd(100), "you owe me"), 403)
    await refused(troll.wallet.tip(ada_post.id, usd(100)), 404)

    await ada.accounts.block("troll", on=False)
    assert (await troll.posts.get(ada_post.id)).id == ada_post.id
    await troll.chat.send(chat.id, "sorry")


async def test_replies_from_a_blocked_account_leave_my_threads(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    troll = await people.signed_in("troll")
    post = await ada.posts.create("a thread")
    kind = await bob.posts.create("nice", reply_to=post.id)
    await troll.posts.create("rude", reply_to=post.id)
    await ada.accounts.block("troll")
    thread = await ada.posts.thread(post.id)
    assert [r.post.id for r in thread.replies] == [kind.id]
    bob_sees = await bob.posts.thread(post.id)  # bob blocked nobody
    assert len(bob_sees.replies) == 2


async def test_a_mute_hides_from_my_timelines_and_blocks_nothing(people: People) -> None:
    ada = await people.signed_in("ada")
    loud = await people.signed_in("loud")
    bob = await people.signed_in("bob")
    await ada.accounts.follow("loud")
    await ada.accounts.follow("bob")
    shouted = await loud.posts.create("LOOK AT ME")
    await bob.posts.repost(shouted.id)
    calm = await bob.posts.create("quiet thoughts")
    await ada.accounts.mute("loud")
    assert [p.id for p in (await ada.posts.home_timeline()).items] == [calm.id]  # no repost either
    assert shouted.id not in [p.id for p in (await ada.posts.global_timeline()).items]
    assert (await ada.posts.get(shouted.id)).id == shouted.id  # still reachable on purpose
    await loud.posts.create("@ada hello", reply_to=(await ada.posts.create("hi")).id)
    chat = await loud.chat.open("ada")
    await loud.chat.send(chat.id, "still here")
    await ada.accounts.mute("loud", on=False)
    assert shouted.id in [p.id for p in (await ada.posts.home_timeline()).items]


async def test_block_and_mute_refuse_myself_and_unknown_handles(people: People) -> None:
    ada: ApiClient = await people.signed_in("ada")
    assert await refused(ada.accounts.block("ada"), 422) == "You can't block yourself"
    assert await refused(ada.accounts.mute("ada"), 422) == "You can't mute yourself"
    await refused(ada.accounts.block("nobody_here"), 404)
