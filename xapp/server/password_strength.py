"""A new password is refused when it is easy to guess, as NIST SP 800-63B asks: checked
against lists of common and breached passwords, dictionary words and names, and the
account's own handle and name (zxcvbn's offline lists), with no composition rules (no
"a digit and a symbol"), so a long phrase passes and "P@ssw0rd!" does not."""

from __future__ import annotations

import asyncio

from zxcvbn import zxcvbn

from xapp.server.errors import AppError

WEAKEST_ALLOWED = 2
"""zxcvbn's score, 0-4: below 2 means about a million guesses or fewer."""
LOOKED_AT = 72
"""zxcvbn's own limit: a longer password is judged by its first 72 characters."""


async def require_strong(password: str, *about_the_person: str) -> None:
    """Refuse an easy password with zxcvbn's reason (off the event loop: the matching
    takes a few milliseconds)."""
    judged = await asyncio.to_thread(
        zxcvbn, password[:LOOKED_AT], user_inputs=[w for w in about_the_person if w]
    )
    if judged["score"] < WEAKEST_ALLOWED:
        why = judged["feedback"]["warning"] or "It is too easy to guess."
        raise AppError(
            422, "weak_password", f"Choose another password. {why} A few unusual words work well."
        )
