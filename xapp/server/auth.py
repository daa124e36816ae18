"""Passwords, bearer tokens and sign-in throttling.

Passwords are argon2id (at least OWASP's m=19 MiB, t=2, p=1), hashed off the event loop.
Tokens are 256 random bits; only their SHA-256 is stored, so a copy of the database
signs nobody in. Signing out deletes the token's row.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections import defaultdict, deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, select

from xapp.api.models import Account
from xapp.server.accounts import ACCOUNT_COLUMNS, to_account
from xapp.server.clock import now_us
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError
from xapp.server.schema import accounts, tokens

TOKEN_PREFIX = "xat_"


class Passwords:
    def __init__(self, memory_kib: int, time_cost: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._dummy = self._hasher.hash(secrets.token_hex(16))

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Check a password; an unknown account costs the same time as a known one."""

        def check() -> bool:
            try:
                return self._hasher.verify(password_hash or self._dummy, password)
            except (VerificationError, InvalidHashError):
                return False

        ok = await asyncio.to_thread(check)
        return ok and password_hash is not None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(tx: Tx, account_id: str) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await tx.conn.execute(
        tokens.insert().values(
            token_hash=hash_token(token), account_id=account_id, created_at=now_us()
        )
    )
    return token


async def revoke_token(tx: Tx, token: str) -> None:
    await tx.conn.execute(delete(tokens).where(tokens.c.token_hash == hash_token(token)))


# Every request asks this: built once (see db.py on statements built per call).
_ACCOUNT_FOR_TOKEN = (
    select(*ACCOUNT_COLUMNS)
    .join(tokens, tokens.c.account_id == accounts.c.id)
    .where(tokens.c.token_hash == bindparam("token_hash"))
)


async def account_for_token(conn: Conn, token: str) -> Account | None:
    row = (await conn.execute(_ACCOUNT_FOR_TOKEN, {"token_hash": hash_token(token)})).first()
    return to_account(row) if row else None


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


UNAUTHORIZED = AppError(
    401,
    "unauthorized",
    "You are not signed in, or your session has ended",
    {"WWW-Authenticate": "Bearer"},
)


class LoginLimiter:
    """At most `attempts` failed sign-ins per key within `window` seconds.

    Kept in memory: one server process is the embedded and SQLite case; several
    processes each keep their own count, which still bounds guessing per process.
    """

    def __init__(self, attempts: int, window: float) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures[key]
        horizon = time.monotonic() - self.window
        while failures and failures[0] < horizon:
            failures.popleft()
        return failures

    def check(self, *keys: str) -> None:
        for key in keys:
            failures = self._recent(key)
            if len(failures) >= self.attempts:
                wait = int(failures[0] + self.window - time.monotonic()) + 1
                raise AppError(
                    429,
                    "too_many_attempts",
                    f"Too many failed sign-ins. Try again in {wait} seconds.",
                    {"Retry-After": str(wait)},
                )

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            self._recent(key).append(now)
