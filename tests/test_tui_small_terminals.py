"""The app at 80x24 and 100x30 as well as 160x48: keys act only on what is shown, the
narrow layout says which pane is on screen, help and quit are always in view, help fits
and scrolls, toasts leave dialog buttons alone, nothing starts on half an item."""

from __future__ import annotations

from textual.widgets import Label
from textual.widgets._toast import Toast

from tests.conftest import People
from tests.test_tui_home import home_of, shown, signed_in_app, wait_for
from xapp.app import XApp
from xapp.screens.help import HelpScreen
from xapp.screens.login import LoginScreen
from xapp.screens.pay import PayScreen
from xapp.widgets.conversation_list import ConversationList
from xapp.widgets.pane_tabs import PaneTabs
from xapp.widgets.timeline import Timeline
from xapp.widgets.wallet_pane import WalletPane


def inside(widget, ancestor) -> bool:
    return widget is not None and (widget is ancestor or ancestor in widget.ancestors)


async def test_keys_never_act_on_a_hidden_pane(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.accounts.follow("bob")
    post = await bob.posts.create("do not like me by accident")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await home_of(pilot)
        wallet = home.query_one(WalletPane)
        await pilot.press("3")
        assert wallet.display and inside(app.focused, wallet)
        await pilot.press("escape")  # used to put the focus on the hidden timeline
        assert wallet.display and inside(app.focused, wallet)
        await pilot.press("p")  # a dialog, closed with esc: the focus comes back here
        await wait_for(pilot, lambda: isinstance(app.screen, PayScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)
        await pilot.press("escape")
        assert wallet.display and inside(app.focused, wallet)
        await pilot.press("l")  # the wallet has no l: nothing is liked
        await pilot.pause()
        # A focus that lands in another pane brings that pane on screen.
        home.query_one(Timeline).focus()
        await pilot.pause()
        assert home.query_one("#timeline-pane").display and not wallet.display
    assert (await bob.posts.get(post.id)).likes == 0


async def test_a_narrow_terminal_shows_which_pane_is_on_screen(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await home_of(pilot)
        tabs = home.query_one(PaneTabs)
        # The layout follows the screen's first resize, which may come after its widgets.
        await wait_for(pilot, lambda: tabs.display and "1 Timeline" in shown(tabs))
        assert "3 Wallet" in shown(tabs)
        await pilot.press("2")
        await wait_for(pilot, lambda: tabs.active == 1)
        await pilot.resize_terminal(160, 48)
        await wait_for(pilot, lambda: not tabs.display)  # all three panes show


async def test_help_and_quit_are_always_in_view(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    for size in ((160, 48), (80, 24)):
        async with app.run_test(size=size) as pilot:
            home = await home_of(pilot)
            status = home.query_one("#status")
            await wait_for(pilot, lambda s=status: "? help" in shown(s) and "quit" in shown(s))
        app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)


async def test_help_fits_and_scrolls_at_80x24(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await home_of(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_screen = app.screen
        dialog = help_screen.query_one("#dialog")
        await pilot.pause()
        assert help_screen.region.contains_region(dialog.region)
        keys = help_screen.query_one("#keys")
        assert keys.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert keys.scroll_y > 0


async def test_toasts_leave_dialog_buttons_alone(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await home_of(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PayScreen))
        app.notify("Grace Hopper: a message arrived while you were paying")
        await wait_for(pilot, lambda: bool(app.screen.query(Toast)))
        await pilot.pause()
        [toast] = app.screen.query(Toast)
        for button in app.screen.query("Button"):
            assert not toast.region.overlaps(button.region), button.id


async def test_the_sign_in_hint_is_whole(people: People, tmp_path) -> None:
    from xapp.credentials import Credentials

    for width in (80, 160):
        app = XApp(server=people.url, credentials=Credentials(tmp_path, keyring_vault=None))
        async with app.run_test(size=(width, 24)) as pilot:

            def hint_shown(app: XApp = app) -> bool:
                return isinstance(app.screen, LoginScreen) and bool(app.screen.query(".hint"))

            await wait_for(pilot, hint_shown)
            await pilot.pause()
            hint = app.screen.query_one(".hint", Label)
            text = str(hint.render())
            assert text.endswith("create an account.")
            assert hint.size.width * hint.size.height >= len(text), width


async def test_lists_never_start_on_half_an_item(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.accounts.follow("bob")
    for i in range(30):
        await bob.posts.create(f"post {i} " + "words that wrap differently at each width " * 3)
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        assert home.query_one(ConversationList).size.height % 2 == 0  # entries are 2 rows
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: len(timeline.items) == 30)
        timeline.focus()
        for _ in range(7):
            await pilot.press("j")
        await pilot.pause()
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.pause()
        assert int(timeline.scroll_y) in timeline._starts  # a whole item at the top
        assert home.query_one(ConversationList).size.height % 2 == 0
