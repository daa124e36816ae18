"""A statement written as a file: CSV for a spreadsheet, beancount for plain-text
accounting (it passes `bean-check`), or JSON for programs. Pure functions of a
`Statement` (the server's `GET /v1/statements`), so the CLI and the app write the same.

Beancount: each of my accounts is an asset (`Assets:Xapp:Cash:USD`,
`Assets:Xapp:Savings:USD`); the opening balance comes from `Equity:Opening-Balances` on
the first day; every movement is balanced by where the money came from or went:
`Income:Xapp:Received` and `Expenses:Xapp:Sent` (a person; the payee in the narration),
`Assets:Bank` (deposits, withdrawals, returns), `Income:Xapp:Dividends`,
`Income:Xapp:Creator` (creator payouts), and for money
between my own accounts (savings, exchanges) the other account itself. An exchange is
one transaction: the amount bought is priced at the total sold (`@@`), so the fee is in
its cost.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from xapp.api.models import Money, Statement, StatementAccount, StatementLine
from xapp.api.money import exponent

FORMATS = ("csv", "beancount", "json")


def decimal(money: Money) -> Decimal:
    """Minor units as an exact decimal in major units (¥150 is 150; KWD 1.250 is 1.250)."""
    places = exponent(money.currency)
    return Decimal(money.amount).scaleb(-places)


def _name(section: StatementAccount) -> str:
    return f"{section.account.title()} {section.currency}"


def _who(line: StatementLine) -> str:
    return f"@{line.counterparty.handle}" if line.counterparty else ""


def to_csv(statement: Statement) -> str:
    """One row per movement, grouped by account; amounts as plain decimals a spreadsheet
    reads as numbers, dates as ISO 8601 UTC."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["date", "account", "currency", "amount", "balance", "kind", "counterparty", "note", "id"]
    )
    for section in statement.accounts:
        for line in section.lines:
            writer.writerow(
                [
                    line.at.isoformat(),
                    _name(section),
                    section.currency,
                    decimal(line.amount),
                    decimal(line.balance),
                    line.kind,
                    _who(line),
                    line.note,
                    line.transfer_id,
                ]
            )
    return out.getvalue()


def to_json(statement: Statement) -> str:
    return statement.model_dump_json(indent=2) + "\n"


def _account(section_account: str, currency: str) -> str:
    return f"Assets:Xapp:{section_account.title()}:{currency}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


_OTHER = {
    "deposit": "Assets:Bank",
    "withdrawal": "Assets:Bank",
    "return": "Assets:Bank",
    "dividend": "Income:Xapp:Dividends",
    "creator_payout": "Income:Xapp:Creator",
}


def _other(line: StatementLine) -> str:
    """Where a movement's money came from or went (a void is a negative expense)."""
    if line.kind in _OTHER:
        return _OTHER[line.kind]
    return "Expenses:Xapp:Sent" if line.sent else "Income:Xapp:Received"


def to_beancount(statement: Statement, who: str) -> str:
    sections = statement.accounts
    opened = statement.since.isoformat()
    currencies = sorted({s.currency for s in sections})
    lines = [
        f'option "title" {_quoted("xapp: " + who)}',
        f'option "operating_currency" "{currencies[0] if currencies else "USD"}"',
        "",
    ]
    accounts = {_account(s.account, s.currency): s.currency for s in sections}
    for name, currency in sorted(accounts.items()):
        lines.append(f"{opened} open {name} {currency}")
    for name in (
        "Equity:Opening-Balances",
        "Assets:Bank",
        "Income:Xapp:Received",
        "Income:Xapp:Dividends",
        "Income:Xapp:Creator",
        "Expenses:Xapp:Sent",
    ):
        lines.append(f"{opened} open {name}")
    lines.append("")
    for section in sections:
        if section.opening.amount:
            name = _account(section.account, section.currency)
            lines += [
                f'{opened} * "Opening balance"',
                f"  {name}  {decimal(section.opening)} {section.currency}",
                "  Equity:Opening-Balances",
                "",
            ]
    lines += list(_transactions(statement))
    for section in sections:  # the ledger's own closing balance, checked by bean-check
        after = statement.until.toordinal() + 1
        day = type(statement.until).fromordinal(after).isoformat()
        name = _account(section.account, section.currency)
        lines.append(f"{day} balance {name}  {decimal(section.closing)} {section.currency}")
    return "\n".join(lines) + "\n"


def _transactions(statement: Statement) -> Iterator[str]:
    """One transaction per transfer: its movements on my accounts, balanced by the other
    side (the other of my accounts when the money stayed mine)."""
    by_transfer: dict[str, list[tuple[StatementAccount, StatementLine]]] = {}
    for section in statement.accounts:
        for line in section.lines:
            by_transfer.setdefault(line.transfer_id, []).append((section, line))
    ordered = sorted(by_transfer.values(), key=lambda moves: moves[0][1].at)
    for moves in ordered:
        first = moves[0][1]
        payee = _who(first)
        yield f"{first.at.date().isoformat()} * {_quoted(payee)} {_quoted(first.note)}"
        postings = [(_account(s.account, s.currency), line.amount) for s, line in moves]
        if first.kind == "exchange" and len(moves) == 2:
            (out_name, sold), (in_name, bought) = sorted(postings, key=lambda p: p[1].amount)
            yield f"  {out_name}  {decimal(sold)} {sold.currency}"
            yield (
                f"  {in_name}  {decimal(bought)} {bought.currency} "
                f"@@ {-decimal(sold)} {sold.currency}"
            )
        else:
            for name, amount in postings:
                yield f"  {name}  {decimal(amount)} {amount.currency}"
            if sum(amount.amount for _, amount in postings) != 0 or len(postings) == 1:
                yield f"  {_other(first)}"
        yield ""


def render(statement: Statement, fmt: str, who: str) -> str:
    match fmt:
        case "csv":
            return to_csv(statement)
        case "beancount":
            return to_beancount(statement, who)
        case "json":
            return to_json(statement)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
