"""The double-entry ledger (DESIGN.md principle 4).

Every movement is one transfer with two postings that sum to zero. Money from outside
comes through the `bank_clearing` system account, which may go negative: its balance is
what the simulated bank has sent in. So the sum over all ledger accounts is zero at every
instant, and `xapp audit` can prove it.

No overdraft is enforced by the database: the debit is a guarded UPDATE
(`... WHERE balance >= amount`) inside the transaction, backed by a CHECK constraint.
Balances are updated in ledger-account-id order so concurrent writers on PostgreSQL lock
rows in one order and cannot deadlock.
"""

from __future__ import annotations

from sqlalchemy import Row, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from xapp.api.models import Account, Money, Page, Transfer, TransferEvent
from xapp.api.money import format_amount
from xapp.server import events
from xapp.server.db import Tx
from xapp.server.errors import AppError
from xapp.server.pages import Cursor
from xapp.server.schema import ledger_accounts, new_id, now_us, postings, to_datetime, transfers

DEFAULT_CURRENCY = "USD"
BANK_CLEARING = "bank_clearing"


def _user_key(owner_id: str, currency: str) -> str:
    return f"user:{owner_id}:{currency}"


async def open_user_account(tx: Tx, owner_id: str, currency: str) -> str:
    ledger_id = new_id()
    await tx.conn.execute(
        ledger_accounts.insert().values(
            id=ledger_id,
            key=_user_key(owner_id, currency),
            owner_id=owner_id,
            currency=currency,
            balance=0,
            allow_negative=False,
        )
    )
    return ledger_id


async def _account_id(conn: AsyncConnection, key: str) -> str | None:
    return await conn.scalar(select(ledger_accounts.c.id).where(ledger_accounts.c.key == key))


async def _system_account(tx: Tx, code: str, currency: str) -> str:
    key = f"system:{code}:{currency}"
    existing = await _account_id(tx.conn, key)
    if existing:
        return existing
    ledger_id = new_id()
    await tx.conn.execute(
        ledger_accounts.insert().values(
            id=ledger_id, key=key, owner_id=None, currency=currency, balance=0, allow_negative=True
        )
    )
    return ledger_id


async def _user_account(tx: Tx, owner_id: str, currency: str) -> str:
    return await _account_id(tx.conn, _user_key(owner_id, currency)) or await open_user_account(
        tx, owner_id, currency
    )


async def balances(conn: AsyncConnection, owner_id: str) -> list[Money]:
    rows = await conn.execute(
        select(ledger_accounts.c.balance, ledger_accounts.c.currency)
        .where(ledger_accounts.c.owner_id == owner_id)
        .order_by(ledger_accounts.c.currency)
    )
    return [Money(amount=b, currency=c) for b, c in rows]


async def _post(tx: Tx, debit_id: str, credit_id: str, amount: Money) -> dict[str, int]:
    """Apply both postings' balance changes; returns the new balances by ledger id."""
    new_balances: dict[str, int] = {}
    for ledger_id, delta in sorted([(debit_id, -amount.amount), (credit_id, amount.amount)]):
        new_balance = await tx.conn.scalar(
            update(ledger_accounts)
            .where(
                ledger_accounts.c.id == ledger_id,
                or_(ledger_accounts.c.allow_negative, ledger_accounts.c.balance + delta >= 0),
            )
            .values(balance=ledger_accounts.c.balance + delta)
            .returning(ledger_accounts.c.balance)
        )
        if new_balance is None:
            have = await tx.conn.scalar(
                select(ledger_accounts.c.balance).where(ledger_accounts.c.id == ledger_id)
            )
            raise InsufficientFunds(have or 0, amount)
        new_balances[ledger_id] = new_balance
    return new_balances


class InsufficientFunds(AppError):
    def __init__(self, balance: int, amount: Money) -> None:
        have = format_amount(balance, amount.currency)
        need = format_amount(amount.amount, amount.currency)
        super().__init__(
            422,
            "insufficient_funds",
            f"Insufficient funds: your balance is {have}, this payment is {need}",
        )


async def _move(
    tx: Tx,
    *,
    kind: str,
    debit_id: str,
    credit_id: str,
    sender: Account | None,
    recipient: Account,
    amount: Money,
    note: str,
) -> Transfer:
    new_balances = await _post(tx, debit_id, credit_id, amount)
    transfer_id = new_id()
    created = now_us()
    await tx.conn.execute(
        transfers.insert().values(
            id=transfer_id,
            kind=kind,
            status="completed",
            debit_account_id=debit_id,
            credit_account_id=credit_id,
            sender_id=sender.id if sender else None,
            recipient_id=recipient.id,
            amount=amount.amount,
            currency=amount.currency,
            note=note,
            created_at=created,
        )
    )
    await tx.conn.execute(
        postings.insert(),
        [
            {
                "transfer_id": transfer_id,
                "ledger_account_id": ledger_id,
                "amount": delta,
                "currency": amount.currency,
            }
            for ledger_id, delta in ((debit_id, -amount.amount), (credit_id, amount.amount))
        ],
    )
    transfer = Transfer(
        id=transfer_id,
        kind=kind,  # type: ignore[arg-type]
        sender=sender,
        recipient=recipient,
        amount=amount,
        note=note,
        status="completed",
        created_at=to_datetime(created),
    )
    parties = [(recipient, credit_id)] + ([(sender, debit_id)] if sender else [])
    for party, ledger_id in parties:
        balance = Money(amount=new_balances[ledger_id], currency=amount.currency)
        await events.append(
            tx, party.id, "transfer.completed", TransferEvent(transfer=transfer, balance=balance)
        )
    return transfer


async def deposit(tx: Tx, account: Account, amount: Money) -> Transfer:
    """Money in from the simulated bank: instant for now (a bank rail comes later)."""
    return await _move(
        tx,
        kind="deposit",
        debit_id=await _system_account(tx, BANK_CLEARING, amount.currency),
        credit_id=await _user_account(tx, account.id, amount.currency),
        sender=None,
        recipient=account,
        amount=amount,
        note="Deposit from bank",
    )


async def transfer(
    tx: Tx, sender: Account, recipient: Account, amount: Money, note: str
) -> Transfer:
    if sender.id == recipient.id:
        raise AppError(422, "cannot_pay_self", "You can't send money to yourself")
    return await _move(
        tx,
        kind="transfer",
        debit_id=await _user_account(tx, sender.id, amount.currency),
        credit_id=await _user_account(tx, recipient.id, amount.currency),
        sender=sender,
        recipient=recipient,
        amount=amount,
        note=note,
    )


def _to_transfer(row: Row, people: dict[str, Account]) -> Transfer:
    return Transfer(
        id=row.id,
        kind=row.kind,
        sender=people.get(row.sender_id) if row.sender_id else None,
        recipient=people[row.recipient_id],
        amount=Money(amount=row.amount, currency=row.currency),
        note=row.note,
        status=row.status,
        created_at=to_datetime(row.created_at),
    )


async def history(conn: AsyncConnection, account_id: str, cursor: Cursor) -> Page[Transfer]:
    from xapp.server import accounts  # accounts imports ledger to open wallets

    rows, next_cursor = await cursor.fetch(
        conn,
        select(transfers).where(
            or_(transfers.c.sender_id == account_id, transfers.c.recipient_id == account_id)
        ),
        transfers.c.pk,
    )
    people = await accounts.by_ids(
        conn, {r.recipient_id for r in rows} | {r.sender_id for r in rows if r.sender_id}
    )
    return Page[Transfer](items=[_to_transfer(r, people) for r in rows], next=next_cursor)
