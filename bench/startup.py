"""Start-up as a person meets it: from typing `xapp --server URL` (signed in already) to
the newest post on the screen, and how much memory the App takes on the way.

`xapp serve` runs in its own process with 100 posts by someone the reader follows. Each
run starts `xapp` in a real pseudo-terminal (160x48, as in tmux) and reads what it writes
to the terminal; the clock stops when the newest post's text is written. After the
first post the App is left a moment to settle (the live feed connecting, the other
panes loading), then its peak RSS is read from /proc and it is stopped. The median of
several runs is reported (the first is a warm-up for the disk cache).

The last line is the figures as one JSON object.

    .venv/bin/python bench/startup.py [runs]
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import peak_rss_mb, person, server

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from the repo root: `tests` is importable
    sys.path.insert(0, str(ROOT))

from tests.terminal import app_in_terminal  # noqa: E402
from xapp.credentials import Credentials  # noqa: E402

NEWEST = "zebra crossing number one hundred"
SETTLE_S = 2.0


async def seed(url: str) -> str:
    """ann follows ben, who has written 100 posts; returns ann's token."""
    ann, ben = await person(url, "ann"), await person(url, "ben")
    await ann.accounts.follow("ben")
    for i in range(99):
        await ben.posts.create(f"an earlier post, number {i}")
    await ben.posts.create(NEWEST)
    token = ann.token or ""
    await ann.aclose()
    await ben.aclose()
    return token


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used (user + system): steadier than the clock on a
    machine that is busy with other things."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(url: str, data_dir: Path) -> tuple[float, float, float]:
    """Seconds until the newest post is written to the terminal, the CPU seconds the
    App used until then, and its peak RSS (MB)."""
    seen = b""
    first_post = None
    cpu = 0.0
    started = time.monotonic()
    with app_in_terminal(url, data_dir, COLORTERM="truecolor") as (process, master):
        deadline = started + 30
        while first_post is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                seen += os.read(master, 1 << 16)
                if NEWEST.encode() in seen:
                    first_post = time.monotonic() - started
                    cpu = cpu_seconds(process.pid)
        if first_post is None:
            raise RuntimeError("the newest post never reached the terminal")
        settle_until = time.monotonic() + SETTLE_S
        while time.monotonic() < settle_until:  # keep the terminal drained meanwhile
            if select.select([master], [], [], 0.05)[0]:
                os.read(master, 1 << 16)
        rss = peak_rss_mb(process.pid)
    return first_post, cpu, rss


def main(runs: int) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="xapp-startup-"))
    with server(folder / "xapp.db") as (url, _pid):
        token = asyncio.run(seed(url))
        data_dir = folder / "client"
        Credentials(data_dir, keyring_vault=None).save(url, "ann", token, "file")
        results = [one_run(url, data_dir) for _ in range(runs + 1)][1:]
    for t, c, r in results:
        print(f"first post {t * 1000:.0f} ms (CPU {c * 1000:.0f} ms) · peak RSS {r:.1f} MB")
    times = sorted(t for t, _, _ in results)
    return {
        "runs": runs,
        "startup_first_post_s": round(statistics.median(times), 3),
        "startup_first_post_min_s": round(times[0], 3),
        "startup_cpu_s": round(statistics.median(c for _, c, _ in results), 3),
        "startup_rss_mb": round(statistics.median(r for _, _, r in results), 1),
    }


if __name__ == "__main__":
    figures = main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    print(json.dumps(figures))
