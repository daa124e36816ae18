"""Invoices in the wallet (I): a customer pays one through the payment confirmation; a
business issues one from the form and sees it listed."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from tests.conftest import PASSWORD, People, usd
from tests.test_tui_home import drawn, home_of, notes, shown, signed_in_app, wait_for
from tests.test_tui_own_money import dialog, press_in_wallet
from tests.test_tui_payments import PIN, confirm_screen
from xapp.api.links import LinkError, parse_any
from xapp.app import XApp
from xapp.credentials import Credentials
from xapp.screens.invoices import InvoiceList, InvoicesScreen, NewInvoiceScreen


async def business(people: People):
    shop = await people.signed_in("shop", "Corner Shop")
    await shop.wallet.verify("Corner Shop Ltd", dt.date(1985, 3, 1), "US", business=True)
    return shop


async def test_a_customer_pays_an_invoice(people: People, tmp_path) -> None:
    shop = await business(people)
    ada = await people.signed_in("ada")
    await ada.wallet.deposit(usd(50_000))
    await ada.wallet.set_pin(PASSWORD, PIN)
    due = dt.date.today() + dt.timedelta(days=3)
    await shop.wallet.invoice("ada", [("Coffee beans", 2, usd(1_850))], due, "Order 17")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await press_in_wallet(pilot, home, "I")
        screen = await dialog(pilot, InvoicesScreen, "#received")
        received = screen.query_one("#received", InvoiceList)
        await wait_for(pilot, lambda: "$37.00 from Corner Shop @shop · open" in drawn(received))
        assert "Order 17 · 2 × Coffee beans" in drawn(received)
        received.focus()
        await pilot.press("enter")
        confirm = await confirm_screen(pilot)
        confirm.query_one("#pin", Input).value = PIN
        confirm.query_one("#pin", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_for(pilot, lambda: "· paid" in drawn(received))
    assert (await shop.wallet.invoices("issued")).items[0].status == "paid"


async def test_a_business_issues_an_invoice(people: People, tmp_path) -> None:
    shop = await business(people)
    await people.signed_in("ada")
    app = signed_in_app(people.url, "shop", shop.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await press_in_wallet(pilot, home, "I")
        screen = await dialog(pilot, InvoicesScreen, "#issued")
        screen.query_one("#issued", InvoiceList).focus()
        await pilot.press("n")
        form = await dialog(pilot, NewInvoiceScreen, "#due")
        await pilot.press(*"@ada", "tab", *"Consulting", "tab")
        form.query_one("#quantity", Input).value = "3"
        form.query_one("#unit", Input).value = "120"
        form.query_one("#due", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        issued = screen.query_one("#issued", InvoiceList)
        await wait_for(pilot, lambda: "$360.00 to @ada · open" in drawn(issued))
    (invoice,) = (await shop.wallet.invoices("issued")).items
    assert [(i.description, i.quantity, i.unit) for i in invoice.items] == [
        ("Consulting", 3, usd(12_000))
    ]


async def test_opening_an_invoice_link_starts_paying_it(people: People, tmp_path) -> None:
    shop = await business(people)
    bob = await people.signed_in("bob", "Bob Builder")
    await bob.wallet.deposit(usd(10_000))
    await bob.wallet.set_pin(PASSWORD, PIN)
    invoice = await shop.wallet.invoice(None, [("Ticket", 2, usd(1_500))], dt.date.today())
    credentials = Credentials(tmp_path, keyring_vault=None)
    credentials.save(people.url, "bob", bob.token or "", "file")
    app = XApp(server=people.url, credentials=credentials, open_link=parse_any(invoice.link))
    async with app.run_test(size=(160, 48)) as pilot:
        confirm = await confirm_screen(pilot)  # the same confirmation as any payment
        assert "Corner Shop" in shown(confirm.query_one("#recipient"))
        assert "$30.00" in shown(confirm.query_one("#amount"))
        await pilot.press(*PIN, "enter")
        await wait_for(pilot, lambda: "Paid $30.00 to @shop." in notes(app))
    assert (await shop.wallet.get_invoice(invoice.id)).status == "paid"


@pytest.mark.parametrize(
    "text",
    [
        "xapp://invoice/not-an-id",
        "xapp://invoice/01a22970-c092-7f86-9b6c-a5535e8957a6?amount=1",
        "xapp://invoice/",
    ],
)
def test_a_bad_invoice_link_is_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(LinkError, match="An invoice link is xapp://invoice/"):
        parse_any(text)
