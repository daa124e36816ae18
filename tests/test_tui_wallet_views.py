"""The wallet as a new user reads it: every currency's balance at once, an empty wallet
that says how money comes in, tips said once in the history, a readable earnings
table, and declining or cancelling a request only after a yes."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.conftest import PASSWORD, People, usd
from tests.test_tui_home import drawn, home_of, shown, signed_in_app, wait_for
from tests.test_tui_payments import PIN
from xapp.api.models import Money
from xapp.screens.dialogs import ConfirmScreen
from xapp.screens.earnings import EarningsScreen
from xapp.widgets.request_list import RequestList
from xapp.widgets.transfer_list import TransferList


def eur(cents: int) -> Money:
    return Money(amount=cents, currency="EUR")


async def test_every_currency_shows_and_none_replaces_another(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await bob.wallet.deposit(usd(10_000))
    await bob.wallet.deposit(eur(5_000))
    await bob.wallet.pay("ada", usd(5_000), "dollars")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        balance = home.query_one("#balance")
        await wait_for(pilot, lambda: "$50.00" in shown(balance))
        await bob.wallet.pay("ada", eur(1_000), "euros")  # used to replace the dollars
        await wait_for(pilot, lambda: "€10.00" in shown(balance))
        assert "$50.00" in shown(balance)
        await bob.wallet.pay("ada", usd(100), "one more")  # and flip back
        await wait_for(pilot, lambda: "$51.00" in shown(balance))
        assert "€10.00" in shown(balance)


async def test_an_empty_wallet_says_how_money_comes_in(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        balance = home.query_one("#balance")
        await wait_for(pilot, lambda: "$0.00" in shown(balance))
        assert "a adds money from your bank (B links one)" in shown(balance)


async def test_tips_are_said_once_and_earnings_read_plainly(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    post = await ada.posts.create("We can only see a short distance ahead")
    await bob.wallet.deposit(usd(5_000))
    await bob.wallet.tip(post.id, usd(300))
    await bob.posts.like(post.id)
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        history = home.query_one(TransferList)
        await wait_for(pilot, lambda: "We can only see" in drawn(history))
        assert "Tip · We can only see a short" in drawn(history).replace("\n", " ")
        assert "tip · Tip" not in drawn(history)
        history.focus()
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EarningsScreen))
        table = app.screen.query_one("#by-post", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        await pilot.pause()
        text = "\n".join(table.render_line(y).text for y in range(table.size.height))
        assert "We can only see a short distance ahead" in text
        assert "$3.00" in text
        payouts = app.screen.query_one("#payouts", Static)
        await wait_for(pilot, lambda: "so far: 1 point (likes, reposts" in shown(payouts))


async def test_decline_and_cancel_ask_first(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.set_pin(PASSWORD, PIN)
    await bob.bills.request(["ada"], usd(800), "coffee beans")
    await ada.bills.request(["bob"], usd(500), "lunch")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        requests = home.query_one(RequestList)
        await wait_for(pilot, lambda: len(requests.items) == 2)
        requests.focus()
        incoming = next(i for i, r in enumerate(requests.items) if r.payer.handle == "ada")
        requests.cursor = incoming
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # changed my mind: still open
        await wait_for(pilot, lambda: app.screen is home)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: len(requests.items) == 1)

        requests.cursor = 0  # my own request to bob
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: len(requests.items) == 0)
    assert [r.status for r in (await bob.bills.requests("outgoing")).items] == ["declined"]
    assert [r.status for r in (await ada.bills.requests("outgoing")).items] == ["cancelled"]
