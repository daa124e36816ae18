"""What the wallet's history is filtered by (the filter dialog edits one)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class HistoryFilter:
    direction: str | None = None
    with_: str | None = None
    kind: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    q: str | None = None

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def describe(self) -> str:
        parts = [
            {"in": "money in", "out": "money out"}.get(self.direction or "", ""),
            f"with @{self.with_}" if self.with_ else "",
            f"{self.kind}s" if self.kind else "",
            f"from {self.since}" if self.since else "",
            f"to {self.until}" if self.until else "",
            f"“{self.q}”" if self.q else "",
        ]
        return " · ".join(p for p in parts if p)
