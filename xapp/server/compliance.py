"""Compliance screening inside the money path: monitoring rules as data
(`monitoring_rules`: a code, a description, its numbers as JSON, on or off).

`money_out.send` asks `screen` about every payment, paid request, tip, invoice and
withdrawal (not a refund) before the money moves; a rule that matches holds the transfer
for review (pending, in `pending_payments`, with no release time) and records which rule
in `reviews`, which only operators read: the payer is told the payment is under review
and nothing about why. An operator approves (it goes on to the payee) or rejects (it
comes back) with `xapp admin` (`operators.py`).

The rules, with their numbers from the table:
- `structuring`: this payment and enough others from the payer in the last hours, each
  just under the reporting line (within `band` cents below `line`);
- `rapid_in_out`: a payer whose account is new, sending on most of what it received in the
  last hours;
- `many_payers`: a payee whose account is new, paid by many different people in the last
  hours, for at least `min` cents in all;
- `sanctions`: a payee whose display name, normalised (accents, case, spacing), is on the
  server's list (`ServerSettings.sanctions`).

Frozen accounts (`frozen_accounts`, an operator's doing) may neither send nor receive.
"""

from __future__ import annotations

import json
import unicodedata

from sqlalchemy import func, select

from xapp.api.models import Account
from xapp.server.clock import now_us
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError
from xapp.server.schema import frozen_accounts, monitoring_rules, reviews, transfers

HOUR_US = 3_600_000_000
DAY_US = 24 * HOUR_US


def normalised(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.casefold().split())


async def require_unfrozen(conn: Conn, payer: Account, payee: Account | None) -> None:
    ids = [payer.id] + ([payee.id] if payee is not None and payee.id != payer.id else [])
    frozen = set(
        (
            await conn.execute(
                select(frozen_accounts.c.account_id).where(frozen_accounts.c.account_id.in_(ids))
            )
        ).scalars()
    )
    if payer.id in frozen:
        raise AppError(403, "frozen", "Your account is frozen: contact support")
    if payee is not None and payee.id in frozen:
        raise AppError(403, "payee_frozen", f"@{payee.handle} can't receive money right now")


def _new(account: Account, now: int, days: int) -> bool:
    """The account was opened within `days` (its wire form says when: no query)."""
    return account.created_at.timestamp() * 1_000_000 >= now - days * DAY_US


async def screen(
    conn: Conn, payer: Account, payee: Account, usd: int, kind: str, sanctions: list[str]
) -> str | None:
    """The first enabled rule this transfer matches, or None."""
    now = now_us()
    rules = (
        await conn.execute(
            select(monitoring_rules.c.code, monitoring_rules.c.params).where(
                monitoring_rules.c.enabled
            )
        )
    ).all()
    for code, raw in rules:
        params = json.loads(raw)
        if code == "sanctions" and kind != "withdrawal":
            listed = {normalised(name) for name in sanctions}
            if normalised(payee.display_name) in listed:
                return code
        elif code == "structuring":
            low, line = params["line"] - params["band"], params["line"]
            if low <= usd < line:
                since = now - params["hours"] * HOUR_US
                others = await conn.scalar(
                    select(func.count()).where(
                        transfers.c.sender_id == payer.id,
                        transfers.c.currency == "USD",
                        transfers.c.amount >= low,
                        transfers.c.amount < line,
                        transfers.c.created_at >= since,
                        transfers.c.status != "voided",
                    )
                )
                if (others or 0) + 1 >= params["count"]:
                    return code
        elif code == "rapid_in_out":
            if _new(payer, now, params["account_days"]):
                since = now - params["hours"] * HOUR_US
                received = await conn.scalar(
                    select(func.coalesce(func.sum(transfers.c.amount), 0)).where(
                        transfers.c.recipient_id == payer.id,
                        transfers.c.sender_id.is_not(None),
                        transfers.c.sender_id != payer.id,
                        transfers.c.status == "completed",
                        transfers.c.created_at >= since,
                    )
                )
                sent = await conn.scalar(
                    select(func.coalesce(func.sum(transfers.c.amount), 0)).where(
                        transfers.c.sender_id == payer.id,
                        transfers.c.recipient_id != payer.id,
                        transfers.c.created_at >= since,
                    )
                )
                received = int(received or 0)
                if received >= params["min"] and int(sent or 0) + usd >= params["share"] * received:
                    return code
        elif code == "many_payers" and kind != "withdrawal":
            if _new(payee, now, params["account_days"]):
                since = now - params["hours"] * HOUR_US
                rows = (
                    await conn.execute(
                        select(transfers.c.sender_id, transfers.c.amount).where(
                            transfers.c.recipient_id == payee.id,
                            transfers.c.sender_id.is_not(None),
                            transfers.c.sender_id != payee.id,
                            transfers.c.created_at >= since,
                        )
                    )
                ).all()
                payers = {sender for sender, _ in rows} | {payer.id}
                total = sum(amount for _, amount in rows) + usd
                if len(payers) >= params["payers"] and total >= params["min"]:
                    return code
    return None


async def hold(tx: Tx, transfer_id: str, rule: str) -> None:
    await tx.conn.execute(
        reviews.insert().values(
            transfer_id=transfer_id, rule=rule, status="open", created_at=now_us()
        )
    )


async def under_review(conn: Conn, transfer_ids: list[str]) -> set[str]:
    if not transfer_ids:
        return set()
    return set(
        (
            await conn.execute(
                select(reviews.c.transfer_id).where(
                    reviews.c.transfer_id.in_(transfer_ids), reviews.c.status == "open"
                )
            )
        ).scalars()
    )
