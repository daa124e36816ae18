"""A snapshot of the home screen at 160x48: timeline, conversations and wallet side by side."""

from __future__ import annotations

import asyncio

from textual.widgets._footer import FooterKey

from tests.conftest import PASSWORD, usd
from tests.test_tui_home import drawn, home_of, shown, signed_in_app, wait_for
from xapp.api.client import ApiClient
from xapp.widgets.message_log import MessageLog
from xapp.widgets.request_list import RequestList
from xapp.widgets.timeline import Timeline
from xapp.widgets.transfer_list import TransferList


async def seed(url: str) -> str:
    async with ApiClient(url) as alice, ApiClient(url) as bob:
        await alice.accounts.register("alice", "Alice Liddell", PASSWORD)
        await bob.accounts.register("bob", "Bob Builder", PASSWORD)
        await alice.accounts.login("alice", PASSWORD)
        await bob.accounts.login("bob", PASSWORD)
        await alice.accounts.follow("bob")
        await bob.posts.create("Shipping the walking skeleton today.")
        await alice.posts.create("Down the rabbit hole, from a terminal.\nSecond line of the post.")
        conversation = await alice.chat.open("bob")
        await bob.chat.send(conversation.id, "lunch tomorrow?")
        await alice.chat.send(conversation.id, "yes! 12:30")
        await alice.wallet.deposit(usd(10_000))
        await alice.wallet.pay("bob", usd(1_250), "pizza")
        await bob.bills.request(["alice"], usd(800), "coffee beans")
        assert alice.token is not None
        return alice.token


async def loaded(pilot) -> None:
    home = await home_of(pilot)

    def count(kind: type) -> int:  # 0 until the list is mounted
        return sum(len(found.items) for found in home.query(kind))

    await wait_for(pilot, lambda: count(Timeline) == 2)
    await wait_for(pilot, lambda: any("yes! 12:30" in drawn(m) for m in home.query(MessageLog)))
    await wait_for(pilot, lambda: count(TransferList) == 2)
    await wait_for(pilot, lambda: count(RequestList) == 1)
    await wait_for(pilot, lambda: "online" in shown(home.query_one("#status")))
    # To the chat and back: Textual's footer sometimes keeps the keys it drew before
    # the first focus (about one start in six here), and a focus change redraws it.
    await pilot.press("2", "1")
    await wait_for(pilot, lambda: "Like" in [k.description for k in home.query(FooterKey)])
    await pilot.pause()


def test_home_screen(snap_compare, server, tmp_path) -> None:
    token = asyncio.run(seed(server.url))
    app = signed_in_app(server.url, "alice", token, tmp_path)
    assert snap_compare(app, terminal_size=(160, 48), run_before=loaded)


def test_home_screen_in_high_contrast(snap_compare, server, tmp_path) -> None:
    """The same screen in xapp's high-contrast theme: every pane, list and key readable."""
    token = asyncio.run(seed(server.url))
    app = signed_in_app(server.url, "alice", token, tmp_path)
    app.chosen_theme = "xapp-high-contrast"
    assert snap_compare(app, terminal_size=(160, 48), run_before=loaded)
