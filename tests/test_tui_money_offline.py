"""Money and a flaky server: a PIN typed again right after a wrong one is not lost, and a
payment whose answer never came says so plainly, keeps the dialog filled, and can be
sent again without paying twice (one idempotency key per payment content)."""

from __future__ import annotations

from tests.conftest import People, query
from tests.test_tui_home import home_of, shown, signed_in_app, wait_for
from tests.test_tui_payments import PIN, alice_and_bob, confirm_screen
from xapp.embedded import ServerThread
from xapp.screens.pay import ConfirmPayScreen
from xapp.server import ServerSettings


async def open_confirmation(pilot, amount: str) -> ConfirmPayScreen:
    await pilot.press("p")
    await wait_for(pilot, lambda: bool(pilot.app.screen.query("#to")))
    await pilot.press(*"@bob", "tab", *amount, "enter")
    return await confirm_screen(pilot)


async def test_a_pin_typed_right_after_a_wrong_one_is_not_lost(
    people: People, db_path, tmp_path
) -> None:
    alice, _ = await alice_and_bob(people, 5_000)
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await open_confirmation(pilot, "12.50")
        # No pause: the right PIN and enter come while the wrong one is being checked.
        await pilot.press("1", "1", "1", "1", "enter", *PIN, "enter")
        await wait_for(pilot, lambda: app.screen is home)
    assert query(db_path, "SELECT amount FROM transfers WHERE kind = 'payment'") == [(1250,)]


async def test_no_answer_keeps_the_dialog_and_sending_again_pays_once(db_path, tmp_path) -> None:
    first = ServerThread(ServerSettings(db=str(db_path))).start()
    people = People(first.url)
    alice, _ = await alice_and_bob(people, 5_000)
    app = signed_in_app(first.url, "alice", alice.token or "", tmp_path)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            home = await home_of(pilot)
            confirm = await open_confirmation(pilot, "20")
            first.stop()  # the server goes away between the review and the send
            await pilot.press(*PIN, "enter")
            error = confirm.query_one("#error")
            await wait_for(pilot, lambda: "isn't known whether" in shown(error), timeout=30)
            assert app.screen is confirm  # nothing lost: the dialog stays, filled in
            assert shown(confirm.query_one("#amount")) == "$20.00"
            # The server is back at the same address: sending again pays once.
            with ServerThread(ServerSettings(db=str(db_path)), port=first.port):
                await pilot.press(*PIN, "enter")
                await wait_for(pilot, lambda: app.screen is home, timeout=30)
    finally:
        await people.close()
    assert query(db_path, "SELECT amount FROM transfers WHERE kind = 'payment'") == [(2000,)]
