"""The wallet pane driven by keys: refund a payment, filter the history, see earnings,
and save a signed receipt that verifies."""

from __future__ import annotations

import json

from textual.widgets import DataTable, Input, Select

from tests.conftest import PASSWORD, People, usd
from tests.test_tui_home import drawn, home_of, notes, shown, signed_in_app, wait_for
from tests.test_tui_payments import PIN, confirm_screen
from xapp.api.models import Receipt
from xapp.api.receipts import verify
from xapp.screens.earnings import EarningsScreen
from xapp.screens.history_filter import FilterScreen
from xapp.screens.refund import RefundScreen
from xapp.widgets.transfer_list import TransferList


def flat(widget: TransferList) -> str:
    """What the list draws, with line wrapping undone (the wallet pane is narrow)."""
    return " ".join(drawn(widget).split())


async def test_refund_filter_earnings_and_receipt_from_the_wallet(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob", "Bob Builder")
    await alice.wallet.set_pin(PASSWORD, PIN)
    await bob.wallet.deposit(usd(10_000))
    post = await alice.posts.create("my first essay")
    await bob.wallet.tip(post.id, usd(300))
    await bob.wallet.pay("alice", usd(2_000), "concert tickets")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        history = home.query_one(TransferList)
        await wait_for(pilot, lambda: len(history.items) == 2)

        # b on the received payment: refund part of it, through the confirmation.
        history.focus()
        history.action_cursor_to(0)
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, RefundScreen))
        refund = app.screen
        await wait_for(pilot, lambda: bool(refund.query("#amount")))
        assert refund.query_one("#amount", Input).value == "20.00"
        refund.query_one("#amount", Input).value = "5"
        await pilot.press("enter")
        confirm = await confirm_screen(pilot)
        assert shown(confirm.query_one("#recipient")) == "to Bob Builder @bob"
        assert not confirm.query("#first")  # giving money back is never a first payment
        await pilot.press(*PIN, "enter")
        await wait_for(pilot, lambda: app.screen is home)
        await wait_for(pilot, lambda: "refunded $5.00" in flat(history))
        assert "Refund: concert tickets" in flat(history)  # said once
        assert "refund · Refund" not in flat(history)

        # f: only tips.
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FilterScreen))
        await wait_for(pilot, lambda: bool(app.screen.query("#kind")))
        app.screen.query_one("#kind", Select).value = "tip"
        app.screen.query_one("#q", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is home)
        await wait_for(pilot, lambda: len(history.items) == 1)
        assert "Tip · my first essay" in flat(history) and "tip · Tip" not in flat(history)
        assert shown(home.query_one("#history-title")) == "Filtered: tips · f changes"

        # s: a signed receipt for the tip, saved and verifiable.
        history.focus()
        await pilot.press("s")
        await wait_for(pilot, lambda: "Saved to" in notes(app))
        [saved] = list((tmp_path / "receipts").glob("*.json"))
        receipt = Receipt.model_validate(json.loads(saved.read_text()))
        verify(receipt, await alice.wallet.receipt_key())
        assert receipt.payload["kind"] == "tip" and receipt.payload["amount_minor"] == 300

        # e: earnings by post and by day.
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EarningsScreen))
        earnings = app.screen
        await wait_for(pilot, lambda: "$3.00 in tips" in shown(earnings.query_one("#total")))
        by_post = earnings.query_one("#by-post", DataTable)
        assert [str(cell) for cell in by_post.get_row_at(0)] == ["my first essay", "1", "$3.00"]
