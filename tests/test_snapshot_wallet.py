"""A snapshot of the wallet on its own (a 100-column terminal shows one pane): cash in two
currencies, savings, the linked bank, and an exchange and a move to savings in the
history, each said as what it was."""

from __future__ import annotations

import asyncio

from tests.conftest import PASSWORD, usd
from tests.test_tui_home import drawn, home_of, shown, signed_in_app, wait_for
from xapp.api.client import ApiClient
from xapp.widgets.transfer_list import TransferList


async def seed(url: str) -> str:
    async with ApiClient(url) as alice:
        await alice.accounts.register("alice", "Alice Liddell", PASSWORD)
        await alice.accounts.login("alice", PASSWORD)
        await alice.wallet.link_bank("Alice Liddell", "021000021", "000123456789")
        await alice.wallet.deposit(usd(250_000))
        await alice.wallet.to_savings(usd(150_000))
        quote = await alice.wallet.quote(usd(20_000), "EUR")
        await alice.wallet.exchange(quote.id)
        assert alice.token is not None
        return alice.token


async def loaded(pilot) -> None:
    home = await home_of(pilot)
    await pilot.press("3")
    history = home.query_one(TransferList)
    await wait_for(pilot, lambda: len(history.items) == 3)
    await wait_for(pilot, lambda: "Savings" in shown(home.query_one("#money-more")))
    await wait_for(pilot, lambda: "€183.08" in shown(home.query_one("#balance")))
    await wait_for(pilot, lambda: "to savings" in drawn(history))
    await pilot.pause()


def test_wallet_with_savings_and_two_currencies(snap_compare, server, tmp_path) -> None:
    token = asyncio.run(seed(server.url))
    app = signed_in_app(server.url, "alice", token, tmp_path)
    assert snap_compare(app, terminal_size=(100, 32), run_before=loaded)


def test_wallet_in_high_contrast(snap_compare, server, tmp_path) -> None:
    token = asyncio.run(seed(server.url))
    app = signed_in_app(server.url, "alice", token, tmp_path)
    app.chosen_theme = "xapp-high-contrast"
    assert snap_compare(app, terminal_size=(100, 32), run_before=loaded)
