"""`MoneyForm`: the who / amount / note dialog that paying and requesting share.

Every field can arrive filled in (from `/pay 12.50 pizza` in a chat, say); focus starts
on the first one still empty. The amount is parsed as integer minor units, never a float.
"""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Select

from xapp.api.client import AttemptKey
from xapp.api.handles import normalize_handle
from xapp.api.links import PaymentLink
from xapp.api.models import NOTE_MAX, Money
from xapp.api.money import SUPPORTED_CURRENCIES, AmountError, parse_amount
from xapp.screens.form import FormModal
from xapp.session import Session

CURRENCY = "USD"

T = TypeVar("T")


def link_fields(link: PaymentLink) -> tuple[str, str, str, str]:
    """What a payment link fills in: who, amount, note and currency."""
    currency = link.amount.currency if link.amount is not None else CURRENCY
    return f"@{link.handle}", link.typed_amount, link.note, currency


def read_amount(text: str, currency: str = CURRENCY) -> Money:
    """The amount a person typed, or AmountError saying what is wrong with it."""
    return Money(amount=parse_amount(text, currency), currency=currency)


def currency_select(currency: str, id: str = "currency") -> Select[str]:
    """Pick one of the currencies the ledger holds (USD first)."""
    codes = [CURRENCY, *sorted(SUPPORTED_CURRENCIES - {CURRENCY})]
    return Select([(c, c) for c in codes], value=currency, allow_blank=False, id=id)


class MoneyForm(FormModal[T]):
    MONEY = True

    WHO_LABEL = "To"
    WHO_PLACEHOLDER = "@handle"
    AMOUNT_LABEL = "Amount"

    def __init__(
        self,
        session: Session,
        who: str = "",
        amount: str = "",
        note: str = "",
        conversation_id: str | None = None,
        currency: str = CURRENCY,
    ) -> None:
        super().__init__()
        self.session = session
        self.initial = (who, amount, note)
        self.currency = currency
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
        # Last, so tab goes who → amount → note as it always did; most pay in one currency.
        with Horizontal(classes="currency-row"):
            yield Label("Currency ")
            yield currency_select(self.currency)
        yield from self.compose_extra()

    def compose_extra(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        empty = [i for i in self.query(Input) if i.id in ("to", "amount", "note") and not i.value]
        (empty[0] if empty else self.query_one("#note", Input)).focus()

    def value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def payee_and_amount(self) -> tuple[str, Money] | None:
        """The handle and amount typed, or None after showing what is wrong with them."""
        try:
            handle = normalize_handle(self.value("to"))
        except ValueError as exc:
            self.show_error(f"To: {exc}")
            return None
        amount = self.amount()
        return None if amount is None else (handle, amount)

    def amount(self) -> Money | None:
        """The typed amount, or None after showing why it is not one."""
        try:
            currency = self.query_one("#currency", Select).value
            return read_amount(self.value("amount"), str(currency))
        except AmountError as exc:
            self.show_error(str(exc))
            return None
