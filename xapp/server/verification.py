"""Identity verification: a simulated review of name, date of birth and country.

A submission is `pending` until the review decides (`verification_seconds` later, by the
server's loop; at once when that is 0): `approved` puts the account in the tier it asked
for (`verified`, or `business`) and gives it a region (its country, if xapp operates
there); `rejected` says why, and the person may submit again. The review's rules:
18 or older, and a country in the `regions` table. An approved verification is final
here (a change of name or country would be a new review by an operator).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from xapp.api.models import Account, Region, SubmitVerification, Verification
from xapp.server import clock, limits
from xapp.server.clock import now_us
from xapp.server.db import Conn, Database, Tx
from xapp.server.errors import AppError
from xapp.server.schema import regions, verifications

ADULT_YEARS = 18


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


async def submit(tx: Tx, me: Account, body: SubmitVerification, seconds: float) -> Verification:
    current = await tx.conn.scalar(
        select(verifications.c.status).where(verifications.c.account_id == me.id)
    )
    if current == "approved":
        raise AppError(409, "verified", "You are verified already")
    if current == "pending":
        raise AppError(409, "pending", "Your verification is being reviewed")
    now = now_us()
    values = {
        "status": "pending",
        "tier": "business" if body.business else "verified",
        "legal_name": body.legal_name,
        "birth_date": body.birth_date,
        "country": body.country,
        "reason": None,
        "submitted_at": now,
        "decide_at": now + round(seconds * 1_000_000),
        "decided_at": None,
    }
    if current is None:
        await tx.conn.execute(verifications.insert().values(account_id=me.id, **values))
    else:
        await tx.conn.execute(
            update(verifications).where(verifications.c.account_id == me.id).values(**values)
        )
    if seconds <= 0:
        await _decide(tx, me.id)
    return await view(tx.conn, me)


async def _decide(tx: Tx, account_id: str) -> None:
    row = (
        await tx.conn.execute(
            select(verifications).where(
                verifications.c.account_id == account_id, verifications.c.status == "pending"
            )
        )
    ).first()
    if row is None:
        return
    operates = await tx.conn.scalar(select(regions.c.name).where(regions.c.code == row.country))
    reason = None
    if _age(row.birth_date, clock.today()) < ADULT_YEARS:
        reason = f"You must be {ADULT_YEARS} or older to use xapp's money features"
    elif operates is None:
        reason = f"xapp doesn't operate in {row.country} yet"
    await tx.conn.execute(
        update(verifications)
        .where(verifications.c.account_id == account_id, verifications.c.status == "pending")
        .values(status="rejected" if reason else "approved", reason=reason, decided_at=now_us())
    )


async def decide_due(db: Database) -> int:
    """Decide every review whose time has come (the server's loop, each second)."""
    async with db.read() as conn:
        due = [
            account_id
            for (account_id,) in await conn.execute(
                select(verifications.c.account_id).where(
                    verifications.c.status == "pending", verifications.c.decide_at <= now_us()
                )
            )
        ]
    for account_id in due:
        async with db.write() as tx:
            await _decide(tx, account_id)
    return len(due)


async def view(conn: Conn, me: Account) -> Verification:
    row = (
        await conn.execute(select(verifications).where(verifications.c.account_id == me.id))
    ).first()
    where = await limits.region(conn, me.id)
    shown = await limits.shown(conn, me)
    return Verification(
        status=row.status if row else "unverified",
        reason=row.reason if row else None,
        tier=shown.tier,
        region=Region.model_validate(where, from_attributes=True) if where else None,
        limits=shown,
    )
