"""The payments PIN: a second secret that money needs, separate from the session token.

A stolen token can read, but cannot move money once a PIN is set. The PIN is hashed
with argon2id like a password, and 4-6 digits are few, so guessing is bounded in the
database: an attempt is counted (`pin_attempts`) before the hash is checked, at most
`ATTEMPTS` may be counted at once, and the last wrong one locks payments for
`LOCK_SECONDS`. Counting first means a burst of concurrent guesses gets no more tries
than a patient guesser.

Passing the check yields an `Authorized`, and money can only leave an account with one
(`money_out.send` requires it). Only this module makes them: `authorize` after checking
the PIN (outside the single writer's transaction: the argon2 check takes tens of
milliseconds), `pinless` for an account that has none (the demo world's scripted
people). A later path that acts on a PIN given earlier (a scheduled payment) gets its
`Authorized` here too, from the record of that earlier check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Header
from sqlalchemy import bindparam, select, update

from xapp.api.models import PIN_HEADER, Account
from xapp.server.auth import Passwords
from xapp.server.clock import now_us
from xapp.server.db import Conn, Database
from xapp.server.deps import CurrentAccount, Db, Hasher
from xapp.server.errors import AppError
from xapp.server.openapi import answers
from xapp.server.schema import accounts

ATTEMPTS = 5
LOCK_SECONDS = 15 * 60

_SEAL = object()


@dataclass(frozen=True)
class Authorized:
    """Proof that `account` may move its money now: its payments PIN was checked, or it
    has none. Made only in this module (the seal), so holding one means a check ran."""

    account: Account
    seal: object = field(repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.seal is not _SEAL:
            raise TypeError("Only xapp.server.pins makes an Authorized")


def _pin_required() -> AppError:
    return AppError(403, "pin_required", "This payment needs your payments PIN")


def _locked(until_us: int) -> AppError:
    minutes = max(1, -(-(until_us - now_us()) // 60_000_000))
    return AppError(
        423,
        "payments_locked",
        f"Payments are locked after {ATTEMPTS} wrong PINs. Try again in {minutes} minutes.",
    )


async def set_pin(db: Database, passwords: Passwords, me: Account, password: str, pin: str) -> None:
    """Set or change the PIN; the password proves it is the owner, not a stolen token."""
    async with db.read() as conn:
        password_hash = await conn.scalar(
            select(accounts.c.password_hash).where(accounts.c.id == me.id)
        )
    if not await passwords.verify(password_hash, password):
        raise AppError(403, "wrong_password", "That password is not right")
    pin_hash = await passwords.hash(pin)
    async with db.write() as tx:
        await tx.conn.execute(
            update(accounts)
            .where(accounts.c.id == me.id)
            .values(pin_hash=pin_hash, pin_attempts=0, pin_locked_until=0)
        )


_HAS_PIN = select(accounts.c.pin_hash).where(accounts.c.id == bindparam("account_id"))


async def authorize(db: Database, passwords: Passwords, me: Account, pin: str | None) -> Authorized:
    """`me` may pay if it has no PIN or `pin` is it; otherwise a 403 or 423 that says why.
    Whether it has one is read first, outside the writer: an account without a PIN
    costs its payment no write turn."""
    async with db.read() as conn:
        if await conn.scalar(_HAS_PIN, {"account_id": me.id}) is None:
            return Authorized(me, _SEAL)
    async with db.write() as tx:
        row = (
            await tx.conn.execute(
                select(accounts.c.pin_hash, accounts.c.pin_locked_until).where(
                    accounts.c.id == me.id
                )
            )
        ).one()
        if row.pin_hash is None:
            return Authorized(me, _SEAL)
        if row.pin_locked_until > now_us():
            raise _locked(row.pin_locked_until)
        if not pin:
            raise _pin_required()
        attempt = await tx.conn.scalar(
            update(accounts)
            .where(accounts.c.id == me.id, accounts.c.pin_attempts < ATTEMPTS)
            .values(pin_attempts=accounts.c.pin_attempts + 1)
            .returning(accounts.c.pin_attempts)
        )
        if attempt is None:  # as many guesses as allowed are being checked right now
            raise AppError(
                429, "pin_busy", "Too many PIN attempts at once. Wait a moment and try again."
            )
    right = await passwords.verify(row.pin_hash, pin)
    async with db.write() as tx:
        if right:
            await tx.conn.execute(
                update(accounts).where(accounts.c.id == me.id).values(pin_attempts=0)
            )
            return Authorized(me, _SEAL)
        if attempt >= ATTEMPTS:
            until = now_us() + LOCK_SECONDS * 1_000_000
            await tx.conn.execute(
                update(accounts)
                .where(accounts.c.id == me.id)
                .values(pin_attempts=0, pin_locked_until=until)
            )
    if attempt >= ATTEMPTS:
        raise _locked(until)
    left = ATTEMPTS - attempt
    raise AppError(
        403,
        "wrong_pin",
        f"Wrong PIN. {left} {'try' if left == 1 else 'tries'} left before payments lock "
        f"for {LOCK_SECONDS // 60} minutes.",
    )


async def pinless(conn: Conn, me: Account) -> Authorized:
    """Authorize an account that has no PIN, from inside a transaction (the demo world's
    scripted payments); one with a PIN is refused as if it had sent none."""
    pin_hash = await conn.scalar(select(accounts.c.pin_hash).where(accounts.c.id == me.id))
    if pin_hash is not None:
        raise _pin_required()
    return Authorized(me, _SEAL)


async def standing(conn: Conn, me: Account) -> Authorized:
    """Authorize a payment `me` scheduled with its PIN checked then (`schedules`), unless
    payments are locked now (five wrong PINs since): a lock stops standing orders too."""
    locked_until = await conn.scalar(
        select(accounts.c.pin_locked_until).where(accounts.c.id == me.id)
    )
    if locked_until and locked_until > now_us():
        raise _locked(locked_until)
    return Authorized(me, _SEAL)


@answers(403, 423, 429)  # no PIN or a wrong one, locked, too many checks at once
async def _pin_checked(
    db: Db,
    passwords: Hasher,
    account: CurrentAccount,
    pin: Annotated[str | None, Header(alias=PIN_HEADER)] = None,
) -> Authorized:
    return await authorize(db, passwords, account, pin)


PinChecked = Annotated[Authorized, Depends(_pin_checked)]
"""The signed-in account's authorization to move money: its payments PIN (if it has one)
was checked, from the `Payment-PIN` header."""
