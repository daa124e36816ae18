"""The TUI flows one way: keypress → intent → navigator → SDK → server → feed → signal →
pane. Panes and pushed screens subscribe to the App's live signals on mount and are
dropped when they go; a mark made on one screen reaches every list through the signal;
keys are data (every binding has an id) and the help screen is read from them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.widgets import Static

from tests.conftest import People
from tests.test_tui_home import drawn, home_of, signed_in_app, wait_for
from xapp import intents
from xapp.live import MarksChanged
from xapp.screens.help import HelpScreen, areas, own_bindings
from xapp.screens.profile import ProfileScreen
from xapp.widgets.timeline import Timeline


def subscribers(signal) -> list:
    return [node for node in signal._subscriptions if node.is_attached]


async def test_a_screen_subscribes_while_open_and_is_dropped_when_it_closes(
    people: People, tmp_path
) -> None:
    ada = await people.signed_in("ada")
    grace = await people.signed_in("grace", "Grace Hopper")
    await ada.accounts.follow("grace")
    post = await grace.posts.create("A ship in port is safe")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: "A ship in port" in drawn(timeline))
        posts = app.live.posts
        before = subscribers(posts)
        timeline.focus()
        await pilot.press("P")  # an intent: the navigator opens the profile
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileScreen))
        profile = app.screen
        await wait_for(pilot, lambda: profile in subscribers(posts))
        their = profile.query_one(Timeline)
        await wait_for(pilot, lambda: "A ship in port" in drawn(their))

        # A like on the profile reaches the timeline below through the signal.
        their.focus()
        await pilot.press("l")
        await wait_for(pilot, lambda: "♥ 1" in drawn(timeline))

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)
        posts.publish(MarksChanged(post))  # a publish prunes what has gone
        assert profile not in posts._subscriptions
        assert subscribers(posts) == before


async def test_intents_reach_the_navigator_from_any_depth(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        deep = home.query_one(Timeline)
        deep.post_message(intents.OpenHelp())
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        # Shown and ready for the arrows (leaving mid-mount once failed its on_mount).
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "keys")


def test_every_binding_has_an_id_and_says_what_it_does() -> None:
    """Keys are data: ids let a keymap (Textual's set_keymap) remap any of them."""
    import xapp.screens
    import xapp.widgets
    from xapp import app as app_module

    modules = [app_module] + [
        importlib.import_module(info.name)
        for package in (xapp.screens, xapp.widgets)
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + ".")
    ]
    classes = {cls for _, group in areas() for cls in group}
    classes |= {
        cls
        for module in modules
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if "BINDINGS" in cls.__dict__ and cls.__module__.startswith("xapp")
    }
    ids: dict[str, str] = {}
    for cls in classes:
        for binding in own_bindings(cls):
            assert isinstance(binding, Binding)
            assert binding.id, f"{cls.__name__}: {binding.key} has no id"
            assert binding.description, f"{cls.__name__}: {binding.key} says nothing"
            ids.setdefault(binding.id, cls.__name__)
    assert len(ids) > 40


async def test_help_lists_every_key_from_the_bindings(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await home_of(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = "\n".join(str(s.render()) for s in app.screen.query(Static))
        for title, classes in areas():
            assert title in text
            for cls in classes:
                for binding in own_bindings(cls):
                    assert (binding.tooltip or binding.description) in text, binding.id
        assert "/pay 12.50 pizza" in text
