"""`xapp audit`: proves the ledger's invariants from the database itself.

1. every transfer's postings sum to zero;
2. the sum over all ledger accounts is zero (per currency);
3. every stored balance equals the sum of its postings;
4. no account that may not go negative is negative;
5. every hold (the undo window's, the bank rail's both ways) holds exactly its pending
   transfers;
6. every savings position's dividends paid are its dividend transfers, and the interest
   expense is all of them;
7. every creator month pays out what it was funded with, less what it carries on, and
   the creator fund has paid exactly the creator payouts;
8. the operators' log is whole: each entry's hash covers the one before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from xapp.server import ledger, operators
from xapp.server.db import Conn, Database
from xapp.server.payments import BANK_HOLDS
from xapp.server.schema import (
    bank_transfers,
    creator_months,
    ledger_accounts,
    minted,
    postings,
    savings_positions,
    transfers,
)


@dataclass
class AuditReport:
    transfers: int = 0
    accounts: int = 0
    problems: list[str] = field(default_factory=list)
    minted: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)
    """Money that entered with no bank, by why: (deposits, total per currency)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        head = f"checked {self.transfers} transfers and {self.accounts} ledger accounts"
        notes = [
            f"  note: {count} deposits came with no bank behind them ({why.replace('_', ' ')}): "
            + ", ".join(f"{total} {currency}" for currency, total in sorted(totals.items()))
            for why, (count, totals) in sorted(self.minted.items())
        ]
        if self.ok:
            return "\n".join([f"ledger OK: {head}; every invariant holds", *notes])
        lines = [f"LEDGER BROKEN: {head}", *(f"  - {p}" for p in self.problems), *notes]
        return "\n".join(lines)


async def audit(db: Database) -> AuditReport:
    report = AuditReport()
    async with db.read(snapshot=True) as conn:  # one snapshot for every check
        report.transfers = await conn.scalar(select(func.count()).select_from(transfers)) or 0
        report.accounts = await conn.scalar(select(func.count()).select_from(ledger_accounts)) or 0

        unbalanced = await conn.execute(
            select(postings.c.transfer_id, func.sum(postings.c.amount))
            .group_by(postings.c.transfer_id)
            .having(func.sum(postings.c.amount) != 0)
        )
        for transfer_id, total in unbalanced:
            report.problems.append(f"transfer {transfer_id} postings sum to {total}, not 0")

        no_postings = await conn.execute(
            select(transfers.c.id).where(
                ~transfers.c.id.in_(select(postings.c.transfer_id).distinct())
            )
        )
        for (transfer_id,) in no_postings:
            report.problems.append(f"transfer {transfer_id} has no postings")

        totals = await conn.execute(
            select(ledger_accounts.c.currency, func.sum(ledger_accounts.c.balance)).group_by(
                ledger_accounts.c.currency
            )
        )
        for currency, total in totals:
            if total != 0:
                report.problems.append(f"{currency} accounts sum to {total}, not 0")

        posted = (
            select(postings.c.ledger_account_id, func.sum(postings.c.amount).label("total"))
            .group_by(postings.c.ledger_account_id)
            .subquery()
        )
        rows = await conn.execute(
            select(
                ledger_accounts.c.key,
                ledger_accounts.c.balance,
                ledger_accounts.c.allow_negative,
                func.coalesce(posted.c.total, 0),
            ).outerjoin(posted, posted.c.ledger_account_id == ledger_accounts.c.id)
        )
        for key, balance, allow_negative, total in rows:
            if balance != total:
                report.problems.append(f"{key} balance {balance} != postings total {total}")
            if balance < 0 and not allow_negative:
                report.problems.append(f"{key} is overdrawn: {balance}")
        await _holds(conn, report)
        await _dividends(conn, report)
        await _creator_months(conn, report)
        report.problems += await operators.verify_log(conn)
        await _money_from_nowhere(conn, report)
    return report


async def _holds(conn: Conn, report: AuditReport) -> None:
    """A hold account's balance is what its pending transfers put there, no more."""
    held: dict[str, dict[str, int]] = {ledger.PENDING: {}}
    held |= {code: {} for code in BANK_HOLDS.values()}
    rows = await conn.execute(
        select(transfers.c.kind, transfers.c.currency, func.sum(transfers.c.amount))
        .where(transfers.c.status == "pending")
        .group_by(transfers.c.kind, transfers.c.currency)
    )
    for kind, currency, total in rows:
        code = BANK_HOLDS.get(kind, ledger.PENDING)
        held[code][currency] = held[code].get(currency, 0) + int(total)
    for code, by_currency in held.items():
        accounts = await conn.execute(
            select(ledger_accounts.c.currency, ledger_accounts.c.balance).where(
                ledger_accounts.c.key.startswith(f"system:{code}:")
            )
        )
        for currency, balance in accounts:
            expected = by_currency.get(currency, 0)
            if balance != expected:
                report.problems.append(
                    f"system:{code}:{currency} holds {balance}, its pending transfers {expected}"
                )


async def _dividends(conn: Conn, report: AuditReport) -> None:
    paid = dict(
        (
            await conn.execute(
                select(transfers.c.credit_account_id, func.sum(transfers.c.amount))
                .where(transfers.c.kind == "dividend")
                .group_by(transfers.c.credit_account_id)
            )
        ).all()
    )
    positions = await conn.execute(
        select(savings_positions.c.ledger_account_id, savings_positions.c.earned)
    )
    for ledger_id, earned in positions:
        if earned != int(paid.get(ledger_id, 0)):
            report.problems.append(
                f"savings {ledger_id} earned {earned}, its dividends {paid.get(ledger_id, 0)}"
            )
    expense = await conn.scalar(
        select(func.sum(ledger_accounts.c.balance)).where(
            ledger_accounts.c.key.startswith(f"system:{ledger.INTEREST_EXPENSE}:")
        )
    )
    total = sum(int(v) for v in paid.values())
    if int(expense or 0) != -total:
        report.problems.append(f"interest expense is {expense}, dividends paid {total}")


async def _creator_months(conn: Conn, report: AuditReport) -> None:
    months = await conn.execute(
        select(
            creator_months.c.month,
            creator_months.c.pool,
            creator_months.c.carried_in,
            creator_months.c.paid,
            creator_months.c.carried_out,
        )
    )
    for month, pool, carried_in, paid, carried_out in months:
        if paid + carried_out != pool + carried_in:
            report.problems.append(
                f"creator month {month} paid {paid} + carried {carried_out}, "
                f"funded {pool} + {carried_in}"
            )
    paid_out = await conn.scalar(
        select(func.coalesce(func.sum(transfers.c.amount), 0)).where(
            transfers.c.kind == "creator_payout"
        )
    )
    fund = await conn.scalar(
        select(func.coalesce(func.sum(ledger_accounts.c.balance), 0)).where(
            ledger_accounts.c.key.startswith(f"system:{ledger.CREATOR_FUND}:")
        )
    )
    if int(fund) != -int(paid_out):
        report.problems.append(f"the creator fund is {fund}, creator payouts {paid_out}")


async def _money_from_nowhere(conn: Conn, report: AuditReport) -> None:
    """Every deposit came through the bank rail, or is recorded as minted (the demo seed,
    instant deposits in tests), which the report names; any other is money from
    nowhere (a row written past the application, say)."""
    rows = await conn.execute(
        select(transfers.c.id, transfers.c.amount, transfers.c.currency, minted.c.reason)
        .outerjoin(minted, minted.c.transfer_id == transfers.c.id)
        .outerjoin(bank_transfers, bank_transfers.c.id == transfers.c.id)
        .where(transfers.c.kind == "deposit", bank_transfers.c.id.is_(None))
    )
    for transfer_id, amount, currency, reason in rows:
        if reason is None:
            report.problems.append(
                f"deposit {transfer_id} ({amount} {currency}) came from nowhere: "
                "no bank transfer and not recorded as minted"
            )
            continue
        count, totals = report.minted.get(reason, (0, {}))
        totals[currency] = totals.get(currency, 0) + amount
        report.minted[reason] = (count + 1, totals)
