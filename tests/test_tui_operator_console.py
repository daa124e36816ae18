"""The operators' console (`xapp admin console`): a held payment is in the queue; an
operator approves it with a reason (the money goes on, once, and the log says who and
why), freezes an account by handle; a missing reason is said and nothing is done."""

from __future__ import annotations

from textual.widgets import Input, Label

from tests.conftest import People, audit, balance_of, usd
from tests.test_tui_home import drawn, visible, wait_for
from xapp.operator_console import HeldList, LogList, OperatorConsole, ReasonScreen


async def test_approve_a_held_payment_and_freeze_an_account(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("ivan", "Ivan Sanctionov")
    await ada.wallet.deposit(usd(10_000))
    sent = await ada.wallet.pay("ivan", usd(2_000), "invoice 4")
    assert sent.under_review

    console = OperatorConsole(str(db_path), "olga")
    async with console.run_test(size=(120, 40)) as pilot:
        held = console.query_one(HeldList)
        log = console.query_one(LogList)
        await wait_for(pilot, lambda: "$20.00  @ada → @ivan  held by sanctions" in drawn(held))
        assert "No operator has acted yet." in visible(log)

        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(console.screen, ReasonScreen))
        form = console.screen
        await pilot.press("enter")  # no reason: said, nothing done
        error = form.query_one("#error", Label)
        await wait_for(pilot, lambda: "Say whom and why" in str(error.content))
        await pilot.press(*"a namesake", "enter")
        await wait_for(pilot, lambda: "Nothing is waiting for review." in visible(held))
        await wait_for(pilot, lambda: f"approve {sent.id} by olga" in drawn(log))
        assert "a namesake" in drawn(log)

        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(console.screen, ReasonScreen))
        console.screen.query_one("#target", Input).value = "@ivan"
        console.screen.query_one("#reason", Input).value = "court order 12"
        console.screen.query_one("#reason", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "freeze @ivan by olga" in drawn(log))
    assert balance_of(db_path, "ivan") == 2_000
    assert (await ada.wallet.get(sent.id)).status == "completed"
    assert audit(db_path).returncode == 0
