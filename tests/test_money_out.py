"""Money out, one door: every way of paying (a payment, a paid request, a tip, a refund)
goes through `money_out.send`, and a preview runs the same rules without the PIN and
without moving money, so the client shows the server's answer: who, how much, whether
it is a first payment to them, how long it would be held; or the payment's own refusal.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable
from pathlib import Path

import pytest

from tests.conftest import People, balance_of, usd
from xapp.api.errors import ApiError
from xapp.api.models import Money, PaymentPreview

SERVER = Path(__file__).resolve().parents[1] / "xapp" / "server"


async def refusal(call: Awaitable[object]) -> tuple[int, str]:
    with pytest.raises(ApiError) as caught:
        await call
    return caught.value.status, caught.value.message


def test_only_money_out_moves_money_out() -> None:
    """`payments.move_out` writes money leaving an account; only `money_out.send` (which
    applies the PIN, payee check, limits and undo window) may call it."""
    callers = {
        path.relative_to(SERVER).as_posix()
        for path in SERVER.rglob("*.py")
        if re.search(r"\bmove_out\(", path.read_text())
    }
    assert callers == {"payments.py", "money_out.py"}


def said(preview: PaymentPreview) -> tuple[str, str, Money, str, bool, float]:
    """Everything a preview says, payee by handle."""
    p = preview
    return (p.kind, p.payee.handle, p.amount, p.note, p.first_payment, p.held_for)


async def test_a_preview_says_what_each_kind_of_payment_would_do(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob", "Bob Builder")
    cat = await people.signed_in("cat")
    await ada.wallet.deposit(usd(10_000))

    first = await ada.wallet.preview_payment("@bob", usd(1_250), "pizza")
    assert said(first) == ("payment", "bob", usd(1_250), "pizza", True, 0)
    assert first.payee.display_name == "Bob Builder"
    assert balance_of(db_path, "ada") == 10_000  # a preview moves nothing
    payment = await ada.wallet.pay("bob", usd(1_250), "pizza")
    assert not (await ada.wallet.preview_payment("bob", usd(1))).first_payment

    # A request from someone never paid is a first payment: the client must say so.
    bill = await cat.bills.request(["ada"], usd(700), "concert")
    asked = await ada.bills.preview_pay(bill.requests[0].id)
    assert said(asked) == ("request", "cat", usd(700), "concert", True, 0)
    await ada.bills.pay(bill.requests[0].id)
    again = await cat.bills.request(["ada"], usd(100), "snacks")
    assert not (await ada.bills.preview_pay(again.requests[0].id)).first_payment

    post = await cat.posts.create("A long essay about the analytical engine")
    tip = await bob.wallet.preview_tip(post.id, usd(200))
    note = "Tip · A long essay about the analytical engine"
    assert said(tip) == ("tip", "cat", usd(200), note, True, 0)

    # A refund goes back where the money came from: never a new payee.
    back = await bob.wallet.preview_refund(payment.id, usd(250))
    assert said(back) == ("refund", "ada", usd(250), "Refund: pizza", False, 0)


async def test_a_preview_refuses_as_the_payment_would(people: People) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    troll = await people.signed_in("troll")
    eve = await people.signed_in("eve")
    for client in (ada, bob, troll):
        await client.wallet.deposit(usd(5_000))
    payment = await ada.wallet.pay("bob", usd(1_000))
    bill = await bob.bills.request(["ada"], usd(300), "lunch")
    asked = bill.requests[0].id
    troll_post = await troll.posts.create("pay me")
    await ada.accounts.block("troll")

    cases = [
        (
            ada.wallet.preview_payment("ada", usd(100)),
            ada.wallet.pay("ada", usd(100)),
            (422, "You can't send money to yourself"),
        ),
        (
            ada.wallet.preview_payment("ghost", usd(100)),
            ada.wallet.pay("ghost", usd(100)),
            (404, "@ghost was not found"),
        ),
        (
            ada.wallet.preview_payment("troll", usd(100)),
            ada.wallet.pay("troll", usd(100)),
            (403, "You can't do that with @troll: one of you has blocked the other"),
        ),
        (
            ada.wallet.preview_tip(troll_post.id, usd(100)),
            ada.wallet.tip(troll_post.id, usd(100)),
            (404, "That post was not found"),
        ),
        (
            bob.bills.preview_pay(asked),
            bob.bills.pay(asked),
            (403, "Only the person asked can pay a request"),
        ),
        (eve.bills.preview_pay(asked), eve.bills.pay(asked), (404, "That request was not found")),
        (
            bob.wallet.preview_refund(payment.id, usd(1_001)),
            bob.wallet.refund(payment.id, usd(1_001)),
            (422, "You can refund at most $10.00 of this payment"),
        ),
        (
            ada.wallet.preview_refund(payment.id, usd(100)),
            ada.wallet.refund(payment.id, usd(100)),
            (422, "Only a payment you received can be refunded"),
        ),
    ]
    for preview, pay, answer in cases:
        assert await refusal(preview) == answer
        assert await refusal(pay) == answer

    await ada.bills.pay(asked)
    closed = (409, "This request was already paid")
    assert await refusal(ada.bills.preview_pay(asked)) == closed
    assert await refusal(ada.bills.pay(asked)) == closed


async def test_the_older_payee_lookup_follows_the_same_rules(people: People) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await people.signed_in("troll")
    await ada.wallet.deposit(usd(1_000))
    assert not (await ada.wallet.payee("bob")).paid_before
    await ada.wallet.pay("bob", usd(100))
    assert (await ada.wallet.payee("@bob")).paid_before
    assert await refusal(ada.wallet.payee("ada")) == (422, "You can't send money to yourself")
    await ada.accounts.block("troll")
    assert await refusal(ada.wallet.payee("troll")) == (
        403,
        "You can't do that with @troll: one of you has blocked the other",
    )
