"""Money rules a person writes, against the real server: a sweep from savings when cash
falls below a line (once per fall, not drained), a monthly payment (through its
schedule), a tip on every post liked from someone (once per post); each dry-run against
the last 30 days of real movements before it is switched on, which takes the PIN.

The money loop runs them every second; the tests also run `money_rules.run_due` at the
moment they need it, which is safe because every action is claimed once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.conftest import PASSWORD, People, audit, query, refused, usd
from tests.test_limits_and_regions import ADULT, Refused
from tests.test_savings import move_clock_to
from tests.test_scheduled_payments import run_day
from xapp.api.client import ApiClient
from xapp.api.errors import ApiError, InvalidRequest, NotFound
from xapp.api.models import Money
from xapp.embedded import ServerThread
from xapp.server import clock, money_out, money_rules


@pytest.fixture(autouse=True)
def real_time_after() -> Iterator[None]:
    yield
    clock.reset()


def act(server: ServerThread) -> int:
    """What the money loop does each second for rules, now."""
    db, rules = server.app.state.db, money_out.Rules.of(server.settings)
    return server.call(lambda: money_rules.run_due(db, rules, server.settings.savings_apy))


async def cash_and_savings(client: ApiClient) -> tuple[int, int]:
    balances = (await client.wallet.balances()).balances
    cash = next((b.amount for b in balances if b.currency == "USD"), 0)
    return cash, (await client.wallet.savings()).balance.amount


async def test_a_sweep_moves_from_savings_once_each_time_cash_falls_below(
    people: People, server, db_path
) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(100_000))
    await ada.wallet.to_savings(usd(50_000))
    await ada.wallet.pay("bob", usd(45_000))  # cash $50.00
    rule = await ada.rules.sweep(usd(10_000), usd(2_000))
    assert rule.status == "off"
    assert rule.summary == "When my cash falls below $100.00, move $20.00 from savings"

    dry = await ada.rules.dry_run(rule.id)
    assert [(a.what, a.amount.amount, a.refused) for a in dry.actions] == [
        ("Cash fell to $50.00, below $100.00: move $20.00 from savings", 2_000, None)
    ]
    assert dry.total == usd(2_000)
    assert (
        dry.summary == "In the last 30 days this rule would have moved $20.00 from savings, once."
    )
    act(server)
    assert await cash_and_savings(ada) == (5_000, 50_000)  # off: nothing moves

    on = await ada.rules.switch_on(rule.id)
    assert on.status == "on"
    act(server)
    assert await cash_and_savings(ada) == (7_000, 48_000)
    act(server)  # still below the line, but it acted for this fall: not drained
    assert await cash_and_savings(ada) == (7_000, 48_000)

    await ada.wallet.deposit(usd(10_000))  # $170.00: back above, armed again
    act(server)
    await ada.wallet.pay("bob", usd(15_000))  # $20.00: a second fall
    act(server)
    assert await cash_and_savings(ada) == (4_000, 46_000)
    (listed,) = (await ada.rules.list()).items
    assert (listed.acted, listed.last_error) == (2, None)
    notes = query(
        db_path,
        "SELECT t.note FROM transfers t JOIN accounts a ON a.id = t.sender_id "
        "WHERE a.handle = 'ada' AND t.kind = 'from_savings' ORDER BY t.pk",
    )
    assert notes == [("Rule: cash below $100.00",)] * 2

    # Savings run dry: the next fall is refused, said once, and not retried.
    await ada.wallet.from_savings(usd(46_000))
    act(server)
    await ada.wallet.pay("bob", usd(49_500))  # $5.00
    act(server)
    act(server)
    assert await cash_and_savings(ada) == (500, 0)
    (failed,) = [n for n in (await ada.notifications.list()).items if n.kind == "money_rule_failed"]
    assert failed.detail == (
        "When my cash falls below $100.00, move $20.00 from savings: your savings were empty."
    )
    (listed,) = (await ada.rules.list()).items
    assert listed.last_error == "your savings were empty"
    assert audit(db_path).returncode == 0


async def test_a_monthly_payment_rule_pays_through_its_schedule(
    people: People, server, db_path
) -> None:
    move_clock_to(dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC))
    ada = await people.signed_in("ada")
    await people.signed_in("landlord")
    await ada.wallet.set_pin(PASSWORD, "2468")
    rule = await ada.rules.monthly_pay("landlord", usd(120_000), 1, "rent")
    assert rule.summary == "Every month on the 1st, pay @landlord $1,200.00"
    # Over the last 30 days (Dec 12 to Jan 10) it would have paid on Jan 1, with no money.
    dry = await ada.rules.dry_run(rule.id)
    assert (dry.since, dry.until) == (dt.date(2026, 12, 12), dt.date(2027, 1, 10))
    (first,) = dry.actions
    assert first.at == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert (first.what, first.refused) == (
        "Pay @landlord $1,200.00",
        "not enough cash: you had $0.00",
    )
    assert dry.summary == "In the last 30 days this rule would have been refused once."

    with refused(ApiError, 403, "pin_required", "This payment needs your payments PIN"):
        await ada.rules.switch_on(rule.id)
    on = await ada.rules.switch_on(rule.id, pin="2468")
    assert (on.status, on.next_run) == ("on", dt.date(2027, 2, 1))
    await ada.wallet.deposit(usd(240_000))
    assert run_day(server, dt.date(2027, 2, 1)) == 1
    assert query(
        db_path,
        "SELECT t.amount, t.note FROM transfers t JOIN accounts a ON a.id = t.recipient_id "
        "WHERE a.handle = 'landlord'",
    ) == [(120_000, "rent")]
    (listed,) = (await ada.rules.list()).items
    assert (listed.status, listed.acted, listed.next_run) == ("on", 1, dt.date(2027, 3, 1))

    off = await ada.rules.switch_off(rule.id)
    assert (off.status, off.next_run) == ("off", None)
    assert run_day(server, dt.date(2027, 3, 1)) == 0
    (schedule,) = (await ada.wallet.schedules()).items
    assert schedule.status == "cancelled"
    # On again later that day: a new schedule, from today, as it is the 1st.
    again = await ada.rules.switch_on(rule.id, pin="2468")
    assert (again.status, again.next_run, again.acted) == ("on", dt.date(2027, 3, 1), 1)
    assert run_day(server, dt.date(2027, 3, 1)) == 1
    assert len((await ada.wallet.schedules()).items) == 2
    (listed,) = (await ada.rules.list()).items
    assert listed.acted == 2
    assert audit(db_path).returncode == 0


async def test_a_tip_rule_tips_each_liked_post_of_one_author_once(
    people: People, server, db_path
) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    cat = await people.signed_in("cat")
    await ada.wallet.deposit(usd(250))
    earlier = [await bob.posts.create(f"bob's earlier post {i}") for i in range(2)]
    for post in [*earlier, await cat.posts.create("cat's post")]:
        await ada.posts.like(post.id)

    rule = await ada.rules.tip_on_like("bob", usd(100))
    assert rule.summary == "Tip $1.00 on every post I like from @bob"
    dry = await ada.rules.dry_run(rule.id)
    assert [a.what for a in dry.actions] == [
        "Tip @bob $1.00 on “bob's earlier post 0”",
        "Tip @bob $1.00 on “bob's earlier post 1”",
    ]
    assert dry.summary == "In the last 30 days this rule would have tipped @bob $2.00, twice."
    await ada.rules.switch_on(rule.id)

    liked = await bob.posts.create("a new one from bob")
    await ada.posts.like(liked.id)
    await ada.posts.like(liked.id, on=False)
    await ada.posts.like(liked.id)  # liked again: still one tip
    await ada.posts.like((await cat.posts.create("cat again")).id)  # not bob's
    act(server)
    tips = "SELECT t.amount, t.note, t.post_id FROM transfers t WHERE t.kind = 'tip'"
    assert query(db_path, tips) == [(100, "Tip · a new one from bob", liked.id)]
    repost = await cat.posts.repost(liked.id)
    await ada.posts.like(repost.id)  # the like goes to bob's post: tipped already
    act(server)
    assert len(query(db_path, tips)) == 1

    # $1.50 left: the next tip goes through, the one after is refused and said.
    for text in ("second", "third"):
        await ada.posts.like((await bob.posts.create(text)).id)
    act(server)
    assert len(query(db_path, tips)) == 2
    (failed,) = [n for n in (await ada.notifications.list()).items if n.kind == "money_rule_failed"]
    assert failed.actor.handle == "bob"
    assert failed.detail is not None and "Insufficient funds" in failed.detail

    await ada.rules.switch_off(rule.id)
    await ada.posts.like((await bob.posts.create("while off")).id)
    act(server)
    assert len(query(db_path, tips)) == 2
    (listed,) = (await ada.rules.list()).items
    assert listed.acted == 2
    assert audit(db_path).returncode == 0


async def test_rules_are_the_owners_alone_and_say_what_is_wrong(people: People) -> None:
    ada = await people.signed_in("ada")
    eve = await people.signed_in("eve")
    await people.signed_in("bob")
    rule = await ada.rules.sweep(usd(1_000), usd(500))
    for attempt in (
        eve.rules.dry_run(rule.id),
        eve.rules.switch_on(rule.id),
        eve.rules.switch_off(rule.id),
        eve.rules.delete(rule.id),
    ):
        with refused(NotFound, 404, "not_found", "That rule was not found"):
            await attempt
    assert (await eve.rules.list()).items == []

    euros = Money(amount=500, currency="EUR")
    with refused(InvalidRequest, 422, "savings_currency", "Savings are held in USD"):
        await ada.rules.sweep(euros, euros)
    with refused(InvalidRequest, 422, "cannot_tip_self", "You can't tip your own posts"):
        await ada.rules.tip_on_like("ada", usd(100))
    with refused(InvalidRequest, 422, "cannot_pay_self", "You can't send money to yourself"):
        await ada.rules.monthly_pay("ada", usd(100), 1)
    with refused(NotFound, 404, "not_found", "@nobody was not found"):
        await ada.rules.monthly_pay("nobody", usd(100), 1)
    await ada.rules.delete(rule.id)
    assert (await ada.rules.list()).items == []


async def test_a_region_without_savings_refuses_a_sweep(people: People) -> None:
    kuwait = await people.signed_in("kuwait")
    await kuwait.wallet.verify("Kuwait", ADULT, "KW")
    with Refused("not_in_region", "Savings aren't available in Kuwait yet"):
        await kuwait.rules.sweep(usd(1_000), usd(500))
