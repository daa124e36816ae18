"""Throughput: payments per second through HTTP, against a no-op JSON POST on the same
stack, measured by a load generator in its own process.

A payment is the server's heaviest everyday write (an idempotency claim, the payer's and
payee's balances, the transfer, its postings, feed frames), so payments per second is
what one machine's server can take. On its own the figure says little on a noisy VM, so
the same run also measures the ceiling of the stack it runs on: a bare FastAPI app with
one `POST /noop` (a small pydantic body in, a small JSON out) under uvicorn with the
settings `xapp serve` uses (`xapp.embedded.ServerThread`: no log config, no access log,
a TCP_NODELAY socket, uvicorn's automatic HTTP and loop choice), driven by the same load.
The SQLite ratio payments/no-op says how much of the stack's capacity a payment leaves.

What it runs, each server in its own process on loopback, each load from `wrk` (Debian's
`wrk`) in its own process with the same threads, connections and duration, one warm-up
run per server before its measured runs:

- no-op: `POST /noop` with the payment's body and headers, before SQLite and again after
  it (the ratio takes the better of the two);
- SQLite: `xapp serve` on a fresh file (WAL, synchronous=FULL, its defaults); N payers
  (registered, signed in and funded over HTTP, no payments PIN) pay 1 cent to random
  other payers, each request with the next payer's token and its own Idempotency-Key;
- PostgreSQL: a throwaway cluster (`tests/postgres.py`) with fsync and synchronous
  commit ON, `xapp serve --workers 2` (one process, said so, while the flag is absent):
  the same spread load, then every payer paying one hot account.

Every answer must be a 201: `wrk`'s Lua `response()` counts the others by status, and
socket errors and timeouts come from `wrk` itself; a run with any is not a valid figure
(the bench says so, shows the server's stderr and exits 1 after its figures). For
PostgreSQL it also counts the ERROR lines the cluster logged per run (the races the
server retries), and after each server it runs `xapp audit` on the database the load
wrote. Each run's table row has the server's CPU (cores, and ms per answer), wrk's, and
the rest of the machine's, which should be ~0: a figure taken while something else ran
is low, and the bench warns. `--profile` samples the servers with `py-spy` during an
extra payments run each (not the measured ones) and prints the functions with the most
own time, and the xapp functions with the most time inside them.

Goals on the 2-core VM: SQLite ratio >= 0.5, PostgreSQL (2 processes) >= 2,000
payments/s spread over many accounts and >= 250/s into one account.

The last line is the figures as one JSON object.

    .venv/bin/python bench/throughput.py [--duration 10] [--connections 32] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from machine import (
    cpu_by_process,
    free_port,
    machine_busy,
    short_frame,
    spy_stacks,
    started,
    tree_cpu_seconds,
)
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
XAPP = ROOT / ".venv" / "bin" / "xapp"
PY_SPY = ROOT / ".venv" / "bin" / "py-spy"
PASSWORD = "correct horse battery"
DEPOSIT_CENTS = 100_000
MARK = "THROUGHPUT_JSON "


# --- the servers -------------------------------------------------------------------------


@dataclass
class Server:
    """A server process, its URL and where its stderr went."""

    process: subprocess.Popen[str]
    url: str
    stderr_path: Path
    note: str = ""
    processes: int = 1

    def stderr_tail(self, lines: int = 40) -> str:
        text = self.stderr_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process and its workers so far."""
        return tree_cpu_seconds(self.process.pid)

    def cpu_by_process(self) -> dict[int, float]:
        return cpu_by_process(self.process.pid)


def _server_env(data_dir: Path) -> dict[str, str]:
    """The caller's environment without XAPP_SERVER_* (the server's defaults apply), and
    a data folder for the receipt key (as an operator would set for a database URL)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XAPP_SERVER_")}
    env["XAPP_SERVER_DATA_DIR"] = str(data_dir)
    env["XAPP_SERVER_INSTANT_DEPOSITS"] = "1"  # accounts are funded over HTTP, with no bank
    env["XAPP_SERVER_REGISTRATIONS"] = "100000"  # every payer registers from loopback
    env["XAPP_SERVER_WRITES"] = "10000000"  # and pays as fast as it can
    return env


@contextmanager
def start_server(
    command: list[str], folder: Path, name: str, ready: str, note: str = ""
) -> Iterator[Server]:
    """Run `command`, wait for its stdout line containing `ready`, stop it afterwards."""
    with started(command, folder, name, ready, _server_env(folder)) as (process, line, err):
        yield Server(process, line.split(" on ", 1)[1].split()[0], err, note)


def serve_help() -> str:
    return subprocess.run(
        [str(XAPP), "serve", "--help"], capture_output=True, text=True, check=False
    ).stdout


@contextmanager
def xapp_server(folder: Path, name: str, db: str, workers: int = 1) -> Iterator[Server]:
    command = [str(XAPP), "serve", "--host", "127.0.0.1", "--port", str(free_port())]
    command += ["--db", db]
    note, processes = "", 1
    if workers > 1:
        if "--workers" in serve_help():
            command += ["--workers", str(workers)]
            processes = workers
        else:
            note = (
                f"`xapp serve --help` lists no --workers yet: this figure is for ONE "
                f"server process, not {workers}"
            )
    with start_server(command, folder, name, "xapp server ready on", note) as server:
        server.processes = processes
        yield server


@contextmanager
def noop_server(folder: Path) -> Iterator[Server]:
    command = [sys.executable, str(Path(__file__).resolve()), "--serve-noop", str(free_port())]
    with start_server(command, folder, "noop", "noop server ready on") as server:
        yield server


class Amount(BaseModel):
    amount: int
    currency: str


class Ping(BaseModel):
    """The no-op's body: the payment's shape (module level, so FastAPI can resolve the
    postponed annotations; a local class would silently become a query parameter)."""

    to: str
    amount: Amount
    note: str = ""


class Pong(BaseModel):
    ok: bool
    to: str
    amount: Amount


def run_noop_server(port: int) -> None:
    """The no-op app, served as `xapp.embedded.ServerThread` serves xapp: uvicorn on its
    own thread and loop, same Config, same socket; the main thread waits for a signal."""
    import asyncio
    import signal

    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()

    @app.post("/noop", status_code=201, response_model=Pong)
    async def noop(body: Ping) -> Pong:
        return Pong(ok=True, to=body.to, amount=body.amount)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    server = uvicorn.Server(
        uvicorn.Config(app, log_config=None, access_log=False, lifespan="on", ws_ping_interval=15)
    )
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[sock])), name="noop", daemon=True
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    thread.start()
    while not server.started:
        time.sleep(0.02)
    print(f"noop server ready on http://127.0.0.1:{port}", flush=True)
    stop.wait()
    server.should_exit = True
    thread.join(15)


# --- payers ------------------------------------------------------------------------------


@dataclass
class Payer:
    handle: str
    token: str


def make_payers(url: str, prefix: str, count: int, funded: bool = True) -> list[Payer]:
    """Register, sign in and (if `funded`) fund `count` accounts over HTTP, a few at once
    (each registration and sign-in is an argon2 hash on the server)."""
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int) -> Payer:
        handle = f"{prefix}{i}"
        with httpx.Client(base_url=url, timeout=60) as http:
            answer = http.post(
                "/v1/accounts",
                json={"handle": handle, "display_name": handle.title(), "password": PASSWORD},
            )
            answer.raise_for_status()
            answer = http.post("/v1/sessions", json={"handle": handle, "password": PASSWORD})
            answer.raise_for_status()
            token = answer.json()["token"]
            if funded:
                answer = http.post(
                    "/v1/deposits",
                    json={"amount": {"amount": DEPOSIT_CENTS, "currency": "USD"}},
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"fund-{i}"},
                )
                if answer.status_code != 201:
                    raise RuntimeError(f"deposit for {handle}: {answer.status_code} {answer.text}")
        return Payer(handle, token)

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, range(count)))


# --- the load ----------------------------------------------------------------------------

LUA = r"""
local path = "%(path)s"
local label = "%(label)s"
local hot = %(hot)s
local tokens = {%(tokens)s}
local handles = {%(handles)s}
local n = #tokens

local threads = {}
local count = 0
function setup(thread)
  count = count + 1
  thread:set("id", count)
  table.insert(threads, thread)
end

-- globals, not locals: done() reads them from each thread with thread:get
counter = 0
statuses = {}
bad = 0
function init(args)
  math.randomseed(id * 7919 + os.time())
  counter = 0
  statuses = {}
  bad = 0
end

function request()
  counter = counter + 1
  local i = (counter + id * 7) %% n + 1
  local to
  if hot ~= "" then
    to = hot
  else
    local j = math.random(n - 1)
    if j >= i then j = j + 1 end
    to = handles[j]
  end
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[i],
    ["Idempotency-Key"] = label .. "-" .. id .. "-" .. counter,
  }
  local body = '{"to":"' .. to .. '","amount":{"amount":1,"currency":"USD"},"note":""}'
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  if status ~= 201 then
    bad = bad + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local parts = {}
  local bad_total = 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + (thread:get("bad") or 0)
    local st = thread:get("statuses") or {}
    for code, k in pairs(st) do
      table.insert(parts, '{"' .. code .. '":' .. k .. '}')
    end
  end
  local e = summary.errors
  io.write(string.format(
    '%(mark)s{"duration_us":%%d,"requests":%%d,"non_201":%%d,"statuses":[%%s],' ..
    '"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d,' ..
    '"p50_us":%%d,"p99_us":%%d,"max_us":%%d}\n',
    summary.duration, summary.requests, bad_total, table.concat(parts, ","),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


@dataclass
class Load:
    threads: int
    connections: int
    duration: float
    timeout: float


@dataclass
class Result:
    name: str
    requests: int = 0
    seconds: float = 0.0
    non_201: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    socket_errors: dict[str, int] = field(default_factory=dict)
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    server_cpu: float = 0.0
    wrk_cpu: float = 0.0
    db_cpu: float = 0.0
    other_cpu: float = 0.0
    processes: int = 1
    per_process_cpu: list[float] = field(default_factory=list)
    stderr: str = ""
    db_errors: Counter[str] = field(default_factory=Counter)

    @property
    def errors(self) -> int:
        return self.non_201 + sum(self.socket_errors.values())

    @property
    def cpu_ms(self) -> float:
        per_s = self.requests / self.seconds if self.seconds else 0.0
        return round(1000 * self.server_cpu / per_s, 2) if per_s else 0.0

    @property
    def ok_per_s(self) -> float:
        return round((self.requests - self.non_201) / self.seconds, 1) if self.seconds else 0.0


def lua_list(values: list[str]) -> str:
    return ",".join(json.dumps(v) for v in values)


def run_wrk(
    server: Server,
    name: str,
    load: Load,
    path: str,
    payers: list[Payer],
    hot: str = "",
    duration: float | None = None,
    database_pid: int | None = None,
) -> Result:
    """One wrk run; the CPU of the server, of the database server (`database_pid` and
    its children), of wrk and of the rest of the machine over it, in cores."""
    label = f"{name}-{uuid.uuid4().hex[:8]}"
    script = LUA % {
        "path": path,
        "label": label,
        "hot": json.dumps(hot),
        "tokens": lua_list([p.token for p in payers]),
        "handles": lua_list([p.handle for p in payers]),
        "mark": MARK,
    }
    seconds = duration or load.duration
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        command = ["wrk", "-t", str(load.threads), "-c", str(load.connections)]
        command += ["-d", f"{seconds:g}s", "--timeout", f"{load.timeout:g}s", "--latency"]
        command += ["-s", f.name, server.url]
        each0 = server.cpu_by_process()
        cpu0, t0, machine0 = sum(each0.values()), time.monotonic(), machine_busy()
        db0 = tree_cpu_seconds(database_pid)
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.monotonic() - t0
        each1 = server.cpu_by_process()
        cpu1, children1 = sum(each1.values()), resource.getrusage(resource.RUSAGE_CHILDREN)
        machine = machine_busy() - machine0
        db = tree_cpu_seconds(database_pid) - db0
    finally:
        os.unlink(f.name)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith(MARK)), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    data: dict[str, Any] = json.loads(line.removeprefix(MARK))
    statuses: Counter[str] = Counter()
    for part in data["statuses"]:
        statuses.update({str(k): int(v) for k, v in part.items()})
    wrk_cpu = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
    return Result(
        name=name,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        # wrk's own count of non-2xx/3xx answers is a floor for the Lua count of non-201
        non_201=max(data["non_201"], data["status"]),
        statuses=statuses,
        socket_errors={k: data[k] for k in ("connect", "read", "write", "timeout") if data[k]},
        p50_ms=round(data["p50_us"] / 1000, 1),
        p99_ms=round(data["p99_us"] / 1000, 1),
        server_cpu=round((cpu1 - cpu0) / wall, 2),
        wrk_cpu=round(wrk_cpu / wall, 2),
        db_cpu=round(db / wall, 2),
        other_cpu=round(max(0.0, machine - (cpu1 - cpu0) - db - wrk_cpu) / wall, 2),
        processes=server.processes,
        # busy processes only (a supervisor and multiprocessing's tracker sit idle)
        per_process_cpu=sorted(
            (c for c in (round((each1[p] - each0.get(p, 0.0)) / wall, 2) for p in each1) if c),
            reverse=True,
        ),
    )


# --- the profile -------------------------------------------------------------------------


def profile(server: Server, load: Load, payers: list[Payer], seconds: float) -> list[str]:
    """Sample the server with py-spy during a payments run; its top functions by own
    time (and the xapp functions with the most time inside them)."""
    out = Path(tempfile.mkdtemp(prefix="xapp-spy-")) / "raw.txt"
    spy = subprocess.Popen(
        [
            *(str(PY_SPY), "record", "--pid", str(server.process.pid)),
            *("--duration", f"{seconds:g}", "--rate", "200", "--format", "raw"),
            *("--function", "--nonblocking", "--subprocesses", "--output", str(out)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)
    run_wrk(server, "profile", load, "/v1/transfers", payers, duration=seconds + 2)
    _, err = spy.communicate(timeout=60)
    if spy.returncode != 0 or not out.exists():
        return [f"py-spy failed ({spy.returncode}): {err.strip()}"]
    own: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    total = 0
    for frames, n in spy_stacks(out):
        total += n
        own[short_frame(frames[-1], ROOT) if frames[-1] else "(no Python frame)"] += n
        for frame in {short_frame(f, ROOT) for f in frames if " (xapp/" in f}:
            inside[frame] += n
    if not os.environ.get("THROUGHPUT_KEEP_SPY"):
        shutil.rmtree(out.parent, ignore_errors=True)
    lines = [f"{total} samples (non-idle) over {seconds:g} s; top 15 by own time:"]
    lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(15)]
    lines.append("xapp functions by time inside them (own + callees), top 15:")
    lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in inside.most_common(15)]
    return lines


# --- the run -----------------------------------------------------------------------------


def audit(folder: Path, db: str) -> str:
    """`xapp audit` on the database the load wrote: the ledger's invariants after it."""
    done = subprocess.run(
        [str(XAPP), "audit", "--db", db],
        capture_output=True,
        text=True,
        check=False,
        cwd=folder,
        env=_server_env(folder),
        timeout=600,
    )
    lines = (done.stdout + done.stderr).strip().splitlines()
    return ("ok" if done.returncode == 0 else f"FAILED ({done.returncode})") + (
        f": {' / '.join(lines[-3:])}" if lines else ""
    )


class PostgresLog:
    """The ERROR lines PostgreSQL logged since the last look (deadlocks, serialization
    failures, duplicate keys: the races the server retries, and anything else)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.skip()

    def skip(self) -> None:
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def errors(self) -> Counter[str]:
        found: Counter[str] = Counter()
        if not self.path.exists():
            return found
        with self.path.open("rb") as f:
            f.seek(self.offset)
            text = f.read().decode(errors="replace")
            self.offset = f.tell()
        for line in text.splitlines():
            if "ERROR:" in line:
                message = line.split("ERROR:", 1)[1].strip()
                found[message.split(" (", 1)[0].split(":", 1)[0][:70]] += 1
        return found


def measure(args: argparse.Namespace) -> tuple[list[Result], list[str], list[str]]:
    load = Load(args.threads, args.connections, args.duration, args.timeout)
    results: list[Result] = []
    notes: list[str] = []
    spy_lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="xapp-throughput-") as tmp:
        folder = Path(tmp)

        with ExitStack() as stack:
            # The no-op runs before SQLite and again after it (the ratio takes the better
            # one: on a shared machine, a burst of other work lowers one of them).
            noop: Server | None = None
            if "noop" in args.only:
                noop = stack.enter_context(noop_server(folder))
                fake = [Payer(f"payer{i}", f"xat_{uuid.uuid4().hex}") for i in range(args.payers)]
                run_wrk(noop, "warm-up", load, "/noop", fake, duration=args.warmup)
                results.append(run_wrk(noop, "noop", load, "/noop", fake))
                check_errors(noop, results[-1])

            if "sqlite" in args.only:
                sqlite_dir = folder / "sqlite"
                sqlite_dir.mkdir()
                sqlite_db = str(sqlite_dir / "bench.db")
                with xapp_server(sqlite_dir, "sqlite", sqlite_db) as server:
                    payers = make_payers(server.url, "payer", args.payers)
                    run_wrk(server, "warm-up", load, "/v1/transfers", payers, duration=args.warmup)
                    results.append(run_wrk(server, "sqlite", load, "/v1/transfers", payers))
                    check_errors(server, results[-1])
                    if args.profile:
                        spy_lines += ["SQLite server, spread payments:"]
                        spy_lines += profile(server, load, payers, args.profile_seconds)
                checked = audit(sqlite_dir, sqlite_db)
                notes.append(f"ledger audit of the SQLite database after the load: {checked}")

            if noop is not None and "sqlite" in args.only:
                results.append(run_wrk(noop, "noop (again)", load, "/noop", fake))
                check_errors(noop, results[-1])

        if "postgres" not in args.only:
            return results, notes, spy_lines
        sys.path.insert(0, str(ROOT))
        from tests.postgres import Cluster, binaries

        if binaries() is None:
            notes.append("PostgreSQL skipped: its binaries are not installed (Debian: postgresql)")
            return results, notes, spy_lines
        cluster = Cluster(fsync=True).start()
        notes.append(
            "PostgreSQL: a throwaway cluster with fsync=on and synchronous_commit=on "
            "(every commit is flushed to disk), shared_buffers=128MB, on this machine's disk"
        )
        try:
            pg_dir = folder / "postgres"
            pg_dir.mkdir()
            url = cluster.new_database()
            pg_log = PostgresLog(cluster.root / "log")
            try:  # the postmaster; its children are the backends
                pg: int | None = int((cluster.data / "postmaster.pid").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pg = None
            with xapp_server(pg_dir, "postgres", url, workers=args.workers) as server:
                if server.note:
                    notes.append(server.note)
                payers = make_payers(server.url, "payer", args.payers)
                (hot,) = make_payers(server.url, "hot", 1, funded=False)
                run_wrk(server, "warm-up", load, "/v1/transfers", payers, duration=args.warmup)
                for name, to in (("postgres_spread", ""), ("postgres_hot", hot.handle)):
                    pg_log.skip()
                    results.append(
                        run_wrk(server, name, load, "/v1/transfers", payers, to, database_pid=pg)
                    )
                    results[-1].db_errors = pg_log.errors()
                    check_errors(server, results[-1])
                if args.profile:
                    spy_lines += [f"PostgreSQL server ({server.processes} processes), spread:"]
                    spy_lines += profile(server, load, payers, args.profile_seconds)
            checked = audit(pg_dir, url)
            notes.append(f"ledger audit of the PostgreSQL database after the load: {checked}")
        finally:
            cluster.stop()
    return results, notes, spy_lines


def check_errors(server: Server, result: Result) -> None:
    """A run with errors: show what the server wrote to stderr."""
    if result.errors:
        result.stderr = server.stderr_tail()


def uvicorn_stack() -> str:
    """What uvicorn's automatic choice picks in this venv (both servers use it)."""
    import importlib.util

    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"{http} and the {loop} loop"


def report(args: argparse.Namespace, results: list[Result], notes: list[str]) -> dict[str, Any]:
    by = {r.name: r for r in results}
    print(
        f"wrk: {args.threads} threads, {args.connections} connections, {args.duration:g} s per "
        f"run after a {args.warmup:g} s warm-up per server, timeout {args.timeout:g} s; "
        f"{args.payers} payers, 1 cent per payment; {os.cpu_count()} CPUs; uvicorn with "
        f"{uvicorn_stack()}"
    )
    header = (
        f"{'run':18} {'requests':>9} {'201/s':>9} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'server CPU':>11} {'ms/req':>7} {'db CPU':>7} {'wrk CPU':>8} {'other CPU':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:18} {r.requests:9} {r.ok_per_s:9} {r.errors:7} {r.p50_ms:8} {r.p99_ms:8} "
            f"{r.server_cpu:11} {r.cpu_ms:7} {r.db_cpu:7} {r.wrk_cpu:8} {r.other_cpu:10}"
        )
    print(
        "(CPU: cores busy on average during the run, 1.0 is one core; ms/req: the server's "
        "CPU time per answer; db: PostgreSQL's processes; other: the rest of the machine, "
        "~0 for a fair figure)"
    )
    if any(r.other_cpu > 0.2 for r in results):
        print("WARNING: other processes used CPU during the runs: the figures are low")
    for r in results:
        if r.errors:
            what = dict(r.statuses) | {f"socket_{k}": v for k, v in r.socket_errors.items()}
            print(f"INVALID {r.name}: {r.errors} errors {what}")
            print(f"--- {r.name}: the server's stderr (last 40 lines) ---")
            print(r.stderr.rstrip() or "(empty)")
            print("---")
        if r.processes > 1:
            print(f"{r.name}: server CPU by process (cores): {r.per_process_cpu}")
        if r.db_errors:
            print(f"{r.name}: PostgreSQL logged {dict(r.db_errors)} (the server retries races)")
    for note in notes:
        print(f"note: {note}")

    def rate(name: str) -> float | None:
        return by[name].ok_per_s if name in by else None

    def errors(name: str) -> int | None:
        return by[name].errors if name in by else None

    noop_runs = [r for r in results if r.name.startswith("noop")]
    noop = max((r.ok_per_s for r in noop_runs), default=None)
    sqlite = rate("sqlite")
    figures: dict[str, Any] = {
        "sqlite_payments_per_s": sqlite,
        "noop_requests_per_s": noop,
        "sqlite_ratio_vs_noop": round(sqlite / noop, 3) if sqlite and noop else None,
        "postgres_spread_payments_per_s": rate("postgres_spread"),
        "postgres_hot_payments_per_s": rate("postgres_hot"),
        "postgres_processes": by["postgres_spread"].processes if "postgres_spread" in by else None,
        "sqlite_errors": errors("sqlite"),
        "noop_errors": sum(r.errors for r in noop_runs) if noop_runs else None,
        "noop_runs_per_s": [r.ok_per_s for r in noop_runs],
        "postgres_spread_errors": errors("postgres_spread"),
        "postgres_hot_errors": errors("postgres_hot"),
        "sqlite_p99_ms": by["sqlite"].p99_ms if "sqlite" in by else None,
        "postgres_spread_p99_ms": by["postgres_spread"].p99_ms if "postgres_spread" in by else None,
        "postgres_hot_p99_ms": by["postgres_hot"].p99_ms if "postgres_hot" in by else None,
        "postgres_spread_db_errors": (
            sum(by["postgres_spread"].db_errors.values()) if "postgres_spread" in by else None
        ),
        "postgres_hot_db_errors": (
            sum(by["postgres_hot"].db_errors.values()) if "postgres_hot" in by else None
        ),
        "sqlite_server_cpu": by["sqlite"].server_cpu if "sqlite" in by else None,
        "other_cpu_max": max((r.other_cpu for r in results), default=None),
        "wrk_threads": args.threads,
        "wrk_connections": args.connections,
        "run_s": args.duration,
        "payers": args.payers,
    }
    return figures


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--duration", type=float, default=10.0, help="seconds per measured run")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up per server")
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--connections", type=int, default=32, help="wrk connections")
    p.add_argument("--timeout", type=float, default=2.0, help="wrk's per-request timeout (s)")
    p.add_argument("--payers", type=int, default=50, help="accounts paying (at least 2)")
    p.add_argument("--workers", type=int, default=2, help="server processes for PostgreSQL")
    p.add_argument(
        "--only",
        nargs="+",
        choices=["noop", "sqlite", "postgres"],
        default=["noop", "sqlite", "postgres"],
        help="run only these servers (default: all three)",
    )
    p.add_argument("--profile", action="store_true", help="py-spy the servers during extra runs")
    p.add_argument("--profile-seconds", type=float, default=5.0)
    p.add_argument("--serve-noop", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.serve_noop:
        run_noop_server(args.serve_noop)
        return 0
    if shutil.which("wrk") is None:
        print(
            "throughput.py needs wrk on PATH: install Debian's wrk (apt-get install wrk)",
            file=sys.stderr,
        )
        return 2
    if args.payers < 2:
        p.error("--payers must be at least 2")
    results, notes, spy_lines = measure(args)
    figures = report(args, results, notes)
    if spy_lines:
        print("profiles (py-spy), each during an extra payments run after the measured ones:")
        print("\n".join(spy_lines))
    print(json.dumps(figures))
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
