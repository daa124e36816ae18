"""A request that lost a race on PostgreSQL runs again, inside the server, so no client
ever sees the race.

Money moves by guarded single-row UPDATEs taken in ledger-account order, so correct
work never waits in a cycle; but READ COMMITTED PostgreSQL can still end a transaction
with a deadlock (rows an UPDATE ... IN (...) locked in heap order) or a serialization
failure, and two requests can both find a key absent and both insert it (the first
payment into a new currency, two sign-ups for one handle). Each of those rolled the
whole transaction back, so running the request again is safe: on the second run it
sees what the winner committed (and answers as it would have: the replayed 201 for an
idempotency key, 409 for a taken handle). SQLite has one writer and never gets here.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from sqlalchemy.exc import DBAPIError

from xapp.server.openapi import DocumentedRoute

log = logging.getLogger("xapp.server")

RETRIED_STATES = {
    "40001",  # serialization_failure
    "40P01",  # deadlock_detected
    "23505",  # unique_violation: a concurrent insert of the same key won
}
ATTEMPTS = 5


def _state(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


class RetriedRoute(DocumentedRoute):
    """A documented route whose handler runs again (up to ATTEMPTS times, with a short
    random pause) when its transaction lost a race. The body was read and cached by the
    first run, so every run sees the same request."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    return await handler(request)
                except DBAPIError as error:
                    state = _state(error)
                    if attempt == ATTEMPTS or state not in RETRIED_STATES:
                        raise
                    log.info(
                        "%s %s lost a race (%s); again", request.method, request.url.path, state
                    )
                    await asyncio.sleep(random.uniform(0, 0.005 * attempt))
            raise AssertionError("unreachable")

        return run
