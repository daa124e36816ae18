"""Selecting text with the mouse and copying it (ctrl+c) works in every list: the
timeline, the chat, the wallet's requests and history, and search results. It used to
close the app with a traceback (a list's own `_render` hid Textual's)."""

from __future__ import annotations

from tests.conftest import People, usd
from tests.test_tui_home import drawn, home_of, signed_in_app, wait_for
from tests.test_tui_search import open_search
from xapp.screens.search import Results
from xapp.widgets.lines import ItemLines
from xapp.widgets.message_log import MessageLog
from xapp.widgets.request_list import RequestList
from xapp.widgets.timeline import Timeline
from xapp.widgets.transfer_list import TransferList


async def select_and_copy(pilot, lines: ItemLines, text: str) -> str:
    """Drag across `text` as a person would (it must be on one line on screen), press
    ctrl+c, and return what reached the clipboard."""
    row = next(y for y in range(lines.size.height) if text in lines.render_line(y).text)
    column = lines.render_line(row).text.index(text)
    start = (column, row)
    end = (column + len(text) - 1, row)  # the character under the pointer is included
    await pilot.mouse_down(lines, offset=start)
    await pilot.hover(lines, offset=end)
    await pilot.mouse_up(lines, offset=end)
    await pilot.pause()
    await pilot.press("ctrl+c")
    await pilot.pause()
    return pilot.app.clipboard


async def test_copy_from_the_timeline_chat_and_wallet(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada", "Ada Lovelace")
    bob = await people.signed_in("bob", "Bob Builder")
    await ada.accounts.follow("bob")
    await bob.posts.create("Analytical engines weave algebraic patterns")
    chat = await bob.chat.open("ada")
    await bob.chat.send(chat.id, "the loom is ready for punched cards")
    await bob.wallet.deposit(usd(5_000))
    await bob.wallet.pay("ada", usd(1_234), "for the loom")
    await bob.bills.request(["ada"], usd(800), "coffee beans")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        log = home.query_one(MessageLog)
        history = home.query_one(TransferList)
        requests = home.query_one(RequestList)
        await wait_for(pilot, lambda: "weave algebraic" in drawn(timeline))
        await wait_for(pilot, lambda: "punched cards" in drawn(log))
        await wait_for(pilot, lambda: "for the loom" in drawn(history))
        await wait_for(pilot, lambda: "coffee beans" in drawn(requests))

        assert await select_and_copy(pilot, timeline, "weave algebraic") == "weave algebraic"
        assert await select_and_copy(pilot, log, "punched cards") == "punched cards"
        assert await select_and_copy(pilot, history, "for the loom") == "for the loom"
        assert await select_and_copy(pilot, requests, "coffee beans") == "coffee beans"
        assert app.is_running
        assert app.screen is home


async def test_copy_from_search_results(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    grace = await people.signed_in("grace", "Grace Hopper")
    await grace.posts.create("Nanoseconds are eleven point eight inches of wire")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_search(pilot)
        await pilot.press(*"nanoseconds", "enter")
        results = app.screen.query_one(Results)
        await wait_for(pilot, lambda: "eleven point eight" in drawn(results))
        assert await select_and_copy(pilot, results, "eleven point eight") == ("eleven point eight")
        assert app.is_running
