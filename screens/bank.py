"""Money between my wallet and my own bank: link the bank, add money from it, send money
to it. Adding is pending until the bank settles it; a withdrawal is money out, so it
shows where it goes and takes the payments PIN, like a payment's confirmation."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from xapp.api.client import AttemptKey
from xapp.api.models import BankAccount, Money, Transfer, Wallet
from xapp.api.money import AmountError
from xapp.screens.form import FormModal
from xapp.screens.money_form import CURRENCY, read_amount
from xapp.screens.pin import pin_field, typed_pin
from xapp.session import Session

NO_BANK = "Link a bank account first: press B in the wallet."
SANDBOX_HINT = "Sandbox bank: numbers ending 0001 are refused, 0002 come back later."


def own_money_screen(session: Session, what: str, wallet: Wallet | None) -> Screen[Any]:
    """The dialog for one of `intents.MoveMoney`'s moves."""
    from xapp.screens.exchange import ExchangeScreen
    from xapp.screens.savings import SavingsScreen

    bank = wallet.bank if wallet else None
    match what:
        case "deposit":
            return DepositScreen(session, bank)
        case "withdraw":
            return WithdrawScreen(session, bank)
        case "savings":
            return SavingsScreen(session, wallet)
        case "exchange":
            return ExchangeScreen(session, wallet)
        case _:
            return LinkBankScreen(session)


class LinkBankScreen(FormModal[BankAccount | None]):
    MONEY = True

    TITLE_TEXT = "Link your bank account"
    SUBMIT_LABEL = "Link"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose_fields(self) -> ComposeResult:
        yield Label("Account holder")
        yield Input(value=self.session.me.display_name, id="holder", max_length=50)
        yield Label("Routing number")
        yield Input(placeholder="9 digits", id="routing", max_length=9, restrict=r"[0-9]*")
        yield Label("Account number")
        yield Input(placeholder="4 to 17 digits", id="number", max_length=17, restrict=r"[0-9]*")
        yield from pin_field(self.session)
        yield Label(SANDBOX_HINT, classes="hint")

    def on_mount(self) -> None:
        self.query_one("#routing", Input).focus()

    def submit(self) -> None:
        holder = self.query_one("#holder", Input).value.strip()
        routing = self.query_one("#routing", Input).value
        number = self.query_one("#number", Input).value
        if len(routing) != 9:
            self.show_error("The routing number has 9 digits")
            return
        if not 4 <= len(number) <= 17:
            self.show_error("The account number has 4 to 17 digits")
            return
        pin = typed_pin(self)
        if pin == "":
            return
        wallet = self.session.client.wallet
        self.call(lambda: wallet.link_bank(holder, routing, number, pin=pin), self.dismiss)


class _BankMove(FormModal[Transfer | None]):
    """An amount, to or from the linked bank."""

    MONEY = True

    def __init__(self, session: Session, bank: BankAccount | None) -> None:
        super().__init__()
        self.session = session
        self.bank = bank
        self.attempt = AttemptKey()

    def describe(self, bank: BankAccount) -> str:
        raise NotImplementedError

    def compose_fields(self) -> ComposeResult:
        if self.bank is None:
            yield Static(NO_BANK, id="where")
        else:
            yield Static(Content(self.describe(self.bank)), id="where")
        yield Label(f"Amount ({CURRENCY})")
        yield Input(placeholder="50.00", id="amount")
        yield from self.compose_more()

    def compose_more(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()

    def typed_amount(self) -> Money | None:
        try:
            return read_amount(self.query_one("#amount", Input).value)
        except AmountError as exc:
            self.show_error(str(exc))
            return None

    def send(self, amount: Money, key: str, pin: str | None) -> Awaitable[Transfer]:
        raise NotImplementedError

    def submit(self) -> None:
        amount = self.typed_amount()
        if amount is None:
            return
        pin = typed_pin(self)
        if pin == "":
            return
        # Sending the same amount again reuses its key: the bank is asked once.
        key = self.attempt.key_for((self.TITLE_TEXT, amount))
        self.call(lambda: self.send(amount, key, pin), self.dismiss)


class DepositScreen(_BankMove):
    TITLE_TEXT = "Add money from your bank"
    SUBMIT_LABEL = "Add"

    def describe(self, bank: BankAccount) -> str:
        return (
            f"From {bank.bank_name} ••{bank.last4}. It shows as pending, and you can "
            "spend it once your bank settles it."
        )

    def send(self, amount: Money, key: str, pin: str | None) -> Awaitable[Transfer]:
        return self.session.client.wallet.deposit(amount, key)


class WithdrawScreen(_BankMove):
    TITLE_TEXT = "Send money to your bank"
    SUBMIT_LABEL = "Send"

    def describe(self, bank: BankAccount) -> str:
        return (
            f"To {bank.bank_name} ••{bank.last4}. It leaves your balance now and "
            "reaches your bank when it settles; if the bank refuses it, it comes back."
        )

    def compose_more(self) -> ComposeResult:
        yield from pin_field(self.session)

    def send(self, amount: Money, key: str, pin: str | None) -> Awaitable[Transfer]:
        return self.session.client.wallet.withdraw(amount, key, pin=pin)
