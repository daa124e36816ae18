"""Scheduled and recurring payments, run by the server's own job (`schedules.run_due`,
what its loop runs every second) over days of its clock: each occurrence paid exactly
once, even raced, even after downtime; the 31st on a short month's last day; a refused
run told to the payer, not retried, and three in a row pause it; pause, resume, cancel."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator

import pytest

from tests.conftest import PASSWORD, People, audit, query, refused, usd
from tests.test_savings import move_clock_to
from xapp.api.errors import ApiError, Conflict, InvalidRequest, NotFound
from xapp.embedded import ServerThread
from xapp.server import clock, money_out, schedules

START = dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC)  # a Sunday


@pytest.fixture(autouse=True)
def real_time_after() -> Iterator[None]:
    yield
    clock.reset()


def run_day(server: ServerThread, day: dt.date) -> int:
    """Move the server's clock to 09:00 UTC on `day` and run what is due."""
    move_clock_to(dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC))
    db = server.app.state.db
    return server.call(lambda: schedules.run_due(db, money_out.Rules.of(server.settings)))


def payments_to(db_path, handle: str) -> list[tuple[int, str]]:
    return query(
        db_path,
        "SELECT t.amount, t.note FROM transfers t JOIN accounts a ON a.id = t.recipient_id "
        "WHERE a.handle = ? AND t.kind = 'payment' ORDER BY t.pk",
        handle,
    )


async def test_once_on_a_day_pays_once(people: People, server, db_path) -> None:
    move_clock_to(START)
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(10_000))
    plan = await ada.wallet.schedule("bob", usd(2_500), "once", dt.date(2027, 1, 12), "rent share")
    assert (plan.status, plan.next_run) == ("active", dt.date(2027, 1, 12))
    assert run_day(server, dt.date(2027, 1, 11)) == 0
    assert run_day(server, dt.date(2027, 1, 12)) == 1
    assert run_day(server, dt.date(2027, 1, 12)) == 0  # the loop's next pass: nothing
    assert payments_to(db_path, "bob") == [(2_500, "rent share")]
    (done,) = (await ada.wallet.schedules()).items
    assert (done.status, done.next_run) == ("done", None)
    assert audit(db_path).returncode == 0


async def test_monthly_on_the_31st_falls_on_short_months_last_day(
    people: People, server, db_path
) -> None:
    move_clock_to(START)
    ada = await people.signed_in("ada")
    await people.signed_in("landlord")
    await ada.wallet.deposit(usd(1_000_000))
    await ada.wallet.schedule("landlord", usd(120_000), "monthly", dt.date(2027, 1, 31), "rent")
    paid_on = []
    day = dt.date(2027, 1, 30)
    while day <= dt.date(2027, 5, 1):
        if run_day(server, day):
            paid_on.append(day)
        day += dt.timedelta(days=1)
    assert paid_on == [
        dt.date(2027, 1, 31),
        dt.date(2027, 2, 28),
        dt.date(2027, 3, 31),
        dt.date(2027, 4, 30),
    ]
    assert len(payments_to(db_path, "landlord")) == 4


async def test_after_a_week_of_downtime_it_runs_once(people: People, server, db_path) -> None:
    move_clock_to(START)
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(100_000))
    await ada.wallet.schedule("bob", usd(1_000), "weekly", dt.date(2027, 1, 11), "allowance")
    # Down from Sunday the 10th to Tuesday the 19th: the 11th and the 18th were missed.
    assert run_day(server, dt.date(2027, 1, 19)) == 1
    for day in range(20, 25):
        assert run_day(server, dt.date(2027, 1, day)) == 0
    assert payments_to(db_path, "bob") == [(1_000, "allowance")]
    (plan,) = (await ada.wallet.schedules()).items
    assert plan.next_run == dt.date(2027, 1, 25)  # its weekday, after today


async def test_runs_raced_by_several_passes_pay_once(people: People, server, db_path) -> None:
    move_clock_to(START)
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(100_000))
    for n in range(5):
        await ada.wallet.schedule("bob", usd(100 + n), "once", dt.date(2027, 1, 11))
    move_clock_to(START + dt.timedelta(days=1))
    db = server.app.state.db
    rules = money_out.Rules.of(server.settings)

    async def together() -> list[int]:
        return list(await asyncio.gather(*(schedules.run_due(db, rules) for _ in range(4))))

    ran = server.call(together)
    assert sum(ran) == 5
    assert sorted(a for a, _ in payments_to(db_path, "bob")) == [100, 101, 102, 103, 104]


async def test_a_refused_run_is_told_not_retried_and_three_pause_it(
    people: People, server, db_path
) -> None:
    move_clock_to(START)
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(1_000))
    await ada.wallet.schedule("bob", usd(5_000), "weekly", dt.date(2027, 1, 11), "gym")
    assert run_day(server, dt.date(2027, 1, 11)) == 1
    assert payments_to(db_path, "bob") == []
    (plan,) = (await ada.wallet.schedules()).items
    assert (plan.status, plan.failures, plan.next_run) == ("active", 1, dt.date(2027, 1, 18))
    assert plan.last_error and plan.last_error.startswith("Insufficient funds")
    told = (await ada.notifications.list()).items[0]
    assert told.kind == "scheduled_payment_failed" and told.actor.handle == "bob"
    assert told.detail == (
        "$50.00 due 2027-01-11: Insufficient funds: your balance is $10.00, this payment is $50.00."
    )
    assert run_day(server, dt.date(2027, 1, 12)) == 0  # not retried
    run_day(server, dt.date(2027, 1, 18))
    run_day(server, dt.date(2027, 1, 25))
    (plan,) = (await ada.wallet.schedules()).items
    assert (plan.status, plan.failures) == ("failed", 3)
    assert run_day(server, dt.date(2027, 2, 1)) == 0
    assert "paused after three failures" in ((await ada.notifications.list()).items[0].detail or "")
    await ada.wallet.deposit(usd(100_000))
    resumed = await ada.wallet.resume_schedule(plan.id)
    # Today's occurrence has not passed yet: it is paid today.
    assert (resumed.status, resumed.next_run) == ("active", dt.date(2027, 2, 1))
    assert run_day(server, dt.date(2027, 2, 1)) == 1
    assert payments_to(db_path, "bob") == [(5_000, "gym")]
    assert audit(db_path).returncode == 0


async def test_the_pin_given_when_scheduling_stands(people: People, server, db_path) -> None:
    move_clock_to(START)
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(10_000))
    await ada.wallet.set_pin(PASSWORD, "4821")
    with pytest.raises(ApiError, match="needs your payments PIN"):
        await ada.wallet.schedule("bob", usd(100), "weekly", dt.date(2027, 1, 11))
    await ada.wallet.schedule("bob", usd(100), "weekly", dt.date(2027, 1, 11), pin="4821")
    assert run_day(server, dt.date(2027, 1, 11)) == 1
    assert payments_to(db_path, "bob") == [(100, "")]
    query(db_path, "UPDATE accounts SET pin_locked_until = ? WHERE handle = 'ada'", 2**62)
    run_day(server, dt.date(2027, 1, 18))  # payments are locked: so is the standing order
    assert payments_to(db_path, "bob") == [(100, "")]


async def test_pause_cancel_and_refusals(people: People, server) -> None:
    move_clock_to(START)
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.deposit(usd(10_000))
    with refused(InvalidRequest, 422, "in_the_past", "The first payment can't be before today"):
        await ada.wallet.schedule("bob", usd(100), "once", dt.date(2027, 1, 9))
    with pytest.raises(InvalidRequest, match="yourself"):
        await ada.wallet.schedule("ada", usd(100), "once", dt.date(2027, 1, 11))
    plan = await ada.wallet.schedule("bob", usd(100), "weekly", dt.date(2027, 1, 11))
    with pytest.raises(NotFound):
        await bob.wallet.pause_schedule(plan.id)
    assert (await ada.wallet.pause_schedule(plan.id)).status == "paused"
    assert run_day(server, dt.date(2027, 1, 11)) == 0
    with refused(Conflict, 409, "not_active", "This scheduled payment is paused"):
        await ada.wallet.pause_schedule(plan.id)
    assert (await ada.wallet.cancel_schedule(plan.id)).status == "cancelled"
    with refused(Conflict, 409, "not_paused", "This scheduled payment is cancelled"):
        await ada.wallet.resume_schedule(plan.id)
