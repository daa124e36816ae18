"""The payments PIN: set before the first payment, asked for on every one after.

Setting or changing it needs the account password, so a borrowed, unlocked terminal
cannot quietly choose a PIN of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Input, Label

from xapp.screens.form import FormModal
from xapp.session import Session


class SetPinScreen(FormModal[bool]):
    TITLE_TEXT = "Set a payments PIN"
    SUBMIT_LABEL = "Set PIN"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose_fields(self) -> ComposeResult:
        yield Label(
            "Every payment will ask for this PIN, so a signed-in terminal left open "
            "can't send money.",
            classes="hint",
        )
        yield Label("Your password")
        yield Input(password=True, id="password")
        if self.session.password_hint:
            yield Label(self.session.password_hint, classes="hint")
        yield Label("New PIN (4 to 6 digits)")
        yield Input(password=True, max_length=6, restrict=r"[0-9]*", id="pin")
        yield Label("The PIN again")
        yield Input(password=True, max_length=6, restrict=r"[0-9]*", id="again")

    def submit(self) -> None:
        password, pin, again = (
            self.query_one(f"#{name}", Input).value for name in ("password", "pin", "again")
        )
        if not 4 <= len(pin) <= 6:
            self.show_error("A PIN is 4 to 6 digits")
            return
        if pin != again:
            self.show_error("The two PINs are different; type the same one twice")
            return
        self.call(lambda: self.session.client.wallet.set_pin(password, pin), lambda _: self._done())

    def _done(self) -> None:
        self.session.me = self.session.me.model_copy(update={"has_pin": True})
        self.app.notify("Payments PIN set.")
        self.dismiss(True)


def pin_field(session: Session) -> ComposeResult:
    """The PIN field of a dialog that moves money, if the account has a PIN."""
    if session.me.has_pin:
        yield Label("Payments PIN")
        yield Input(password=True, max_length=6, restrict=r"[0-9]*", id="pin")


def typed_pin(form: FormModal[Any]) -> str | None:
    """The PIN typed (None when the account has none); "" after saying it is missing. The
    PIN goes with this try and the field is emptied at once, so digits typed while it is
    checked start a fresh PIN."""
    pins = form.query("#pin")
    if not pins:
        return None
    pin = pins.first(Input).value
    if not pin:
        form.show_error("Type your payments PIN")
        return ""
    pins.first(Input).value = ""
    return pin


def ensure_pin(app: App[Any], session: Session, then: Callable[[], object]) -> None:
    """Run `then` once the account has a payments PIN, asking for one first if needed."""
    if session.me.has_pin:
        then()
        return

    def chosen(done: bool | None) -> None:
        if done:
            then()

    app.push_screen(SetPinScreen(session), chosen)
