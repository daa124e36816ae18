"""Paying inside a conversation: a card in the chat whose state follows the payment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import People, serve, take, usd
from xapp.api.errors import InvalidRequest
from xapp.api.feed import Feed
from xapp.api.models import MessageCreated, TransferUpdated
from xapp.embedded import ServerThread


@pytest.fixture
def server(db_path: Path) -> Iterator[ServerThread]:
    yield from serve(db_path, undo_seconds=0.5)


async def test_the_card_goes_pending_completed_refunded_for_both_sides(
    people: People, server
) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.deposit(usd(5_000))
    chat = await ada.chat.open("bob")
    seen = {c: (await c.accounts.me()).event_seq for c in (ada, bob)}

    payment = await ada.wallet.pay("bob", usd(1_250), "pizza", conversation_id=chat.id)
    assert payment.status == "pending" and payment.conversation_id == chat.id
    [card] = (await bob.chat.messages(chat.id)).items
    assert card.kind == "payment" and card.text == "pizza" and card.transfer is not None

    bob_feed = Feed(server.url, bob.token, seen[bob])
    message, completed = await take(bob_feed, 2)
    assert isinstance(message, MessageCreated) and message.data.transfer is not None
    assert isinstance(completed, TransferUpdated)
    assert completed.data.transfer.status == "completed"
    await bob.wallet.refund(payment.id, usd(250))
    refund, original = await take(bob_feed, 2)
    await bob_feed.close()
    assert refund.data.transfer.kind == "refund"
    assert original.data.transfer.refunded == usd(250)

    [card_now] = [m for m in (await ada.chat.messages(chat.id)).items if m.kind == "payment"]
    assert card_now.transfer is not None
    assert (card_now.transfer.status, card_now.transfer.refunded) == ("completed", usd(250))

    ada_feed = Feed(server.url, ada.token, seen[ada])
    states = [
        e.data.transfer.status if e.data.transfer.id == payment.id else e.data.transfer.kind
        for e in await take(ada_feed, 5)
        if isinstance(e, TransferUpdated)
    ]
    await ada_feed.close()
    assert states == ["pending", "completed", "refund", "completed"]


async def test_a_group_sees_the_card_and_only_members_can_be_paid_there(people: People) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    cat = await people.signed_in("cat")
    await people.signed_in("dan")
    await ada.wallet.deposit(usd(5_000))
    group = await ada.chat.open("bob", "cat")
    await ada.wallet.pay("bob", usd(100), "coffee", conversation_id=group.id)
    card, _made = (await cat.chat.messages(group.id)).items  # newest first, after "made the group"
    assert card.transfer is not None and card.transfer.recipient.handle == "bob"
    with pytest.raises(InvalidRequest, match="@dan is not in this conversation"):
        await ada.wallet.pay("dan", usd(100), "coffee", conversation_id=group.id)
