"""Refund a payment you received, in full or in part, through the payment confirmation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Label, Static

from xapp.api.client import AttemptKey
from xapp.api.models import NOTE_MAX, Transfer
from xapp.api.money import AmountError, format_amount
from xapp.screens.form import FormModal
from xapp.screens.money_form import read_amount
from xapp.screens.pay import confirm_and_send
from xapp.session import Session


class RefundScreen(FormModal[Transfer | None]):
    MONEY = True

    TITLE_TEXT = "Refund"
    SUBMIT_LABEL = "Review"

    def __init__(self, session: Session, transfer: Transfer) -> None:
        super().__init__()
        assert transfer.sender is not None
        self.session = session
        self.transfer = transfer
        self.left = transfer.amount.amount - transfer.refunded.amount
        self.attempt = AttemptKey()

    def compose_fields(self) -> ComposeResult:
        currency = self.transfer.amount.currency
        sender = self.transfer.sender
        assert sender is not None
        yield Static(
            Content.from_markup(
                "$amount from [bold]$name[/bold] @$handle · $note\n[dim]up to $left can be "
                "refunded[/dim]",
                amount=format_amount(self.transfer.amount.amount, currency),
                name=sender.display_name,
                handle=sender.handle,
                note=self.transfer.note or "no note",
                left=format_amount(self.left, currency),
            )
        )
        yield Label(f"Amount ({currency})")
        yield Input(value=format_amount(self.left, currency).lstrip("$€£¥"), id="amount")
        yield Label("Note")
        yield Input(placeholder="why", id="note", max_length=NOTE_MAX)

    def submit(self) -> None:
        currency = self.transfer.amount.currency
        try:
            amount = read_amount(self.query_one("#amount", Input).value, currency)
        except AmountError as exc:
            self.show_error(str(exc))
            return
        if amount.amount > self.left:
            self.show_error(f"You can refund at most {format_amount(self.left, currency)}")
            return
        note = self.query_one("#note", Input).value.strip()
        key = self.attempt.key_for((amount, note))
        client, original = self.session.client, self.transfer.id
        self.call(
            lambda: client.wallet.preview_refund(original, amount, note),
            lambda preview: confirm_and_send(
                self.app,
                self.session,
                preview,
                lambda pin: client.wallet.refund(original, amount, note, key=key, pin=pin),
                self.close_with,
                title="Confirm refund",
            ),
        )
