"""The canary for a Textual upgrade: the speed layer (widgets/repaint.py) leans on
these private Textual members, by name. If one goes or changes shape, this test says
which; the app itself then paints the stock way (slower, still right), and
tests/test_screen_updates.py checks what reaches the terminal either way."""

from __future__ import annotations

import inspect

import textual
from textual._compositor import Compositor
from textual._styles_cache import StylesCache
from textual.app import App
from textual.scroll_view import ScrollView
from textual.widget import Widget

from xapp.widgets import repaint

PINNED = "8.2.8"


def test_textual_is_the_version_the_seam_was_written_for() -> None:
    assert textual.__version__ == PINNED, (
        f"Textual {textual.__version__}: check the members below and "
        "tests/test_screen_updates.py, then move PINNED and the pin in pyproject.toml"
    )


def test_every_private_member_the_seam_uses_is_there() -> None:
    assert list(inspect.signature(Compositor._get_renders).parameters) == ["self", "crop"]
    assert isinstance(Compositor.visible_widgets, property)
    cache = StylesCache()
    assert isinstance(cache._cache, dict)
    assert isinstance(cache._dirty_lines, set)
    assert "self._styles_cache" in inspect.getsource(Widget.__init__)
    assert callable(App._end_batch) and "self._batch_count" in inspect.getsource(App.__init__)
    assert list(inspect.signature(ScrollView._scroll_update).parameters) == [
        "self",
        "virtual_size",
    ]
    assert repaint.PROBLEMS == []
    assert repaint.ACTIVE


def test_the_home_screen_draws_with_the_cropped_compositor() -> None:
    from xapp.screens.home import HomeScreen

    screen = HomeScreen.__new__(HomeScreen)
    screen._compositor = Compositor()
    repaint.crop_updates(screen)
    assert type(screen._compositor).__name__ == "CroppedCompositor"


async def test_without_the_seam_the_app_paints_the_stock_way(people, tmp_path, monkeypatch) -> None:
    """What a Textual that lacks those members gets: the same screen, drawn slower."""
    from tests.test_tui_home import drawn, home_of, signed_in_app, wait_for
    from xapp.widgets.message_log import MessageLog

    monkeypatch.setattr(repaint, "ACTIVE", False)
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    chat = await bob.chat.open("ada")
    await bob.chat.send(chat.id, "first")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        assert type(home._compositor) is Compositor
        log = home.query_one(MessageLog)
        await wait_for(pilot, lambda: "first" in drawn(log))
        for i in range(30):  # enough to scroll the chat
            await bob.chat.send(chat.id, f"line {i}")
        await wait_for(
            pilot,
            lambda: "line 29" in "\n".join(log.render_line(y).text for y in range(log.size.height)),
        )
