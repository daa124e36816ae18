"""Creator earnings: tips received, by post and by day; and creator payouts: this month's
estimate from the pool, and each past payout with the posts that earned it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Label, Static

from xapp.api.errors import ApiError
from xapp.api.models import CreatorPayouts, Earnings
from xapp.api.money import format_amount
from xapp.screens.dialogs import Dialog
from xapp.session import Session
from xapp.workers import worker

LABEL_WIDTH = 50
"""A post's opening words (or a day): the column is this wide whatever the rows hold."""


class EarningsScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="earnings.close")
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with self.dialog("wide"):
            yield Label("Creator earnings", classes="title")
            yield Static("Loading…", id="total")
            yield Label("By post")
            yield DataTable(id="by-post", cursor_type="row")
            yield Label("By day")
            yield DataTable(id="by-day", cursor_type="row")
            yield Label("Creator payouts")
            yield Static("Loading…", id="payouts")
            yield Label("esc closes", classes="hint")

    def on_mount(self) -> None:
        for table_id, what in (("#by-post", "post"), ("#by-day", "day")):
            table = self.query_one(table_id, DataTable)
            table.add_column(what, width=LABEL_WIDTH)
            table.add_column("tips", width=5)
            table.add_column("total", width=12)
        self.load()

    @worker(exclusive=True)
    async def load(self) -> None:
        wallet = self.session.client.wallet
        try:
            earnings = await wallet.earnings()
            payouts = await wallet.payouts()
        except ApiError as exc:
            self.query_one("#total", Static).update(Content(exc.message))
            return
        self.show(earnings)
        self.show_payouts(payouts)

    def show_payouts(self, payouts: CreatorPayouts) -> None:
        """This month so far, then each past month and the posts that earned most."""
        estimate = format_amount(payouts.estimate.amount, payouts.estimate.currency)
        lines = [
            Content(
                f"{payouts.month:%B} so far: {payouts.points} "
                f"point{'s' if payouts.points != 1 else ''} (likes, reposts and replies from "
                f"others), about {estimate} if the month ended now"
            )
        ]
        for payout in payouts.past:
            amount = format_amount(payout.amount.amount, payout.amount.currency)
            top = ", ".join(
                f"{p.label[:30]} {format_amount(p.amount.amount, p.amount.currency)}"
                for p in payout.posts[:3]
            )
            lines.append(Content(f"{payout.month:%B %Y}: {amount} · {top}"))
        self.query_one("#payouts", Static).update(Content("\n").join(lines))

    def show(self, earnings: Earnings) -> None:
        total = format_amount(earnings.total.amount, earnings.total.currency)
        count = sum(r.tips for r in earnings.by_day)
        self.query_one("#total", Static).update(
            Content(f"{total} in tips from {count} tip{'s' if count != 1 else ''}")
            if count
            else Content("No tips yet. People tip your posts with $.")
        )
        for table_id, rows in (("#by-post", earnings.by_post), ("#by-day", earnings.by_day)):
            table = self.query_one(table_id, DataTable)
            for row in rows:
                table.add_row(
                    Content(row.label[:LABEL_WIDTH]),
                    str(row.tips),
                    format_amount(row.total.amount, row.total.currency),
                )
