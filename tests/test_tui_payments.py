"""Payments in the TUI, driven as a person would, against a real server: the PIN set-up,
the confirmation's warnings, the lockout, cards in chats, split bills, tips, requests,
refunds and the undo window."""

from __future__ import annotations

from textual.widgets import Input

from tests.conftest import PASSWORD, People, balance_of, usd
from tests.test_tui_home import drawn, home_of, shown, signed_in_app, wait_for
from xapp.api.client import ApiClient
from xapp.screens.pay import ConfirmPayScreen, PayScreen
from xapp.screens.pin import SetPinScreen
from xapp.screens.tip import TipScreen
from xapp.widgets.request_list import RequestList
from xapp.widgets.timeline import Timeline
from xapp.widgets.transfer_list import TransferList

PIN = "2468"


async def pay_form(pilot) -> PayScreen:
    """The pay dialog once its fields are mounted (a screen can be current before)."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PayScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: bool(screen.query("#currency")))
    return screen


async def confirm_screen(pilot) -> ConfirmPayScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmPayScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: bool(screen.query("#amount")))
    return screen


async def open_tip(pilot, home, text: str) -> None:
    """Put the timeline's cursor on the post showing `text` and press $ for the tip
    dialog, as a person would."""
    timeline = home.query_one(Timeline)
    await wait_for(pilot, lambda: text in drawn(timeline))
    timeline.focus()
    await pilot.press("$")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TipScreen))
    await wait_for(pilot, lambda: bool(pilot.app.screen.query("#presets")))


async def alice_and_bob(
    people: People, cents: int, pin: bool = True
) -> tuple[ApiClient, ApiClient]:
    """alice with `cents` in her wallet (and a payments PIN), and Bob Builder to pay."""
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob", "Bob Builder")
    await alice.wallet.deposit(usd(cents))
    if pin:
        await alice.wallet.set_pin(PASSWORD, PIN)
    return alice, bob


async def test_first_payment_sets_a_pin_then_confirms_who_gets_how_much(
    people: People, tmp_path, db_path
) -> None:
    alice, bob = await alice_and_bob(people, 5_000, pin=False)
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await wait_for(pilot, lambda: "$50.00" in shown(home.query_one("#balance")))
        await pilot.press("p")
        assert isinstance(app.screen, PayScreen)
        await pilot.press(*"@bob", "tab", *"12.50", "tab", *"pizza", "enter")
        # No PIN yet: the app asks for one (with the password) before any money moves.
        await wait_for(pilot, lambda: isinstance(app.screen, SetPinScreen))
        await wait_for(pilot, lambda: bool(app.screen.query("#password")))
        await pilot.press(*PASSWORD, "tab", *PIN, "tab", *"2469", "enter")
        await wait_for(pilot, lambda: "different" in shown(app.screen.query_one("#error")))
        app.screen.query_one("#again", Input).value = PIN
        await pilot.press("enter")
        confirm = await confirm_screen(pilot)
        assert shown(confirm.query_one("#amount")) == "$12.50"
        assert shown(confirm.query_one("#recipient")) == "to Bob Builder @bob"
        assert shown(confirm.query_one("#note")) == "note: pizza"
        assert shown(confirm.query_one("#first")) == (
            "⚠ First payment to @bob, account created today"
        )
        await pilot.press(*PIN, "enter")
        await wait_for(pilot, lambda: app.screen is home)
        await wait_for(pilot, lambda: "$37.50" in shown(home.query_one("#balance")))
        assert "-$12.50 to Bob Builder @bob" in drawn(home.query_one(TransferList))

        # The second payment to bob carries no first-payment warning.
        await pilot.press("p", *"bob", "tab", *"1", "enter")
        confirm = await confirm_screen(pilot)
        assert not confirm.query("#first")
        await pilot.press(*PIN, "enter")
        await wait_for(pilot, lambda: app.screen is home)
    assert (await bob.wallet.balances()).balances == [usd(1_350)]
    assert (await alice.accounts.me()).has_pin
    assert balance_of(db_path, "alice") == 3_650


async def test_a_large_amount_must_be_typed_again(people: People, tmp_path) -> None:
    alice, _ = await alice_and_bob(people, 100_000)
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await pilot.press("p", *"bob", "tab", *"450", "enter")
        confirm = await confirm_screen(pilot)
        await pilot.press(*"405", "tab", *PIN, "enter")
        error = confirm.query_one("#error")
        await wait_for(pilot, lambda: "not the same amount" in shown(error))
        assert shown(error) == "That is not the same amount; the payment is $450.00"
        confirm.query_one("#retype", Input).value = "450.00"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is home)
    assert (await alice.wallet.balances()).balances == [usd(55_000)]


async def test_wrong_pins_show_tries_left_then_lock_payments(people: People, tmp_path) -> None:
    alice, _ = await alice_and_bob(people, 5_000)
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await home_of(pilot)
        await pilot.press("p", *"bob", "tab", *"5", "tab", *"lunch", "enter")
        confirm = await confirm_screen(pilot)
        error = confirm.query_one("#error")
        pin = confirm.query_one("#pin", Input)
        for attempt in range(1, 6):
            pin.value = "9999"
            await pilot.press("enter")
            await wait_for(
                pilot,
                lambda a=attempt: (
                    (a == 5 and "locked" in shown(error)) or f"{5 - a} tr" in shown(error)
                ),
            )
        assert shown(error) == "Payments are locked after 5 wrong PINs. Try again in 15 minutes."
        pin.value = PIN  # even the right PIN waits out the lock
        await pilot.press("enter")
        await wait_for(pilot, lambda: "locked" in shown(error))
        assert isinstance(app.screen, ConfirmPayScreen)  # nothing lost: the dialog stays
        await pilot.press("escape")
        pay = app.screen
        assert isinstance(pay, PayScreen)
        assert [pay.query_one(f"#{f}", Input).value for f in ("to", "amount", "note")] == [
            "bob",
            "5",
            "lunch",
        ]
    assert (await alice.wallet.balances()).balances == [usd(5_000)]


async def test_insufficient_funds_shows_in_the_confirmation(people: People, tmp_path) -> None:
    alice, _ = await alice_and_bob(people, 500)
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await home_of(pilot)
        await pilot.press("p", *"bob", "tab", *"99", "enter")
        confirm = await confirm_screen(pilot)
        await pilot.press(*PIN, "enter")
        error = confirm.query_one("#error")
        await wait_for(pilot, lambda: "Insufficient" in shown(error))
        assert shown(error) == "Insufficient funds: your balance is $5.00, this payment is $99.00"
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.press("p", *"bob", "tab", *"1.234", "enter")
        error = app.screen.query_one("#error")
        await wait_for(pilot, lambda: "at most 2 decimal places" in shown(error))


async def test_tip_a_post_and_pay_a_request_from_the_wallet(people: People, tmp_path) -> None:
    alice, bob = await alice_and_bob(people, 5_000)
    await alice.accounts.follow("bob")
    await bob.posts.create("a post worth a tip")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await open_tip(pilot, home, "a post worth a tip")
        await pilot.press("tab", "enter")  # the second preset: $2.00
        confirm = await confirm_screen(pilot)
        assert shown(confirm.query_one("#amount")) == "$2.00"
        await pilot.press(*PIN, "enter")
        await wait_for(pilot, lambda: app.screen is home)

        await bob.bills.request(["alice"], usd(800), "coffee beans")
        requests = home.query_one(RequestList)
        await wait_for(pilot, lambda: "Bob Builder @bob asks $8.00" in drawn(requests))
        requests.focus()
        await pilot.press("enter")
        confirm = await confirm_screen(pilot)
        assert shown(confirm.query_one("#note")) == "note: coffee beans"
        await pilot.press(*PIN, "enter")
        await wait_for(pilot, lambda: "asks $8.00" not in drawn(requests))
    earnings = await bob.wallet.earnings()
    assert earnings.total == usd(200)
    assert (await bob.wallet.balances()).balances == [usd(1_000)]
