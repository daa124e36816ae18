"""Paying inside chats in the TUI: payment cards that change state live (with a short
undo window, so they go pending → completed → refunded), undo, and split-bill cards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.conftest import People, balance_of, serve, usd
from tests.test_tui_home import drawn, home_of, notes, signed_in_app, type_in_chat, wait_for
from tests.test_tui_payments import PIN, alice_and_bob, confirm_screen
from xapp.embedded import ServerThread
from xapp.screens.pay import PayScreen
from xapp.screens.request import SplitBillScreen
from xapp.widgets.message_log import MessageLog
from xapp.widgets.transfer_list import TransferList


@pytest.fixture
def server(db_path: Path) -> Iterator[ServerThread]:
    """A server with a short undo window, so cards go pending → completed: long enough
    that a loaded machine still draws the pending card before it completes."""
    yield from serve(db_path, undo_seconds=3.0)


async def test_pay_in_chat_card_changes_state_live_for_both_sides(people: People, tmp_path) -> None:
    alice, bob = await alice_and_bob(people, 5_000)
    await alice.chat.open("bob")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        log = home.query_one(MessageLog)
        await type_in_chat(pilot, home, "/pay 12.50 pizza night")
        pay = app.screen
        assert isinstance(pay, PayScreen)
        assert [pay.query_one(f"#{f}", Input).value for f in ("to", "amount", "note")] == [
            "@bob",
            "12.50",
            "pizza night",
        ]
        await pilot.press("enter")
        await confirm_screen(pilot)
        await pilot.press(*PIN, "enter")
        await wait_for(pilot, lambda: app.screen is home)
        await wait_for(pilot, lambda: "pending until" in drawn(log))
        assert "┌ $12.50 to Bob Builder @bob" in drawn(log)
        await wait_for(pilot, lambda: "└ completed" in drawn(log))
        assert home.query_one("#chat-input", Input).value == ""
        payment = (await bob.wallet.history()).items[0]
        await bob.wallet.refund(payment.id, usd(250), "too much")
        await wait_for(pilot, lambda: "└ refunded $2.50" in drawn(log))
    [card] = [
        m for m in (await bob.chat.messages(payment.conversation_id or "")).items if m.transfer
    ]
    assert card.transfer is not None and card.transfer.refunded == usd(250)


async def test_undo_a_payment_while_it_is_pending(people: People, tmp_path, db_path) -> None:
    alice, _ = await alice_and_bob(people, 5_000)
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await pilot.press("p", *"bob", "tab", *"20", "enter")
        await confirm_screen(pilot)
        await pilot.press(*PIN, "enter")
        await wait_for(pilot, lambda: app.screen is home)
        await pilot.press("u")
        history = home.query_one(TransferList)
        await wait_for(pilot, lambda: "cancelled" in drawn(history))
    assert balance_of(db_path, "alice") == 5_000
    assert balance_of(db_path, "bob") == 0


async def test_split_bill_card_shows_who_has_paid(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    cat = await people.signed_in("cat")
    await bob.wallet.deposit(usd(5_000))
    await alice.chat.open("bob", "cat")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        log = home.query_one(MessageLog)
        await type_in_chat(pilot, home, "/split 90 dinner")
        split = app.screen
        assert isinstance(split, SplitBillScreen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is home)
        await wait_for(pilot, lambda: "Split $90.00 · dinner" in drawn(log))
        assert "· @bob $30.00 open" in drawn(log) and "· @cat $30.00 open" in drawn(log)
        assert "0 of 2 paid · r reminds" in drawn(log)
        [request] = (await bob.bills.requests()).items
        await bob.bills.pay(request.id)
        await wait_for(pilot, lambda: "✓ @bob $30.00 paid" in drawn(log))
        assert "1 of 2 paid" in drawn(log)
        log.focus()
        log.action_cursor_to(-1)
        await pilot.press("r")
        await wait_for(pilot, lambda: "Reminder sent." in notes(app))
    [cat_request] = (await cat.bills.requests()).items
    assert cat_request.reminded_at is not None


async def test_p_in_a_chat_pays_the_other_person_there(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    await people.signed_in("bob")
    await alice.chat.open("bob")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await wait_for(pilot, lambda: home.chat.open_id is not None)
        home.query_one(MessageLog).focus()
        await pilot.press("p")
        pay = app.screen
        assert isinstance(pay, PayScreen)
        assert pay.query_one("#to", Input).value == "@bob"
        assert pay.conversation_id == home.chat.open_id
        await pilot.press("escape")
        home.query_one("#timeline").focus()
        await pilot.press("p")
        assert isinstance(app.screen, PayScreen) and app.screen.conversation_id is None
