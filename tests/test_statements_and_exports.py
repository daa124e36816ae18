"""Statements and exports: every movement of my money between two dates, per account and
currency, with opening and closing balances the ledger agrees with; written as CSV (a
spreadsheet reads it), beancount (bean-check passes it, closing balances asserted) or
JSON, by the API and by `xapp export`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import People, audit, query, usd
from tests.test_savings import move_clock_to
from xapp.api.client import ApiClient
from xapp.api.errors import InvalidRequest
from xapp.api.exports import decimal, render, to_beancount, to_csv
from xapp.api.models import Money, Statement
from xapp.credentials import Credentials
from xapp.server import clock, savings

BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def real_time_after():
    yield
    clock.reset()


async def busy_month(people: People, server) -> tuple[ApiClient, ApiClient]:
    """Ada's month: money in from the bank, payments both ways, a tip, a refund, savings
    with a dividend, and an exchange into yen."""
    move_clock_to(dt.datetime(2027, 1, 10, 12, tzinfo=dt.UTC))
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.deposit(usd(100_000))
    await bob.wallet.deposit(usd(20_000))
    paid = await ada.wallet.pay("bob", usd(2_550), 'dinner "at Joe\'s"')
    await bob.wallet.refund(paid.id, usd(550), "you paid too much")
    await bob.wallet.pay("ada", usd(1_200), "tickets")
    post = await bob.posts.create("a post worth a tip")
    await ada.wallet.tip(post.id, usd(300))
    await ada.wallet.to_savings(usd(50_000))
    move_clock_to(dt.datetime(2027, 2, 3, 12, tzinfo=dt.UTC))  # January's dividend is paid
    server.call(lambda: savings.pay_dividends(server.app.state.db, server.settings.savings_apy))
    quote = await ada.wallet.quote(usd(10_000), "JPY")
    await ada.wallet.exchange(quote.id)
    return ada, bob


def ledger_balance(db_path, key: str) -> int:
    return query(db_path, "SELECT balance FROM ledger_accounts WHERE key = ?", key)[0][0]


async def test_a_statement_agrees_with_the_ledger(people: People, server, db_path) -> None:
    ada, _ = await busy_month(people, server)
    me = await ada.accounts.me()
    today = clock.now_us() // 1_000_000
    until = dt.datetime.fromtimestamp(today, dt.UTC).date()
    since = dt.date(2027, 1, 1)
    statement = await ada.wallet.statement(since, until)
    sections = {(s.account, s.currency): s for s in statement.accounts}
    assert set(sections) == {("cash", "JPY"), ("cash", "USD"), ("savings", "USD")}
    for (account, currency), section in sections.items():
        key = f"{'user' if account == 'cash' else 'savings'}:{me.id}:{currency}"
        assert section.opening.amount == 0
        assert section.closing.amount == ledger_balance(db_path, key)
        running = section.opening.amount
        for line in section.lines:
            running += line.amount.amount
            assert line.balance.amount == running
    cash = sections[("cash", "USD")]
    assert [(line.kind, line.amount.amount) for line in cash.lines] == [
        ("deposit", 100_000),
        ("payment", -2_550),
        ("refund", 550),
        ("payment", 1_200),
        ("tip", -300),
        ("to_savings", -50_000),
        ("exchange", -10_000),
    ]
    refund = cash.lines[2]
    assert refund.counterparty is not None and refund.counterparty.handle == "bob"
    assert [line.kind for line in sections[("savings", "USD")].lines] == ["to_savings", "dividend"]
    assert sections[("cash", "JPY")].closing == Money(amount=14_925, currency="JPY")

    # The earlier window holds nothing, and opens at what the later one closes before.
    before = await ada.wallet.statement(since - dt.timedelta(days=30), since - dt.timedelta(days=1))
    assert all(not s.lines for s in before.accounts)
    with pytest.raises(InvalidRequest, match="end comes before its start"):
        await ada.wallet.statement(until, since)
    with pytest.raises(InvalidRequest, match="at most 366 days"):
        await ada.wallet.statement(since - dt.timedelta(days=400), until)
    assert audit(db_path).returncode == 0


async def test_exports_open_cleanly(people: People, server, tmp_path) -> None:
    ada, _ = await busy_month(people, server)
    until = dt.datetime.fromtimestamp(clock.now_us() / 1e6, dt.UTC).date()
    statement = await ada.wallet.statement(until - dt.timedelta(days=60), until)

    rows = list(csv.DictReader(io.StringIO(to_csv(statement))))
    assert len(rows) == sum(len(s.lines) for s in statement.accounts)
    for section in statement.accounts:
        mine = [r for r in rows if r["account"] == f"{section.account.title()} {section.currency}"]
        total = sum(Decimal(r["amount"]) for r in mine)
        assert total == decimal(section.closing) - decimal(section.opening)
    dinner = next(r for r in rows if r["note"].startswith("dinner"))
    assert dinner["note"] == 'dinner "at Joe\'s"' and dinner["counterparty"] == "@bob"
    assert dinner["amount"] == "-25.50"
    yen = next(r for r in rows if r["currency"] == "JPY")
    assert yen["amount"] == "14925"

    ledger = tmp_path / "ada.beancount"
    ledger.write_text(to_beancount(statement, "@ada"))
    checked = subprocess.run(
        [str(BIN / "bean-check"), str(ledger)], capture_output=True, text=True, timeout=120
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr + ledger.read_text()
    assert "balance Assets:Xapp:Cash:JPY  14925 JPY" in ledger.read_text()

    back = Statement.model_validate_json(render(statement, "json", "@ada"))
    assert back == statement


async def test_a_statement_that_opens_mid_history(people: People, server, tmp_path) -> None:
    """Money before the window is its opening balance; bean-check still balances it."""
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(5_000))
    clock.advance(10 * 86_400)
    await ada.wallet.pay("bob", usd(1_000), "later")
    today = dt.datetime.fromtimestamp(clock.now_us() / 1e6, dt.UTC).date()
    statement = await ada.wallet.statement(today - dt.timedelta(days=2), today)
    (cash,) = statement.accounts
    assert (cash.opening, cash.closing) == (usd(5_000), usd(4_000))
    ledger = tmp_path / "mid.beancount"
    ledger.write_text(to_beancount(statement, "@ada"))
    checked = subprocess.run([str(BIN / "bean-check"), str(ledger)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


async def test_xapp_export_writes_the_file(people: People, server, tmp_path) -> None:
    ada = await people.signed_in("ada")
    await ada.wallet.deposit(usd(4_200))
    credentials = Credentials(tmp_path, keyring_vault=None)
    credentials.save(server.url, "ada", ada.token or "", "file")
    out = tmp_path / "ada.csv"
    done = subprocess.run(
        [
            str(BIN / "xapp"),
            "export",
            "--server",
            server.url,
            "--data-dir",
            str(tmp_path),
            "--format",
            "csv",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {out}: csv, ")
    rows = list(csv.DictReader(out.open()))
    assert [(r["kind"], r["amount"]) for r in rows] == [("deposit", "42.00")]

    stranger = subprocess.run(
        [
            str(BIN / "xapp"),
            "export",
            "--server",
            "http://127.0.0.1:9",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert stranger.returncode == 1
    assert "not signed in to http://127.0.0.1:9" in stranger.stderr
    wrong = subprocess.run(
        [str(BIN / "xapp"), "export", "--from", "yesterday"], capture_output=True, text=True
    )
    assert wrong.returncode == 2 and "'yesterday' is not a date" in wrong.stderr
