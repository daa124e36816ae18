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


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'} ago"


def age(when: datetime, now: datetime | None = None) -> str:
    """How old an account is, in words: "today", "3 days ago", "2 years ago". A brand-new
    account on a first payment is the classic scam, so this is said plainly."""
    days = ((now or datetime.now(UTC)) - when).days
    if days < 1:
        return "today"
    if days < 31:
        return _plural(days, "day")
    if days < 365:
        return _plural(days // 30, "month")
    return _plural(days // 365, "year")
