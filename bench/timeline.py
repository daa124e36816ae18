"""Timeline at scale: a store of 100,000 posts, a reader who pages through all of them.

Runs the real server (`xapp serve`, its own process) on a fresh SQLite file holding
100,000 posts by 20 people the reader follows (written straight to the file, with the
full-text index kept by its triggers), and the real App (headless, 160x48) in this
process. It prints:

- first paint: from creating the App (signed in from stored credentials) until Textual
  composes a screen update showing the newest post;
- one cursor keypress (j), from the press until the screen update that shows the moved
  cursor, median of 60, after paging through all 100,000 posts, and with 100 loaded
  (median of 120: 60 before paging, 60 after the newest page is fetched again; same
  run, same App);
- paging: G pressed until the oldest post is on screen, each press loading a page;
- peak resident memory of this process (the App and its client) and of the server.

The last line is the figures as one JSON object.

    .venv/bin/python bench/timeline.py
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import PaintWatch, now_ns, peak_rss_mb, person, server, signed_in_app, wait_for

from xapp.widgets.paged_timeline import PagedTimeline

POSTS = 100_000
AUTHORS = 20
PRESSES = 60
WORDS = "ledger terminal money posts chat wallet cursor window keyboard yield".split()


def fill(db: Path, author_ids: list[str]) -> None:
    """`POSTS` posts straight into the database file (through the API this would take
    many minutes), listed in their readers' home timelines as the server lists a new
    post; one in ten mentions the reader, one in five carries a hashtag. Runs in its
    own process, so the App's memory figure is the App's alone."""
    from xapp.server.schema import new_id, now_us

    start = now_us() - POSTS * 1000

    def text(i: int) -> str:
        words = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(12))
        mention = " @reader" if i % 10 == 0 else ""
        tag = f" #{WORDS[i % len(WORDS)]}" if i % 5 == 0 else ""
        return f"post {i}: {words}{mention}{tag}"

    with sqlite3.connect(db, timeout=30) as conn:
        conn.executemany(
            "INSERT INTO posts (id, author_id, text, created_at) VALUES (?, ?, ?, ?)",
            (
                (new_id(), author_ids[i % len(author_ids)], text(i), start + i * 1000)
                for i in range(POSTS)
            ),
        )
        conn.execute(
            "INSERT INTO timeline_entries (account_id, post_pk, author_id) "
            "SELECT author_id, pk, author_id FROM posts"
        )
        conn.execute(
            "INSERT INTO timeline_entries (account_id, post_pk, author_id) "
            "SELECT follows.follower_id, posts.pk, posts.author_id "
            "FROM posts JOIN follows ON follows.followee_id = posts.author_id"
        )


async def keypresses(pilot, paints: PaintWatch, timeline: PagedTimeline) -> list[float]:
    """Ms from pressing j to the screen update that shows the cursor moved, per press."""
    times = []
    for _ in range(PRESSES):
        target = timeline.cursor + 1
        painted = paints.when(lambda target=target: timeline.cursor == target)
        started = now_ns()
        await pilot.press("j")
        times.append((await painted - started) / 1e6)
        await pilot.pause()
    return times


async def measure(url: str, pid: int, db: Path, folder: Path) -> dict[str, float]:
    reader = await person(url, "reader")
    handles = [f"author{i:02}" for i in range(AUTHORS)]
    authors = [await person(url, handle) for handle in handles]
    for handle in handles:
        await reader.accounts.follow(handle)
    ids = [(await author.accounts.me()).id for author in authors]
    t0 = time.perf_counter()
    filler = await asyncio.create_subprocess_exec(sys.executable, __file__, "--fill", db, *ids)
    assert await filler.wait() == 0
    fill_s = time.perf_counter() - t0

    started = now_ns()
    app = signed_in_app(url, "reader", reader.token or "", folder)
    paints = PaintWatch(app)
    first = paints.expect(f"post {POSTS - 1}:")
    async with app.run_test(size=(160, 48)) as pilot:
        first_paint_s = (await first - started) / 1e9
        timeline = app.screen.query_one(PagedTimeline)
        await wait_for(lambda: len(timeline.items) == 50 and not timeline.fetching)
        timeline.focus()
        await pilot.press("G")  # a second page: 100 posts loaded
        await wait_for(lambda: len(timeline.items) == 100 and not timeline.fetching)
        await pilot.press("g")
        await pilot.pause()
        small_first = await keypresses(pilot, paints, timeline)

        t0 = time.perf_counter()
        pages = 0
        while timeline.older is not None:
            await pilot.press("G")
            await wait_for(lambda: not timeline.fetching, timeout=60)
            pages += 1
        await pilot.press("G")
        await wait_for(lambda: "post 0:" in _visible(timeline))
        paging_s = time.perf_counter() - t0
        held = len(timeline.items)

        timeline.cursor = held - PRESSES - 30  # mid-window, as with 100 loaded
        await pilot.pause()
        large = statistics.median(await keypresses(pilot, paints, timeline))

        # 100 loaded once more, in the same aged process: the small figure is the median
        # of both visits, so the ratio doesn't just measure how long the App has run.
        await pilot.press("g")
        await wait_for(lambda: len(timeline.items) == 50 and not timeline.fetching)
        await pilot.press("G")
        await wait_for(lambda: len(timeline.items) == 100 and not timeline.fetching)
        await pilot.press("g")
        await pilot.pause()
        small = statistics.median(small_first + await keypresses(pilot, paints, timeline))
    await reader.aclose()
    for author in authors:
        await author.aclose()
    return {
        "posts_in_store": POSTS,
        "fill_store_s": round(fill_s, 1),
        "first_paint_s": round(first_paint_s, 3),
        "keypress_100_loaded_ms": round(small, 2),
        "keypress_100k_loaded_ms": round(large, 2),
        "keypress_ratio_100k_vs_100": round(large / small, 2),
        "pages_loaded": pages,
        "page_through_s": round(paging_s, 1),
        "page_mean_ms": round(paging_s / max(pages, 1) * 1000, 1),
        "posts_held_after_paging": held,
        "app_peak_rss_mb": peak_rss_mb(),
        "server_peak_rss_mb": peak_rss_mb(pid),
    }


def _visible(timeline: PagedTimeline) -> str:
    return "\n".join(timeline.render_line(y).text for y in range(timeline.size.height))


def main() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        with server(db) as (url, pid):
            return asyncio.run(measure(url, pid, db, Path(folder) / "reader"))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--fill"]:
        fill(Path(sys.argv[2]), sys.argv[3:])
        sys.exit()
    result = main()
    for name, value in result.items():
        print(f"{name:32} {value}")
    print(json.dumps(result))
