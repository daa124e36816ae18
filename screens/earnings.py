"""Creator earnings: tips received, by post and by day."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Label, Static

from xapp.api.errors import ApiError
from xapp.api.models import Earnings
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
        try:
            earnings = await self.session.client.wallet.earnings()
        except ApiError as exc:
            self.query_one("#total", Static).update(Content(exc.message))
            return
        self.show(earnings)

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
