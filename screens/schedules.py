"""Scheduled payments: the list (what, to whom, how often, next, state), and keys to
schedule one (n: with the PIN, which stands for every run), pause or resume it (p) and
cancel it (x, after a yes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label, Select

from xapp.api.errors import ApiError
from xapp.api.models import Schedule
from xapp.api.money import format_amount
from xapp.screens.dialogs import ConfirmScreen, Dialog, acting_as
from xapp.screens.money_form import MoneyForm
from xapp.screens.pin import ensure_pin, pin_field, typed_pin
from xapp.session import Session
from xapp.widgets.lines import ItemLines
from xapp.workers import worker

EVERY = {"once": "once", "weekly": "every week", "monthly": "every month"}


class ScheduleList(ItemLines[Schedule]):
    def item_id(self, item: Schedule) -> str:
        return item.id

    def render_item(self, item: Schedule, width: int) -> list[Content]:
        amount = format_amount(item.amount.amount, item.amount.currency)
        head = Content.from_markup(
            "[b]$amount[/b] to [b]$name[/b] [dim]@$handle[/dim] · $every",
            amount=amount,
            name=item.payee.display_name,
            handle=item.payee.handle,
            every=EVERY[item.cadence],
        )
        state = f"next {item.next_run:%a %d %b %Y}" if item.next_run else "no more runs"
        if item.status != "active":
            state = f"{item.status} · {state}"
        if item.last_error and item.failures:
            state += f" · last run failed: {item.last_error}"
        note = f"{item.note} · " if item.note else ""
        return [*head.wrap(width), *Content.styled(note + state, "dim").wrap(width), Content("")]


class SchedulesScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="schedules.close"),
        Binding("n", "new", "New", id="schedules.new", tooltip="schedule a payment"),
        Binding("p", "pause", "Pause/resume", id="schedules.pause", tooltip="pause or resume"),
        Binding("x", "cancel", "Cancel it", id="schedules.cancel", tooltip="cancel it"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with self.dialog("wide"):
            yield Label("Scheduled payments", classes="title")
            yield acting_as(self.session)
            yield ScheduleList(id="schedules", empty="None yet: n schedules one.")
            yield Label("n new · p pause or resume · x cancel · esc closes", classes="hint")

    @property
    def listing(self) -> ScheduleList:
        return self.query_one(ScheduleList)

    def on_mount(self) -> None:
        self.listing.focus()
        self.load()

    @worker(exclusive=True, group="schedules")
    async def load(self) -> None:
        try:
            page = await self.session.client.wallet.schedules()
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.listing.set_items(page.items)

    def action_new(self) -> None:
        def made(schedule: Schedule | None) -> None:
            if schedule is not None:
                self.listing.upsert(schedule)
                when = f"{schedule.next_run:%a %d %b}" if schedule.next_run else ""
                self.notify(f"Scheduled: first payment {when}.")

        # Like any payment: an account without a PIN chooses one first.
        ensure_pin(
            self.app, self.session, lambda: self.app.push_screen(ScheduleForm(self.session), made)
        )

    def action_pause(self) -> None:
        chosen = self.listing.selected
        if chosen is None:
            return
        wallet = self.session.client.wallet
        change = wallet.resume_schedule if chosen.status != "active" else wallet.pause_schedule
        self._change(change(chosen.id))

    def action_cancel(self) -> None:
        chosen = self.listing.selected
        if chosen is None or chosen.status in ("cancelled", "done"):
            return
        amount = format_amount(chosen.amount.amount, chosen.amount.currency)
        question = f"Cancel {amount} to @{chosen.payee.handle}, {EVERY[chosen.cadence]}?"

        def answered(sure: bool | None) -> None:
            if sure:
                self._change(self.session.client.wallet.cancel_schedule(chosen.id))

        self.app.push_screen(ConfirmScreen(question, "Cancel it"), answered)

    @worker(group="schedule-change")
    async def _change(self, call: Awaitable[Schedule]) -> None:
        try:
            changed = await call
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.listing.upsert(changed)


class ScheduleForm(MoneyForm[Schedule | None]):
    TITLE_TEXT = "Schedule a payment"
    SUBMIT_LABEL = "Schedule"

    def __init__(self, session: Session) -> None:
        super().__init__(session)

    def compose_extra(self) -> ComposeResult:
        tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
        with Horizontal(classes="currency-row"):
            yield Label("How often ")
            yield Select(
                [(cadence, cadence) for cadence in EVERY],
                value="monthly",
                allow_blank=False,
                id="cadence",
            )
        yield Label("First payment (YYYY-MM-DD, UTC)")
        yield Input(value=tomorrow.isoformat(), id="first", max_length=10)
        yield from pin_field(self.session)
        yield Label("Each run is paid like a payment you send then.", classes="hint")

    def submit(self) -> None:
        typed = self.payee_and_amount()
        if typed is None:
            return
        handle, amount = typed
        try:
            first = dt.date.fromisoformat(self.query_one("#first", Input).value.strip())
        except ValueError:
            self.show_error("First payment: a date like 2026-12-01")
            return
        pin = typed_pin(self)
        if pin == "":
            return
        cadence = str(self.query_one("#cadence", Select).value)
        note = self.value("note").strip()
        key = self.attempt.key_for((handle, amount, cadence, first, note))
        wallet = self.session.client.wallet

        def send() -> Awaitable[Any]:
            return wallet.schedule(handle, amount, cadence, first, note, key, pin=pin)

        self.call(send, self.dismiss)
