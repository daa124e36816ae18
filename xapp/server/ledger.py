"""The double-entry ledger (DESIGN.md principle 4): ledger accounts and postings.

Every movement is a pair of postings that sum to zero, attached to a transfer. Money
from outside comes through the `bank_clearing` system account, which may go negative:
its balance is what the bank rail has sent in, less what went back out. A few other
system accounts may go negative too, each the platform's side of something it pays
for: `interest_expense` (savings dividends), `bank_returns_loss` (a returned deposit
already spent), the FX desk `fx` (a currency it sold) and `creator_fund` (creator
payouts). Every other account, a
person's cash (`user:`) and savings (`savings:`) among them, never goes below zero.

A two-phase transfer first moves the money into a hold (`pending_payments` for the undo
window, `bank_incoming` or `bank_outgoing` while the bank rail works), then either on
to the payee (post) or back to the payer (void); each phase is its own balanced pair.
So the sum over all ledger accounts is zero at every instant, and `xapp audit` can
prove it.

No overdraft is enforced by the database: the debit is a guarded UPDATE
(`... WHERE balance >= amount`) inside the transaction, backed by a CHECK constraint.
Balances are updated in ledger-account-id order so concurrent writers on PostgreSQL lock
rows in one order and cannot deadlock.

This module knows money, not people: `payments` decides who pays whom and why.
"""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select, update

from xapp.api.models import Money
from xapp.api.money import format_amount
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError
from xapp.server.schema import ledger_accounts, new_id, postings

DEFAULT_CURRENCY = "USD"
BANK_CLEARING = "bank_clearing"
PENDING = "pending_payments"
BANK_INCOMING = "bank_incoming"
"""Deposits the rail has not settled yet: not the person's until it does."""
BANK_OUTGOING = "bank_outgoing"
"""Withdrawals held until the rail answers."""
INTEREST_EXPENSE = "interest_expense"
RETURNS_LOSS = "bank_returns_loss"
FX_DESK = "fx"
FX_FEES = "fx_fees"
CREATOR_FUND = "creator_fund"
MAY_GO_NEGATIVE = frozenset({BANK_CLEARING, INTEREST_EXPENSE, RETURNS_LOSS, FX_DESK, CREATOR_FUND})
SAVINGS_CURRENCY = "USD"
"""The money-market fund is a USD fund."""


class InsufficientFunds(AppError):
    def __init__(self, balance: int, amount: Money) -> None:
        have = format_amount(balance, amount.currency)
        need = format_amount(amount.amount, amount.currency)
        super().__init__(
            422,
            "insufficient_funds",
            f"Insufficient funds: your balance is {have}, this payment is {need}",
        )


def _user_key(owner_id: str, currency: str) -> str:
    return f"user:{owner_id}:{currency}"


async def _insert(tx: Tx, key: str, owner_id: str | None, currency: str, overdraw: bool) -> str:
    ledger_id = new_id()
    await tx.conn.execute(
        ledger_accounts.insert().values(
            id=ledger_id,
            key=key,
            owner_id=owner_id,
            currency=currency,
            balance=0,
            allow_negative=overdraw,
        )
    )
    return ledger_id


async def open_user_account(tx: Tx, owner_id: str, currency: str) -> str:
    return await _insert(tx, _user_key(owner_id, currency), owner_id, currency, overdraw=False)


_BY_KEY = select(ledger_accounts.c.id).where(ledger_accounts.c.key == bindparam("key"))


async def _account_id(conn: Conn, key: str) -> str | None:
    return await conn.scalar(_BY_KEY, {"key": key})


async def system_account(tx: Tx, code: str, currency: str) -> str:
    """A system account, made on first use; see the module's note on which may go
    negative."""
    key = f"system:{code}:{currency}"
    return await _account_id(tx.conn, key) or await _insert(
        tx, key, None, currency, overdraw=code in MAY_GO_NEGATIVE
    )


async def user_account(tx: Tx, owner_id: str, currency: str) -> str:
    return await _account_id(tx.conn, _user_key(owner_id, currency)) or await open_user_account(
        tx, owner_id, currency
    )


def savings_key(owner_id: str) -> str:
    return f"savings:{owner_id}:{SAVINGS_CURRENCY}"


async def savings_account(conn: Conn, owner_id: str) -> str | None:
    return await _account_id(conn, savings_key(owner_id))


async def open_savings_account(tx: Tx, owner_id: str) -> str:
    return await _insert(tx, savings_key(owner_id), owner_id, SAVINGS_CURRENCY, overdraw=False)


async def savings_balance(conn: Conn, owner_id: str) -> Money:
    amount = await conn.scalar(
        select(ledger_accounts.c.balance).where(ledger_accounts.c.key == savings_key(owner_id))
    )
    return Money(amount=amount or 0, currency=SAVINGS_CURRENCY)


async def balances(conn: Conn, owner_id: str) -> list[Money]:
    """A person's cash, per currency (savings is its own position: `savings`)."""
    rows = await conn.execute(
        select(ledger_accounts.c.balance, ledger_accounts.c.currency)
        .where(ledger_accounts.c.owner_id == owner_id, ledger_accounts.c.key.startswith("user:"))
        .order_by(ledger_accounts.c.currency)
    )
    return [Money(amount=b, currency=c) for b, c in rows]


async def balance(conn: Conn, owner_id: str, currency: str) -> Money:
    amount = await conn.scalar(
        select(ledger_accounts.c.balance).where(
            ledger_accounts.c.key == _user_key(owner_id, currency)
        )
    )
    return Money(amount=amount or 0, currency=currency)


async def move(
    tx: Tx, transfer_id: str, debit_id: str, credit_id: str, amount: Money
) -> dict[str, int]:
    """Post one balanced pair for `transfer_id`: `amount` out of debit, into credit.
    Returns both accounts' new balances (the events that follow announce them)."""
    legs = sorted([(debit_id, -amount.amount), (credit_id, amount.amount)])
    balances: dict[str, int] = {}
    for ledger_id, delta in legs:
        balance = await tx.conn.scalar(_MOVE, {"ledger_id": ledger_id, "delta": delta})
        if balance is None:
            have = await tx.conn.scalar(
                select(ledger_accounts.c.balance).where(ledger_accounts.c.id == ledger_id)
            )
            raise InsufficientFunds(have or 0, amount)
        balances[ledger_id] = balance
    await tx.conn.execute(
        postings.insert(),
        [
            {
                "transfer_id": transfer_id,
                "ledger_account_id": ledger_id,
                "amount": delta,
                "currency": amount.currency,
            }
            for ledger_id, delta in legs
        ],
    )
    return balances


# Every payment runs it twice: built once (see db.py).
_MOVE = (
    update(ledger_accounts)
    .where(
        ledger_accounts.c.id == bindparam("ledger_id"),
        or_(
            ledger_accounts.c.allow_negative,
            ledger_accounts.c.balance + bindparam("delta") >= 0,
        ),
    )
    .values(balance=ledger_accounts.c.balance + bindparam("delta"))
    .returning(ledger_accounts.c.balance)
)
