"""The monthly statement in the wallet (M): opening, every movement with its balance,
closing, per account; ← and → go a month back and on."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Label, Static

from tests.conftest import People, usd
from tests.test_tui_home import home_of, shown, signed_in_app, wait_for
from tests.test_tui_own_money import dialog, press_in_wallet
from xapp.screens.statement import StatementScreen, month_of


def rows(table: DataTable) -> str:
    return "\n".join(
        " | ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)
    )


async def test_the_month_reads_like_a_bank_statement(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(10_000))
    await ada.wallet.pay("bob", usd(2_550), "dinner")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await press_in_wallet(pilot, home, "M")
        screen = await dialog(pilot, StatementScreen, "#lines")
        summary = screen.query_one("#summary", Static)
        await wait_for(pilot, lambda: "Cash USD: $0.00 → $74.50 (2 movements)" in shown(summary))
        table = screen.query_one("#lines", DataTable)
        text = rows(table)
        assert "Deposit from bank | +$100.00 | $100.00" in text
        assert "@bob · dinner | -$25.50 | $74.50" in text
        this_month = month_of(dt.datetime.now(dt.UTC).date())[0]
        title = screen.query_one("#statement-title", Label)
        await pilot.press("left")
        before = month_of(this_month, -1)[0]
        await wait_for(pilot, lambda: f"{before:%B %Y}" in str(title.render()))
        await wait_for(pilot, lambda: "Cash USD: $0.00 → $0.00 (0 movements)" in shown(summary))
        await pilot.press("right")
        await wait_for(pilot, lambda: "$74.50 (2 movements)" in shown(summary))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)
