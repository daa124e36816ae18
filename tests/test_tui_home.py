"""The home screen driven as a person would: post, message, pay, and see live changes.

The App runs under `run_test()` against a real server on loopback; assertions read what
the widgets draw."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.css.query import NoMatches
from textual.widgets import Input, Static

from tests.conftest import People, usd
from xapp.app import XApp
from xapp.credentials import Credentials
from xapp.screens.compose import ComposeScreen
from xapp.screens.home import HomeScreen
from xapp.widgets.lines import ItemLines
from xapp.widgets.message_log import MessageLog
from xapp.widgets.timeline import Timeline
from xapp.widgets.transfer_list import TransferList


def drawn(widget: ItemLines) -> str:
    """Every line the widget would draw, scrolled or not."""
    return "\n".join(strip.text.rstrip() for strip in widget._lines)


def visible(widget: ItemLines) -> str:
    """Only the lines on screen now."""
    return "\n".join(widget.render_line(y).text.rstrip() for y in range(widget.size.height))


def shown(widget: Static) -> str:
    return str(widget.render())


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    """Wait until the condition holds; a widget it asks for that is not mounted yet (a
    screen can be current before its compose has finished) counts as not yet."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not _holds(condition):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the screen never showed what was expected")
        await pilot.pause(0.05)


def _holds(condition) -> bool:
    try:
        return bool(condition())
    except NoMatches:
        return False


def signed_in_app(url: str, handle: str, token: str, data_dir: Path) -> XApp:
    credentials = Credentials(data_dir, keyring_vault=None)
    credentials.save(url, handle, token, "file")
    return XApp(server=url, credentials=credentials)


async def home_of(pilot, timeout: float = 10.0) -> HomeScreen:
    """The home screen, once it is composed (a screen can be current before its widgets
    are mounted)."""

    def ready() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, HomeScreen)
            and bool(screen.query(Timeline))
            and bool(screen.query("#chat-input"))
        )

    await wait_for(pilot, ready, timeout)
    return pilot.app.screen


async def type_in_chat(pilot, home, text: str) -> None:
    """Type into the open chat's message box and press enter, as a person would."""
    await wait_for(pilot, lambda: home.chat.open_id is not None)
    home.query_one("#chat-input", Input).focus()
    await pilot.press(*text, "enter")


def notes(app) -> str:
    """Every note the app has raised (kept by conftest's `notes_are_kept`), whether or
    not its toast is still on screen."""
    return "\n".join(app.__dict__.get("told", []))


async def test_write_a_post_and_see_it_on_top(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice", "Alice Liddell")
    await alice.posts.create("an older post")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: "an older post" in drawn(timeline))
        await pilot.press("n")
        assert isinstance(app.screen, ComposeScreen)
        await pilot.press(*"hello from the terminal")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is home)
        first_lines = drawn(timeline).splitlines()[0:2]
        assert first_lines == ["Alice Liddell @alice · now", "hello from the terminal"]
    assert (await alice.posts.home_timeline()).items[0].text == "hello from the terminal"


async def test_send_a_dm_to_a_handle(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob", "Bob Builder")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await pilot.press("m")
        await pilot.press(*"@bob", "enter")
        await wait_for(pilot, lambda: app.screen is home)
        assert "Bob Builder @bob" in shown(home.query_one("#chat-title"))
        assert app.focused is home.query_one("#chat-input", Input)
        await pilot.press(*"can we talk?", "enter")
        log = home.query_one(MessageLog)
        await wait_for(pilot, lambda: "can we talk?" in drawn(log))
        assert home.query_one("#chat-input", Input).value == ""
        # The reply arrives through the feed, with no refresh key.
        conversation = (await bob.chat.conversations()).items[0]
        await bob.chat.send(conversation.id, "sure, call me")
        await wait_for(pilot, lambda: "sure, call me" in visible(log))
        assert drawn(log).index("can we talk?") < drawn(log).index("sure, call me")


async def test_incoming_posts_and_payments_appear_live(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob", "Bob Builder")
    await alice.accounts.follow("bob")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        status = home.query_one("#status", Static)
        await wait_for(pilot, lambda: "online" in shown(status))
        assert shown(status).startswith("xapp  @alice · ● online ")
        await bob.posts.create("fresh from bob")
        await bob.wallet.deposit(usd(2_000))
        await bob.wallet.pay("alice", usd(700), "thanks")
        await wait_for(pilot, lambda: "fresh from bob" in drawn(home.query_one(Timeline)))
        await wait_for(pilot, lambda: "$7.00" in shown(home.query_one("#balance")))
        assert "+$7.00 from Bob Builder @bob" in drawn(home.query_one(TransferList))


async def test_narrow_terminals_show_one_pane_switched_with_1_2_3(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        home = await home_of(pilot)
        panes = [home.query_one(f"#{p}") for p in ("timeline-pane", "chat-pane", "wallet-pane")]
        await pilot.pause()
        assert [p.display for p in panes] == [True, False, False]
        await pilot.press("3")
        await pilot.pause()
        assert [p.display for p in panes] == [False, False, True]
        await pilot.press("2")
        await pilot.pause()
        assert [p.display for p in panes] == [False, True, False]
    async with signed_in_app(people.url, "alice", alice.token or "", tmp_path).run_test(
        size=(160, 40)
    ) as pilot:
        home = await home_of(pilot)
        await pilot.pause()
        assert all(home.query_one(f"#{p}").display for p in ("timeline-pane", "chat-pane"))


async def test_a_long_chat_opens_at_its_newest_message(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    bob = await people.signed_in("bob")
    conversation = await bob.chat.open("alice")
    for i in range(30):
        await bob.chat.send(conversation.id, f"message number {i}")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        log = home.query_one(MessageLog)
        await wait_for(pilot, lambda: "message number 29" in visible(log))
        assert "message number 0" not in visible(log)


async def test_long_posts_wrap_inside_the_scrollbar(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: "online" in shown(home.query_one("#status")))
        for i in range(30):  # they arrive live, so the scrollbar appears after layout
            await alice.posts.create("word " * (10 + i))
        await wait_for(pilot, lambda: len(timeline.items) == 30)
        await pilot.pause()
        assert timeline.max_scroll_y > 0  # the scrollbar is showing
        width = timeline.scrollable_content_region.width
        # No line is wider than what is left beside the scrollbar: nothing is cut off.
        assert max(strip.cell_length for strip in timeline._lines) <= width
        assert all(
            line.rstrip().endswith("word")
            for line in visible(timeline).splitlines()
            if line.startswith("word")
        )
