"""Times as people glance at them: "now", "5m", "3h", "2d", then a date."""

from __future__ import annotations

from datetime import UTC, datetime


def ago(when: datetime, now: datetime | None = None) -> str:
    seconds = int(((now or datetime.now(UTC)) - when).total_seconds())
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    if seconds < 7 * 86400:
        return f"{seconds // 86400}d"
    return when.astimezone().strftime("%d %b %Y")
