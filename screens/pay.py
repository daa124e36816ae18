"""Send money to @handle: a form, then a confirmation that shows who will get how much.

The confirmation shows the recipient's display name as well as the handle, because a
handle one letter off is the classic way to pay the wrong person.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from xapp.api.client import AttemptKey
from xapp.api.handles import normalize_handle
from xapp.api.models import NOTE_MAX, Account, Money, Transfer
from xapp.api.money import AmountError, format_amount, parse_amount
from xapp.screens.form import FormModal
from xapp.session import Session

CURRENCY = "USD"


class PayScreen(FormModal[Transfer | None]):
    TITLE_TEXT = "Send money"
    SUBMIT_LABEL = "Review"

    def __init__(self, session: Session, to: str = "") -> None:
        super().__init__()
        self.session = session
        self.to = to
        self.attempt = AttemptKey()

    def compose_fields(self) -> ComposeResult:
        yield Label("To")
        yield Input(value=self.to, placeholder="@handle", id="to")
        yield Label(f"Amount ({CURRENCY})")
        yield Input(placeholder="12.50", id="amount")
        yield Label("Note")
        yield Input(placeholder="what it's for", id="note", max_length=NOTE_MAX)

    def on_mount(self) -> None:
        self.query_one("#amount" if self.to else "#to", Input).focus()

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def submit(self) -> None:
        try:
            handle = normalize_handle(self._value("to"))
        except ValueError as exc:
            self.show_error(f"To: {exc}")
            return
        try:
            amount = Money(amount=parse_amount(self._value("amount"), CURRENCY), currency=CURRENCY)
        except AmountError as exc:
            self.show_error(str(exc))
            return
        note = self._value("note").strip()
        self.call(
            lambda: self.session.client.account(handle),
            lambda recipient: self.app.push_screen(
                ConfirmPayScreen(recipient, amount, note),
                lambda ok: self._send(recipient, amount, note) if ok else None,
            ),
        )

    def _send(self, recipient: Account, amount: Money, note: str) -> None:
        # Retrying the same payment reuses its key: the server moves the money once.
        key = self.attempt.key_for((recipient.handle, amount, note))
        self.call(
            lambda: self.session.client.transfer(recipient.handle, amount, note, key=key),
            self.dismiss,
        )


class ConfirmPayScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "Back"),
        Binding("y", "answer(True)", "Send"),
    ]
    DEFAULT_CSS = """
    ConfirmPayScreen { align: center middle; }
    ConfirmPayScreen > Vertical {
        width: 56; height: auto; border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmPayScreen #amount { text-style: bold; content-align: center middle; width: 100%; }
    ConfirmPayScreen Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmPayScreen Button { margin-left: 1; }
    """

    def __init__(self, recipient: Account, amount: Money, note: str) -> None:
        super().__init__()
        self.recipient = recipient
        self.amount = amount
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Confirm payment", classes="title")
            yield Static(format_amount(self.amount.amount, self.amount.currency), id="amount")
            yield Static(
                Content.from_markup(
                    "to [bold]$name[/bold] [dim]@$handle[/dim]",
                    name=self.recipient.display_name,
                    handle=self.recipient.handle,
                ),
                id="recipient",
            )
            yield Static(Content.from_markup("note: $note", note=self.note or "none"), id="note")
            with Horizontal():
                yield Button("Back (n)", id="back")
                yield Button("Send (y)", variant="warning", id="send")

    def on_mount(self) -> None:
        self.query_one("#send", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "send")

    def action_answer(self, ok: bool) -> None:
        self.dismiss(ok)
