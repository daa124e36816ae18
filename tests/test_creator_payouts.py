"""Creator payouts: a month's pool shared by the engagement creators' posts earned
(distinct likes, reposts and replies; not their own, not across a block), paid once from
the platform's creator fund, the cents rounding leaves carried into the next month; each
creator sees which posts earned what, and this month's estimate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.conftest import People, audit, query, usd
from tests.test_savings import move_clock_to
from xapp.embedded import ServerThread
from xapp.server import clock, creators

POOL = 100_000  # the default: $1,000.00 a month
JANUARY = dt.date(2027, 1, 1).toordinal()


@pytest.fixture(autouse=True)
def real_time_after() -> Iterator[None]:
    yield
    clock.reset()


def pay(server: ServerThread, db_path, day: dt.date) -> int:
    """Move the server's clock to `day` and make sure the month before is paid (by this
    call or by the server's own loop, which looks every second); what it paid."""
    move_clock_to(dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC))
    db = server.app.state.db
    server.call(lambda: creators.pay_ended_month(db, server.settings.creator_pool))
    month = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1).toordinal()
    [(paid,)] = query(db_path, "SELECT paid FROM creator_months WHERE month = ?", month)
    return paid


def months(db_path) -> int:
    """Months paid from December 2026 on (the server's loop paid the one before it
    started, on the real clock)."""
    since = dt.date(2026, 12, 1).toordinal()
    return query(db_path, "SELECT count(*) FROM creator_months WHERE month >= ?", since)[0][0]


async def test_a_month_is_shared_by_engagement_and_paid_once(
    people: People, server, db_path
) -> None:
    move_clock_to(dt.datetime(2027, 1, 10, 9, tzinfo=dt.UTC))
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    cat = await people.signed_in("cat")
    dan = await people.signed_in("dan")
    eve = await people.signed_in("eve")
    engine = await ada.posts.create("The engine might compose music")
    notes = await ada.posts.create("Notes on the analytical engine")
    ships = await bob.posts.create("Shipping today")
    for fan in (cat, dan, eve):
        await fan.posts.like(engine.id)  # 3
    await cat.posts.repost(engine.id)  # 1
    await dan.posts.create("so true", reply_to=engine.id)  # 1
    await dan.posts.create("and again", reply_to=engine.id)  # the same account: no more
    await ada.posts.like(engine.id)  # her own: nothing
    await cat.posts.like(notes.id)  # 1
    await cat.posts.like(ships.id)  # 1
    await ada.accounts.block("eve")  # eve's like on ada's post stops counting
    # ada: engine 3 likes (eve's blocked: 2) + repost + reply = 4, notes 1 → 5; bob: 1.

    assert pay(server, db_path, dt.date(2027, 1, 31)) == 0  # December: nobody engaged
    paid = pay(server, db_path, dt.date(2027, 2, 1))
    assert paid == POOL * 5 // 6 + POOL * 1 // 6  # 83,333 + 16,666
    assert pay(server, db_path, dt.date(2027, 2, 1)) == paid and months(db_path) == 2  # once
    payouts = "SELECT count(*) FROM transfers WHERE kind = 'creator_payout'"
    assert query(db_path, payouts) == [(2,)]
    [(carried,)] = query(db_path, "SELECT carried_out FROM creator_months WHERE month = ?", JANUARY)
    assert paid + carried == POOL  # nothing lost: the cent rounding left is carried
    assert carried == 1

    mine = await ada.wallet.payouts()
    (january,) = mine.past
    assert (january.month, january.amount) == (dt.date(2027, 1, 1), usd(83_333))
    assert [(p.label, p.points, p.amount.amount) for p in january.posts] == [
        ("The engine might compose music", 4, 66_666),
        ("Notes on the analytical engine", 1, 16_667),
    ]
    assert sum(p.amount.amount for p in january.posts) == january.amount.amount
    payout = (await ada.wallet.history()).items[0]
    assert (payout.kind, payout.note, payout.amount) == (
        "creator_payout",
        "Creator payout for January 2027",
        usd(83_333),
    )
    assert (await bob.wallet.payouts()).past[0].amount == usd(16_666)
    fund = query(
        db_path, "SELECT balance FROM ledger_accounts WHERE key = ?", "system:creator_fund:USD"
    )
    assert fund == [(-paid,)]

    # February: bob earns alone; January's carried cent joins the pool.
    await cat.posts.like((await bob.posts.create("Another ship")).id)
    estimate = await bob.wallet.payouts()
    assert (estimate.points, estimate.estimate) == (1, usd(POOL + 1))
    assert pay(server, db_path, dt.date(2027, 3, 1)) == POOL + 1
    assert audit(db_path).returncode == 0


async def test_a_quiet_month_pays_and_funds_nothing(people: People, server, db_path) -> None:
    move_clock_to(dt.datetime(2027, 1, 10, 9, tzinfo=dt.UTC))
    ada = await people.signed_in("ada")
    await ada.posts.create("nobody reads this")
    assert pay(server, db_path, dt.date(2027, 2, 1)) == 0
    january = "SELECT pool, paid, carried_out FROM creator_months WHERE month = ?"
    assert query(db_path, january, JANUARY) == [(0, 0, 0)]
    assert (await ada.wallet.payouts()).past == []


def test_shares_add_up_and_splits_are_exact() -> None:
    paid, left = creators.shares(100_000, {"a": 1, "b": 1, "c": 1})
    assert paid == {"a": 33_333, "b": 33_333, "c": 33_333} and left == 1
    assert creators.split(33_333, {"p": 2, "q": 1}) == {"p": 22_222, "q": 11_111}
    assert creators.split(10, {"p": 1, "q": 1, "r": 1}) == {"p": 4, "q": 3, "r": 3}
