"""The command palette (ctrl+p) offers xapp's own commands: a handle typed offers paying,
asking, messaging and the profile of that person; a conversation by its name; the
wallet's screens; each opens what its key would."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input

from tests.conftest import People
from tests.test_tui_home import home_of, signed_in_app, wait_for
from xapp.screens.accounts import AccountsScreen
from xapp.screens.conversation import NewConversationScreen
from xapp.screens.pay import PayScreen
from xapp.screens.profile import ProfileScreen
from xapp.screens.savings import SavingsScreen


async def run_command(pilot, typed: str, expected: type) -> None:
    """Open the palette, type, take the best match, and wait for its screen."""
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await pilot.press(*typed)
    palette = pilot.app.screen
    await wait_for(pilot, lambda: palette.query_one("CommandList").option_count > 0)
    await pilot.press("down", "enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, expected))


async def test_the_palette_pays_messages_and_opens(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("grace", "Grace Hopper")
    await ada.chat.open("grace")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await wait_for(pilot, lambda: bool(home.chat.listing.conversations))

        await run_command(pilot, "pay @grace", PayScreen)
        assert app.screen.query_one("#to", Input).value == "@grace"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)

        await run_command(pilot, "message grace", NewConversationScreen)
        assert app.screen.query_one("#handle", Input).value == "@grace"
        await pilot.press("enter")  # opens the chat with her
        await wait_for(pilot, lambda: app.screen is home and home.chat.open_id is not None)

        await run_command(pilot, "profile of grace", ProfileScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)

        home.chat.chat.conversation = None  # the chat pane shows nothing open
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"conversation grace hopper", "down", "enter")
        await wait_for(pilot, lambda: app.screen is home and home.chat.open_id is not None)

        await run_command(pilot, "savings", SavingsScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)
        await run_command(pilot, "switch account", AccountsScreen)
