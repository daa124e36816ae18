"""`xapp audit`: proves the ledger's invariants from the database itself.

1. every transfer's postings sum to zero;
2. the sum over all ledger accounts is zero (per currency);
3. every stored balance equals the sum of its postings;
4. no account that may not go negative is negative.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from xapp.server.db import Database
from xapp.server.schema import ledger_accounts, postings, transfers


@dataclass
class AuditReport:
    transfers: int = 0
    accounts: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        head = f"checked {self.transfers} transfers and {self.accounts} ledger accounts"
        if self.ok:
            return f"ledger OK: {head}; every invariant holds"
        return "\n".join([f"LEDGER BROKEN: {head}", *(f"  - {p}" for p in self.problems)])


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
    return report
