"""Requests and split bills: ask, pay, decline, cancel, remind; the feed tells everyone."""

from __future__ import annotations

import pytest

from tests.conftest import People, balance_of, query, take, usd
from xapp.api.errors import ApiError, Conflict, InvalidRequest, NotFound
from xapp.api.feed import Feed
from xapp.api.models import BillUpdated


async def test_request_from_several_then_pay_decline_and_cancel(
    people: People, server, db_path
) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    cat = await people.signed_in("cat")
    dan = await people.signed_in("dan")
    await bob.wallet.deposit(usd(5_000))
    since = (await bob.accounts.me()).event_seq
    bill = await ada.bills.request(["bob", "@cat", "dan"], usd(1_250), "concert tickets")
    assert bill.total == usd(3_750)
    assert [(r.payer.handle, r.status) for r in bill.requests] == [
        ("bob", "open"),
        ("cat", "open"),
        ("dan", "open"),
    ]
    feed = Feed(server.url, bob.token, since)
    [event] = await take(feed, 1)
    await feed.close()
    assert isinstance(event, BillUpdated) and event.data.id == bill.id

    incoming = (await bob.bills.requests("incoming", "open")).items
    assert [(r.requester.handle, r.amount, r.note) for r in incoming] == [
        ("ada", usd(1_250), "concert tickets")
    ]
    paid = await bob.bills.pay(incoming[0].id)
    assert paid.kind == "request" and paid.request_id == incoming[0].id
    assert balance_of(db_path, "ada") == 1_250
    with pytest.raises(Conflict, match="already paid"):
        await bob.bills.pay(incoming[0].id)

    cat_request = (await cat.bills.requests("incoming")).items[0]
    await cat.bills.decline(cat_request.id)
    with pytest.raises(NotFound):  # not a party: the request does not exist for them
        await cat.bills.cancel(bill.requests[2].id)
    dan_request = (await dan.bills.requests()).items[0]
    with pytest.raises(ApiError, match="Only the person who asked"):
        await dan.bills.cancel(dan_request.id)
    after = await ada.bills.cancel(dan_request.id)
    assert [r.status for r in after.requests] == ["paid", "declined", "cancelled"]
    assert (await ada.bills.get(bill.id)) == after
    outsider = await people.signed_in("eve")
    with pytest.raises(NotFound):
        await outsider.bills.get(bill.id)


async def test_reminders_at_most_once_a_day(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    bill = await ada.bills.request(["bob"], usd(500), "pizza")
    reminded = await ada.bills.remind(bill.id)
    assert reminded.requests[0].reminded_at is not None
    with pytest.raises(ApiError, match="reminded in the last 24 hours") as caught:
        await ada.bills.remind(bill.id)
    assert caught.value.status == 429
    query(db_path, "UPDATE payment_requests SET reminded_at = reminded_at - 86400000001")
    await ada.bills.remind(bill.id)


async def test_split_a_bill_in_a_group_chat(people: People, server, db_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    cat = await people.signed_in("cat")
    for client in (bob, cat):
        await client.wallet.deposit(usd(10_000))
    group = await ada.chat.open("bob", "cat")
    bill = await ada.bills.split(group.id, usd(10_000), "dinner")
    # Equal thirds of $100.00: ada keeps the odd cent, bob and cat owe $33.33 each.
    assert [(r.payer.handle, r.amount.amount) for r in bill.requests] == [
        ("bob", 3_333),
        ("cat", 3_333),
    ]
    card, _made = (await cat.chat.messages(group.id)).items  # newest first, after "made the group"
    assert card.kind == "bill" and card.bill == bill and card.text == "Split $100.00 · dinner"

    await bob.bills.pay(bill.requests[0].id)
    card, _made = (await cat.chat.messages(group.id)).items  # newest first, after "made the group"
    assert card.bill is not None
    assert [(r.payer.handle, r.status) for r in card.bill.requests] == [
        ("bob", "paid"),
        ("cat", "open"),
    ]
    reminded = await ada.bills.remind(bill.id)  # only cat has not paid
    assert [r.reminded_at is not None for r in reminded.requests] == [False, True]

    custom = await ada.bills.split(
        group.id, usd(6_000), "taxi", {"ada": 0, "bob": 4_000, "cat": 2_000}
    )
    assert [(r.payer.handle, r.amount.amount) for r in custom.requests] == [
        ("bob", 4_000),
        ("cat", 2_000),
    ]
    with pytest.raises(InvalidRequest, match=r"add up to \$50.00, not the total of \$60.00"):
        await ada.bills.split(group.id, usd(6_000), "x", {"bob": 3_000, "cat": 2_000})
    await people.signed_in("dan")
    with pytest.raises(InvalidRequest, match="@dan is not in this chat"):
        await ada.bills.split(group.id, usd(6_000), "x", {"bob": 3_000, "dan": 3_000})
    outsider = await people.signed_in("eve")
    with pytest.raises(NotFound):
        await outsider.bills.split(group.id, usd(100))


async def test_a_request_made_in_a_chat_shows_there_and_only_asks_members(
    people: People,
) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await people.signed_in("dan")
    chat = await ada.chat.open("bob")
    bill = await ada.bills.request(["bob"], usd(2_000), "lunch", conversation_id=chat.id)
    assert bill.kind == "request" and bill.conversation_id == chat.id
    [card] = (await bob.chat.messages(chat.id)).items
    assert (card.kind, card.text, card.bill) == ("bill", "Requested $20.00 · lunch", bill)
    with pytest.raises(InvalidRequest, match="@dan is not in this chat"):
        await ada.bills.request(["dan"], usd(100), conversation_id=chat.id)
    several = await ada.bills.request(["bob", "dan"], usd(300), "tickets")
    assert several.summary == "Requested $3.00 each · tickets"


async def test_a_split_asks_nobody_across_a_block(people: People) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    troll = await people.signed_in("troll")
    group = await ada.chat.open("bob", "troll")
    await troll.accounts.block("ada")  # after the group was made: both are still in it
    blocked = (
        "You can't ask @{} for a share: one of you has blocked the other. "
        "Split it with shares that give @{} none."
    )
    for splitter, other, shares in (
        (ada, "troll", None),
        (ada, "troll", {"ada": 3_000, "bob": 3_000, "troll": 3_000}),
        (troll, "ada", None),
    ):
        with pytest.raises(ApiError) as caught:
            await splitter.bills.split(group.id, usd(9_000), "dinner", shares)
        assert (caught.value.status, caught.value.message) == (403, blocked.format(other, other))
    # Shares that leave troll out still add up to the total, and only bob is asked.
    bill = await ada.bills.split(
        group.id, usd(9_000), "dinner", {"ada": 3_000, "bob": 6_000, "troll": 0}
    )
    assert [(r.payer.handle, r.amount.amount) for r in bill.requests] == [("bob", 6_000)]
