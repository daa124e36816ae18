"""Exchange between currencies: ask for a quote (rate, fee, what arrives), then take it
within its 30 seconds. The quote is the server's; this dialog never prices anything.
Changing what is typed drops the quote, so what is confirmed is always what was shown."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Input, Label, Select, Static

from xapp.api.client import AttemptKey
from xapp.api.errors import ApiError, Conflict
from xapp.api.models import FxQuote, Money, Transfer, Wallet
from xapp.api.money import AmountError, format_amount
from xapp.screens.form import FormModal
from xapp.screens.money_form import CURRENCY, currency_select, read_amount
from xapp.session import Session


def _shown(money: Money) -> str:
    return format_amount(money.amount, money.currency)


class ExchangeScreen(FormModal[Transfer | None]):
    MONEY = True

    TITLE_TEXT = "Exchange"
    SUBMIT_LABEL = "Get a quote"

    def __init__(self, session: Session, wallet: Wallet | None) -> None:
        super().__init__()
        self.session = session
        held = [m for m in (wallet.balances if wallet else []) if m.amount]
        self.sell_currency = held[0].currency if held else CURRENCY
        self.quote: FxQuote | None = None
        self.attempt = AttemptKey()

    def compose_fields(self) -> ComposeResult:
        yield Label("Sell")
        yield Input(placeholder="100.00", id="amount")
        with Horizontal(classes="currency-row"):
            yield Label("From ")
            yield currency_select(self.sell_currency)
            yield Label("  to ")
            to = "EUR" if self.sell_currency != "EUR" else CURRENCY
            yield currency_select(to, id="to")
        yield Static("", id="quote")

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        """A quote is for what was typed: change it and the quote goes."""
        if self.quote is not None:
            self.quote = None
            self.query_one("#quote", Static).update("")
            self.query_one("#submit", Button).label = self.SUBMIT_LABEL

    def submit(self) -> None:
        if self.quote is not None:
            quote = self.quote
            wallet = self.session.client.wallet
            key = self.attempt.key_for(quote.id)
            self.call(lambda: wallet.exchange(quote.id, key), self.dismiss)
            return
        try:
            sell = read_amount(
                self.query_one("#amount", Input).value,
                str(self.query_one("#currency", Select).value),
            )
        except AmountError as exc:
            self.show_error(str(exc))
            return
        to = str(self.query_one("#to", Select).value)
        wallet = self.session.client.wallet
        self.call(lambda: wallet.quote(sell, to), self.show_quote)

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()
        self.set_interval(1, self._tick)

    def _tick(self) -> None:
        if self.quote is not None:
            self._draw(self.quote)

    def show_quote(self, quote: FxQuote) -> None:
        self.quote = quote
        self._draw(quote)

    def _draw(self, quote: FxQuote) -> None:
        """The quote, and how long it holds (by this machine's clock; the server decides)."""
        left = int((quote.expires_at - dt.datetime.now(dt.UTC)).total_seconds())
        holds = f"holds {left} s more" if left > 0 else "has expired: enter gets a fresh one"
        self.query_one("#quote", Static).update(
            Content.assemble(
                f"1 {quote.sell.currency} = {quote.rate} {quote.buy.currency}\n",
                ("Fee ", "dim"),
                _shown(quote.fee),
                ("  you get ", "dim"),
                (_shown(quote.buy), "bold"),
                (f"\nThis quote {holds}.", "dim"),
            )
        )
        self.query_one("#submit", Button).label = "Exchange"

    def explain(self, error: ApiError) -> str:
        if isinstance(error, Conflict) and error.code == "quote_expired":
            self.quote = None
            self.query_one("#quote", Static).update("")
            self.query_one("#submit", Button).label = self.SUBMIT_LABEL
            return "That quote expired: press enter for a fresh one."
        return super().explain(error)
