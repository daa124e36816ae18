"""Jepsen's bank test with crashes, at full size: 10,000 payments, 5 kills, per backend.

The same run as `tests/test_bank_with_crashes.py` (its code, imported from there), at the
size the issue asks for: 20 accounts, 32 concurrent clients sending idempotent payments
and reading balances, while `xapp serve` is killed with SIGKILL five times and started
again on the same port and database; clients retry with the same keys. Then what the
database holds is checked against every answer the clients got, and `xapp audit` runs.

SQLite is a fresh file (WAL, synchronous=FULL); PostgreSQL is a throwaway cluster
started here with fsync on (`tests.postgres.Cluster(fsync=True)`), so a commit the server
acknowledged was really on disk.

Prints a table per backend; the last line is one JSON object. The counts that must be
zero for a correct server: lost, duplicated, wrong_transfers, key_mismatches,
half_claimed_keys, refused_keys_stored, balance_mismatches, negative_balances,
negative_reads, bad_sum_reads, negative_api_reads, server_5xx, unexpected_answers,
server_errors_logged, unfinished; `audit_failures` counts the backends whose audit failed.

    .venv/bin/python bench/bank.py [--backend sqlite|postgres|both] [--transfers N] [--kills K]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from the repo root: `tests` is importable
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, update  # noqa: E402

from tests.conftest import PgDatabase, Store  # noqa: E402
from tests.postgres import Cluster, binaries  # noqa: E402
from tests.test_bank_with_crashes import (  # noqa: E402
    MUST_BE_ZERO,
    Plan,
    audit_passes,
    failures,
    verify,
)
from xapp.server.db import migrate_sync  # noqa: E402
from xapp.server.schema import monitoring_rules  # noqa: E402
from xapp.server.settings import database_url  # noqa: E402

SHOWN = (
    "transfers_planned",
    "transfers_acknowledged",
    "refused_insufficient_funds",
    "kills",
    "retries",
    "answers_lost_then_replayed",
    "lost",
    "duplicated",
    "balance_mismatches",
    "snapshot_reads",
    "bad_sum_reads",
    "negative_reads",
    "api_balance_reads",
    "negative_api_reads",
    "server_5xx",
    "run_s",
    "downtime_s",
    "restart_max_s",
    "payments_per_s",
    "payments_per_s_while_up",
)


def monitoring_off(store: Store) -> None:
    """At full size 20 new accounts pay each other thousands of dollars in minutes, which
    the compliance rules rightly hold for review; this bench is about exactly-once under
    kills, so it turns the rules off in its own database (they are data) before it runs."""
    url = database_url(str(store))
    migrate_sync(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(update(monitoring_rules).values(enabled=False))
    engine.dispose()


async def one_backend(name: str, store: Store, plan: Plan) -> dict[str, Any]:
    """The run on one store, then the checks and the audit; its figures."""
    print(f"{name}: {plan.transfers} payments, {plan.kills} kills …", file=sys.stderr, flush=True)
    monitoring_off(store)
    figures: dict[str, Any]
    figures, outcome = await verify(store, plan)
    ok, said = audit_passes(store)
    figures["audit_ok"] = ok
    bad = {k: figures[k] for k in MUST_BE_ZERO if figures[k]}
    if bad or not ok:
        print(failures(figures, outcome), file=sys.stderr)
        print(said, file=sys.stderr)
    return figures


def table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    lines = [
        "| figure | " + " | ".join(names) + " |",
        "| --- |" + " --- |" * len(names),
    ]
    for key in (*SHOWN, "audit_ok"):
        lines.append(f"| {key} | " + " | ".join(str(results[n][key]) for n in names) + " |")
    return "\n".join(lines)


def summary(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The JSON line: totals over the backends (the zero counts first), then each
    backend's figures under its name."""
    every = list(results.values())
    line: dict[str, Any] = {
        name: sum(r[name] for r in every)
        for name in (*MUST_BE_ZERO, "transfers_acknowledged", "kills")
    }
    line["audit_failures"] = sum(1 for r in every if not r["audit_ok"])
    for backend, figures in results.items():
        for name in (*SHOWN, *MUST_BE_ZERO):
            line[f"{backend}_{name}"] = figures[name]
    return line


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--transfers", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--accounts", type=int, default=20)
    args = parser.parse_args()
    plan = Plan(
        transfers=args.transfers, kills=args.kills, accounts=args.accounts, clients=args.clients
    )
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="xapp-bank-") as tmp:
        folder = Path(tmp)
        if args.backend in ("sqlite", "both"):
            (folder / "sqlite").mkdir()
            results["sqlite"] = await one_backend("sqlite", folder / "sqlite" / "bank.db", plan)
        if args.backend in ("postgres", "both"):
            if binaries() is None:
                print("postgres: skipped, PostgreSQL's binaries are not installed", file=sys.stderr)
            else:
                cluster = Cluster(fsync=True).start()
                try:
                    (folder / "postgres").mkdir()
                    store = PgDatabase(cluster.new_database(), folder / "postgres")
                    results["postgres"] = await one_backend("postgres", store, plan)
                finally:
                    cluster.stop()
    print(table(results))
    line = summary(results)
    print(json.dumps(line))
    clean = all(line[name] == 0 for name in MUST_BE_ZERO) and line["audit_failures"] == 0
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
