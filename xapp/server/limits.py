"""The regulated wallet's rules: what an account's tier lets it send, and what its region
lets it do. Tiers and regions are rows in the database (`tiers`, `regions`), not code.

**Tier.** An account is `unverified` until a verification is approved; then it is the
tier the verification asked for (`verified`, `business`). A tier has a daily and a
monthly send limit, counted in US cents (other currencies at the server's mid-market
rates, rounded up), and says whether it may withdraw to a bank. Every kind of money out
counts except a refund (money going back where it came from); a payment voided in its
undo window still counts (the counters only go up, so a race can never free room).

**Counted inside the payment.** `count` raises each counter with one guarded upsert in the
payment's own transaction (`... SET sent = sent + :amount WHERE sent + :amount <=
:limit`), so parallel payments, from several server processes too, cannot pass a limit
together: whichever would cross it finds the row already raised and is refused.

**Region.** An approved verification gives the account a region; a region that does not
offer payments, savings, withdrawals or exchanges refuses them with a sentence that
names the rule. An unverified account has no region yet: its tier's limits bind it.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from sqlalchemy import Executable, Row, bindparam, func, select

from xapp.api.models import Account, Limits, Money
from xapp.api.money import exponent, format_amount
from xapp.server.clock import today
from xapp.server.db import Conn, Tx, upsert
from xapp.server.errors import AppError
from xapp.server.schema import regions, send_totals, tiers, verifications

UNVERIFIED = "unverified"
Feature = Literal["payments", "savings", "withdrawals", "fx"]
FEATURE_NAMES = {
    "payments": "Payments",
    "savings": "Savings",
    "withdrawals": "Withdrawals to a bank",
    "fx": "Exchanges between currencies",
}


def in_usd(amount: Money, rates: dict[str, Decimal]) -> int:
    """`amount` in US cents at the mid-market rates, rounded up (a limit never rounds in
    the sender's favour)."""
    if amount.currency == "USD":
        return amount.amount
    per_usd = Fraction(rates[amount.currency])
    exact = Fraction(amount.amount) / per_usd * Fraction(100, 10 ** exponent(amount.currency))
    return -(-exact.numerator // exact.denominator)


_APPROVED_TIER = (
    select(verifications.c.tier)
    .where(
        verifications.c.account_id == bindparam("account_id"),
        verifications.c.status == "approved",
    )
    .scalar_subquery()
)
_TIER = select(tiers).where(tiers.c.name == func.coalesce(_APPROVED_TIER, UNVERIFIED))
"""One round trip on every payment: built once (see db.py)."""


async def tier(conn: Conn, account_id: str) -> Row:
    """The account's tier row: from its approved verification, else `unverified`."""
    row = (await conn.execute(_TIER, {"account_id": account_id})).first()
    assert row is not None, "a tier is missing from the tiers table"
    return row


async def region(conn: Conn, account_id: str) -> Row | None:
    return (
        await conn.execute(
            select(regions)
            .join(verifications, verifications.c.country == regions.c.code)
            .where(verifications.c.account_id == account_id, verifications.c.status == "approved")
        )
    ).first()


async def require(conn: Conn, me: Account, feature: Feature) -> None:
    """Refuse what the account's region (or, for withdrawals, its tier) does not allow."""
    if feature == "withdrawals" and not (await tier(conn, me.id)).withdrawals:
        raise AppError(
            403,
            "verify_first",
            "Verify your identity to send money to a bank (V in the wallet)",
        )
    where = await region(conn, me.id)
    if where is not None and not getattr(where, feature):
        raise AppError(
            403,
            "not_in_region",
            f"{FEATURE_NAMES[feature]} aren't available in {where.name} yet",
        )


def _periods() -> tuple[str, str]:
    day = today()
    return f"d{day.isoformat()}", f"m{day:%Y-%m}"


def _over(row: Row, daily: bool, sent: int) -> AppError:
    limit = row.daily_send if daily else row.monthly_send
    when = "today" if daily else "this month"
    hint = " Verify your identity for higher limits." if row.name == UNVERIFIED else ""
    return AppError(
        403,
        "limit_exceeded",
        f"This would take you over your {'daily' if daily else 'monthly'} limit of "
        f"{format_amount(limit, 'USD')}: you have sent {format_amount(sent, 'USD')} {when}." + hint,
    )


_SENT = select(send_totals.c.sent).where(
    send_totals.c.account_id == bindparam("account_id"),
    send_totals.c.period == bindparam("period"),
)


async def check(conn: Conn, me: Account, usd: int) -> None:
    """Refuse, without counting, what `count` would refuse now (for a preview)."""
    row = await tier(conn, me.id)
    for period, daily in zip(_periods(), (True, False), strict=True):
        sent = await conn.scalar(_SENT, {"account_id": me.id, "period": period}) or 0
        if sent + usd > (row.daily_send if daily else row.monthly_send):
            raise _over(row, daily, sent)


@functools.cache
def _raise(dialect: str) -> Executable:
    stmt = upsert(dialect, send_totals).values(
        account_id=bindparam("account_id"), period=bindparam("period"), sent=bindparam("usd")
    )
    return stmt.on_conflict_do_update(
        index_elements=[send_totals.c.account_id, send_totals.c.period],
        set_={"sent": send_totals.c.sent + stmt.excluded.sent},
        where=send_totals.c.sent + stmt.excluded.sent <= bindparam("limit"),
    ).returning(send_totals.c.sent)


async def count(tx: Tx, me: Account, usd: int) -> None:
    """Count `usd` against both of the account's limits, or refuse it."""
    row = await tier(tx.conn, me.id)
    for period, daily in zip(_periods(), (True, False), strict=True):
        limit = row.daily_send if daily else row.monthly_send
        raised = None
        if usd <= limit:
            raised = await tx.conn.scalar(
                _raise(tx.conn.dialect.name),
                {"account_id": me.id, "period": period, "usd": usd, "limit": limit},
            )
        if raised is None:
            sent = await tx.conn.scalar(_SENT, {"account_id": me.id, "period": period}) or 0
            raise _over(row, daily, sent)


async def shown(conn: Conn, me: Account) -> Limits:
    row = await tier(conn, me.id)
    day, month = _periods()
    sent = [
        await conn.scalar(_SENT, {"account_id": me.id, "period": period}) or 0
        for period in (day, month)
    ]
    return Limits(
        tier=row.name,
        daily=Money(amount=row.daily_send, currency="USD"),
        monthly=Money(amount=row.monthly_send, currency="USD"),
        sent_today=Money(amount=sent[0], currency="USD"),
        sent_this_month=Money(amount=sent[1], currency="USD"),
        withdrawals=row.withdrawals,
    )
