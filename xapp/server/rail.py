"""The bank rail: how money enters and leaves xapp through people's banks.

`Rail` is the seam a real provider (an ACH or open-banking API) would fill: link a bank
account, submit an order, and later say what became of it (`answers`). xapp books each
answer and acknowledges it (`told`) in one transaction, so an answer delivered twice is
booked once (a real provider redelivers its webhooks the same way).

`SandboxRail` is the rail xapp ships: a bank with its own books in the database (so
every server process sees one bank, and it outlives restarts) and its own clock (the
server's by default; tests move it). It answers `settle_seconds` after an order, and
behaves by the account number's last digits, as test banks do:

- ...0001: the bank refuses the order when it answers ("Account closed");
- ...0002: it settles, then comes back `return_seconds` later, as an ACH return does
  (a deposit: "R01 Insufficient funds"; a withdrawal: "R03 No account/unable to locate");
- anything else settles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from sqlalchemy import and_, or_, select, update

from xapp.api.models import Money
from xapp.server.clock import now_us
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError
from xapp.server.schema import new_id, rail_accounts, rail_orders

Direction = Literal["in", "out"]
AnswerKind = Literal["settled", "failed", "returned"]

FAILS = "0001"
RETURNED = "0002"

_BANKS = {
    "021000021": "JPMorgan Chase",
    "026009593": "Bank of America",
    "121000248": "Wells Fargo",
    "011000015": "Federal Reserve Bank",
    "110000000": "Sandbox Bank",
}
_RETURN_REASONS = {"in": "R01 Insufficient funds", "out": "R03 No account/unable to locate"}


@dataclass(frozen=True)
class Linked:
    token: str
    bank_name: str
    last4: str


@dataclass(frozen=True)
class Answer:
    ref: str
    kind: AnswerKind
    reason: str | None = None


class Rail(Protocol):
    async def link(self, tx: Tx, routing: str, number: str) -> Linked:
        """Check the account with its bank; a refusal is an AppError with a sentence."""
        ...

    async def submit(self, tx: Tx, token: str, direction: Direction, amount: Money) -> str:
        """Order money in (pull from the bank) or out (push to it); returns its ref."""
        ...

    async def answers(self, conn: Conn, limit: int = 200) -> list[Answer]:
        """What the bank has to say that xapp has not acknowledged yet."""
        ...

    async def told(self, tx: Tx, answer: Answer) -> None:
        """xapp booked this answer: do not deliver it again."""
        ...


def routing_number_valid(routing: str) -> bool:
    """The ABA checksum: 3, 7, 1 weights over the nine digits sum to a multiple of 10."""
    digits = [int(c) for c in routing]
    weights = [3, 7, 1] * 3
    return len(digits) == 9 and sum(d * w for d, w in zip(digits, weights, strict=True)) % 10 == 0


@dataclass
class SandboxRail:
    settle_seconds: float
    return_seconds: float
    clock: Callable[[], int] = now_us

    async def link(self, tx: Tx, routing: str, number: str) -> Linked:
        if not routing_number_valid(routing):
            raise AppError(
                422, "bad_routing_number", "That routing number isn't valid: check its 9 digits"
            )
        token = new_id()
        await tx.conn.execute(
            rail_accounts.insert().values(token=token, number=number, routing=routing)
        )
        bank = _BANKS.get(routing, f"Bank {routing[:4]}")
        return Linked(token=token, bank_name=bank, last4=number[-4:])

    async def submit(self, tx: Tx, token: str, direction: Direction, amount: Money) -> str:
        number = await tx.conn.scalar(
            select(rail_accounts.c.number).where(rail_accounts.c.token == token)
        )
        if number is None:
            raise AppError(409, "bank_unknown", "Your bank account is no longer linked")
        now = self.clock()
        outcome = {FAILS: "fail", RETURNED: "return"}.get(number[-4:], "settle")
        answer_at = now + round(self.settle_seconds * 1_000_000)
        ref = new_id()
        await tx.conn.execute(
            rail_orders.insert().values(
                ref=ref,
                token=token,
                direction=direction,
                amount=amount.amount,
                currency=amount.currency,
                outcome=outcome,
                answer_at=answer_at,
                return_at=(
                    answer_at + round(self.return_seconds * 1_000_000)
                    if outcome == "return"
                    else None
                ),
                told="nothing",
            )
        )
        return ref

    async def answers(self, conn: Conn, limit: int = 200) -> list[Answer]:
        now = self.clock()
        o = rail_orders.c
        rows = await conn.execute(
            select(o.ref, o.outcome, o.told, o.direction)
            .where(
                or_(
                    and_(o.told == "nothing", o.answer_at <= now),
                    and_(o.told == "settled", o.outcome == "return", o.return_at <= now),
                )
            )
            .order_by(o.answer_at)
            .limit(limit)
        )
        found = []
        for ref, outcome, told, direction in rows:
            if told == "settled":
                found.append(Answer(ref, "returned", _RETURN_REASONS[direction]))
            elif outcome == "fail":
                found.append(Answer(ref, "failed", "Account closed"))
            else:
                found.append(Answer(ref, "settled"))
        return found

    async def told(self, tx: Tx, answer: Answer) -> None:
        before = "settled" if answer.kind == "returned" else "nothing"
        await tx.conn.execute(
            update(rail_orders)
            .where(rail_orders.c.ref == answer.ref, rail_orders.c.told == before)
            .values(told=answer.kind)
        )
