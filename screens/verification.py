"""Verify my identity: what my tier lets me send (and what I sent against it), what my
region offers, and, until I am verified, the form a review decides on (name, date of
birth, country; a business asks for a business's limits). A rejection says why and the
form stays, with what I typed, to try again."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Checkbox, Input, Label, Static

from xapp.api.errors import ApiError
from xapp.api.models import Money, Verification
from xapp.api.money import format_amount
from xapp.screens.form import FormModal
from xapp.session import Session
from xapp.workers import worker

OFFERS = (
    ("payments", "payments"),
    ("savings", "savings"),
    ("withdrawals", "withdrawals"),
    ("fx", "exchanges"),
)


def _usd(money: Money) -> str:
    return format_amount(money.amount, money.currency)


def describe(state: Verification) -> str:
    limits = state.limits
    lines = [
        {
            "unverified": "Not verified yet.",
            "pending": "Your verification is being reviewed.",
            "approved": f"Verified ({state.tier}).",
            "rejected": f"Not verified: {state.reason}.",
        }[state.status],
        f"You may send {_usd(limits.daily)} a day ({_usd(limits.sent_today)} sent today) and "
        f"{_usd(limits.monthly)} a month ({_usd(limits.sent_this_month)} sent)"
        + ("." if limits.withdrawals else "; withdrawals to a bank need verification."),
    ]
    if state.region is not None:
        region = state.region
        missing = [name for field, name in OFFERS if not getattr(region, field)]
        lines.append(
            f"In {region.name}: "
            + (
                "everything is available."
                if not missing
                else "not available yet: " + ", ".join(missing) + "."
            )
        )
    return "\n".join(lines)


class VerificationScreen(FormModal[Verification | None]):
    TITLE_TEXT = "Your identity and limits"
    SUBMIT_LABEL = "Submit"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose_fields(self) -> ComposeResult:
        yield Static("Loading…", id="state")
        yield Label("Legal name")
        yield Input(value=self.session.me.display_name, id="legal-name", max_length=50)
        yield Label("Date of birth (YYYY-MM-DD)")
        yield Input(placeholder="1990-05-17", id="born", max_length=10)
        yield Label("Country (two letters: US, GB, DE, FR, JP, KW, CA)")
        yield Input(placeholder="US", id="country", max_length=2)
        yield Checkbox("A business (higher limits)", id="business")

    def on_mount(self) -> None:
        self.query_one("#born", Input).focus()
        self.load()

    @worker(exclusive=True, group="verification")
    async def load(self) -> None:
        try:
            state = await self.session.client.wallet.verification()
        except ApiError as exc:
            self.show_error(exc.message)
            return
        self.show_state(state)

    def show_state(self, state: Verification) -> None:
        self.query_one("#state", Static).update(Content(describe(state)))
        done = state.status in ("approved", "pending")
        for field in self.query(Input):
            field.disabled = done
        self.query_one("#business", Checkbox).disabled = done
        self.query_one("#submit").disabled = done

    def submit(self) -> None:
        name = self.query_one("#legal-name", Input).value.strip()
        try:
            born = dt.date.fromisoformat(self.query_one("#born", Input).value.strip())
        except ValueError:
            self.show_error("Date of birth: a date like 1990-05-17")
            return
        country = self.query_one("#country", Input).value.strip().upper()
        business = self.query_one("#business", Checkbox).value
        wallet = self.session.client.wallet
        self.call(lambda: wallet.verify(name, born, country, business), self.answered)

    def answered(self, state: Verification) -> None:
        self.show_state(state)
        if state.status == "rejected":
            self.show_error(f"Not verified: {state.reason}")
        else:
            self.notify(describe(state).splitlines()[0])
