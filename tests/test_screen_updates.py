"""What the terminal shows after many partial screen updates is what a full redraw shows.

The home screen draws with `CroppedCompositor`, which asks widgets only for the rows an
update changes. Here every update the App hands its terminal is replayed onto a grid of
cells, as a terminal would apply it, while messages, posts and keys change all three
panes; at the end the grid must equal the screen drawn whole.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import RenderableType
from rich.control import Control
from rich.segment import ControlType, Segment
from rich.style import Style
from textual.screen import Screen
from textual.widgets import Input

from tests.conftest import People
from tests.test_tui_home import home_of, signed_in_app, visible, wait_for
from xapp.screens.search import Results, SearchScreen
from xapp.widgets.message_log import MessageLog
from xapp.widgets.timeline import Timeline

Cell = tuple[str, Style | None]
WIDTH, HEIGHT = 160, 48


class Terminal:
    """Cells written by cursor moves and text, which is all an update is made of."""

    def __init__(self) -> None:
        self.cells: list[list[Cell]] = [[(" ", None)] * WIDTH for _ in range(HEIGHT)]
        self.updates = 0

    def apply(self, segments: list[Segment]) -> None:
        self.updates += 1
        x = y = 0
        for segment in segments:
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            if segment.text == "\n":
                continue
            for char in segment.text:
                self.cells[y][x] = (char, segment.style)
                if cell_len(char) == 2:  # a wide character covers the next cell too
                    x += 1
                    self.cells[y][x] = ("", segment.style)
                x += 1

    def text(self) -> str:
        return "\n".join("".join(c for c, _ in row) for row in self.cells)


def fresh_screen(app) -> list[list[Cell]]:
    """The whole screen drawn afresh: every widget's cache of drawn rows is emptied first,
    so no row can come from a cache the partial updates also used."""
    for widget in [app.screen, *app.screen.walk_children()]:
        widget._styles_cache.clear()
    terminal = Terminal()
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        terminal.apply([Control.move_to(0, y).segment, *strip])
    return terminal.cells


async def matches_a_fresh_screen(pilot, terminal: Terminal) -> None:
    await pilot.wait_for_scheduled_animations()  # every update sent
    expected = fresh_screen(pilot.app)
    for y in range(HEIGHT):
        assert terminal.cells[y] == expected[y], f"row {y} differs"


async def test_partial_updates_add_up_to_the_whole_screen(people: People, tmp_path) -> None:
    ann = await people.signed_in("ann", "Ann Example")
    ben = await people.signed_in("ben", "Ben Example")
    await ben.accounts.follow("ann")
    chat = await ann.chat.open("ben")
    for i in range(25):
        await ann.posts.create(f"an early post {i}")
    app = signed_in_app(people.url, "ben", ben.token or "", tmp_path)
    terminal = Terminal()
    display = app._display

    def record(screen: Screen, update: RenderableType | None) -> None:
        if update is not None:
            terminal.apply(list(app.console.render(update, app.console.options)))
        display(screen, update)

    app._display = record  # type: ignore[method-assign]
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        home = await home_of(pilot)
        log = home.query_one(MessageLog)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: home.chat.open_id == chat.id)
        sent = []
        for i in range(30):  # more than the chat shows: every one scrolls it
            sent.append(await ann.chat.send(chat.id, f"message {i} 🙂 from ann"))
            if i % 10 == 9:
                await ann.posts.create(f"a live post {i}")
                await pilot.press("j")  # the timeline's cursor moves while the chat scrolls
            await wait_for(pilot, lambda i=i: f"message {i} " in visible(log))
        await wait_for(pilot, lambda: timeline.items[0].text == "a live post 29")
        await matches_a_fresh_screen(pilot, terminal)

        log.focus()  # reading history: the cursor climbs and the chat scrolls up
        await pilot.press(*["up"] * 9)
        await ann.chat.send(chat.id, "while ben reads")  # arrives below, nothing moves
        await ann.chat.edit(chat.id, sent[24].id, "message 24 edited")
        await wait_for(pilot, lambda: "message 24 edited" in visible(log))
        await matches_a_fresh_screen(pilot, terminal)
        await pilot.press("end")
        await wait_for(pilot, lambda: "while ben reads" in visible(log))
        await matches_a_fresh_screen(pilot, terminal)

        timeline.focus()  # the timeline scrolls down and back up
        await pilot.press(*["j"] * 14, *["k"] * 5)
        await matches_a_fresh_screen(pilot, terminal)

        await pilot.press("slash")  # search: results, then none (the list empties)
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press(*"early", "enter")
        results = app.screen.query_one(Results)
        await wait_for(pilot, lambda: "an early post" in visible(results))
        await matches_a_fresh_screen(pilot, terminal)
        box = app.screen.query_one(Input)
        box.value = ""
        box.focus()
        await pilot.press(*"zzzz", "enter")
        await wait_for(pilot, lambda: "Nothing found for zzzz." in visible(results))
        await matches_a_fresh_screen(pilot, terminal)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)

        await pilot.press("question_mark")  # a screen over the home screen, and back
        await wait_for(pilot, lambda: app.screen is not home)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)
        await ann.chat.send(chat.id, "the last word")
        await wait_for(pilot, lambda: "the last word" in visible(log))
        await matches_a_fresh_screen(pilot, terminal)
    assert terminal.updates > 40  # partial updates, not one redraw
    assert "the last word" in terminal.text()
