"""Several accounts (W): sign in to one more, switch between them, and every money screen
says which account it acts as (the payment's confirmation names the account it pays
from); forgetting one signs it out on its server."""

from __future__ import annotations

from textual.widgets import Input, Label, Static

from tests.conftest import PASSWORD, People, usd
from tests.test_tui_home import home_of, notes, shown, signed_in_app, visible, wait_for
from xapp.credentials import Credentials
from xapp.screens.accounts import AccountList, AccountsScreen, AddAccountScreen
from xapp.screens.keyring_choice import KeyringChoiceScreen
from xapp.screens.login import LoginScreen
from xapp.screens.pay import ConfirmPayScreen, PayScreen


def acting_as(screen) -> str:
    return shown(screen.query_one(".acting-as", Label))


async def test_add_an_account_switch_and_pay_as_each(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada", "Ada Lovelace")
    bob = await people.signed_in("bob", "Bob Builder")
    await people.signed_in("cat")
    await ada.wallet.deposit(usd(5_000))
    await bob.wallet.deposit(usd(5_000))
    await bob.wallet.set_pin(PASSWORD, "2468")  # so the confirmation comes next
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    host = people.url.removeprefix("http://")
    async with app.run_test(size=(160, 48)) as pilot:
        await home_of(pilot)
        await pilot.press("W")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountsScreen))
        listing = app.screen.query_one(AccountList)
        await wait_for(pilot, lambda: "@ada" in visible(listing) and "in use" in visible(listing))

        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, AddAccountScreen))
        assert app.screen.query_one("#server", Input).value == people.url
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        await pilot.press(*"bob", "tab", *PASSWORD, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, KeyringChoiceScreen))
        await pilot.press("enter")  # this run only
        home = await home_of(pilot)
        await wait_for(pilot, lambda: app.session is not None and app.session.me.handle == "bob")
        await wait_for(pilot, lambda: "@bob" in shown(home.query_one("#status", Static)))
        assert len(app.screen_stack) == 2  # ada's screens went with her session

        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PayScreen))
        assert acting_as(app.screen) == f"acting as @bob · {host}"
        await pilot.press(*"@cat", "tab", *"2")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmPayScreen))
        assert shown(app.screen.query_one("#payer", Static)) == "from Bob Builder @bob"
        await pilot.press("escape", "escape")

        await pilot.press("W")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountsScreen))
        listing = app.screen.query_one(AccountList)
        await wait_for(pilot, lambda: "@bob" in visible(listing))
        listing.cursor = [k.handle for k in listing.items].index("ada")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Acting as @ada." in notes(app))
        home = await home_of(pilot)
        await wait_for(pilot, lambda: "@ada" in shown(home.query_one("#status", Static)))

        # Forget bob: signed out on the server, gone from the list.
        await pilot.press("W")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountsScreen))
        listing = app.screen.query_one(AccountList)
        await wait_for(pilot, lambda: "@bob" in visible(listing))
        listing.cursor = [k.handle for k in listing.items].index("bob")
        await pilot.press("x", "y")
        await wait_for(pilot, lambda: "Signed out of @bob." in notes(app))
    kept = Credentials(tmp_path, keyring_vault=None)
    assert [(k.handle) for k in kept.accounts()] == ["ada"]


async def test_the_demo_world_says_it_has_one_account(tmp_path) -> None:
    from xapp.app import XApp
    from xapp.embedded import EmbeddedWorld

    world = EmbeddedWorld(tmp_path, activity_interval=0)
    app = XApp(embedded=world)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await home_of(pilot, timeout=30)
            await pilot.press("W")
            await wait_for(pilot, lambda: "The demo world has one account" in notes(app))
    finally:
        import asyncio

        await asyncio.to_thread(world.stop)
