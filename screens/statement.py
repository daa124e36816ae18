"""A monthly statement: for each of my accounts (cash per currency, savings), the
opening balance, every movement with the balance after it, and the closing balance,
straight from the ledger (`GET /v1/statements`). ← and → go a month back or on;
`xapp export` writes the same as CSV, beancount or JSON."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Label, Static

from xapp.api.errors import ApiError
from xapp.api.models import Money, Statement, StatementLine
from xapp.api.money import format_amount
from xapp.screens.dialogs import Dialog, acting_as
from xapp.session import Session
from xapp.workers import worker

WHAT_WIDTH = 44


def _shown(money: Money, signed: bool = False) -> str:
    text = format_amount(money.amount, money.currency)
    return f"+{text}" if signed and money.amount > 0 else text


def _what(line: StatementLine) -> str:
    who = f"@{line.counterparty.handle} · " if line.counterparty else ""
    return f"{who}{line.note}"[:WHAT_WIDTH]


def month_of(day: dt.date, step: int = 0) -> tuple[dt.date, dt.date]:
    """The first and last day of the month `step` months from `day`'s."""
    index = day.year * 12 + day.month - 1 + step
    first = dt.date(index // 12, index % 12 + 1, 1)
    after = dt.date((index + 1) // 12, (index + 1) % 12 + 1, 1)
    return first, after - dt.timedelta(days=1)


class StatementScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="statement.close"),
        # Before the table's own ←/→ (it moves by rows only: nothing is lost).
        Binding("left", "month(-1)", "Month before", id="statement.before", priority=True),
        Binding("right", "month(1)", "Month after", id="statement.after", priority=True),
    ]

    def __init__(self, session: Session, today: dt.date | None = None) -> None:
        super().__init__()
        self.session = session
        self.since, self.until = month_of(today or dt.datetime.now(dt.UTC).date())

    def compose(self) -> ComposeResult:
        with self.dialog("wide"):
            yield Label("", id="statement-title", classes="title")
            yield acting_as(self.session)
            yield Static("Loading…", id="summary")
            yield DataTable(id="lines", cursor_type="row", zebra_stripes=True)
            yield Label(
                "← → another month · esc closes · xapp export writes it to a file", classes="hint"
            )

    def on_mount(self) -> None:
        table = self.query_one("#lines", DataTable)
        table.add_column("date", width=6)
        table.add_column("what", width=WHAT_WIDTH)
        table.add_column("amount", width=14)
        table.add_column("balance", width=14)
        table.focus()
        self.load()

    def action_month(self, step: int) -> None:
        self.since, self.until = month_of(self.since, step)
        self.load()

    @worker(exclusive=True)
    async def load(self) -> None:
        self.query_one("#statement-title", Label).update(f"Statement · {self.since:%B %Y}")
        try:
            statement = await self.session.client.wallet.statement(self.since, self.until)
        except ApiError as exc:
            self.query_one("#summary", Static).update(Content(exc.message))
            return
        self.show(statement)

    def show(self, statement: Statement) -> None:
        table = self.query_one("#lines", DataTable)
        table.clear()
        summary = []
        for section in statement.accounts:
            name = f"{section.account.title()} {section.currency}"
            summary.append(
                f"{name}: {_shown(section.opening)} → {_shown(section.closing)}"
                f" ({len(section.lines)} movement{'s' if len(section.lines) != 1 else ''})"
            )
            if not section.lines:
                continue
            table.add_row(
                "", Content.styled(f"{name}, opening", "bold"), "", _shown(section.opening)
            )
            for line in section.lines:
                table.add_row(
                    f"{line.at:%d %b}",
                    Content(_what(line)),
                    _shown(line.amount, signed=True),
                    _shown(line.balance),
                )
        self.query_one("#summary", Static).update(
            Content("\n".join(summary) or "No money in this month.")
        )
