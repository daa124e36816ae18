"""History filters and payment privacy (the share toggle)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import People, query, usd
from xapp.api.errors import InvalidRequest


async def test_history_filters_by_direction_counterparty_kind_date_and_note(
    people: People, db_path
) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    cat = await people.signed_in("cat")
    await ada.wallet.deposit(usd(10_000))
    await bob.wallet.deposit(usd(10_000))
    to_bob = await ada.wallet.pay("bob", usd(100), "Pizza night")
    to_cat = await ada.wallet.pay("cat", usd(200), "taxi 100% split_fair")
    from_bob = await bob.wallet.pay("ada", usd(300), "pizza refund-ish")
    post = await cat.posts.create("hello")
    tip = await ada.wallet.tip(post.id, usd(50))
    # An old payment, moved back to 1 March 2026 in the database.
    old = await ada.wallet.pay("bob", usd(400), "march rent")
    march = int(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC).timestamp() * 1_000_000)
    query(db_path, "UPDATE transfers SET created_at = ? WHERE id = ?", march, old.id)

    async def ids(**filters) -> list[str]:
        return [t.id for t in (await ada.wallet.history(**filters)).items]

    assert await ids(direction="in") == [from_bob.id, (await ada.wallet.history()).items[-1].id]
    assert await ids(direction="out") == [old.id, tip.id, to_cat.id, to_bob.id]
    assert await ids(with_="@bob") == [old.id, from_bob.id, to_bob.id]
    assert await ids(with_="bob", direction="out") == [old.id, to_bob.id]
    assert await ids(kind="tip") == [tip.id]
    assert await ids(q="PIZZA") == [from_bob.id, to_bob.id]
    assert await ids(q="100%") == [to_cat.id]  # LIKE wildcards are matched literally
    assert await ids(q="split_") == [to_cat.id]
    assert await ids(until=dt.date(2026, 3, 31)) == [old.id]
    assert await ids(since=dt.date(2026, 3, 1), until=dt.date(2026, 3, 1)) == [old.id]
    with pytest.raises(InvalidRequest):
        await ada.wallet.history(kind="bribe")


async def test_payments_are_private_unless_shared_and_a_share_never_shows_the_amount(
    people: People,
) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    fan = await people.signed_in("fan")
    await fan.accounts.follow("ada")
    await ada.wallet.deposit(usd(10_000))
    await ada.wallet.pay("bob", usd(1_234), "secret")
    assert (await fan.posts.home_timeline()).items == []
    await ada.wallet.pay("bob", usd(4_321), "concert 🎸", share=True)
    [post] = (await fan.posts.home_timeline()).items
    assert post.text == "@ada paid @bob · concert 🎸"
    assert "43" not in post.text
    assert (await fan.wallet.history()).items == []
