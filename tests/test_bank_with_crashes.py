"""Jepsen's bank test, with crashes: money is neither made nor lost when the server dies.

Twenty accounts, each opened with the same deposit, and 32 concurrent clients sending
payments between random pairs with an `Idempotency-Key` each, while the server, a real
`xapp serve` process, is killed with SIGKILL several times and started again on the same
port and database. A client whose request meets a dead server (a refused connection, a
connection cut mid-answer, a timeout) sends the same request with the same key until it
gets an answer, as the SDK and the TUI do; so every key ends answered, and a payment that
committed just before a kill, its answer lost with the process, must be answered by the
retry with the transfer it already made, not a second one.

Meanwhile an auditor reads every balance in one query, again and again: each read must
sum to the money deposited, none negative, even across a kill. People also read their
own balances over the API. At the end, what the database holds is checked against what
the clients were told: every acknowledged transfer is there, once, with its amounts;
nothing moved that no answer accounts for; each balance is its deposit plus what the
acknowledged payments say; and `xapp audit` passes.

The run lives here, in the test, and `bench/bank.py` runs the same code at full size
(10,000 transfers, 5 kills) and prints its figures; CI runs a small one per backend.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import socket
import sqlite3
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import PASSWORD, PgDatabase, Store, audit, query, usd
from xapp.api.client import ApiClient

READY = "xapp server ready on "

SNAPSHOT = (
    "SELECT count(*), coalesce(sum(balance), 0), coalesce(min(balance), 0) "
    "FROM ledger_accounts WHERE owner_id IS NOT NULL AND currency = 'USD'"
)
"""Every person's balance in one statement: one snapshot on either store, as an auditor
reads it (nobody else can: over the API a person reads only their own)."""

MUST_BE_ZERO = (
    "lost",
    "duplicated",
    "wrong_transfers",
    "key_mismatches",
    "half_claimed_keys",
    "refused_keys_stored",
    "balance_mismatches",
    "negative_balances",
    "negative_reads",
    "bad_sum_reads",
    "negative_api_reads",
    "server_5xx",
    "unexpected_answers",
    "server_errors_logged",
    "unfinished",
)
"""The figures a correct server keeps at zero, however often it is killed."""


@dataclass(frozen=True)
class Plan:
    """How big a run is. Amounts go up to a quarter of an opening balance, so payers run
    short now and then and a refusal (422, nothing moved) is part of every run."""

    transfers: int
    kills: int
    accounts: int = 20
    clients: int = 32
    opening_cents: int = 10_000
    max_cents: int = 2_500
    seed: int = 20_261_201

    @property
    def total_cents(self) -> int:
        return self.accounts * self.opening_cents

    @property
    def handles(self) -> list[str]:
        return [f"bank{i:02d}" for i in range(self.accounts)]


@dataclass(frozen=True)
class Acked:
    """A payment the server acknowledged (201): what was asked and the transfer it named."""

    key: str
    payer: str
    payee: str
    cents: int
    transfer_id: str
    attempts: int
    answered_try_sent_us: int
    """When the try that got the 201 was sent (µs since the epoch, this machine's clock,
    which the server shares): a transfer created before it was made by an earlier try
    whose answer died with the server, and this 201 is its replay."""


@dataclass
class Outcome:
    """What the clients and the auditor saw while the server was being killed."""

    plan: Plan
    acked: list[Acked] = field(default_factory=list)
    refused: list[tuple[str, str, int]] = field(default_factory=list)
    """(key, payer, cents) answered 422 insufficient_funds."""
    unfinished: int = 0
    retries: int = 0
    server_5xx: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    api_reads: int = 0
    negative_api_reads: int = 0
    snapshot_reads: int = 0
    bad_sum_reads: list[tuple[int, int, int]] = field(default_factory=list)
    negative_reads: list[tuple[int, int, int]] = field(default_factory=list)
    kills: int = 0
    restart_s: list[float] = field(default_factory=list)
    downtime_s: float = 0.0
    run_s: float = 0.0
    server_log: str = ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`xapp serve` in its own process, so SIGKILL is a real crash: no `finally`, no
    shutdown hook, open transactions cut off wherever they were. Started again on the
    same port and database, as a supervisor would; every start's stderr goes to one log."""

    def __init__(self, store: Store, port: int, folder: Path) -> None:
        self.store = store
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = folder / "server-stderr.log"
        self.env = {**os.environ, "XAPP_SERVER_DATA_DIR": str(folder)}
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, timeout: float = 60.0) -> None:
        """Start it and wait for its ready line; a start that fails is a finding, so it
        raises with what the server wrote to stderr."""
        command = [sys.executable, "-m", "xapp", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--db", str(self.store)]
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *command, stdout=asyncio.subprocess.PIPE, stderr=log, env=self.env
            )
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        except TimeoutError:
            line = b""
        if not line.decode().startswith(READY):
            await self.stop()
            raise RuntimeError(
                f"xapp serve did not start (stdout {line!r}); stderr:\n{self.log()[-4000:]}"
            )

    async def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL
        await self.process.wait()

    async def stop(self) -> None:
        """The polite end, after the run (SIGTERM; SIGKILL if it hangs)."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), 15)
        except TimeoutError:
            await self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


async def open_accounts(url: str, plan: Plan) -> dict[str, str]:
    """Register the accounts and deposit each one's opening balance, over the API, before
    any kill; their tokens (sessions live in the database, so they outlive a kill).

    Sign-ins go one at a time: the server counts a sign-in attempt per address before
    it checks the password (and gives it back on success), so twenty at once from one
    address would find the allowance of ten used up by attempts still in flight."""
    clients = {handle: ApiClient(url, timeout=60) for handle in plan.handles}
    try:
        await asyncio.gather(
            *(c.accounts.register(h, h.title(), PASSWORD) for h, c in clients.items())
        )
        for handle, client in clients.items():
            await client.accounts.login(handle, PASSWORD)
            # A business's limits: the full-size run sends more in a day than an
            # unverified account may.
            await client.wallet.verify(handle.title(), dt.date(1990, 1, 1), "US", business=True)
        await asyncio.gather(*(c.wallet.deposit(usd(plan.opening_cents)) for c in clients.values()))
        tokens = {handle: client.token for handle, client in clients.items()}
    finally:
        for client in clients.values():
            await client.aclose()
    return {handle: token for handle, token in tokens.items() if token}


class Auditor:
    """Reads every person's balance in one statement, as often as it is asked, on one
    connection of its own (a connection per read costs PostgreSQL a backend process each
    time, and slowed the server it watches to half speed). Autocommit: each SELECT is its
    own snapshot. Connects at the first read, which comes after the server has migrated
    the store. A lock keeps the connection to one thread at a time (reads run in
    `asyncio.to_thread`, on whichever worker thread is free)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._conn: Any = None
        self._lock = threading.Lock()

    def read(self) -> tuple[int, int, int]:
        """(accounts, sum, min) of every person's USD balance."""
        with self._lock:
            if self._conn is None:
                self._conn = self._connect()
            row = self._conn.execute(SNAPSHOT).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def _connect(self) -> Any:
        if isinstance(self.store, PgDatabase):
            import psycopg

            return psycopg.connect(self.store, autocommit=True)
        return sqlite3.connect(self.store, isolation_level=None, check_same_thread=False)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


async def run_bank(store: Store, plan: Plan, folder: Path) -> Outcome:
    """Open the accounts, then send `plan.transfers` payments from `plan.clients`
    clients while the server is killed `plan.kills` times, spread over the run, and the
    auditor reads all balances."""
    outcome = Outcome(plan)
    server = ServerProcess(store, free_port(), folder)
    rng = random.Random(plan.seed)
    reader = Auditor(store)
    await server.start()
    try:
        tokens = await open_accounts(server.url, plan)
        finished = 0  # keys answered (201 or a refusal), or given up on
        handed_out = 0
        done = asyncio.Event()

        def take() -> int | None:
            nonlocal handed_out
            if handed_out >= plan.transfers:
                return None
            handed_out += 1
            return handed_out

        # The kills' moments, by answers counted, so each lands among requests in flight.
        milestones = {
            plan.transfers * k // (plan.kills + 1): asyncio.Event()
            for k in range(1, plan.kills + 1)
        }

        def finish() -> None:
            nonlocal finished
            finished += 1
            if finished in milestones:
                milestones[finished].set()
            if finished == plan.transfers:
                done.set()

        async def client(number: int) -> None:
            limits = httpx.Limits(max_connections=2, max_keepalive_connections=1)
            async with httpx.AsyncClient(base_url=server.url, timeout=10, limits=limits) as http:
                while (index := take()) is not None:
                    payer, payee = rng.sample(plan.handles, 2)
                    cents = rng.randint(1, plan.max_cents)
                    await pay(http, payer, payee, cents, f"bank {number}/{index}")
                    finish()
                    if rng.random() < 0.25:
                        await read_own_balance(http, rng.choice(plan.handles))

        async def pay(
            http: httpx.AsyncClient, payer: str, payee: str, cents: int, note: str
        ) -> None:
            key = str(uuid.uuid4())
            body = {"to": payee, "amount": {"amount": cents, "currency": "USD"}, "note": note}
            headers = {"Authorization": f"Bearer {tokens[payer]}", "Idempotency-Key": key}
            attempts = 0
            while True:
                attempts += 1
                if attempts > 1:
                    outcome.retries += 1
                sent_us = time.time_ns() // 1_000
                try:
                    response = await http.post("/v1/transfers", json=body, headers=headers)
                except httpx.TransportError:  # the server is down, or died mid-answer
                    await asyncio.sleep(rng.uniform(0.02, 0.08))
                    continue
                if response.status_code == 201:
                    answer = response.json()
                    outcome.acked.append(
                        Acked(key, payer, payee, cents, answer["id"], attempts, sent_us)
                    )
                    if (answer["sender"]["handle"], answer["recipient"]["handle"]) != (
                        payer,
                        payee,
                    ) or answer["amount"] != {"amount": cents, "currency": "USD"}:
                        outcome.unexpected.append(f"201 for another payment: {response.text}")
                    return
                if response.status_code == 422 and error_code(response) == "insufficient_funds":
                    outcome.refused.append((key, payer, cents))
                    return
                if response.status_code >= 500:
                    outcome.server_5xx.append(f"{response.status_code} {response.text[:300]}")
                    if len(outcome.server_5xx) > 50:  # a server that only fails: stop
                        outcome.unfinished += 1
                        return
                    await asyncio.sleep(0.05)
                    continue
                outcome.unexpected.append(f"{response.status_code} {response.text[:300]}")
                outcome.unfinished += 1
                return

        async def read_own_balance(http: httpx.AsyncClient, handle: str) -> None:
            try:
                response = await http.get(
                    "/v1/wallet", headers={"Authorization": f"Bearer {tokens[handle]}"}
                )
            except httpx.TransportError:
                return  # down: nothing read
            if response.status_code >= 500:
                outcome.server_5xx.append(f"{response.status_code} {response.text[:300]}")
                return
            if response.status_code != 200:
                outcome.unexpected.append(f"wallet {response.status_code} {response.text[:300]}")
                return
            outcome.api_reads += 1
            if any(b["amount"] < 0 for b in response.json()["balances"]):
                outcome.negative_api_reads += 1

        async def auditor() -> None:
            while not done.is_set():
                seen = await asyncio.to_thread(reader.read)
                outcome.snapshot_reads += 1
                count, total, lowest = seen
                if count != plan.accounts or total != plan.total_cents:
                    outcome.bad_sum_reads.append(seen)
                if lowest < 0:
                    outcome.negative_reads.append(seen)
                await asyncio.sleep(0.02)

        async def killer() -> None:
            """Kill at evenly spread points of the run, stay down a random moment (clients
            meet refused connections), start again (they meet a cold server)."""
            for milestone in milestones.values():
                await milestone.wait()
                await server.kill()
                outcome.kills += 1
                down = time.monotonic()
                await asyncio.sleep(rng.uniform(0.05, 0.3))
                started = time.monotonic()
                await server.start()
                outcome.restart_s.append(time.monotonic() - started)
                outcome.downtime_s += time.monotonic() - down

        started = time.monotonic()
        tasks = [asyncio.create_task(client(n)) for n in range(plan.clients)]
        watchers = [asyncio.create_task(auditor()), asyncio.create_task(killer())]
        try:
            await asyncio.gather(*tasks, watchers[1])
        finally:
            done.set()
            for task in [*tasks, *watchers]:
                task.cancel()
            await asyncio.gather(*tasks, *watchers, return_exceptions=True)
        outcome.run_s = time.monotonic() - started
    finally:
        reader.close()
        await server.stop()
        outcome.server_log = server.log()
    return outcome


def error_code(response: httpx.Response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def check(store: Store, outcome: Outcome) -> dict[str, float]:
    """Compare what the database holds with what the clients were told; the figures."""
    plan = outcome.plan
    rows = query(
        store,
        "SELECT t.id, s.handle, r.handle, t.amount, t.currency, t.status, t.created_at "
        "FROM transfers t JOIN accounts s ON s.id = t.sender_id "
        "JOIN accounts r ON r.id = t.recipient_id WHERE t.kind = 'payment'",
    )
    in_db = {row[0]: row[1:] for row in rows}
    keys = query(
        store,
        "SELECT a.handle, k.key, k.status_code, k.body FROM idempotency_keys k "
        "JOIN accounts a ON a.id = k.account_id",
    )
    stored = {(handle, key): (status, body) for handle, key, status, body in keys}
    balances = dict(
        query(
            store,
            "SELECT a.handle, l.balance FROM ledger_accounts l "
            "JOIN accounts a ON a.id = l.owner_id WHERE l.currency = 'USD'",
        )
    )

    acked_ids = Counter(a.transfer_id for a in outcome.acked)
    wrong = 0
    key_mismatches = 0
    replayed = 0
    expected = dict.fromkeys(plan.handles, plan.opening_cents)
    for a in outcome.acked:
        expected[a.payer] -= a.cents
        expected[a.payee] += a.cents
        row = in_db.get(a.transfer_id)
        if row is not None:
            if tuple(row[:5]) != (a.payer, a.payee, a.cents, "USD", "completed"):
                wrong += 1
            if a.attempts > 1 and row[5] < a.answered_try_sent_us:
                replayed += 1
        status, body = stored.get((a.payer, a.key), (None, ""))
        if status != 201 or json.loads(body or "{}").get("id") != a.transfer_id:
            key_mismatches += 1
    up_s = outcome.run_s - outcome.downtime_s
    logged = [
        line
        for line in outcome.server_log.splitlines()
        if "Traceback" in line or " ERROR " in line or " CRITICAL " in line
    ]
    return {
        "transfers_planned": plan.transfers,
        "transfers_acknowledged": len(outcome.acked),
        "refused_insufficient_funds": len(outcome.refused),
        "unfinished": outcome.unfinished,
        "kills": outcome.kills,
        "retries": outcome.retries,
        "answers_lost_then_replayed": replayed,
        "lost": sum(1 for t in acked_ids if t not in in_db),
        "duplicated": sum(1 for t in in_db if t not in acked_ids)
        + sum(n - 1 for n in acked_ids.values()),
        "wrong_transfers": wrong,
        "key_mismatches": key_mismatches,
        "half_claimed_keys": sum(1 for status, _ in stored.values() if status != 201),
        "refused_keys_stored": sum(1 for k, payer, _ in outcome.refused if (payer, k) in stored),
        "balance_mismatches": sum(1 for h in plan.handles if balances.get(h) != expected[h]),
        "negative_balances": sum(1 for b in balances.values() if b < 0),
        "balances_sum_cents": sum(balances.values()),
        "total_deposited_cents": plan.total_cents,
        "snapshot_reads": outcome.snapshot_reads,
        "bad_sum_reads": len(outcome.bad_sum_reads),
        "negative_reads": len(outcome.negative_reads),
        "api_balance_reads": outcome.api_reads,
        "negative_api_reads": outcome.negative_api_reads,
        "server_5xx": len(outcome.server_5xx),
        "unexpected_answers": len(outcome.unexpected),
        "server_errors_logged": len(logged),
        "run_s": round(outcome.run_s, 2),
        "downtime_s": round(outcome.downtime_s, 2),
        "restart_max_s": round(max(outcome.restart_s, default=0.0), 2),
        # Over the whole run, downtime and restarts included; then over the time it was up.
        "payments_per_s": round(len(outcome.acked) / outcome.run_s, 1) if outcome.run_s else 0.0,
        "payments_per_s_while_up": round(len(outcome.acked) / up_s, 1) if up_s > 0 else 0.0,
    }


def failures(figures: dict[str, float], outcome: Outcome) -> str:
    """What to read when the test fails: the figures, then the first of each oddity."""
    parts = [json.dumps(figures, indent=1)]
    for name, items in (
        ("5xx", outcome.server_5xx),
        ("unexpected", outcome.unexpected),
        ("bad sums", outcome.bad_sum_reads),
        ("negative reads", outcome.negative_reads),
    ):
        if items:
            parts.append(f"{name}: {items[:5]}")
    if figures["server_errors_logged"]:
        parts.append("server stderr:\n" + outcome.server_log[-6000:])
    return "\n".join(parts)


async def verify(store: Store, plan: Plan) -> tuple[dict[str, float], Outcome]:
    """Run and check; shared by the test and `bench/bank.py`."""
    outcome = await run_bank(store, plan, store.parent)
    figures = check(store, outcome)
    return figures, outcome


def audit_passes(store: Store) -> tuple[bool, str]:
    result = audit(store)
    return result.returncode == 0, result.stdout + result.stderr


async def test_bank_with_crashes_moves_money_exactly_once(db_path: Store) -> None:
    plan = Plan(transfers=400, kills=3)
    figures, outcome = await verify(db_path, plan)
    report = failures(figures, outcome)
    print(json.dumps(figures))  # shown with -s, and beside a failure
    assert figures["kills"] == plan.kills, report
    assert {name: figures[name] for name in MUST_BE_ZERO} == dict.fromkeys(MUST_BE_ZERO, 0), report
    assert figures["balances_sum_cents"] == plan.total_cents, report
    answered = figures["transfers_acknowledged"] + figures["refused_insufficient_funds"]
    assert answered == plan.transfers, report
    assert figures["transfers_acknowledged"] > plan.transfers // 2, report
    assert figures["retries"] > 0, report  # the kills did land among requests in flight
    assert figures["snapshot_reads"] > 10 and figures["api_balance_reads"] > 10, report
    ok, said = audit_passes(db_path)
    assert ok, said
