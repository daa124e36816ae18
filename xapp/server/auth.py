"""Passwords, bearer tokens and sign-in throttling.

Passwords are argon2id (at least OWASP's m=19 MiB, t=2, p=1), hashed off the event loop.
Tokens are 256 random bits; only their SHA-256 is stored, so a copy of the database
signs nobody in. Signing out deletes the token's row.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Executable, bindparam, case, delete, select, update
from starlette.types import Scope

from xapp.api.models import Account
from xapp.server.accounts import ACCOUNT_COLUMNS, to_account
from xapp.server.clock import now_us, wall_us
from xapp.server.db import Conn, Database, Tx, upsert
from xapp.server.errors import AppError
from xapp.server.schema import accounts, known_devices, login_attempts, tokens

TOKEN_PREFIX = "xat_"


class Passwords:
    def __init__(self, memory_kib: int, time_cost: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._dummy = self._hasher.hash(secrets.token_hex(16))
        self._hashing = asyncio.Semaphore(1)

    async def hash(self, password: str) -> str:
        """Hash a new password or PIN, one at a time per process: a burst of registrations
        waits its turn on one core instead of taking every core from sign-ins (30 at once
        once pushed sign-in from 25 ms to 444 ms)."""
        async with self._hashing:
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


async def issue_token(tx: Tx, account_id: str, label: str = "", address: str = "") -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await tx.conn.execute(
        tokens.insert().values(
            token_hash=hash_token(token),
            account_id=account_id,
            created_at=wall_us(),
            label=label[:200],
            address=address[:64],
        )
    )
    return token


DEVICE_PREFIX = "xdev_"


async def known_device(conn: Conn, account_id: str | None, device: str | None) -> bool:
    """`device` signed in to this account with the right password before."""
    if not device or account_id is None:
        return False
    found = await conn.scalar(
        select(known_devices.c.account_id).where(known_devices.c.device_hash == hash_token(device))
    )
    return found == account_id


async def remember_device(tx: Tx, account_id: str) -> str:
    """A new device secret for a sign-in that proved the password; kept hashed."""
    device = DEVICE_PREFIX + secrets.token_urlsafe(24)
    await tx.conn.execute(
        known_devices.insert().values(
            device_hash=hash_token(device), account_id=account_id, created_at=now_us()
        )
    )
    return device


def session_id(token_hash: str) -> str:
    """A session's public name: the start of its token's hash (which cannot be turned
    back into the token), so it can be listed and revoked without showing the token."""
    return token_hash[:16]


REVOKED = "revoked "
"""The ephemeral frame that closes a revoked session's feed (never sent to a client)."""


async def revoke_token(tx: Tx, token_hash: str) -> None:
    await tx.conn.execute(delete(tokens).where(tokens.c.token_hash == token_hash))


async def tell_feeds(db: Database, account_id: str, token_hashes: list[str]) -> None:
    """Close these sessions' open feeds, in every server process (the feed compares the
    hash with its own and closes with 4401)."""
    for token_hash in token_hashes:
        await db.publish([account_id], REVOKED + token_hash)


# Every request asks this: built once (see db.py on statements built per call).
_ACCOUNT_FOR_TOKEN = (
    select(*ACCOUNT_COLUMNS)
    .join(tokens, tokens.c.account_id == accounts.c.id)
    .where(
        tokens.c.token_hash == bindparam("token_hash"),
        tokens.c.created_at > bindparam("oldest"),
    )
)


def session_us(session_days: float) -> int:
    """How long a session lives, in microseconds."""
    return int(session_days * 86_400_000_000)


def oldest_live_session(session_days: float) -> int:
    """When the oldest session still alive began (wall clock, microseconds)."""
    return wall_us() - session_us(session_days)


def client_address(scope: Scope) -> str:
    """The address a request came from, as the throttles count it."""
    client = scope.get("client")
    return client[0] if client else "-"


async def account_for_token(conn: Conn, token: str, session_days: float) -> Account | None:
    """The account a token signs in as, unless it is unknown, revoked or older than
    `session_days`."""
    found = {"token_hash": hash_token(token), "oldest": oldest_live_session(session_days)}
    row = (await conn.execute(_ACCOUNT_FOR_TOKEN, found)).first()
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
    """Sign-in attempts, counted in the database so every server process shares them,
    within a window of `window` seconds, on three keys:

    - the handle from this address: `attempts` (a guesser here is stopped; the owner,
      signing in from anywhere else, is not);
    - the address: `ADDRESS_SHARE` times as many (one address trying many handles), with
      room for many people behind one NAT signing in at once;
    - the handle from everywhere: `HANDLE_SHARE` times as many (guessing spread over
      many addresses). A known device (one that signed in to the account with the right
      password before, `device`) skips this key, so such guessing cannot lock the owner
      out; a new device waits out the window.

    An attempt is counted before its password is checked, in one atomic statement per
    key, so a burst of concurrent guesses gets no more checks than a patient guesser (as
    the payments PIN does); a sign-in that succeeds takes its attempt back, in the
    transaction that issues its token, so only failures use the allowances up.
    """

    ADDRESS_SHARE = 5
    HANDLE_SHARE = 10

    def __init__(
        self,
        attempts: int,
        window: float,
        registrations: int = 20,
        registration_window: float = 600.0,
    ) -> None:
        self.attempts = attempts
        self.window_us = int(window * 1_000_000)
        self.registrations = registrations
        self.registration_window_us = int(registration_window * 1_000_000)

    @staticmethod
    def keys(handle: str, address: str) -> tuple[str, str, str]:
        return f"pair:{handle}|{address}", f"addr:{address}", f"handle:{handle}"

    async def attempt(
        self, db: Database, handle: str, address: str, known_device: bool = False
    ) -> None:
        """Count an attempt; refuse (429, with Retry-After) if a key has used its
        allowance."""
        by_pair, by_address, by_handle = self.keys(handle, address)
        allowances = [
            (by_pair, self.attempts),
            (by_address, self.attempts * self.ADDRESS_SHARE),
        ]
        if not known_device:
            allowances.append((by_handle, self.attempts * self.HANDLE_SHARE))
        wait = await over_allowance(db, allowances, self.window_us)
        if wait is not None:
            raise too_many("too_many_attempts", "Too many failed sign-ins", wait)

    async def registering(self, db: Database, address: str) -> None:
        """Count a registration from `address`, before any of its work is done; refuse
        (429) past the allowance. Each counts, successful or not: creating accounts in
        bulk is what is limited."""
        allowance = [(f"register:{address}", self.registrations)]
        wait = await over_allowance(db, allowance, self.registration_window_us)
        if wait is not None:
            raise too_many("too_many_accounts", "Too many new accounts from here", wait)

    async def succeeded(self, tx: Tx, handle: str, address: str) -> None:
        """Take a successful sign-in's attempt back from every key it was counted on."""
        await tx.conn.execute(
            update(login_attempts)
            .where(
                login_attempts.c.key.in_(self.keys(handle, address)),
                login_attempts.c.attempts > 0,
            )
            .values(attempts=login_attempts.c.attempts - 1)
        )


def seconds_left(starts: list[int], window_us: int, now: int) -> int | None:
    """Whole seconds until the latest of these fixed windows ends; None for no window."""
    return -(-(max(starts) + window_us - now) // 1_000_000) if starts else None


async def over_allowance(
    db: Database, allowances: list[tuple[str, int]], window_us: int
) -> int | None:
    """Count one more on each key in its fixed window, atomically in the database (so
    every server process counts the same), in one transaction; the seconds to wait when
    a key is past its allowance, else None."""
    now = now_us()
    async with db.write() as tx:
        count = _count(tx.conn.dialect.name, window_us)
        counted = [
            (*(await tx.conn.execute(count, {"key": key, "now": now})).one(), allowance)
            for key, allowance in allowances
        ]
    return seconds_left([start for n, start, allowance in counted if n > allowance], window_us, now)


def too_many(code: str, said: str, wait: int) -> AppError:
    """A 429 that says when to try again, in its sentence and in Retry-After."""
    return AppError(429, code, f"{said}. Try again in {wait} seconds.", {"Retry-After": str(wait)})


@functools.cache
def _count(dialect: str, window_us: int) -> Executable:
    """One more attempt on `:key` at `:now`: a new window once the last one has passed."""
    stmt = upsert(dialect, login_attempts).values(
        key=bindparam("key"), window_start=bindparam("now"), attempts=1
    )
    stale = login_attempts.c.window_start <= stmt.excluded.window_start - window_us
    return stmt.on_conflict_do_update(
        index_elements=[login_attempts.c.key],
        set_={
            "attempts": case((stale, 1), else_=login_attempts.c.attempts + 1),
            "window_start": case(
                (stale, stmt.excluded.window_start), else_=login_attempts.c.window_start
            ),
        },
    ).returning(login_attempts.c.attempts, login_attempts.c.window_start)
