"""Invoices: those for me (enter pays one, through the one payment confirmation), and,
for a business, those I issued (paid, open or overdue; n issues one, x cancels an open
one, b refunds a paid one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Label

from xapp import intents
from xapp.api.client import AttemptKey
from xapp.api.errors import ApiError
from xapp.api.models import Invoice
from xapp.api.money import AmountError, format_amount
from xapp.screens.dialogs import Dialog, acting_as
from xapp.screens.form import FormModal
from xapp.screens.money_form import read_amount
from xapp.session import Session
from xapp.widgets.clock import ago
from xapp.widgets.lines import ItemLines
from xapp.workers import worker


class InvoiceList(ItemLines[Invoice]):
    def __init__(self, me_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.me_id = me_id

    def item_id(self, item: Invoice) -> str:
        return item.id

    def render_item(self, item: Invoice, width: int) -> list[Content]:
        total = format_amount(item.total.amount, item.total.currency)
        if item.merchant.id == self.me_id:
            who = f"to @{item.payer.handle}" if item.payer else "a link anyone may pay"
        else:
            who = f"from {item.merchant.display_name} @{item.merchant.handle}"
        head = Content.from_markup(
            "[b]$total[/b] $who · $status", total=total, who=who, status=item.status
        )
        things = ", ".join(f"{i.quantity} × {i.description}" for i in item.items)
        note = f"{item.note} · " if item.note else ""
        tail = Content.styled(
            f"{note}{things} · due {item.due:%d %b %Y} · {ago(item.created_at)}", "dim"
        )
        return [*head.wrap(width), *tail.wrap(width), Content("")]


class InvoicesScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="invoices.close"),
        Binding("enter", "pay", "Pay", id="invoices.pay", tooltip="pay the invoice"),
        Binding("n", "new", "New", id="invoices.new", tooltip="issue an invoice (a business)"),
        Binding("x", "cancel", "Cancel it", id="invoices.cancel", tooltip="cancel an open one"),
        Binding("b", "refund", "Refund", id="invoices.refund", tooltip="refund a paid one"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        me = self.session.me.id
        with self.dialog("wide"):
            yield Label("Invoices", classes="title")
            yield acting_as(self.session)
            yield Label("For me · enter pays", classes="section")
            yield InvoiceList(me, id="received", empty="No invoices for you.")
            yield Label("Issued by me · n new · x cancel · b refund", classes="section")
            yield InvoiceList(me, id="issued", empty="None issued (a business issues them).")
            yield Label("esc closes", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#received", InvoiceList).focus()
        self.load()

    @worker(exclusive=True, group="invoices")
    async def load(self) -> None:
        wallet = self.session.client.wallet
        try:
            received = await wallet.invoices("received")
            issued = await wallet.invoices("issued")
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.query_one("#received", InvoiceList).set_items(received.items)
        self.query_one("#issued", InvoiceList).set_items(issued.items)

    def _selected(self, list_id: str) -> Invoice | None:
        listing = self.query_one(list_id, InvoiceList)
        return listing.selected if listing.has_focus else None

    def action_pay(self) -> None:
        invoice = self._selected("#received")
        if invoice is not None and invoice.status in ("open", "overdue"):
            self.post_message(intents.PayInvoice(invoice.id, lambda paid: paid and self.load()))

    def action_new(self) -> None:
        def issued(invoice: Invoice | None) -> None:
            if invoice is not None:
                self.query_one("#issued", InvoiceList).upsert(invoice)
                self.notify(f"Issued. Its link: {invoice.link}", markup=False, timeout=10)

        self.app.push_screen(NewInvoiceScreen(self.session), issued)

    def action_cancel(self) -> None:
        invoice = self._selected("#issued")
        if invoice is not None and invoice.status in ("open", "overdue"):
            self._change(self.session.client.wallet.cancel_invoice(invoice.id))

    @worker(group="invoice-change")
    async def _change(self, call: Awaitable[Invoice]) -> None:
        try:
            changed = await call
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.query_one("#issued", InvoiceList).upsert(changed)

    def action_refund(self) -> None:
        invoice = self._selected("#issued")
        if invoice is not None and invoice.transfer_id:
            self._refund(invoice.transfer_id)

    @worker(group="invoice-refund")
    async def _refund(self, transfer_id: str) -> None:
        try:
            transfer = await self.session.client.wallet.get(transfer_id)
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.post_message(intents.Refund(transfer))


class NewInvoiceScreen(FormModal[Invoice | None]):
    MONEY = True

    TITLE_TEXT = "Issue an invoice"
    SUBMIT_LABEL = "Issue"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.attempt = AttemptKey()

    def compose_fields(self) -> ComposeResult:
        due = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=14)
        yield Label("To (@handle; empty makes a link anyone may pay)")
        yield Input(placeholder="@handle", id="to")
        yield Label("Item")
        yield Input(placeholder="what it is for", id="item", max_length=80)
        yield Label("Quantity")
        yield Input(value="1", id="quantity", restrict=r"[0-9]*", max_length=5)
        yield Label("Unit price (USD)")
        yield Input(placeholder="12.50", id="unit")
        yield Label("Due (YYYY-MM-DD)")
        yield Input(value=due.isoformat(), id="due", max_length=10)

    def on_mount(self) -> None:
        self.query_one("#to", Input).focus()

    def submit(self) -> None:
        def field(name: str) -> str:
            return self.query_one(f"#{name}", Input).value.strip()

        try:
            unit = read_amount(field("unit"))
        except AmountError as exc:
            self.show_error(f"Unit price: {exc}")
            return
        try:
            due = dt.date.fromisoformat(field("due"))
        except ValueError:
            self.show_error("Due: a date like 2026-12-15")
            return
        quantity = int(field("quantity") or "0")
        to = field("to") or None
        item = (field("item"), quantity, unit)
        key = self.attempt.key_for((to, item, due))
        wallet = self.session.client.wallet
        self.call(lambda: wallet.invoice(to, [item], due, key=key), self.dismiss)
