"""Filter the wallet's history: direction, who, kind, dates and words in the note."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.widgets import Input, Label, Select

from xapp.api.handles import normalize_handle
from xapp.screens.form import FormModal
from xapp.widgets.history_filter import HistoryFilter

KINDS = ("payment", "request", "tip", "refund", "deposit")


def _date(text: str, what: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what}: a date is written like 2026-11-27") from None


class FilterScreen(FormModal[HistoryFilter | None]):
    TITLE_TEXT = "Filter history"
    SUBMIT_LABEL = "Apply"

    def __init__(self, current: HistoryFilter) -> None:
        super().__init__()
        self.current = current

    def compose_fields(self) -> ComposeResult:
        c = self.current
        yield Label("Direction")
        yield Select(
            [("Money in", "in"), ("Money out", "out")],
            value=c.direction or Select.NULL,
            prompt="Both",
            id="direction",
        )
        yield Label("With")
        yield Input(value=f"@{c.with_}" if c.with_ else "", placeholder="@handle", id="with")
        yield Label("Kind")
        yield Select(
            [(k.title(), k) for k in KINDS],
            value=c.kind or Select.NULL,
            prompt="Any",
            id="kind",
        )
        yield Label("From / to (YYYY-MM-DD)")
        yield Input(value=str(c.since or ""), placeholder="2026-11-01", id="since")
        yield Input(value=str(c.until or ""), placeholder="2026-11-30", id="until")
        yield Label("Words in the note")
        yield Input(value=c.q or "", placeholder="pizza", id="q")
        yield Label("Empty everything and apply to see all.", classes="hint")

    def submit(self) -> None:
        def value(name: str) -> str:
            return self.query_one(f"#{name}", Input).value.strip()

        def choice(name: str) -> str | None:
            selected = self.query_one(f"#{name}", Select).value
            return selected if isinstance(selected, str) else None

        try:
            with_ = normalize_handle(value("with")) if value("with") else None
            since, until = _date(value("since"), "From"), _date(value("until"), "To")
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(
            HistoryFilter(
                choice("direction"), with_, choice("kind"), since, until, value("q") or None
            )
        )
