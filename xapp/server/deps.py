"""What a route may ask for: the server's parts as typed FastAPI dependencies.

`create_app` builds one `Services` and its lifespan hands it to every request as
Starlette lifespan state; `services()` below is the only place that reads it. Routes
and domain code declare what they need by type (`Db`, `Settings`, `Hasher`,
`LoginThrottle`, `Signer`, `Typing`, `CurrentAccount`) and never look anything up on
the app, so a route's signature says everything it touches and a test or a second app
can hand in other parts.

The database is the dependency for reads and writes: a route opens `db.read()` or
`db.write()` where its work needs one, because some work must happen between the two
(the payments PIN is checked outside the single writer's transaction; the idempotency
wrapper looks its key up inside the action's transaction).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, TypeVar

from fastapi import Depends
from starlette.requests import HTTPConnection

from xapp.api.models import Account
from xapp.server.auth import UNAUTHORIZED, LoginLimiter, Passwords, account_for_token, bearer_token
from xapp.server.db import Database
from xapp.server.openapi import answers
from xapp.server.rail import Rail
from xapp.server.settings import ServerSettings

if TYPE_CHECKING:  # pages and write_limits read STATE_KEY from here
    from xapp.server.pages import CursorCodec
    from xapp.server.write_limits import WriteLimiter
from xapp.server.signing import ReceiptSigner
from xapp.server.typing_signals import TypingSignals


@dataclass(frozen=True)
class Services:
    """The parts of one running server that requests share."""

    settings: ServerSettings
    db: Database
    passwords: Passwords
    login_limiter: LoginLimiter
    signer: ReceiptSigner
    typing: TypingSignals
    rail: Rail
    write_limiter: WriteLimiter
    cursors: CursorCodec


T = TypeVar("T")

STATE_KEY = "services"
"""Where the lifespan puts `Services` in its state (`create_app`)."""


def services(connection: HTTPConnection) -> Services:
    """The running server's parts, for an HTTP request or a websocket alike."""
    return getattr(connection.state, STATE_KEY)


def _part(get: Callable[[Services], T]) -> Callable[[HTTPConnection], Awaitable[T]]:
    """A dependency that hands a route one part of the running server. It is `async`:
    FastAPI runs a plain `def` dependency in a thread pool, a hop per request."""

    async def part(connection: HTTPConnection) -> T:
        return get(services(connection))

    return part


Settings = Annotated[ServerSettings, Depends(_part(lambda s: s.settings))]
Db = Annotated[Database, Depends(_part(lambda s: s.db))]
Hasher = Annotated[Passwords, Depends(_part(lambda s: s.passwords))]
"""Hashes and checks passwords and payments PINs (argon2id, off the event loop)."""
LoginThrottle = Annotated[LoginLimiter, Depends(_part(lambda s: s.login_limiter))]
Signer = Annotated[ReceiptSigner, Depends(_part(lambda s: s.signer))]
Typing = Annotated[TypingSignals, Depends(_part(lambda s: s.typing))]
BankRail = Annotated[Rail, Depends(_part(lambda s: s.rail))]


@answers(401)
async def current_account(connection: HTTPConnection, db: Db, settings: Settings) -> Account:
    token = bearer_token(connection.headers.get("authorization"))
    if token is None:
        raise UNAUTHORIZED
    async with db.read() as conn:
        account = await account_for_token(conn, token, settings.session_days)
    if account is None:
        raise UNAUTHORIZED
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]
