"""Ask for money: from one or several people, or split a bill in a chat."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from xapp.api.client import AttemptKey
from xapp.api.handles import normalize_handle
from xapp.api.models import NOTE_MAX, Account, Bill, Conversation
from xapp.api.money import AmountError, format_amount, parse_amount
from xapp.screens.form import FormModal
from xapp.screens.money_form import CURRENCY, MoneyForm, read_amount
from xapp.session import Session


class RequestScreen(MoneyForm[Bill | None]):
    TITLE_TEXT = "Request money"
    SUBMIT_LABEL = "Request"
    WHO_LABEL = "From (one or more handles)"
    WHO_PLACEHOLDER = "@ada @grace"
    AMOUNT_LABEL = "Amount each"

    def submit(self) -> None:
        words = self.value("to").replace(",", " ").split()
        try:
            handles = [normalize_handle(w) for w in words]
        except ValueError as exc:
            self.show_error(f"From: {exc}")
            return
        if not handles:
            self.show_error("Who should pay? Type at least one @handle")
            return
        amount = self.amount()
        if amount is None:
            return
        note = self.value("note").strip()
        key = self.attempt.key_for((tuple(handles), amount, note))
        self.call(
            lambda: self.session.client.bills.request(
                handles, amount, note, key=key, conversation_id=self.conversation_id
            ),
            self.dismiss,
        )


class SplitBillScreen(FormModal[Bill | None]):
    """A total shared by the chat's members: equal by default, or typed per person."""

    MONEY = True

    TITLE_TEXT = "Split a bill"
    SUBMIT_LABEL = "Split"

    def __init__(
        self, session: Session, conversation: Conversation, total: str = "", note: str = ""
    ) -> None:
        super().__init__()
        self.session = session
        self.conversation = conversation
        self.initial = (total, note)
        self.attempt = AttemptKey()

    @property
    def members(self) -> list[Account]:
        me = self.session.me.id
        return sorted(self.conversation.members, key=lambda a: (a.id != me, a.handle))

    def compose_fields(self) -> ComposeResult:
        total, note = self.initial
        yield Label(f"Total ({CURRENCY})")
        yield Input(value=total, placeholder="90.00", id="total")
        yield Label("Note")
        yield Input(value=note, placeholder="dinner", id="note", max_length=NOTE_MAX)
        yield Label("Shares: leave all empty to split equally", classes="hint")
        for member in self.members:
            who = "you" if member.id == self.session.me.id else f"@{member.handle}"
            yield Input(placeholder=f"{who}: equal share", id=f"share-{member.handle}")

    def on_mount(self) -> None:
        self.query_one("#note" if self.initial[0] else "#total", Input).focus()

    def submit(self) -> None:
        try:
            total = read_amount(self.query_one("#total", Input).value)
        except AmountError as exc:
            self.show_error(f"Total: {exc}")
            return
        typed = {m.handle: self.query_one(f"#share-{m.handle}", Input).value for m in self.members}
        shares: dict[str, int] | None = None
        if any(v.strip() for v in typed.values()):
            try:
                shares = {h: parse_amount(v or "0", CURRENCY) for h, v in typed.items()}
            except AmountError as exc:
                self.show_error(f"Shares: {exc}")
                return
            if sum(shares.values()) != total.amount:
                given = format_amount(sum(shares.values()), CURRENCY)
                self.show_error(
                    f"The shares add up to {given}, not {format_amount(total.amount, CURRENCY)}"
                )
                return
        note = self.query_one("#note", Input).value.strip()
        key = self.attempt.key_for((total, note, tuple(sorted((shares or {}).items()))))
        self.call(
            lambda: self.session.client.bills.split(
                self.conversation.id, total, note, shares, key=key
            ),
            self.dismiss,
        )
