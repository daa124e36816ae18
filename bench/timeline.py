"""Timeline scaling: does a keypress or a new post cost the same with 100 and 5,000 posts?

Runs the real Timeline widget (Line API) in a headless App and measures, per size:
loading the posts, one cursor keypress (median of 50, press to screen update), and one
new post arriving at the top. Both sizes run in one process so the ratio is fair on a
noisy machine. The last line is the figures as JSON.

    .venv/bin/python bench/timeline.py
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from datetime import UTC, datetime

from textual.app import App, ComposeResult

from xapp.api.models import Account, Post
from xapp.widgets.timeline import Timeline

AUTHOR = Account(id="a", handle="ada", display_name="Ada Lovelace", created_at=datetime.now(UTC))
TEXT = "Reminder: money is integers. Never floats. Never. " * 3


def posts(n: int, start: int = 0) -> list[Post]:
    now = datetime.now(UTC)
    return [
        Post(id=str(i), author=AUTHOR, text=f"{i} {TEXT}", created_at=now)
        for i in range(start, start + n)
    ]


class Bench(App[None]):
    def compose(self) -> ComposeResult:
        yield Timeline(id="timeline")


async def measure(n: int) -> dict[str, float]:
    app = Bench()
    async with app.run_test(size=(100, 40)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.focus()
        await pilot.pause()
        items = posts(n)
        t0 = time.perf_counter()
        timeline.add_bottom(items)
        await pilot.pause()
        load = time.perf_counter() - t0
        presses = []
        for _ in range(50):
            t0 = time.perf_counter()
            await pilot.press("down")
            presses.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        timeline.add_top(posts(1, start=n))
        await pilot.pause()
        new_post = time.perf_counter() - t0
    return {
        "load_s": load,
        "keypress_ms": statistics.median(presses) * 1000,
        "new_post_ms": new_post * 1000,
    }


async def main() -> None:
    small, large = await measure(100), await measure(5000)
    figures = {
        "posts_100_load_s": round(small["load_s"], 4),
        "posts_5000_load_s": round(large["load_s"], 4),
        "posts_100_keypress_ms": round(small["keypress_ms"], 2),
        "posts_5000_keypress_ms": round(large["keypress_ms"], 2),
        "keypress_ratio_5000_vs_100": round(large["keypress_ms"] / small["keypress_ms"], 2),
        "posts_100_new_post_ms": round(small["new_post_ms"], 2),
        "posts_5000_new_post_ms": round(large["new_post_ms"], 2),
    }
    for name, value in figures.items():
        print(f"{name:32} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
