"""Merchant invoices: a business issues one to a handle or as a link; the payer pays it
by every rule a payment follows (PIN, limits, region), once; the merchant sees it paid,
open or overdue, can refund it, and a paid invoice has a signed receipt."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from tests.conftest import PASSWORD, People, audit, key, refused, usd
from xapp.api.errors import ApiError, Conflict, InvalidRequest, NotFound
from xapp.api.models import Money
from xapp.server import clock

ADULT = dt.date(1985, 3, 1)


async def shop(people: People):
    """A verified business, @shop, and two customers with money."""
    shop = await people.signed_in("shop", "Corner Shop")
    await shop.wallet.verify("Corner Shop Ltd", ADULT, "US", business=True)
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    for customer in (ada, bob):
        await customer.wallet.deposit(usd(50_000))
    return shop, ada, bob


async def test_an_invoice_is_issued_paid_once_and_refundable(people: People, db_path) -> None:
    shop_, ada, bob = await shop(people)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    invoice = await shop_.wallet.invoice(
        "ada",
        [("Coffee beans 1 kg", 2, usd(1_850)), ("Grinder", 1, usd(8_900))],
        tomorrow,
        "Order 17",
    )
    assert (invoice.total, invoice.status, invoice.payer and invoice.payer.handle) == (
        usd(12_600),
        "open",
        "ada",
    )
    assert invoice.link == f"xapp://invoice/{invoice.id}"
    with pytest.raises(NotFound):
        await bob.wallet.get_invoice(invoice.id)  # not his
    assert [i.id for i in (await ada.wallet.invoices("received")).items] == [invoice.id]

    preview = await ada.wallet.preview_invoice(invoice.id)
    assert (preview.kind, preview.payee.handle, preview.amount) == ("invoice", "shop", usd(12_600))
    await ada.wallet.set_pin(PASSWORD, "2468")
    with pytest.raises(ApiError, match="needs your payments PIN"):
        await ada.wallet.pay_invoice(invoice.id)
    answers = await asyncio.gather(
        *(ada.wallet.pay_invoice(invoice.id, key(), pin="2468") for _ in range(3)),
        return_exceptions=True,
    )
    paid = [a for a in answers if not isinstance(a, BaseException)]
    assert len(paid) == 1, answers  # once, however many tries at once
    assert all(isinstance(a, Conflict) for a in answers if isinstance(a, BaseException))
    transfer = paid[0]
    assert (transfer.kind, transfer.amount, transfer.note) == (
        "invoice",
        usd(12_600),
        "Invoice · Order 17",
    )
    issued = (await shop_.wallet.invoices("issued")).items[0]
    assert (issued.status, issued.transfer_id) == ("paid", transfer.id)
    receipt = await ada.wallet.receipt(transfer.id)
    assert receipt.payload["kind"] == "invoice"
    refund = await shop_.wallet.refund(transfer.id, usd(8_900), "grinder out of stock")
    assert refund.status == "completed"
    assert audit(db_path).returncode == 0


async def test_a_link_invoice_anyone_may_pay_once(people: People) -> None:
    shop_, ada, bob = await shop(people)
    link = await shop_.wallet.invoice(None, [("Ticket", 3, usd(1_500))], dt.date.today())
    assert link.payer is None
    seen = await bob.wallet.get_invoice(link.id)  # anyone with the link
    assert seen.total == usd(4_500)
    await bob.wallet.pay_invoice(link.id)
    with refused(Conflict, 409, "not_open", "This invoice is paid"):
        await ada.wallet.pay_invoice(link.id)
    mine = await bob.wallet.invoices("received")
    assert [(i.id, i.payer and i.payer.handle) for i in mine.items] == [(link.id, "bob")]


async def test_only_a_business_invoices_and_the_merchant_sees_overdue(
    people: People, server
) -> None:
    shop_, ada, _ = await shop(people)
    with refused(
        ApiError,
        403,
        "business_only",
        "Only a business account can issue invoices: verify as a business (V in the wallet)",
    ):
        await ada.wallet.invoice("shop", [("Nothing", 1, usd(100))], dt.date.today())
    with pytest.raises(InvalidRequest, match="one currency"):
        await shop_.wallet.invoice(
            "ada",
            [("A", 1, usd(100)), ("B", 1, Money(amount=100, currency="EUR"))],
            dt.date.today(),
        )
    with pytest.raises(InvalidRequest, match="due before today"):
        await shop_.wallet.invoice(
            "ada", [("A", 1, usd(100))], dt.date.today() - dt.timedelta(days=1)
        )
    late = await shop_.wallet.invoice("ada", [("Rent", 1, usd(100_000))], dt.date.today())
    try:
        clock.advance(2 * 86_400)
        assert (await shop_.wallet.get_invoice(late.id)).status == "overdue"
        with pytest.raises(ApiError, match="Insufficient funds"):
            await ada.wallet.pay_invoice(late.id)  # refused like a payment; still open
        cancelled = await shop_.wallet.cancel_invoice(late.id)
        assert cancelled.status == "cancelled"
        with refused(Conflict, 409, "not_open", "This invoice is cancelled"):
            await ada.wallet.pay_invoice(late.id)
    finally:
        clock.reset()
