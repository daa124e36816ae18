"""`MoneyForm`: the who / amount / note dialog that paying and requesting share.

Every field can arrive filled in (from `/pay 12.50 pizza` in a chat, say); focus starts
on the first one still empty. The amount is parsed as integer minor units, never a float.
"""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.widgets import Input, Label

from xapp.api.client import AttemptKey
from xapp.api.links import LinkError, PaymentLink
from xapp.api.models import NOTE_MAX, Money
from xapp.api.money import AmountError, parse_amount
from xapp.screens.form import FormModal
from xapp.session import Session

CURRENCY = "USD"

T = TypeVar("T")


def link_fields(link: PaymentLink) -> tuple[str, str, str]:
    """What a payment link fills in (who, amount, note), or LinkError if this app can't
    pay what it asks."""
    if link.amount is not None and link.amount.currency != CURRENCY:
        raise LinkError(
            f"This link asks for {link.amount.currency}; xapp pays in {CURRENCY} here for now"
        )
    return f"@{link.handle}", link.typed_amount, link.note


def read_amount(text: str, currency: str = CURRENCY) -> Money:
    """The amount a person typed, or AmountError saying what is wrong with it."""
    return Money(amount=parse_amount(text, currency), currency=currency)


class MoneyForm(FormModal[T]):
    WHO_LABEL = "To"
    WHO_PLACEHOLDER = "@handle"
    AMOUNT_LABEL = f"Amount ({CURRENCY})"

    def __init__(
        self,
        session: Session,
        who: str = "",
        amount: str = "",
        note: str = "",
        conversation_id: str | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.initial = (who, amount, note)
        self.conversation_id = conversation_id
        self.attempt = AttemptKey()

    def compose_fields(self) -> ComposeResult:
        who, amount, note = self.initial
        yield Label(self.WHO_LABEL)
        yield Input(value=who, placeholder=self.WHO_PLACEHOLDER, id="to")
        yield Label(self.AMOUNT_LABEL)
        yield Input(value=amount, placeholder="12.50", id="amount")
        yield Label("Note")
        yield Input(value=note, placeholder="what it's for", id="note", max_length=NOTE_MAX)
        yield from self.compose_extra()

    def compose_extra(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        empty = [i for i in self.query(Input) if i.id in ("to", "amount", "note") and not i.value]
        (empty[0] if empty else self.query_one("#note", Input)).focus()

    def value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def amount(self) -> Money | None:
        """The typed amount, or None after showing why it is not one."""
        try:
            return read_amount(self.value("amount"))
        except AmountError as exc:
            self.show_error(str(exc))
            return None
