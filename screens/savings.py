"""Savings: what the position earns (yield, this month's dividend so far, everything
paid), its balance and daily dividends over 30 or 90 days as sparklines, and moving
money in or out. Moves are instant and stay mine, so they take no PIN."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Button, Input, Label, Sparkline, Static

from xapp.api.client import AttemptKey
from xapp.api.errors import ApiError
from xapp.api.models import Money, Savings, Transfer, Wallet
from xapp.api.money import AmountError, format_amount
from xapp.screens.form import FormModal
from xapp.screens.money_form import CURRENCY, read_amount
from xapp.session import Session
from xapp.workers import worker


def _shown(money: Money) -> str:
    return format_amount(money.amount, money.currency)


class SavingsScreen(FormModal[Transfer | None]):
    MONEY = True

    TITLE_TEXT = "Savings"
    SUBMIT_LABEL = "Move to savings"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "days", "30/90 days", id="savings.days", tooltip="30 or 90 days"),
        Binding("ctrl+o", "out", "To cash", id="savings.out", tooltip="move to cash"),
    ]

    def __init__(self, session: Session, wallet: Wallet | None) -> None:
        super().__init__()
        self.session = session
        self.cash = (
            next((m for m in wallet.balances if m.currency == CURRENCY), None) if wallet else None
        )
        self.days = 30
        self.attempt = AttemptKey()

    def compose_fields(self) -> ComposeResult:
        yield Static("…", id="summary")
        yield Label("Balance, 30 days", id="balance-title", classes="hint")
        yield Sparkline([], id="balance-line")
        yield Label("Daily dividend, 30 days", id="dividend-title", classes="hint")
        yield Sparkline([], id="dividend-line")
        yield Label(f"Amount ({CURRENCY}) · enter saves it · ctrl+o moves it to cash")
        yield Input(placeholder="100.00", id="amount")
        yield Label("ctrl+t shows 30 or 90 days", classes="hint")

    def compose_buttons(self) -> ComposeResult:
        yield Button("Move to cash", id="out")

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()
        self.load()

    @worker(exclusive=True, group="savings")
    async def load(self) -> None:
        try:
            savings = await self.session.client.wallet.savings(self.days)
        except ApiError as exc:
            self.show_error(exc.message)
            return
        self.show(savings)

    def show(self, savings: Savings) -> None:
        cash = f" · cash {_shown(self.cash)}" if self.cash else ""
        self.query_one("#summary", Static).update(
            Content.assemble(
                (_shown(savings.balance), "bold"),
                f" at {savings.apy}% APY{cash}\n",
                ("This month so far ", "dim"),
                f"+{_shown(savings.accrued)}",
                ("  paid on the 1st · earned in all ", "dim"),
                _shown(savings.earned),
            )
        )
        self.query_one("#balance-line", Sparkline).data = [d.balance.amount for d in savings.days]
        self.query_one("#dividend-line", Sparkline).data = [d.dividend.amount for d in savings.days]
        self.query_one("#balance-title", Label).update(f"Balance, {self.days} days")
        self.query_one("#dividend-title", Label).update(f"Daily dividend, {self.days} days")

    def action_days(self) -> None:
        self.days = 90 if self.days == 30 else 30
        self.load()

    def _amount(self) -> Money | None:
        try:
            return read_amount(self.query_one("#amount", Input).value)
        except AmountError as exc:
            self.show_error(str(exc))
            return None

    def _move(self, into: bool) -> None:
        amount = self._amount()
        if amount is None:
            return
        wallet = self.session.client.wallet
        key = self.attempt.key_for((into, amount))
        move = wallet.to_savings if into else wallet.from_savings
        self.call(lambda: move(amount, key), self.dismiss)

    def submit(self) -> None:
        self._move(into=True)

    @on(Button.Pressed, "#out")
    def action_out(self) -> None:
        self.show_error("")
        self._move(into=False)
