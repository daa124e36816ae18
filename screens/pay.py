"""Send money: a form, then a confirmation that shows exactly who gets how much.

The confirmation is the one place money leaves: payments, paid requests and tips all go
through it. It shows the display name beside the handle (a handle one letter off is the
classic way to pay the wrong person), warns on a first payment to someone with their
account's age, asks for a large amount to be typed again, and takes the PIN. A failure
(a wrong PIN, too little money) shows in the dialog with everything kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual import on
from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Checkbox, Input, Label, Select, Static

from xapp.api.errors import ApiError, ServerUnavailable
from xapp.api.links import LinkError, is_link, parse_link
from xapp.api.models import Account, PaymentPreview, Transfer
from xapp.api.money import AmountError, format_amount, parse_amount
from xapp.screens.form import FormModal
from xapp.screens.money_form import MoneyForm, link_fields
from xapp.screens.pin import ensure_pin, pin_field, typed_pin
from xapp.session import Session
from xapp.widgets.clock import age

Send = Callable[[str | None], Awaitable[Transfer]]
"""Sends the payment with the PIN the user typed."""


def confirm_and_send(
    app: App[Any],
    session: Session,
    preview: PaymentPreview,
    send: Send,
    then: Callable[[Transfer | None], None],
    title: str = "Confirm payment",
) -> None:
    """Make sure there is a PIN, then confirm what the server's `preview` says the
    payment would do, and send it; `then` gets the transfer or None."""
    ensure_pin(
        app,
        session,
        lambda: app.push_screen(ConfirmPayScreen(session, preview, send, title), then),
    )


class PayScreen(MoneyForm[Transfer | None]):
    TITLE_TEXT = "Send money"
    SUBMIT_LABEL = "Review"

    WHO_PLACEHOLDER = "@handle, or paste a payment link"

    def compose_extra(self) -> ComposeResult:
        yield Checkbox("Share with my followers (never the amount)", id="share")
        if self.conversation_id:
            yield Label("The payment shows as a card in this chat.", classes="hint")

    @on(Input.Changed, "#to")
    def _pasted(self, event: Input.Changed) -> None:
        """A payment link pasted as who to pay fills in what it asks for."""
        if not is_link(event.value):
            return
        try:
            who, amount, note, currency = link_fields(parse_link(event.value))
        except LinkError as exc:
            self.show_error(str(exc))
            return
        self.show_error("")
        for field, value in (("to", who), ("amount", amount), ("note", note)):
            if value or field == "to":
                self.query_one(f"#{field}", Input).value = value
        if amount:
            self.query_one("#currency", Select).value = currency
        self.on_mount()  # focus the first field still empty

    def submit(self) -> None:
        typed = self.payee_and_amount()
        if typed is None:
            return
        handle, amount = typed
        note = self.value("note").strip()
        share = self.query_one("#share", Checkbox).value
        client = self.session.client
        # Retrying the same payment reuses its key: the server moves the money once.
        key = self.attempt.key_for((handle, amount, note, share))

        def send(pin: str | None) -> Awaitable[Transfer]:
            return client.wallet.pay(
                handle,
                amount,
                note,
                key=key,
                pin=pin,
                share=share,
                conversation_id=self.conversation_id,
            )

        self.call(
            lambda: client.wallet.preview_payment(
                handle, amount, note, conversation_id=self.conversation_id
            ),
            lambda preview: confirm_and_send(
                self.app, self.session, preview, send, self.close_with
            ),
        )


def _person(word: str, who: Account) -> Content:
    return Content.from_markup(
        "$word [bold]$name[/bold] [dim]@$handle[/dim]",
        word=word,
        name=who.display_name,
        handle=who.handle,
    )


class ConfirmPayScreen(FormModal[Transfer | None]):
    MONEY = True

    SUBMIT_LABEL = "Send"

    def __init__(
        self, session: Session, preview: PaymentPreview, send: Send, title: str = "Confirm payment"
    ) -> None:
        super().__init__()
        self.session = session
        self.preview = preview
        self.amount = preview.amount
        self.send = send
        self.TITLE_TEXT = title
        self.retype = self.amount.amount > session.retype_above

    def compose_fields(self) -> ComposeResult:
        who, preview = self.preview.payee, self.preview
        yield Static(format_amount(self.amount.amount, self.amount.currency), id="amount")
        yield Static(_person("to", who), id="recipient")
        yield Static(_person("from", self.session.me), id="payer")
        yield Static(Content.from_markup("note: $note", note=preview.note or "none"), id="note")
        if preview.first_payment:
            yield Static(
                Content(f"⚠ First payment to @{who.handle}, account created {age(who.created_at)}"),
                id="first",
            )
        if preview.held_for:
            yield Static(
                Content(f"It waits {preview.held_for:g} seconds before it goes: u takes it back."),
                id="held",
                classes="hint",
            )
        if self.retype:
            yield Label("This is a large amount: type it again to confirm")
            yield Input(placeholder="the amount again", id="retype")
        yield from pin_field(self.session)

    def on_mount(self) -> None:
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()
        else:
            self.query_one("#submit").focus()

    def submit(self) -> None:
        if self.retype:
            typed = self.query_one("#retype", Input).value
            try:
                same = parse_amount(typed, self.amount.currency) == self.amount.amount
            except AmountError:
                same = False
            if not same:
                amount = format_amount(self.amount.amount, self.amount.currency)
                self.show_error(f"That is not the same amount; the payment is {amount}")
                return
        pin = typed_pin(self)
        if pin == "":
            return
        self.call(lambda: self.send(pin), self.dismiss)

    def explain(self, error: ApiError) -> str:
        if isinstance(error, ServerUnavailable):
            return (
                "The server didn't answer, so it isn't known whether this payment went "
                "through. Sending again is safe: it can't be paid twice."
            )
        return error.message
