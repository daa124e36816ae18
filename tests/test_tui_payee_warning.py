"""The confirmation's warnings come from the server, on every way money leaves: a first
payment is flagged whether it is a payment, a paid request or a tip (the client used to
assume a request's sender had been paid before: the classic scam is a request from a
new lookalike account), and the undo window is announced when the server will hold it."""

from __future__ import annotations

from tests.conftest import PASSWORD, People, usd
from tests.test_tui_home import drawn, home_of, shown, signed_in_app, wait_for
from tests.test_tui_payments import PIN, alice_and_bob, confirm_screen, open_tip
from xapp.embedded import ServerThread
from xapp.server import ServerSettings
from xapp.widgets.request_list import RequestList


async def test_a_request_from_a_stranger_warns_before_paying(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    await alice.wallet.deposit(usd(5_000))
    await alice.wallet.set_pin(PASSWORD, PIN)
    stranger = await people.signed_in("bob_", "Bob Builder")  # a new lookalike of @bob
    await stranger.bills.request(["alice"], usd(4_000), "the invoice you owe")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        requests = home.query_one(RequestList)
        await wait_for(pilot, lambda: "asks $40.00" in drawn(requests))
        requests.focus()
        await pilot.press("enter")
        confirm = await confirm_screen(pilot)
        assert shown(confirm.query_one("#first")).startswith("⚠ First payment to @bob_")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)
    assert (await alice.wallet.balances()).balances == [usd(5_000)]


async def test_a_tip_to_someone_paid_before_does_not_warn(people: People, tmp_path) -> None:
    alice, bob = await alice_and_bob(people, 5_000)
    await alice.wallet.pay("bob", usd(100), "earlier", pin=PIN)
    await alice.accounts.follow("bob")
    await bob.posts.create("a post worth a tip")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await open_tip(pilot, home, "a post worth a tip")
        await pilot.press("enter")  # the first preset
        confirm = await confirm_screen(pilot)
        assert not confirm.query("#first")
        assert not confirm.query("#held")


async def test_the_undo_window_is_announced_before_sending(db_path, tmp_path) -> None:
    with ServerThread(ServerSettings(db=str(db_path), undo_seconds=30)) as running:
        people = People(running.url)
        alice, _ = await alice_and_bob(people, 5_000)
        app = signed_in_app(running.url, "alice", alice.token or "", tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            await home_of(pilot)
            await pilot.press("p")
            await wait_for(pilot, lambda: bool(app.screen.query("#to")))
            await pilot.press(*"@bob", "tab", *"12.50", "enter")
            confirm = await confirm_screen(pilot)
            assert shown(confirm.query_one("#held")) == (
                "It waits 30 seconds before it goes: u takes it back."
            )
        await people.close()
