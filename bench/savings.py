"""What the savings calendar costs: paying a month's dividends to 10,000 positions.

Seeds 10,000 savings positions with random balances ($2,000 to $50,000; the set-up of
`tests/test_savings.py`, imported from there) on each store, moves the server's clock to
the first of the next month, and times until every position is paid by
`savings.pay_dividends`, the job the server's loop runs every second (and this script
too, so whichever gets there first pays a chunk): chunks of 1,000 positions per
transaction, a dividend transfer, two postings, a position update and an event to the
owner each. Then the eleven months after it, and a day with nothing to pay (what every
other second of the loop costs). Prints one JSON line per store.

    .venv/bin/python bench/savings.py [--positions 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from the repo root: `tests` is importable
    sys.path.insert(0, str(ROOT))

from tests.conftest import PgDatabase, Store, server_settings  # noqa: E402
from tests.postgres import Cluster, binaries  # noqa: E402
from tests.test_savings import START, move_clock_to, seed_positions  # noqa: E402
from xapp.embedded import ServerThread  # noqa: E402
from xapp.server import clock, savings  # noqa: E402


def run(store: Store, name: str, positions: int) -> dict[str, object]:
    rng = random.Random(1)
    balances = [rng.randrange(200_000, 5_000_000) for _ in range(positions)]
    move_clock_to(START)
    with ServerThread(server_settings(store)) as server:
        db = server.app.state.db
        apy = server.settings.savings_apy
        server.call(lambda: seed_positions(server, balances))
        months = []
        for month in range(1, 13):
            # From the month turning until every position is paid, whichever of this
            # call and the server's own loop (which runs the same job) pays each chunk.
            began = time.perf_counter()
            move_clock_to(
                dt.datetime(2027 + month // 12, month % 12 + 1, 1, 0, 0, 10, tzinfo=dt.UTC)
            )
            while server.call(lambda: savings.pay_dividends(db, apy), 600):
                pass
            months.append(time.perf_counter() - began)
        move_clock_to(dt.datetime(2028, 1, 2, 0, 0, 10, tzinfo=dt.UTC))
        server.call(lambda: savings.pay_dividends(db, apy))  # the day's rate, once
        began = time.perf_counter()
        for _ in range(100):
            server.call(lambda: savings.pay_dividends(db, apy))
        idle = (time.perf_counter() - began) / 100
    clock.reset()
    return {
        "store": name,
        "positions": positions,
        "first_month_s": round(months[0], 2),
        "month_median_s": round(sorted(months)[6], 2),
        "per_position_us": round(sorted(months)[6] / positions * 1e6),
        "year_s": round(sum(months), 1),
        "idle_look_ms": round(idle * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--positions", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(run(Path(folder) / "savings.db", "sqlite", args.positions)), flush=True)
        if binaries() is None:
            print("no PostgreSQL binaries: PostgreSQL skipped", file=sys.stderr)
            return
        cluster = Cluster(fsync=True).start()
        try:
            store = PgDatabase(cluster.new_database(), Path(folder))
            print(json.dumps(run(store, "postgres", args.positions)), flush=True)
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
