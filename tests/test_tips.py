"""Tips on posts, and the author's creator-earnings view."""

from __future__ import annotations

import pytest

from tests.conftest import People, balance_of, usd
from xapp.api.errors import InvalidRequest, NotFound


async def test_tips_reach_the_author_and_add_up_by_post_and_day(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    cat = await people.signed_in("cat")
    for fan in (bob, cat):
        await fan.wallet.deposit(usd(5_000))
    essay = await ada.posts.create("A long essay about the analytical engine")
    joke = await ada.posts.create("why did the bit cross the bus?")
    tip = await bob.wallet.tip(essay.id, usd(200))
    assert (tip.kind, tip.post_id, tip.recipient.handle) == ("tip", essay.id, "ada")
    assert tip.note == "Tip · A long essay about the analytical engine"
    await cat.wallet.tip(essay.id, usd(500))
    await cat.wallet.tip(joke.id, usd(100))
    assert balance_of(db_path, "ada") == 800

    earnings = await ada.wallet.earnings()
    assert earnings.total == usd(800)
    assert [(r.post_id, r.total.amount, r.tips) for r in earnings.by_post] == [
        (joke.id, 100, 1),
        (essay.id, 700, 2),
    ]
    assert earnings.by_post[1].label == "A long essay about the analytical engine"
    [today] = earnings.by_day
    assert (today.total.amount, today.tips) == (800, 3)
    assert today.label == tip.created_at.date().isoformat()
    assert (await bob.wallet.earnings()).by_post == []


async def test_tipping_yourself_or_nothing_is_refused(people: People) -> None:
    ada = await people.signed_in("ada")
    await ada.wallet.deposit(usd(1_000))
    post = await ada.posts.create("mine")
    with pytest.raises(InvalidRequest, match="can't tip your own post"):
        await ada.wallet.tip(post.id, usd(100))
    with pytest.raises(NotFound):
        await ada.wallet.tip("0190f0a0-0000-7000-8000-000000000000", usd(100))
