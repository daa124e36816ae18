"""Money rules from the wallet (A, automations): the list (each rule in a sentence, on or
off, what it has done), a new rule (n) written in a form, its dry run against the last 30
days shown before it is switched on (with the PIN), switching off (o) and deleting (x,
after a yes)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label, Select

from xapp.api.errors import ApiError
from xapp.api.handles import normalize_handle
from xapp.api.models import MoneyRule, Notification, RuleAction, RuleDryRun
from xapp.api.money import AmountError, format_amount
from xapp.live import live, subscribe
from xapp.screens.dialogs import ConfirmScreen, Dialog, acting_as
from xapp.screens.form import FormModal
from xapp.screens.money_form import currency_select, read_amount
from xapp.screens.pin import ensure_pin, pin_field, typed_pin
from xapp.session import Session
from xapp.widgets.lines import ItemLines
from xapp.workers import worker

KINDS = {
    "sweep": "When my cash falls below X, move Y from savings",
    "monthly_pay": "Every month on a day, pay @someone",
    "tip_on_like": "Tip every post I like from @someone",
}


class RuleList(ItemLines[MoneyRule]):
    def item_id(self, item: MoneyRule) -> str:
        return item.id

    def render_item(self, item: MoneyRule, width: int) -> list[Content]:
        mark = ("● on", "bold $success") if item.status == "on" else ("○ off", "$text-muted")
        head = Content.assemble(mark, "  ", (item.summary, "bold"))
        done = "never acted" if not item.acted else f"acted {_times(item.acted)}"
        state = [done]
        if item.next_run is not None:
            state.append(f"next {item.next_run:%a %d %b %Y}")
        if item.last_error:
            state.append(f"last try failed: {item.last_error}")
        return [
            *head.wrap(width),
            *Content.styled(" · ".join(state), "dim").wrap(width),
            Content(""),
        ]


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


class RulesScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="rules.close"),
        Binding("n", "new", "New", id="rules.new", tooltip="write a rule"),
        Binding("enter", "dry_run", "Dry run", id="rules.dry_run", tooltip="what it would do"),
        Binding("o", "switch", "On/off", id="rules.toggle", tooltip="switch on or off"),
        Binding("x", "delete", "Delete", id="rules.delete", tooltip="delete it"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with self.dialog("wide"):
            yield Label("Money rules", classes="title")
            yield acting_as(self.session)
            yield RuleList(id="rules", empty="None yet: n writes one.")
            yield Label(
                "n new · enter dry run · o on or off · x delete · esc closes", classes="hint"
            )

    @property
    def listing(self) -> RuleList:
        return self.query_one(RuleList)

    def on_mount(self) -> None:
        self.listing.focus()
        # A rule that acted moved money, or failed and said so: its line says it too.
        subscribe(self, live(self).wallet, lambda _: self.load())
        subscribe(self, live(self).notifications, self._told)
        self.load()

    def _told(self, notification: Notification) -> None:
        if notification.kind == "money_rule_failed":
            self.load()

    @worker(exclusive=True, group="rules")
    async def load(self) -> None:
        try:
            page = await self.session.client.rules.list()
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.listing.set_items(page.items)

    def action_new(self) -> None:
        def written(rule: MoneyRule | None) -> None:
            if rule is not None:
                self.listing.upsert(rule)
                self._dry_run(rule)

        # Switching a rule on takes the PIN: an account without one chooses it first.
        ensure_pin(
            self.app, self.session, lambda: self.app.push_screen(RuleForm(self.session), written)
        )

    def action_dry_run(self) -> None:
        if (chosen := self.listing.selected) is not None:
            self._dry_run(chosen)

    def _dry_run(self, rule: MoneyRule) -> None:
        def switched(changed: MoneyRule | None) -> None:
            if changed is not None:
                self.listing.upsert(changed)
                self.notify("Rule switched on.")

        self.app.push_screen(DryRunScreen(self.session, rule), switched)

    def action_switch(self) -> None:
        chosen = self.listing.selected
        if chosen is None:
            return
        if chosen.status == "on":
            self._switch_off(chosen)
        else:  # on only after seeing what it would have done
            self._dry_run(chosen)

    @worker(group="rule-change")
    async def _switch_off(self, rule: MoneyRule) -> None:
        try:
            changed = await self.session.client.rules.switch_off(rule.id)
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.listing.upsert(changed)
        self.notify("Rule switched off.")

    def action_delete(self) -> None:
        chosen = self.listing.selected
        if chosen is None:
            return

        def answered(sure: bool | None) -> None:
            if sure:
                self._delete(chosen)

        self.app.push_screen(ConfirmScreen(f"Delete “{chosen.summary}”?", "Delete"), answered)

    @worker(group="rule-change")
    async def _delete(self, rule: MoneyRule) -> None:
        try:
            await self.session.client.rules.delete(rule.id)
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.listing.remove_item(rule.id)


class RuleForm(FormModal[MoneyRule]):
    """One form for the three kinds: the fields a kind does not use are hidden."""

    MONEY = True

    TITLE_TEXT = "Write a money rule"
    SUBMIT_LABEL = "Dry run"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose_fields(self) -> ComposeResult:
        yield Select(
            [(sentence, kind) for kind, sentence in KINDS.items()],
            value="sweep",
            allow_blank=False,
            id="kind",
        )
        with Horizontal(classes="rule-field", id="below-field"):
            yield Label("Cash below ")
            yield Input(placeholder="100.00", id="below")
        with Horizontal(classes="rule-field", id="who-field"):
            yield Label("@", id="who-label")
            yield Input(placeholder="handle", id="who")
        with Horizontal(classes="rule-field"):
            yield Label("Move ", id="amount-label")
            yield Input(placeholder="50.00", id="amount")
        with Horizontal(classes="rule-field currency-row", id="currency-field"):
            yield Label("Currency ")
            yield currency_select("USD")
        with Horizontal(classes="rule-field", id="day-field"):
            yield Label("Day of the month ")
            yield Input(value="1", max_length=2, restrict=r"[0-9]*", id="day")
        with Horizontal(classes="rule-field", id="note-field"):
            yield Label("Note ")
            yield Input(placeholder="what it's for", id="note", max_length=140)
        yield Label(
            "A new rule starts off: its dry run shows what it would have done in the "
            "last 30 days, then you switch it on with your PIN.",
            classes="hint",
        )

    def on_mount(self) -> None:
        self._show_fields("sweep")

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        self._show_fields(str(event.value))

    def _show_fields(self, kind: str) -> None:
        shown = {
            "sweep": {"below-field"},
            "monthly_pay": {"who-field", "currency-field", "day-field", "note-field"},
            "tip_on_like": {"who-field", "currency-field"},
        }[kind]
        for field in ("below-field", "who-field", "currency-field", "day-field", "note-field"):
            self.query_one(f"#{field}").display = field in shown
        self.query_one("#amount-label", Label).update(
            {"sweep": "Move ", "monthly_pay": "Pay ", "tip_on_like": "Tip "}[kind]
        )

    def submit(self) -> None:
        kind = str(self.query_one("#kind", Select).value)
        currency = "USD" if kind == "sweep" else str(self.query_one("#currency", Select).value)
        try:
            amount = read_amount(self.query_one("#amount", Input).value, currency)
            below = (
                read_amount(self.query_one("#below", Input).value, currency)
                if kind == "sweep"
                else None
            )
        except AmountError as exc:
            self.show_error(str(exc))
            return
        rules = self.session.client.rules
        if below is not None:
            self.call(lambda: rules.sweep(below, amount), self.dismiss)
            return
        try:
            handle = normalize_handle(self.query_one("#who", Input).value)
        except ValueError as exc:
            self.show_error(f"@: {exc}")
            return
        if kind == "tip_on_like":
            self.call(lambda: rules.tip_on_like(handle, amount), self.dismiss)
            return
        day = self.query_one("#day", Input).value
        if not day.isdigit() or not 1 <= int(day) <= 31:
            self.show_error("Day of the month: 1 to 31 (31 is each month's last day)")
            return
        note = self.query_one("#note", Input).value.strip()
        self.call(lambda: rules.monthly_pay(handle, amount, int(day), note), self.dismiss)


class ActionList(ItemLines[tuple[int, RuleAction]]):
    def item_id(self, item: tuple[int, RuleAction]) -> str:
        return str(item[0])

    def render_item(self, item: tuple[int, RuleAction], width: int) -> list[Content]:
        action = item[1]
        head = Content.assemble(
            (f"{action.at:%a %d %b} ", "dim"),
            ("✓ " if action.refused is None else "✗ ", "bold"),
            action.what,
        )
        lines = [*head.wrap(width)]
        if action.refused:
            lines += Content.styled(f"  refused: {action.refused}", "$warning").wrap(width)
        return lines


class DryRunScreen(FormModal[MoneyRule]):
    """What the rule would have done in the last 30 days; switching it on from here (with
    the PIN) is the only way on, so nobody switches one on unseen."""

    MONEY = True

    TITLE_TEXT = "What this rule would have done"
    SUBMIT_LABEL = "Switch on"

    def __init__(self, session: Session, rule: MoneyRule) -> None:
        super().__init__()
        self.session = session
        self.rule = rule

    def compose_fields(self) -> ComposeResult:
        yield Label(Content.styled(self.rule.summary, "bold"), id="rule-summary")
        yield Label("Reading the last 30 days…", id="dry-summary")
        yield ActionList(id="actions", empty="Nothing: it would not have acted.")
        if self.rule.status == "off":
            yield from pin_field(self.session)

    def on_mount(self) -> None:
        submit = self.query_one("#submit")
        submit.display = self.rule.status == "off"
        self.load()

    @worker(exclusive=True, group="dry-run")
    async def load(self) -> None:
        try:
            dry: RuleDryRun = await self.session.client.rules.dry_run(self.rule.id)
        except ApiError as exc:
            self.show_error(exc.message)
            return
        total = format_amount(dry.total.amount, dry.total.currency)
        said = f"{dry.summary} In all: {total}." if dry.total.amount else dry.summary
        self.query_one("#dry-summary", Label).update(Content(said))
        self.query_one(ActionList).set_items(enumerate(dry.actions))
        if pins := self.query("#pin"):
            pins.first(Input).focus()

    def submit(self) -> None:
        if self.rule.status == "on":
            self.dismiss(None)
            return
        pin = typed_pin(self)
        if pin == "":
            return
        rules = self.session.client.rules
        self.call(lambda: rules.switch_on(self.rule.id, pin=pin), self.dismiss)
