"""Times as people glance at them: "now", "5m", "3h", "2d", then a date.

`now()` is the client's one clock: every relative time on screen is measured from it, so
a test can stop it (`pinned`) and a snapshot taken today still matches next year.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_stopped_at: datetime | None = None


def now() -> datetime:
    """The time the screen measures from: the real clock, unless a test pinned it."""
    return _stopped_at if _stopped_at is not None else datetime.now(UTC)


_now = now  # `ago` and `age` take a `now` argument that hides this function


@contextmanager
def pinned(at: datetime) -> Iterator[None]:
    """Stop the client's clock at `at` (timezone-aware) while the block runs."""
    global _stopped_at
    if at.tzinfo is None:
        raise ValueError("pin the clock to a timezone-aware instant")
    before, _stopped_at = _stopped_at, at
    try:
        yield
    finally:
        _stopped_at = before


def ago(when: datetime, now: datetime | None = None) -> str:
    seconds = int(((now or _now()) - when).total_seconds())
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
    days = ((now or _now()) - when).days
    if days < 1:
        return "today"
    if days < 31:
        return _plural(days, "day")
    if days < 365:
        return _plural(days // 30, "month")
    return _plural(days // 365, "year")
