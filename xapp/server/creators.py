"""Creator payouts: each month the platform shares a pool (`creator_pool`, US cents) among
creators by the engagement their posts earned that month, and pays it from the platform's
`creator_fund` through the ledger.

**Engagement.** A point is one (post, account, kind) with kind a like, a repost or a
reply made that month: an account that replies three times to a post earns it one
point, a like and a reply from it two. The author's own engagement counts nothing, nor
does any between a creator and an account either has blocked.

**Shares.** A creator's share is `pool × their points / all points`, rounded down; the
cents rounding leaves are carried into the next month's pool, never lost, so every
month `paid + carried out == pool + carried in`. A month nobody engaged pays nothing and
funds nothing (its carry passes on). Within a creator's payout each post's part is
shared the same way by largest remainder, so the statement adds up to the transfer.

**Once.** The month's row in `creator_months` is claimed in the transaction that pays it,
so several processes, or the loop's every-second look, pay a month once; a month is paid
on the first look after it ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Executable, literal, select, union_all

from xapp.api.models import Account, CreatorPayouts, Money, Payout, PayoutPost
from xapp.server import accounts, ledger, payments
from xapp.server.clock import day_start_us, now_us, today
from xapp.server.db import Conn, Database, Tx, upsert
from xapp.server.schema import (
    blocks,
    creator_months,
    creator_payout_posts,
    likes,
    posts,
)

CURRENCY = "USD"


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class Points:
    by_post: dict[str, int]
    creator_of: dict[str, str]

    @property
    def by_creator(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for post_id, points in self.by_post.items():
            creator = self.creator_of[post_id]
            totals[creator] = totals.get(creator, 0) + points
        return totals

    @property
    def total(self) -> int:
        return sum(self.by_post.values())


async def points(conn: Conn, first: dt.date, end: dt.date) -> Points:
    """Each post's engagement made in [first, end): distinct (post, account, kind),
    without its author's own and without any across a block."""
    start, stop = day_start_us(first), day_start_us(end)
    engaged = union_all(
        select(likes.c.post_id, likes.c.account_id, literal("like").label("kind")).where(
            likes.c.created_at >= start, likes.c.created_at < stop
        ),
        select(posts.c.repost_of, posts.c.author_id, literal("repost")).where(
            posts.c.repost_of.is_not(None), posts.c.created_at >= start, posts.c.created_at < stop
        ),
        select(posts.c.reply_to, posts.c.author_id, literal("reply")).where(
            posts.c.reply_to.is_not(None),
            posts.c.deleted_at.is_(None),
            posts.c.created_at >= start,
            posts.c.created_at < stop,
        ),
    ).subquery()
    rows = (
        await conn.execute(
            select(engaged.c.post_id, engaged.c.account_id, engaged.c.kind, posts.c.author_id)
            .distinct()
            .join(posts, posts.c.id == engaged.c.post_id)
            .where(posts.c.deleted_at.is_(None), engaged.c.account_id != posts.c.author_id)
        )
    ).all()
    creators = {author for *_, author in rows}
    blocked = {
        frozenset(pair)
        for pair in (
            await conn.execute(
                select(blocks.c.blocker_id, blocks.c.blocked_id).where(
                    blocks.c.blocker_id.in_(creators) | blocks.c.blocked_id.in_(creators)
                )
            )
        ).all()
    }
    by_post: dict[str, int] = {}
    creator_of: dict[str, str] = {}
    for post_id, account_id, _kind, author in rows:
        if frozenset((account_id, author)) in blocked:
            continue
        by_post[post_id] = by_post.get(post_id, 0) + 1
        creator_of[post_id] = author
    return Points(by_post, creator_of)


def shares(pool: int, weights: dict[str, int]) -> tuple[dict[str, int], int]:
    """Each key's `pool × weight / total`, rounded down, and what rounding left over."""
    total = sum(weights.values())
    if total == 0:
        return {}, pool
    paid = {key: pool * weight // total for key, weight in weights.items()}
    return paid, pool - sum(paid.values())


def split(amount: int, weights: dict[str, int]) -> dict[str, int]:
    """`amount` shared by weight exactly (largest remainder; ties by key)."""
    total = sum(weights.values())
    floors = {key: amount * weight // total for key, weight in weights.items()}
    left = amount - sum(floors.values())
    order = sorted(weights, key=lambda k: (-(amount * weights[k] % total), k))
    for key in order[:left]:
        floors[key] += 1
    return floors


def _claim(dialect: str) -> Executable:
    """Claim the month: its row, unless it was paid already."""
    return (
        upsert(dialect, creator_months).on_conflict_do_nothing().returning(creator_months.c.month)
    )


async def pay_month(tx: Tx, first: dt.date, pool: int) -> int | None:
    """Pay the month starting `first` once; None if it was paid already. Returns what
    was paid."""
    before = await tx.conn.scalar(
        select(creator_months.c.carried_out)
        .where(creator_months.c.month < first.toordinal())
        .order_by(creator_months.c.month.desc())
        .limit(1)
    )
    carried_in = int(before or 0)
    earned = await points(tx.conn, first, _next_month(first))
    funded = pool + carried_in if earned.total else carried_in
    paid, left = shares(funded, earned.by_creator)
    claimed = await tx.conn.scalar(
        _claim(tx.conn.dialect.name),
        {
            "month": first.toordinal(),
            "pool": pool if earned.total else 0,
            "carried_in": carried_in,
            "paid": sum(paid.values()),
            "carried_out": left,
            "points": earned.total,
            "created_at": now_us(),
        },
    )
    if claimed is None:
        return None
    fund = await ledger.system_account(tx, ledger.CREATOR_FUND, CURRENCY)
    people = await accounts.by_ids(tx.conn, list(paid))
    for creator_id, amount in sorted(paid.items()):
        if amount == 0:
            continue
        await _pay(tx, fund, people[creator_id], first, amount, earned)
    return sum(paid.values())


async def _pay(
    tx: Tx, fund: str, creator: Account, first: dt.date, amount: int, earned: Points
) -> None:
    money = Money(amount=amount, currency=CURRENCY)
    cash = await ledger.user_account(tx, creator.id, CURRENCY)
    row = await payments.insert_row(
        tx,
        kind="creator_payout",
        sender=None,
        recipient=creator,
        amount=money,
        note=f"Creator payout for {first:%B %Y}",
        legs=(fund, cash),
    )
    moved = await ledger.move(tx, row.id, fund, cash, money)
    mine = {p: n for p, n in earned.by_post.items() if earned.creator_of[p] == creator.id}
    await tx.conn.execute(
        creator_payout_posts.insert(),
        [
            {
                "month": first.toordinal(),
                "post_id": post_id,
                "creator_id": creator.id,
                "points": mine[post_id],
                "amount": part,
                "transfer_id": row.id,
            }
            for post_id, part in split(amount, mine).items()
        ],
    )
    await payments.announce_new(tx, row, [creator], moved)


async def pay_ended_month(db: Database, pool: int) -> int | None:
    """Pay last month if it is not paid yet (what the server's loop looks at every
    second: one read when there is nothing to do)."""
    last = _month_start(_month_start(today()) - dt.timedelta(days=1))
    async with db.read() as conn:
        done = await conn.scalar(
            select(creator_months.c.month).where(creator_months.c.month == last.toordinal())
        )
    if done is not None:
        return None
    async with db.write() as tx:
        return await pay_month(tx, last, pool)


async def view(conn: Conn, me: Account, pool: int) -> CreatorPayouts:
    """This month's points and estimate (my share if the month ended now), and my past
    payouts with the posts that earned them."""
    first = _month_start(today())
    earned = await points(conn, first, _next_month(first))
    carried = await conn.scalar(
        select(creator_months.c.carried_out).order_by(creator_months.c.month.desc()).limit(1)
    )
    paid, _ = shares(pool + int(carried or 0), earned.by_creator)
    rows = (
        await conn.execute(
            select(creator_payout_posts, posts.c.text)
            .join(posts, posts.c.id == creator_payout_posts.c.post_id)
            .where(creator_payout_posts.c.creator_id == me.id)
            .order_by(creator_payout_posts.c.month.desc(), creator_payout_posts.c.amount.desc())
        )
    ).all()
    months: dict[int, list[PayoutPost]] = {}
    for row in rows:
        months.setdefault(row.month, []).append(
            PayoutPost(
                post_id=row.post_id,
                label=" ".join(row.text.split())[:80],
                points=row.points,
                amount=Money(amount=row.amount, currency=CURRENCY),
            )
        )
    past = [
        Payout(
            month=dt.date.fromordinal(month),
            amount=Money(amount=sum(p.amount.amount for p in lines), currency=CURRENCY),
            posts=lines,
        )
        for month, lines in months.items()
    ]
    return CreatorPayouts(
        month=first,
        points=earned.by_creator.get(me.id, 0),
        estimate=Money(amount=paid.get(me.id, 0), currency=CURRENCY),
        past=past,
    )
