"""Money between a person's wallet and their own bank, over the rail (`rail.Rail`).

A person links one bank account (xapp keeps its holder, bank and last four digits; the
rail keeps the number). A deposit is a pending transfer from the bank's clearing into
`bank_incoming`: it shows as pending and cannot be spent until the rail settles it,
when it moves on to the person's cash (or, failed, back to the clearing). A withdrawal
is money out like any payment (`money_out.Withdrawal`: the PIN and every rule), held in
`bank_outgoing` at once, then posted to the bank or voided back when the rail answers.
A settled transfer the bank sends back later (an ACH return) is booked as a `return`
transfer (`payments.bank_return`).

Each answer is booked by a guarded update of the bank transfer's status in the same
transaction as its ledger moves and the rail's acknowledgement, so an answer delivered
twice, or raced by two server processes, moves money once.

Outside the demo world and tests (`instant_deposits`), the rail is the only way money
enters xapp.
"""

from __future__ import annotations

from sqlalchemy import Row, delete, func, select, update

from xapp.api.models import Account, BankAccount, BankTransfer, LinkBankAccount, Money, Transfer
from xapp.server import payments
from xapp.server.clock import now_us
from xapp.server.db import Conn, Database, Tx
from xapp.server.errors import AppError
from xapp.server.rail import Answer, Direction, Rail
from xapp.server.schema import bank_links, bank_transfers, to_datetime

NO_BANK = AppError(409, "no_bank_account", "Link a bank account first (b in the wallet)")


def _shown(row: Row) -> BankAccount:
    return BankAccount(holder=row.holder, bank_name=row.bank_name, last4=row.last4)


async def link(tx: Tx, rail: Rail, me: Account, body: LinkBankAccount) -> BankAccount:
    """Link `me`'s bank account, replacing the one linked before."""
    linked = await rail.link(tx, body.routing_number, body.account_number)
    await tx.conn.execute(delete(bank_links).where(bank_links.c.account_id == me.id))
    values = {
        "account_id": me.id,
        "holder": body.holder,
        "bank_name": linked.bank_name,
        "last4": linked.last4,
        "rail_token": linked.token,
        "created_at": now_us(),
    }
    await tx.conn.execute(bank_links.insert().values(**values))
    return BankAccount(holder=body.holder, bank_name=linked.bank_name, last4=linked.last4)


async def unlink(tx: Tx, me: Account) -> None:
    """Forget the linked account; transfers already sent still finish."""
    await tx.conn.execute(delete(bank_links).where(bank_links.c.account_id == me.id))


async def _link_row(conn: Conn, me: Account) -> Row | None:
    return (await conn.execute(select(bank_links).where(bank_links.c.account_id == me.id))).first()


async def linked(conn: Conn, me: Account) -> BankAccount | None:
    row = await _link_row(conn, me)
    return _shown(row) if row else None


async def require_link(conn: Conn, me: Account) -> Row:
    row = await _link_row(conn, me)
    if row is None:
        raise NO_BANK
    return row


def describe(row: Row) -> str:
    return f"{row.bank_name} ••{row.last4}"


async def _record(tx: Tx, rail: Rail, me: Account, sent: Transfer, token: str) -> None:
    direction: Direction = "out" if sent.kind == "withdrawal" else "in"
    ref = await rail.submit(tx, token, direction, sent.amount)
    now = now_us()
    await tx.conn.execute(
        bank_transfers.insert().values(
            id=sent.id,
            account_id=me.id,
            direction=direction,
            amount=sent.amount.amount,
            currency=sent.amount.currency,
            status="pending",
            rail_ref=ref,
            created_at=now,
            updated_at=now,
        )
    )


async def deposit(tx: Tx, rail: Rail, me: Account, amount: Money) -> Transfer:
    """Pull `amount` from the linked bank: pending until the rail settles it."""
    bank = await require_link(tx.conn, me)
    sent = await payments.deposit(tx, me, amount, note=f"From {describe(bank)}", pending=True)
    await _record(tx, rail, me, sent, bank.rail_token)
    return sent


async def withdrawn(tx: Tx, rail: Rail, me: Account, sent: Transfer) -> None:
    """Send a withdrawal `money_out` has just held to the bank."""
    bank = await require_link(tx.conn, me)
    await _record(tx, rail, me, sent, bank.rail_token)


_NEXT = {"settled": "pending", "failed": "pending", "returned": "settled"}
"""Each answer, and the status it moves a bank transfer on from."""


async def book(tx: Tx, rail: Rail, answer: Answer) -> bool:
    """Book one answer from the rail and acknowledge it; False if it was booked before."""
    moved = (
        await tx.conn.execute(
            update(bank_transfers)
            .where(
                bank_transfers.c.rail_ref == answer.ref,
                bank_transfers.c.status == _NEXT[answer.kind],
            )
            .values(status=answer.kind, reason=answer.reason, updated_at=now_us())
            .returning(bank_transfers.c.id)
        )
    ).first()
    await rail.told(tx, answer)
    if moved is None:
        return False
    if answer.kind == "returned":
        await payments.bank_return(tx, moved.id, answer.reason or "returned")
    else:
        await payments.bank_answered(tx, moved.id, settled=answer.kind == "settled")
    return True


async def book_answers(db: Database, rail: Rail) -> int:
    """Book what the rail has said since the last look, one answer per transaction."""
    async with db.read() as conn:
        answers = await rail.answers(conn)
    booked = 0
    for answer in answers:
        async with db.write() as tx:
            booked += await book(tx, rail, answer)
    return booked


async def in_flight(conn: Conn, me: Account) -> tuple[list[Money], list[Money]]:
    """Deposits on their way in, and withdrawals on their way out, per currency."""
    rows = await conn.execute(
        select(
            bank_transfers.c.direction, bank_transfers.c.currency, func.sum(bank_transfers.c.amount)
        )
        .where(bank_transfers.c.account_id == me.id, bank_transfers.c.status == "pending")
        .group_by(bank_transfers.c.direction, bank_transfers.c.currency)
        .order_by(bank_transfers.c.currency)
    )
    coming: list[Money] = []
    going: list[Money] = []
    for direction, currency, total in rows:
        (coming if direction == "in" else going).append(Money(amount=int(total), currency=currency))
    return coming, going


async def recent(conn: Conn, me: Account, limit: int = 20) -> list[BankTransfer]:
    rows = await conn.execute(
        select(bank_transfers)
        .where(bank_transfers.c.account_id == me.id)
        .order_by(bank_transfers.c.pk.desc())
        .limit(limit)
    )
    return [
        BankTransfer(
            id=r.id,
            direction=r.direction,
            amount=Money(amount=r.amount, currency=r.currency),
            status=r.status,
            reason=r.reason,
            created_at=to_datetime(r.created_at),
            updated_at=to_datetime(r.updated_at),
        )
        for r in rows
    ]
