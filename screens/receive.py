"""Receive money: a QR code of a payment link to me, with an amount and a note if I
want them in it. Whoever scans it (or opens the link) gets the pay flow filled in, with
the same confirmation as any payment: the link asks, it never pays."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from xapp.api.links import PaymentLink
from xapp.api.models import NOTE_MAX
from xapp.api.money import AmountError
from xapp.screens.dialogs import Dialog
from xapp.screens.money_form import CURRENCY, read_amount
from xapp.widgets.qr import QrCode


class ReceiveScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="receive.close")
    ]

    def __init__(self, handle: str) -> None:
        super().__init__()
        self.link = PaymentLink(handle)

    def compose(self) -> ComposeResult:
        with self.dialog("wide"):
            yield Label("Receive money", classes="title")
            with Horizontal(id="receive"):
                yield QrCode(str(self.link), id="qr")
                with Vertical(id="receive-fields"):
                    yield Label(f"Scan to pay @{self.link.handle}, or share the link:")
                    yield Static(Content(str(self.link)), id="link")
                    yield Label(f"Amount ({CURRENCY}, optional)")
                    yield Input(placeholder="12.50", id="amount")
                    yield Label("Note (optional)")
                    yield Input(placeholder="what it's for", id="note", max_length=NOTE_MAX)
                    yield Label("", id="error")
            with Horizontal(classes="buttons form-buttons"):
                yield Button("Close", variant="primary", id="close")

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()

    @on(Input.Changed)
    def _changed(self) -> None:
        """Draw the code again for what is typed; an amount that isn't one is said, and
        the code keeps the last good link meanwhile."""
        typed = self.query_one("#amount", Input).value.strip()
        note = self.query_one("#note", Input).value.strip()
        try:
            amount = read_amount(typed) if typed else None
        except AmountError as exc:
            self.query_one("#error", Label).update(Content(str(exc)))
            return
        self.query_one("#error", Label).update("")
        self.link = PaymentLink(self.link.handle, amount, note)
        self.query_one("#qr", QrCode).show(str(self.link))
        self.query_one("#link", Static).update(Content(str(self.link)))

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
