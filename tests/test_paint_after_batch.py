"""A dialog that opens while another widget holds Textual's batch reaches the terminal
without a key (issue 13, item 19).

Textual's Footer recomposes on every focus change and screen push, inside
`app.batch_update()` held across awaits, in the pump of whichever screen was current
when it was queued. An update composed meanwhile is not written (App._display), the
screen's update timer is not resumed (Screen._on_idle), and the batch's end prompts only
the App: the followers dialog stayed off the terminal until the next key. Here the
footer's batch is held on purpose while F's answer arrives, and what the App sent to
the terminal is replayed onto a grid; only real time passes (pilot.pause would paint).
"""

from __future__ import annotations

import asyncio
import time

from textual import events

from tests.conftest import People
from tests.test_screen_updates import HEIGHT, WIDTH, Terminal
from tests.test_tui_home import drawn, home_of, signed_in_app, wait_for
from tests.test_tui_profile import seed
from xapp.screens.people import PeopleList, PeopleScreen
from xapp.screens.profile import ProfileScreen
from xapp.widgets.timeline import Timeline


async def until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def test_a_dialog_opened_during_a_footer_batch_is_painted(people: People, tmp_path) -> None:
    token = await seed(people.url)
    app = signed_in_app(people.url, "ada", token, tmp_path)
    terminal = Terminal()
    display = app._display

    def record(screen, update) -> None:
        # App._display writes nothing while a batch is held (it returns first).
        if update is not None and not app._batch_count:
            terminal.apply(list(app.console.render(update, app.console.options)))
        display(screen, update)

    app._display = record  # type: ignore[method-assign]
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: "Nanoseconds!" in drawn(timeline))
        timeline.focus()
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileScreen))
        profile = app.screen
        await wait_for(pilot, lambda: "A ship in port is safe." in drawn(profile.timeline))
        release = asyncio.Event()

        async def recompose_footer() -> None:
            # What Footer.recompose holds in the profile's pump (widget.py, Widget.batch).
            with app.batch_update():
                await release.wait()

        holder = asyncio.create_task(recompose_footer())
        await until(lambda: app._batch_count > 0)
        app.post_message(
            events.Key("F", "F")
        )  # as the driver does; the answer comes inside the batch
        assert await until(
            lambda: (
                isinstance(app.screen, PeopleScreen)
                and len(app.screen.query_one(PeopleList).items) == 1
            )
        )
        await asyncio.sleep(0.2)
        release.set()
        await holder
        # No key, no pilot.pause: only time passes.
        painted = await until(lambda: "Followers of @grace" in terminal.text(), timeout=2)
        assert painted, "the dialog is open but the terminal never got it"
        assert "Cat Stevens @cat" in terminal.text()
