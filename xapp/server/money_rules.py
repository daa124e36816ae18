"""Money rules: automations a person writes for their own money, each dry-run against the
last 30 days before it is switched on.

Three kinds, each acting through the path its money already takes:

- **sweep**: "when my cash falls below X, move Y from savings". Edge-triggered: it
  acts once when cash falls below X (moving Y, or what savings hold if less) and is
  armed again only once cash is back at X or above, so a balance that stays low is not
  drained a second time. The money loop finds the rules to act on with one query
  (armed and below, or disarmed and back above) and moves through `savings.move`.
- **monthly_pay**: "every month on the 1st, pay @landlord Z". Switching it on makes a
  monthly schedule (`schedules`, with the PIN given then), which pays each occurrence
  once, through `money_out.send`; switching it off cancels the schedule.
- **tip_on_like**: "tip 1.00 to every post I like from @someone". A like queues the tip
  (`liked`, in the like's transaction); the money loop pays it through `money_out.send`
  as a `Tip`. The queue's key is the post, so a like undone and redone tips once.

Switching a rule on takes the payments PIN, whatever its kind: a rule moves money while
nobody watches, so a stolen session token must not be able to write one. A tip or sweep
that fails (too little money, a block, a lock) is recorded on the rule and the owner is
notified; it is not retried.

**Dry run** replays the statement of the last 30 days (`statements`: the real movements
of cash and savings, in order) with the rule's actions added as they would have come,
each changing the balances the later ones see, and says what it would have done and
what would have been refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Row, Select, and_, func, or_, select, update

from xapp.api.models import (
    Account,
    CreateMoneyRule,
    CreateSchedule,
    Money,
    MoneyRule,
    MonthlyPayRule,
    Page,
    PositiveAmount,
    RuleAction,
    RuleDryRun,
    Statement,
    SweepRule,
)
from xapp.api.money import format_amount
from xapp.server import (
    accounts,
    clock,
    ledger,
    limits,
    money_out,
    notifications,
    pins,
    safety,
    savings,
    schedules,
    statements,
)
from xapp.server.clock import now_us
from xapp.server.db import Conn, Database, Tx, upsert
from xapp.server.errors import AppError, not_found
from xapp.server.pages import Cursor
from xapp.server.schema import (
    ledger_accounts,
    likes,
    money_rule_runs,
    money_rules,
    new_id,
    posts,
    schedule_runs,
    to_datetime,
)
from xapp.server.schema import schedules as schedule_table

DRY_RUN_DAYS = 30
BATCH = 200
"""Rules acted on, or tips paid, per pass of the money loop."""


# --- writing and switching ---------------------------------------------------------------------


async def create(tx: Tx, me: Account, body: CreateMoneyRule) -> MoneyRule:
    """A new rule, off until it is switched on (after its dry run, in the wallet)."""
    counterparty: Account | None = None
    values: dict[str, object] = {"note": ""}
    if isinstance(body, SweepRule):
        if savings.CURRENCY not in (body.amount.currency, body.below.currency) or (
            body.amount.currency != body.below.currency
        ):
            raise AppError(422, "savings_currency", f"Savings are held in {savings.CURRENCY}")
        await limits.require(tx.conn, me, "savings")
        values["threshold"] = body.below.amount
    elif isinstance(body, MonthlyPayRule):
        counterparty = await accounts.by_handle(tx.conn, body.to)
        await money_out.payee_check(tx.conn, me, counterparty, "payment")
        await limits.require(tx.conn, me, "payments")
        values |= {"day_of_month": body.day_of_month, "note": body.note}
    else:
        counterparty = await accounts.by_handle(tx.conn, body.author)
        if counterparty.id == me.id:
            raise AppError(422, "cannot_tip_self", "You can't tip your own posts")
        await safety.require_unblocked(tx.conn, me, counterparty)
        await limits.require(tx.conn, me, "payments")
    row = (
        await tx.conn.execute(
            money_rules.insert()
            .values(
                id=new_id(),
                owner_id=me.id,
                kind=body.kind,
                status="off",
                amount=body.amount.amount,
                currency=body.amount.currency,
                counterparty_id=counterparty.id if counterparty else None,
                armed=True,
                acted=0,
                created_at=now_us(),
                **values,
            )
            .returning(*money_rules.c)
        )
    ).one()
    return _wire(row, counterparty, None)


async def _rule(conn: Conn, rule_id: str, lock: bool = False) -> Row | None:
    query = select(money_rules).where(money_rules.c.id == rule_id)
    return (await conn.execute(query.with_for_update() if lock else query)).first()


async def _known(conn: Conn, rule_id: str, lock: bool = False) -> Row:
    """A rule the money loop found (it exists: rules are never removed, only marked)."""
    row = await _rule(conn, rule_id, lock)
    assert row is not None
    return row


async def _mine(conn: Conn, me: Account, rule_id: str, lock: bool = False) -> Row:
    row = await _rule(conn, rule_id, lock)
    if row is None or row.owner_id != me.id or row.status == "deleted":
        raise not_found("That rule")
    return row


def next_monthly(day_of_month: int, today: dt.date) -> dt.date:
    """The first day on or after `today` that a monthly payment on `day_of_month` falls."""
    year, month = today.year, today.month
    while True:
        day = dt.date.fromordinal(schedules.monthly_day(year, month, day_of_month))
        if day >= today:
            return day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


async def switch_on(tx: Tx, proof: pins.Authorized, rule_id: str) -> MoneyRule:
    me = proof.account
    row = await _mine(tx.conn, me, rule_id, lock=True)
    if row.status == "on" and not await _schedule_over(tx.conn, row):
        return await _read(tx.conn, row)
    await limits.require(tx.conn, me, "savings" if row.kind == "sweep" else "payments")
    values: dict[str, object] = {"status": "on", "armed": True, "last_error": None}
    if row.kind == "monthly_pay":
        payee = await accounts.by_id(tx.conn, row.counterparty_id)
        planned = CreateSchedule(
            to=payee.handle,
            amount=PositiveAmount(amount=row.amount, currency=row.currency),
            note=row.note,
            cadence="monthly",
            first=next_monthly(row.day_of_month, clock.today()),
        )
        values["schedule_id"] = (await schedules.create(tx, proof, planned)).id
        if row.schedule_id is not None:  # what the schedule before paid stays counted
            values["acted"] = row.acted + await tx.conn.scalar(_paid_runs(row.schedule_id))
    return await _changed(tx, row, **values)


async def switch_off(tx: Tx, me: Account, rule_id: str, status: str = "off") -> MoneyRule:
    row = await _mine(tx.conn, me, rule_id, lock=True)
    if row.schedule_id is not None and not await _schedule_over(tx.conn, row):
        await schedules.cancel(tx, me, row.schedule_id)
    return await _changed(tx, row, status=status)


async def delete(tx: Tx, me: Account, rule_id: str) -> None:
    """Gone from the list; what it did stays in its runs (and the ledger)."""
    await switch_off(tx, me, rule_id, status="deleted")


async def _schedule_over(conn: Conn, row: Row) -> bool:
    """A monthly payment's schedule no longer pays (cancelled, or paused after failing)."""
    if row.schedule_id is None:
        return row.kind == "monthly_pay"
    status = await conn.scalar(
        select(schedule_table.c.status).where(schedule_table.c.id == row.schedule_id)
    )
    return status != "active"


async def _changed(tx: Tx, row: Row, **values: object) -> MoneyRule:
    changed = (
        await tx.conn.execute(
            update(money_rules)
            .where(money_rules.c.id == row.id)
            .values(**values)
            .returning(*money_rules.c)
        )
    ).one()
    return await _read(tx.conn, changed)


# --- what the wallet shows -----------------------------------------------------------------------


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def summary(row: Row, counterparty: Account | None) -> str:
    """The rule as its owner would say it."""
    amount = format_amount(row.amount, row.currency)
    if row.kind == "sweep":
        below = format_amount(row.threshold, row.currency)
        return f"When my cash falls below {below}, move {amount} from savings"
    assert counterparty is not None
    if row.kind == "monthly_pay":
        day = _ordinal(row.day_of_month)
        last = " (or the month's last day)" if row.day_of_month > 28 else ""
        return f"Every month on the {day}{last}, pay @{counterparty.handle} {amount}"
    return f"Tip {amount} on every post I like from @{counterparty.handle}"


def _wire(row: Row, counterparty: Account | None, schedule: Row | None) -> MoneyRule:
    """A monthly payment's state is its schedule's: on while it pays, its next day, its
    runs and its last error."""
    status, acted, error, next_run = row.status, row.acted, row.last_error, None
    if row.kind == "monthly_pay" and schedule is not None:
        if schedule.status != "active":
            status = "off"
        acted += schedule.acted
        error = schedule.last_error if schedule.failures else None
        next_run = dt.date.fromordinal(schedule.next_run) if schedule.next_run else None
    elif row.kind == "monthly_pay":
        status = "off"
    return MoneyRule(
        id=row.id,
        kind=row.kind,
        status="on" if status == "on" else "off",
        summary=summary(row, counterparty),
        amount=Money(amount=row.amount, currency=row.currency),
        below=(Money(amount=row.threshold, currency=row.currency) if row.kind == "sweep" else None),
        counterparty=counterparty,
        day_of_month=row.day_of_month,
        note=row.note,
        next_run=next_run,
        acted=acted,
        last_error=error,
        created_at=to_datetime(row.created_at),
    )


async def _wired(conn: Conn, rows: list[Row]) -> list[MoneyRule]:
    people = await accounts.by_ids(conn, {r.counterparty_id for r in rows if r.counterparty_id})
    schedule_ids = [r.schedule_id for r in rows if r.schedule_id]
    found: dict[str, Row] = {}
    if schedule_ids:
        paid = _paid_runs(schedule_table.c.id).scalar_subquery()
        found = {
            s.id: s
            for s in await conn.execute(
                select(schedule_table, paid.label("acted")).where(
                    schedule_table.c.id.in_(schedule_ids)
                )
            )
        }
    return [
        _wire(
            r,
            people.get(r.counterparty_id) if r.counterparty_id else None,
            found.get(r.schedule_id) if r.schedule_id else None,
        )
        for r in rows
    ]


def _paid_runs(schedule_id: object) -> Select:
    """How many of a schedule's occurrences paid."""
    return select(func.count()).where(
        schedule_runs.c.schedule_id == schedule_id, schedule_runs.c.transfer_id.is_not(None)
    )


async def _read(conn: Conn, row: Row) -> MoneyRule:
    return (await _wired(conn, [row]))[0]


async def page(conn: Conn, me: Account, cursor: Cursor) -> Page[MoneyRule]:
    rows, next_cursor = await cursor.fetch(
        conn,
        select(money_rules).where(
            money_rules.c.owner_id == me.id, money_rules.c.status != "deleted"
        ),
        money_rules.c.pk,
    )
    return Page[MoneyRule](items=await _wired(conn, rows), next=next_cursor)


# --- tips queued by likes -------------------------------------------------------------------------


async def liked(tx: Tx, me: Account, post_id: str) -> None:
    """`me` liked a post: queue a tip for each of my tip rules on its author (once per
    post, however often it is liked again)."""
    rules = (
        await tx.conn.execute(
            select(money_rules.c.id, money_rules.c.counterparty_id).where(
                money_rules.c.owner_id == me.id,
                money_rules.c.kind == "tip_on_like",
                money_rules.c.status == "on",
            )
        )
    ).all()
    if not rules:
        return
    post = (
        await tx.conn.execute(
            select(posts.c.id, posts.c.author_id, posts.c.repost_of).where(posts.c.id == post_id)
        )
    ).first()
    if post is not None and post.repost_of is not None:  # the like went to the original
        post = (
            await tx.conn.execute(
                select(posts.c.id, posts.c.author_id, posts.c.repost_of).where(
                    posts.c.id == post.repost_of
                )
            )
        ).first()
    if post is None:
        return
    queue = upsert(tx.conn.dialect.name, money_rule_runs).on_conflict_do_nothing()
    for rule in rules:
        if rule.counterparty_id == post.author_id:
            await tx.conn.execute(
                queue,
                {"rule_id": rule.id, "key": post.id, "status": "pending", "created_at": now_us()},
            )


# --- the money loop's part ----------------------------------------------------------------------


async def run_due(db: Database, rules: money_out.Rules, apy: Decimal) -> int:
    """Pay queued tips and act on sweeps; returns how many actions ran."""
    return await _pay_tips(db, rules) + await _sweep(db, apy)


async def _failed(tx: Tx, rule: Row, actor: Account, error: str, key: str | None) -> None:
    """Record a failed action on the rule (and its run), and tell the owner why."""
    if key is not None:
        done = await tx.conn.scalar(
            update(money_rule_runs)
            .where(
                money_rule_runs.c.rule_id == rule.id,
                money_rule_runs.c.key == key,
                money_rule_runs.c.status == "pending",
            )
            .values(status="failed", error=error)
            .returning(money_rule_runs.c.key)
        )
        if done is None:  # another process recorded it
            return
    await tx.conn.execute(
        update(money_rules).where(money_rules.c.id == rule.id).values(last_error=error)
    )
    counterparty = (
        await accounts.by_id(tx.conn, rule.counterparty_id) if rule.counterparty_id else None
    )
    detail = f"{summary(rule, counterparty)}: {error}."
    await notifications.notify(
        tx, rule.owner_id, "money_rule_failed", actor, None, detail=detail, about_self=True
    )


async def _pay_tips(db: Database, rules: money_out.Rules) -> int:
    async with db.read() as conn:
        queued = (
            await conn.execute(
                select(money_rule_runs.c.rule_id, money_rule_runs.c.key)
                .where(money_rule_runs.c.status == "pending")
                .limit(BATCH)
            )
        ).all()
    ran = 0
    for rule_id, key in queued:
        mine = (money_rule_runs.c.rule_id == rule_id, money_rule_runs.c.key == key)
        try:
            async with db.write() as tx:
                claimed = await tx.conn.scalar(
                    update(money_rule_runs)
                    .where(*mine, money_rule_runs.c.status == "pending")
                    .values(status="done")
                    .returning(money_rule_runs.c.key)
                )
                if claimed is None:
                    continue  # another process paid it
                rule = await _known(tx.conn, rule_id)
                if rule.status != "on":  # switched off since the like
                    await tx.conn.execute(
                        update(money_rule_runs).where(*mine).values(status="skipped")
                    )
                    continue
                payer = await accounts.by_id(tx.conn, rule.owner_id)
                proof = await pins.standing(tx.conn, payer)
                tip = money_out.Tip(key, Money(amount=rule.amount, currency=rule.currency))
                sent = await money_out.send(tx, proof, tip, rules)
                await tx.conn.execute(
                    update(money_rule_runs).where(*mine).values(transfer_id=sent.id)
                )
                await tx.conn.execute(
                    update(money_rules)
                    .where(money_rules.c.id == rule_id)
                    .values(acted=money_rules.c.acted + 1, last_error=None)
                )
            ran += 1
        except AppError as refused:
            async with db.write() as tx:
                rule = await _known(tx.conn, rule_id)
                author = await accounts.by_id(tx.conn, rule.counterparty_id)
                await _failed(tx, rule, author, refused.message, key)
            ran += 1
    return ran


async def _sweep(db: Database, apy: Decimal) -> int:
    cash = ledger_accounts.alias("cash")
    balance = func.coalesce(cash.c.balance, 0)
    async with db.read() as conn:
        due = (
            (
                await conn.execute(
                    select(money_rules.c.id)
                    .select_from(
                        money_rules.outerjoin(
                            cash,
                            cash.c.key
                            == "user:" + money_rules.c.owner_id + ":" + money_rules.c.currency,
                        )
                    )
                    .where(
                        money_rules.c.kind == "sweep",
                        money_rules.c.status == "on",
                        or_(
                            and_(money_rules.c.armed.is_(True), balance < money_rules.c.threshold),
                            and_(
                                money_rules.c.armed.is_(False), balance >= money_rules.c.threshold
                            ),
                        ),
                    )
                    .limit(BATCH)
                )
            )
            .scalars()
            .all()
        )
    ran = 0
    for rule_id in due:
        try:
            async with db.write() as tx:
                ran += await _sweep_one(tx, rule_id, apy)
        except AppError as refused:  # e.g. savings no longer offered where they live
            async with db.write() as tx:
                rule = await _known(tx.conn, rule_id, lock=True)
                if rule.armed:
                    owner = await accounts.by_id(tx.conn, rule.owner_id)
                    await tx.conn.execute(
                        update(money_rules).where(money_rules.c.id == rule_id).values(armed=False)
                    )
                    await _failed(tx, rule, owner, refused.message, None)
            ran += 1
    return ran


async def _sweep_one(tx: Tx, rule_id: str, apy: Decimal) -> int:
    """Act on one sweep rule, locked and read again (another process may have acted)."""
    rule = await _known(tx.conn, rule_id, lock=True)
    if rule.status != "on":
        return 0
    cash = (await ledger.balance(tx.conn, rule.owner_id, rule.currency)).amount
    if not rule.armed:
        if cash >= rule.threshold:
            await tx.conn.execute(
                update(money_rules).where(money_rules.c.id == rule_id).values(armed=True)
            )
        return 0
    if cash >= rule.threshold:
        return 0
    owner = await accounts.by_id(tx.conn, rule.owner_id)
    await tx.conn.execute(
        update(money_rules).where(money_rules.c.id == rule_id).values(armed=False)
    )
    have = (await ledger.savings_balance(tx.conn, rule.owner_id)).amount
    if have <= 0:
        await _failed(tx, rule, owner, "your savings were empty", None)
        return 1
    amount = Money(amount=min(rule.amount, have), currency=rule.currency)
    below = format_amount(rule.threshold, rule.currency)
    moved = await savings.move(tx, owner, amount, False, apy, note=f"Rule: cash below {below}")
    await tx.conn.execute(
        money_rule_runs.insert().values(
            rule_id=rule_id,
            key=f"sweep:{moved.id}",
            status="done",
            transfer_id=moved.id,
            created_at=now_us(),
        )
    )
    await tx.conn.execute(
        update(money_rules)
        .where(money_rules.c.id == rule_id)
        .values(acted=money_rules.c.acted + 1, last_error=None)
    )
    return 1


# --- dry run ---------------------------------------------------------------------------------


@dataclass
class _Books:
    """Cash and savings as the replay goes: the real balances plus what the rule did."""

    cash: int
    savings: int


@dataclass(frozen=True)
class _Trigger:
    at: dt.datetime
    what: str


def _movements(statement: Statement, currency: str) -> list[tuple[dt.datetime, int, int]]:
    """(when, change to cash, change to savings) per transfer, in the order they happened:
    a move between cash and savings is one step, so no rule sees it half done."""
    steps: dict[tuple[str, dt.datetime], tuple[dt.datetime, int, int]] = {}
    for section in statement.accounts:
        if section.account == "cash" and section.currency != currency:
            continue
        for line in section.lines:
            step = (line.transfer_id, line.at)  # a hold and its later void stay two
            at, cash, saved = steps.get(step, (line.at, 0, 0))
            if section.account == "savings":
                saved += line.amount.amount
            else:
                cash += line.amount.amount
            steps[step] = (at, cash, saved)
    return sorted(steps.values(), key=lambda step: step[0])


def _opening(statement: Statement, currency: str) -> _Books:
    books = _Books(0, 0)
    for section in statement.accounts:
        if section.account == "cash" and section.currency == currency:
            books.cash = section.opening.amount
        elif section.account == "savings":
            books.savings = section.opening.amount
    return books


async def dry_run(conn: Conn, me: Account, rule_id: str, days: int = DRY_RUN_DAYS) -> RuleDryRun:
    rule = await _mine(conn, me, rule_id)
    until = clock.today()
    since = until - dt.timedelta(days=days - 1)
    statement = await statements.statement(conn, me, since, until)
    books = _opening(statement, rule.currency)
    moves = _movements(statement, rule.currency)
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
    if rule.kind == "sweep":
        actions = _replay_sweep(rule, books, moves)
        counterparty = None
    else:
        counterparty = await accounts.by_id(conn, rule.counterparty_id)
        if rule.kind == "monthly_pay":
            triggers = _paydays(rule, counterparty, since, until)
        else:
            triggers = await _likes(conn, me, rule, counterparty, start)
        actions = _replay_payments(rule, books, moves, triggers)
    return RuleDryRun(
        since=since,
        until=until,
        actions=actions,
        total=Money(
            amount=sum(a.amount.amount for a in actions if a.refused is None),
            currency=rule.currency,
        ),
        summary=_dry_summary(rule, counterparty, actions, days),
    )


def _replay_sweep(
    rule: Row, books: _Books, moves: Iterable[tuple[dt.datetime, int, int]]
) -> list[RuleAction]:
    actions: list[RuleAction] = []
    # Falls inside the window count: cash already below the line when it opens (a new
    # account's $0.00) did not fall then.
    armed = books.cash >= rule.threshold
    below = format_amount(rule.threshold, rule.currency)

    def check(at: dt.datetime) -> None:
        nonlocal armed
        if armed and books.cash < rule.threshold:
            armed = False
            amount = min(rule.amount, books.savings)
            cash = format_amount(books.cash, rule.currency)
            if amount <= 0:
                actions.append(
                    RuleAction(
                        at=at,
                        what=f"Cash fell to {cash}, below {below}",
                        amount=Money(amount=rule.amount, currency=rule.currency),
                        refused="your savings were empty",
                    )
                )
                return
            moved = format_amount(amount, rule.currency)
            actions.append(
                RuleAction(
                    at=at,
                    what=f"Cash fell to {cash}, below {below}: move {moved} from savings",
                    amount=Money(amount=amount, currency=rule.currency),
                )
            )
            books.cash += amount
            books.savings -= amount
        elif not armed and books.cash >= rule.threshold:
            armed = True

    for at, to_cash, to_savings in moves:
        books.cash += to_cash
        books.savings += to_savings
        check(at)
    return actions


def _paydays(rule: Row, payee: Account, since: dt.date, until: dt.date) -> list[_Trigger]:
    amount = format_amount(rule.amount, rule.currency)
    triggers = []
    year, month = since.year, since.month
    while (year, month) <= (until.year, until.month):
        day = dt.date.fromordinal(schedules.monthly_day(year, month, rule.day_of_month))
        if since <= day <= until:
            at = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
            triggers.append(_Trigger(at, f"Pay @{payee.handle} {amount}"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return triggers


async def _likes(
    conn: Conn, me: Account, rule: Row, author: Account, start: dt.datetime
) -> list[_Trigger]:
    """The posts of `author` I liked since `start`, as tips."""
    amount = format_amount(rule.amount, rule.currency)
    rows = await conn.execute(
        select(likes.c.created_at, posts.c.text)
        .join(posts, posts.c.id == likes.c.post_id)
        .where(
            likes.c.account_id == me.id,
            likes.c.created_at >= int(start.timestamp() * 1_000_000),
            posts.c.author_id == author.id,
        )
        .order_by(likes.c.created_at)
    )
    triggers = []
    for at, text in rows:
        words = " ".join(text.split())
        label = f"{words[:40]}…" if len(words) > 40 else words
        triggers.append(_Trigger(to_datetime(at), f"Tip @{author.handle} {amount} on “{label}”"))
    return triggers


def _replay_payments(
    rule: Row,
    books: _Books,
    moves: list[tuple[dt.datetime, int, int]],
    triggers: list[_Trigger],
) -> list[RuleAction]:
    """Walk the real movements and the rule's payments in time order: each payment goes
    through if the cash then (after the ones before it) covers it."""
    actions: list[RuleAction] = []
    pending = iter(moves)
    upcoming = next(pending, None)
    for trigger in triggers:
        while upcoming is not None and upcoming[0] <= trigger.at:
            books.cash += upcoming[1]
            upcoming = next(pending, None)
        money = Money(amount=rule.amount, currency=rule.currency)
        if books.cash >= rule.amount:
            books.cash -= rule.amount
            actions.append(RuleAction(at=trigger.at, what=trigger.what, amount=money))
        else:
            cash = format_amount(books.cash, rule.currency)
            refused = f"not enough cash: you had {cash}"
            actions.append(
                RuleAction(at=trigger.at, what=trigger.what, amount=money, refused=refused)
            )
    return actions


def _dry_summary(
    rule: Row, counterparty: Account | None, actions: list[RuleAction], days: int
) -> str:
    done = [a for a in actions if a.refused is None]
    refused = len(actions) - len(done)
    said = f"In the last {days} days this rule would "
    if not actions:
        return said + "not have acted."
    if not done:
        return said + f"have been refused {_times(refused)}."
    total = format_amount(sum(a.amount.amount for a in done), rule.currency)
    handle = f"@{counterparty.handle}" if counterparty else ""
    verb = {
        "sweep": f"moved {total} from savings",
        "monthly_pay": f"paid {handle} {total}",
        "tip_on_like": f"tipped {handle} {total}",
    }[rule.kind]
    said += f"have {verb}, {_times(len(done))}"
    if refused:
        said += f", and been refused {_times(refused)}"
    return said + "."


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")
