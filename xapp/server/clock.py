"""The server's one clock: every time the server stores or compares comes from `now_us()`.

Times are integer microseconds since the epoch (see `schema`). Tests move the clock
forward (`advance`) to let an undo window or a PIN lock run out without waiting for it,
and a test that does puts it back (`reset`); later features that wait for dates
(scheduled payments) are tested the same way, a year in seconds. The clock is one per
process: a test and the `ServerThread` it drives share the process, and the tests of one
worker run one at a time.

Throttles kept in memory (sign-in failures, typing signals) measure elapsed real time
with `time.monotonic()` instead: they store nothing and end with the process.
"""

from __future__ import annotations

import datetime as dt
import time

_offset_us = 0


def now_us() -> int:
    """Now, in microseconds since the epoch, as far as the server is concerned."""
    return time.time_ns() // 1000 + _offset_us


def wall_us() -> int:
    """Now by the machine's own clock, never moved by `advance`: for what is about real
    time, not the money calendar (how old a session is), so a test that runs a year of
    savings in seconds does not also end its people's sessions."""
    return time.time_ns() // 1000


def day_of(us: int) -> dt.date:
    """The UTC day a server time falls on."""
    return dt.datetime.fromtimestamp(us / 1_000_000, tz=dt.UTC).date()


def today() -> dt.date:
    """The server's UTC day now (savings, schedules, limits and payouts count in days)."""
    return day_of(now_us())


def day_start_us(day: dt.date) -> int:
    """The first microsecond of a UTC day, as the server stores times."""
    return int(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp() * 1_000_000)


def advance(seconds: float) -> None:
    """Move the server's clock forward (tests only)."""
    global _offset_us
    _offset_us += round(seconds * 1_000_000)


def reset() -> None:
    """Put the server's clock back to real time."""
    global _offset_us
    _offset_us = 0
