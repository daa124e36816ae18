"""Fan-out: from the commit of a post to its `post.created` frame at every follower's
live feed, with 1,000 feed sockets open on the server processes of `xapp serve
--workers 2`, which share one PostgreSQL and hand each other events by LISTEN/NOTIFY.

A post by someone with 1,000 followers logs one event per follower in the writing
transaction; the process that committed it hands the frames to the feeds open on it
directly (`events.EventHub`), and every other process hears of them by a notification,
reads them from the log and hands them to its own feeds (`bus.Listener`). What a
follower waits for is the slowest of those paths, so the figure is the latency of every
(post, socket) pair, and its p99 is the goal.

What it runs, all on this machine:

- a throwaway PostgreSQL (`tests/postgres.py`, fsync and synchronous commit ON) with
  `track_commit_timestamp` on, so each post's commit time is PostgreSQL's own;
- `xapp serve --workers 2` on it, with a cheap argon2 (`XAPP_SERVER_ARGON2_MEMORY_KIB=256`,
  `XAPP_SERVER_ARGON2_TIME_COST=1`) only so the 1,001 accounts are set up in seconds: it
  is not on the measured path;
- a poster and 1,000 followers (registered, signed in and following over HTTP), each
  follower with ONE feed socket (`ws://…/v1/feed`), spread over several receiving
  processes (4 x 250 by default). A receiver is the `websockets` library's Sans-I/O
  protocol under a plain `epoll` loop, and a frame's arrival is the kernel's receive
  stamp on its socket (SO_TIMESTAMPNS): the clock stops when the bytes reach the socket,
  not when a receiver, sharing the cores with the server, gets round to reading them
  (how late they read is reported too). Which server process holds each socket is read
  from `ss -tnp`;
- the poster posts K times (0.7 s apart, so the fan-outs don't overlap), alternately over a
  keep-alive connection held by each server process, so half the posts are written by
  each process and every socket sees both paths (the local hand-off and the NOTIFY one),
  after 2 warm-up posts.

Per (post, socket) it reports arrival minus: PostgreSQL's commit timestamp of the post's
transaction (`pg_xact_commit_timestamp`, stamped as the commit record is written, before
its WAL flush: the goal's "commit", and `fanout_*_ms`); the post's `created_at` (the
server's clock when the post row is inserted, earlier in the same transaction, so it also
counts writing 1,000 timeline rows and 1,000 events: `fanout_from_created_*_ms`); and the
moment the POST's answer reached the poster (negative when the frames beat the answer).
All clocks are this machine's wall clock. Per post, it shows the first and last socket
on the writing process and on the other one, and the three slowest posts; and the CPU
each part used per post (server processes, receivers, PostgreSQL, the rest of the
machine, whose share says whether something else was running). Frames missing at the end
(not every socket got every post) must be 0.

`--profile` runs extra posts (not in the figures) with `py-spy record --native` on each
server process and splits its busy samples by stage of the fan-out (the writing
transaction, the bus listener, the feed loop, the socket writes, the cyclic GC),
scaled to the CPU that process used per measured post. `FANOUT_DUMP=file.json` writes
each post's times.

Goal: p99 <= 50 ms from commit to arrival at every socket, 1,000 sockets, 2 processes.

The last line is the figures as one JSON object.

    .venv/bin/python bench/fanout.py [--sockets 1000] [--receivers 4] [--posts 30] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing
import os
import re
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from machine import cpu_by_process, free_port, machine_busy, short_frame, spy_stacks, started

ROOT = Path(__file__).resolve().parent.parent
XAPP = ROOT / ".venv" / "bin" / "xapp"
PY_SPY = ROOT / ".venv" / "bin" / "py-spy"
PASSWORD = "correct horse battery"
GOAL_P99_MS = 50.0
POSTER = "poster"
WARM_UP_POSTS = 2
CHEAP_ARGON2 = {
    "XAPP_SERVER_ARGON2_MEMORY_KIB": "256",
    "XAPP_SERVER_ARGON2_TIME_COST": "1",
    "XAPP_SERVER_REGISTRATIONS": "100000",  # 1,001 accounts from one address, on purpose
    "XAPP_SERVER_WRITES": "10000000",  # a load test writes as fast as it can
}
POST_MARK = b'"type":"post.created","data":{"id":"'


# --- machine and processes ---------------------------------------------------------------


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def descendants(root: int) -> list[int]:
    """A process and its descendants (those alive)."""
    return list(cpu_by_process(root))


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time so far of these processes."""
    return sum(cpu_by_process(pid).get(pid, 0.0) for pid in pids)


SS_LINE = re.compile(r"\S+:(\d+)\s+\S+:(\d+)\s+users:\(\(\"[^\"]*\",pid=(\d+)")


def socket_owners(server_port: int) -> dict[int, int]:
    """For each established connection to the server's port: the client's port -> the pid
    of the server process holding it (`ss -tnp`)."""
    done = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{server_port} )"],
        capture_output=True,
        text=True,
        check=True,
    )
    owners: dict[int, int] = {}
    for line in done.stdout.splitlines():
        found = SS_LINE.search(line)
        if found:
            owners[int(found.group(2))] = int(found.group(3))
    return owners


# --- PostgreSQL and the server -----------------------------------------------------------


@contextmanager
def postgres() -> Iterator[tuple[Any, str]]:
    """A throwaway cluster with fsync on and commit timestamps tracked; its URL."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    from tests.postgres import Cluster

    cluster = Cluster(fsync=True, settings={"track_commit_timestamp": "on"}).start()
    try:
        yield cluster, cluster.new_database()
    finally:
        cluster.stop()


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    port: int
    stderr_path: Path

    def stderr_tail(self, lines: int = 30) -> str:
        return "\n".join(self.stderr_path.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def xapp_serve(folder: Path, db: str, workers: int) -> Iterator[Server]:
    """`xapp serve --workers N`; waits for its ready line."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XAPP_SERVER_")}
    env.update(CHEAP_ARGON2, XAPP_SERVER_DATA_DIR=str(folder))
    command = [str(XAPP), "serve", "--port", str(port), "--db", db, "--workers", str(workers)]
    with started(command, folder, "server", "xapp server ready on", env) as (process, _, err):
        yield Server(process, f"http://127.0.0.1:{port}", port, err)


# --- accounts ----------------------------------------------------------------------------


@dataclass
class People:
    poster_id: str
    poster_token: str
    tokens: list[str]


async def make_people(url: str, followers: int) -> People:
    """The poster, and `followers` accounts signed in and following it, a few at a time
    (sign-in allows 50 attempts in flight per address)."""
    import httpx

    gate = asyncio.Semaphore(16)

    async def one(http: httpx.AsyncClient, handle: str, follow: bool) -> dict[str, Any]:
        async with gate:
            body = {"handle": handle, "display_name": handle.title(), "password": PASSWORD}
            (await http.post("/v1/accounts", json=body)).raise_for_status()
            answer = await http.post("/v1/sessions", json={"handle": handle, "password": PASSWORD})
            answer.raise_for_status()
            session: dict[str, Any] = answer.json()
            if follow:
                headers = {"Authorization": f"Bearer {session['token']}"}
                path = f"/v1/accounts/{POSTER}/follow"
                (await http.post(path, headers=headers)).raise_for_status()
            return session

    limits = httpx.Limits(max_connections=16)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        poster = await one(http, POSTER, follow=False)
        sessions = await asyncio.gather(
            *(one(http, f"fan{i:04d}", follow=True) for i in range(followers))
        )
    return People(poster["account"]["id"], poster["token"], [s["token"] for s in sessions])


# --- the receivers -----------------------------------------------------------------------


def _post_id(frame: bytes) -> str | None:
    """The post id of a `post.created` frame (`{"seq":N,"type":"post.created","data":
    {"id":"…",…}}`), found without parsing the JSON."""
    at = frame.find(POST_MARK)
    if at < 0:
        return None
    start = at + len(POST_MARK)
    return frame[start : frame.index(b'"', start)].decode()


SO_TIMESTAMPNS = 35
"""Linux (asm-generic): the kernel stamps each segment with the wall clock as it reaches
the socket, and `recvmsg` hands the stamp over (`SCM_TIMESTAMPNS`, same number)."""

Arrival = tuple[int, str, float, float]
"""(socket number, post id, kernel's arrival stamp, when the receiver read it)."""


def receive(url: str, tokens: list[str], first: int, pipe: Connection) -> None:
    """A receiving process: one feed socket per token, then an epoll loop; on "stop" it
    sends back an `Arrival` for every `post.created` frame.

    The arrival is the kernel's receive stamp (SO_TIMESTAMPNS), not the time the loop got
    round to the socket: on a machine whose cores the server and the receivers share, a
    receiver may read a frame milliseconds after it arrived, and that wait is the bench's,
    not the server's (the read time is kept too, to say how long it was)."""
    from websockets.client import ClientProtocol
    from websockets.frames import Frame, Opcode
    from websockets.protocol import State
    from websockets.uri import parse_uri

    host, port = url.removeprefix("http://").split(":")
    uri = parse_uri(f"ws://{host}:{port}/v1/feed?since=0")
    arrivals: list[Arrival] = []
    by_fd: dict[int, tuple[int, socket.socket, ClientProtocol]] = {}
    local_ports: dict[int, int] = {}

    def frames(number: int, protocol: ClientProtocol, stamp: float, read: float) -> None:
        for event in protocol.events_received():
            if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                post = _post_id(bytes(event.data))
                if post is not None:
                    arrivals.append((number, post, stamp, read))

    for offset, token in enumerate(tokens):
        number = first + offset
        sock = socket.create_connection((host, int(port)))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        protocol = ClientProtocol(uri)
        request = protocol.connect()
        request.headers["Authorization"] = f"Bearer {token}"
        protocol.send_request(request)
        sock.sendall(b"".join(protocol.data_to_send()))
        while protocol.state is State.CONNECTING:
            data = sock.recv(65536)
            if not data:
                raise RuntimeError("the server closed a feed socket during its handshake")
            protocol.receive_data(data)
        if protocol.state is not State.OPEN:
            raise RuntimeError(f"a feed handshake failed: {protocol.handshake_exc}")
        frames(number, protocol, time.time(), time.time())
        sock.setblocking(False)
        by_fd[sock.fileno()] = (number, sock, protocol)
        local_ports[number] = sock.getsockname()[1]

    poll = select.epoll()
    for fd in by_fd:
        poll.register(fd, select.EPOLLIN)
    poll.register(pipe.fileno(), select.EPOLLIN)
    pipe.send(local_ports)
    closed = unstamped = 0
    running = True
    while running:
        got: list[tuple[int, bytes, float, float]] = []
        for fd, _ in poll.poll():
            if fd == pipe.fileno():
                pipe.recv()
                running = False
                continue
            try:
                data, ancillary, _, _ = by_fd[fd][1].recvmsg(262144, 64)
            except BlockingIOError:
                continue
            read = time.time()
            stamp = 0.0
            for level, kind, raw in ancillary:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(raw) >= 16:
                    seconds, nanoseconds = struct.unpack_from("qq", raw)
                    stamp = seconds + nanoseconds / 1e9
            if not stamp and data:
                unstamped += 1
            got.append((fd, data, stamp or read, read))
        for fd, data, stamp, read in got:
            number, sock, protocol = by_fd[fd]
            if not data:
                closed += 1
                poll.unregister(fd)
                continue
            protocol.receive_data(data)
            frames(number, protocol, stamp, read)
            answer = b"".join(protocol.data_to_send())  # pongs
            if answer:
                sock.send(answer)
    pipe.send((arrivals, closed, unstamped))
    for _, sock, _ in by_fd.values():
        sock.close()


@dataclass
class Receivers:
    processes: Sequence[multiprocessing.process.BaseProcess]
    pipes: list[Connection]
    local_ports: dict[int, int] = field(default_factory=dict)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes if p.pid is not None]


def start_receivers(url: str, tokens: list[str], count: int) -> Receivers:
    context = multiprocessing.get_context("spawn")
    processes, pipes = [], []
    share = -(-len(tokens) // count)
    for i in range(count):
        mine, theirs = context.Pipe()
        first = i * share
        mine_tokens = tokens[first : first + share]
        process = context.Process(
            target=receive, args=(url, mine_tokens, first, theirs), daemon=True
        )
        process.start()
        processes.append(process)
        pipes.append(mine)
    receivers = Receivers(processes, pipes)
    for pipe in pipes:
        if not pipe.poll(300):
            raise RuntimeError("a receiver did not open its sockets within 300 s")
        receivers.local_ports.update(pipe.recv())
    return receivers


def stop_receivers(receivers: Receivers) -> tuple[list[Arrival], int, int]:
    """Every arrival; sockets the server closed; reads without a kernel stamp."""
    arrivals: list[Arrival] = []
    closed = unstamped = 0
    for pipe in receivers.pipes:
        pipe.send("stop")
    for pipe in receivers.pipes:
        got, shut, bare = pipe.recv()
        arrivals += got
        closed += shut
        unstamped += bare
    for process in receivers.processes:
        process.join(10)
    return arrivals, closed, unstamped


# --- the poster --------------------------------------------------------------------------


@dataclass
class Posted:
    id: str
    writer: int
    """The pid of the server process that wrote it."""
    sent: float
    returned: float
    created_at: float = 0.0
    """The post row's `created_at` (seconds since the epoch)."""
    events_at: float = 0.0
    """The events' `created_at` (the server's clock as it logged them)."""
    committed: float = 0.0
    """PostgreSQL's commit timestamp of the transaction."""


class Poster:
    """Keep-alive connections to the server, one held by each server process."""

    def __init__(self, server: Server, token: str, owners: set[int]) -> None:
        self.server = server
        self.token = token
        self.by_pid: dict[int, http.client.HTTPConnection] = {}
        for _ in range(200):
            if len(self.by_pid) == len(owners):
                break
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            self._request(conn, "GET", "/v1/me")
            assert conn.sock is not None
            pid = socket_owners(server.port).get(conn.sock.getsockname()[1])
            if pid in owners and pid not in self.by_pid:
                self.by_pid[pid] = conn
            else:
                conn.close()

    def _request(
        self, conn: http.client.HTTPConnection, method: str, path: str, body: Any = None
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        if method == "POST":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        answer = conn.getresponse()
        data = answer.read()
        if answer.status >= 300:
            raise RuntimeError(f"{method} {path}: {answer.status} {data[:300]!r}")
        return json.loads(data)

    def post(self, pid: int, text: str) -> Posted:
        sent = time.time()
        post = self._request(self.by_pid[pid], "POST", "/v1/posts", {"text": text})
        return Posted(post["id"], pid, sent, time.time())

    def close(self) -> None:
        for conn in self.by_pid.values():
            conn.close()


def run_posts(poster: Poster, count: int, interval: float, label: str) -> list[Posted]:
    pids = sorted(poster.by_pid)
    posted = []
    for i in range(count):
        posted.append(poster.post(pids[i % len(pids)], f"{label} post {i + 1} of {count}"))
        time.sleep(interval)
    return posted


def commit_times(db_url: str, poster_id: str, posted: list[Posted]) -> None:
    """Fill in each post's created_at, its events' created_at and its commit timestamp."""
    import psycopg

    with psycopg.connect(db_url) as conn:
        for post in posted:
            row = conn.execute(
                "SELECT p.created_at, e.created_at, "
                "extract(epoch FROM pg_xact_commit_timestamp(p.xmin)) "
                "FROM posts p JOIN events e ON e.account_id = %s AND e.type = 'post.created' "
                "AND e.data LIKE %s WHERE p.id = %s",
                (poster_id, f'{{"id":"{post.id}"%', post.id),
            ).fetchone()
            if row is None or row[2] is None:
                raise RuntimeError(f"post {post.id}: no row or no commit timestamp")
            post.created_at, post.events_at, post.committed = (
                row[0] / 1e6,
                row[1] / 1e6,
                float(row[2]),
            )


# --- profile -----------------------------------------------------------------------------


SPY_RATE = 500
"""Samples a second. py-spy pauses the process for each sample, so its stacks are whole
(with native frames, which show the cyclic GC); a paused thread's wait can't be told
from work, so the waits are recognised by their innermost Python frame (`WAITS`) and
left out."""

GC = "gc_collect_main"
"""CPython's collector, seen as a native frame (`py-spy --native`)."""

WAITS = (
    "EpollSelector.select (selectors.py",  # the event loop's epoll_wait
    "_worker (concurrent/futures/thread.py",  # an idle to_thread worker on its queue
    "Condition.wait (threading.py",  # the worker's main thread, waiting to be stopped
    "Event.wait (threading.py",
)

STAGES = (
    ("create_post (xapp/server/routes/posts.py", "POST /v1/posts: the writing transaction"),
    ("Listener._", "bus listener: notification -> named events read -> hub"),
    ("WebSocket.send", "feed send: the rest (starlette, uvicorn, websockets framing)"),
    ("Subscription.take", "feed loop: Subscription.take"),
    ("after (xapp/server/events.py", "feed loop: reading the log (events.after)"),
    ("feed (xapp/server/routes/feed.py", "feed loop: the rest (wake-up, wait_for, clear)"),
    ("_until_closed", "feed: its receiving task"),
    ("greenlet_spawn", "SQLAlchemy/psycopg statements (greenlet: caller not in the stack)"),
)


def stage(frames: list[str]) -> str:
    """Which part of the fan-out a stack (root first, Python frames only) is in."""
    leaf = frames[-1]
    stack = ";".join(frames)
    if "WebSocket.send" in stack and leaf.startswith("_SelectorSocketTransport.write"):
        return "feed send: the socket write (send(2) on loopback)"
    for marker, name in STAGES:
        if marker in stack:
            return name
    if leaf.startswith("Task.__step") or "tasks.py" in leaf:
        return "event loop: task steps (wait_for's task per send in 3.11, wake-ups)"
    if "asyncio/" in leaf:
        return "event loop: running callbacks"
    return f"other: {short_frame(leaf, ROOT)}"


def profile(
    poster: Poster, pids: list[int], posts: int, interval: float, cpu_ms: dict[int, float]
) -> list[str]:
    """`py-spy record` on each server process during `posts` extra posts: the share of its
    busy samples in each stage of the fan-out, turned into ms a post by the CPU the
    process used per measured post (`cpu_ms`, taken without the profiler), and the
    functions with the most own time."""
    folder = Path(tempfile.mkdtemp(prefix="xapp-fanout-spy-"))
    seconds = posts * interval + 3
    spies = []
    for pid in pids:
        command = [str(PY_SPY), "record", "--pid", str(pid), "--duration", f"{seconds:.0f}"]
        command += ["--rate", str(SPY_RATE), "--format", "raw", "--function", "--native"]
        command += ["--output", str(folder / f"{pid}.txt")]
        spies.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        )
    time.sleep(1.0)
    run_posts(poster, posts, interval, "profiled")
    lines: list[str] = []
    for pid, spy in zip(pids, spies, strict=True):
        _, err = spy.communicate(timeout=seconds + 60)
        out = folder / f"{pid}.txt"
        if spy.returncode != 0 or not out.exists():
            lines.append(f"py-spy on {pid} failed ({spy.returncode}): {err.strip()[-300:]}")
            continue
        stages: Counter[str] = Counter()
        own: Counter[str] = Counter()
        waits = 0
        for frames, count in spy_stacks(out):
            python = [f for f in frames if ".py:" in f] or ["(no Python frame)"]
            if any(f.startswith(GC) for f in frames):
                name = f"cyclic GC ({GC}), wherever it struck"
                stages[name] += count
                own[name] += count
                continue
            if python[-1].startswith(WAITS):
                waits += count
                continue
            stages[stage(python)] += count
            own[short_frame(python[-1], ROOT)] += count
        total = sum(stages.values()) or 1
        scale = cpu_ms.get(pid, 0.0) / total
        lines.append(
            f"server process {pid}: {total} busy samples ({waits} waiting, left out); "
            f"its CPU per measured post {cpu_ms.get(pid, 0.0):.1f} ms, by stage:"
        )
        lines += [
            f"  {n * scale:6.1f} ms  {100 * n / total:5.1f}%  {name}"
            for name, n in stages.most_common(12)
        ]
        lines.append("  top 12 functions by own time:")
        lines += [
            f"  {n * scale:6.1f} ms  {100 * n / total:5.1f}%  {name}"
            for name, n in own.most_common(12)
        ]
    if os.environ.get("FANOUT_KEEP_SPY"):
        lines.append(f"raw py-spy output kept in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return lines


# --- figures -----------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": 0.0}
    return {
        "p50": round(percentile(values, 50), 1),
        "p95": round(percentile(values, 95), 1),
        "p99": round(percentile(values, 99), 1),
        "max": round(max(values), 1),
    }


def row(label: str, values: list[float]) -> str:
    s = summary(values)
    return (
        f"| {label} | {len(values):,} | {s['p50']:.1f} | {s['p95']:.1f} | "
        f"{s['p99']:.1f} | {s['max']:.1f} |"
    )


# --- the run -----------------------------------------------------------------------------


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    p.add_argument("--sockets", type=int, default=1000, help="followers, one feed socket each")
    p.add_argument("--receivers", type=int, default=4, help="receiving processes")
    p.add_argument("--workers", type=int, default=2, help="server processes")
    p.add_argument("--posts", type=int, default=30, help="measured posts")
    p.add_argument("--interval", type=float, default=0.7, help="seconds between posts")
    p.add_argument("--profile", action="store_true", help="py-spy the server processes")
    p.add_argument("--profile-posts", type=int, default=20)
    args = p.parse_args()

    load_before = load_average()
    print(f"load average at the start: {load_before} ({os.cpu_count()} CPUs)", flush=True)
    with tempfile.TemporaryDirectory(prefix="xapp-fanout-") as tmp, postgres() as (cluster, db):
        folder = Path(tmp)
        postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
        with xapp_serve(folder, db, args.workers) as server:
            t0 = time.monotonic()
            people = asyncio.run(make_people(server.url, args.sockets))
            setup_s = time.monotonic() - t0
            print(
                f"{args.sockets + 1:,} accounts registered, signed in and following in "
                f"{setup_s:.1f} s (argon2 made cheap for this setup only: "
                + ", ".join(f"{k}={v}" for k, v in CHEAP_ARGON2.items())
                + ")",
                flush=True,
            )
            t0 = time.monotonic()
            receivers = start_receivers(server.url, people.tokens, args.receivers)
            print(
                f"{len(receivers.local_ports):,} feed sockets open from {args.receivers} "
                f"receiving processes in {time.monotonic() - t0:.1f} s",
                flush=True,
            )
            try:
                owners = socket_owners(server.port)
                holder = {n: owners.get(port, 0) for n, port in receivers.local_ports.items()}
                split = Counter(holder.values())
                workers = sorted(pid for pid in split if pid)
                poster = Poster(server, people.poster_token, set(workers))
                time.sleep(1.0)  # every feed subscribed, the listeners idle
                run_posts(poster, WARM_UP_POSTS, args.interval, "warm-up")
                server_pids = descendants(server.process.pid)
                groups = {
                    "server": lambda: cpu_seconds(server_pids),
                    "receivers": lambda: cpu_seconds(receivers.pids),
                    "postgres": lambda: cpu_seconds(descendants(postmaster)),
                    "this bench": lambda: cpu_seconds([os.getpid()]),
                }
                cpu0 = {name: read() for name, read in groups.items()}
                worker0 = {pid: cpu_seconds([pid]) for pid in workers}
                machine0, wall0 = machine_busy(), time.monotonic()
                posted = run_posts(poster, args.posts, args.interval, "measured")
                time.sleep(1.5)  # stragglers
                wall = time.monotonic() - wall0
                cpu = {name: read() - cpu0[name] for name, read in groups.items()}
                worker_ms = {
                    pid: 1000 * (cpu_seconds([pid]) - worker0[pid]) / args.posts for pid in workers
                }
                machine = machine_busy() - machine0
                load_during = load_average()
                spy = (
                    profile(poster, workers, args.profile_posts, args.interval, worker_ms)
                    if args.profile
                    else []
                )
                poster.close()
            finally:
                arrivals, closed, unstamped = stop_receivers(receivers)
            commit_times(db, people.poster_id, posted)
            stderr_tail = server.stderr_tail()

    # -- figures --
    by_id = {post.id: post for post in posted}
    seen: dict[tuple[str, int], float] = {}
    duplicates = 0
    lag: list[float] = []
    for number, post_id, when, read in arrivals:
        if post_id not in by_id:
            continue  # warm-up and profiled posts
        if (post_id, number) in seen:
            duplicates += 1
            continue
        seen[(post_id, number)] = when
        lag.append(1000 * (read - when))
    expected = len(posted) * args.sockets
    missing = expected - len(seen)

    from_commit: list[float] = []
    from_created: list[float] = []
    from_returned: list[float] = []
    from_events: list[float] = []
    local: list[float] = []
    remote: list[float] = []
    per_post: dict[tuple[str, int], list[float]] = defaultdict(list)
    for (post_id, number), when in seen.items():
        post = by_id[post_id]
        ms = 1000 * (when - post.committed)
        from_commit.append(ms)
        from_created.append(1000 * (when - post.created_at))
        from_events.append(1000 * (when - post.events_at))
        from_returned.append(1000 * (when - post.returned))
        (local if holder[number] == post.writer else remote).append(ms)
        per_post[(post_id, holder[number])].append(ms)
    first_local = [min(v) for (pid, w), v in per_post.items() if by_id[pid].writer == w]
    last_local = [max(v) for (pid, w), v in per_post.items() if by_id[pid].writer == w]
    first_remote = [min(v) for (pid, w), v in per_post.items() if by_id[pid].writer != w]
    last_remote = [max(v) for (pid, w), v in per_post.items() if by_id[pid].writer != w]
    all_of_post: dict[str, list[float]] = defaultdict(list)
    for (post_id, _), values in per_post.items():
        all_of_post[post_id] += values
    first_any = [min(v) for v in all_of_post.values()]
    last_any = [max(v) for v in all_of_post.values()]
    tx_ms = [1000 * (p.committed - p.created_at) for p in posted]
    tail_ms = [1000 * (p.committed - p.events_at) for p in posted]
    answer_ms = [1000 * (p.returned - p.committed) for p in posted]
    post_ms = [1000 * (p.returned - p.sent) for p in posted]

    n_posts = len(posted)
    split_text = " / ".join(f"{split[pid]} (pid {pid})" for pid in workers)
    if split.get(0):
        split_text += f" / {split[0]} not found by ss"
    print()
    print(
        f"{args.sockets:,} feed sockets ({args.receivers} receiving processes) on "
        f"{len(workers)} server processes: {split_text}; {n_posts} posts {args.interval:g} s "
        f"apart after {WARM_UP_POSTS} warm-up posts, written alternately by each process"
    )
    print(f"load average: {load_before} at the start, {load_during} after the posts")
    print()
    print("| latency to each socket, ms | frames | p50 | p95 | p99 | max |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(row("**commit** (PostgreSQL commit timestamp) → arrival", from_commit))
    print(row("post `created_at` (row inserted) → arrival", from_created))
    print(row("events logged (`created_at`) → arrival", from_events))
    print(row("POST returned to the poster → arrival", from_returned))
    print(row("commit → arrival, socket on the writing process", local))
    print(row("commit → arrival, socket on the other process (NOTIFY)", remote))
    print(row("commit → first of all sockets (per post)", first_any))
    print(row("commit → last of all sockets (per post)", last_any))
    print(row("commit → first socket, writing process (per post)", first_local))
    print(row("commit → last socket, writing process (per post)", last_local))
    print(row("commit → first socket, other process (per post)", first_remote))
    print(row("commit → last socket, other process (per post)", last_remote))
    print()
    if os.environ.get("FANOUT_DUMP"):  # each post's times, for a closer look
        Path(os.environ["FANOUT_DUMP"]).write_text(
            json.dumps(
                [
                    {
                        **post.__dict__,
                        "spans_ms": {
                            str(pid): [min(v), max(v)]
                            for pid in workers
                            if (v := per_post.get((post.id, pid)))
                        },
                    }
                    for post in posted
                ],
                indent=1,
            )
        )
    print("the slowest posts (ms from commit; `first-last` socket on each process):")
    for post in sorted(posted, key=lambda p: -max(all_of_post.get(p.id, [0.0])))[:3]:
        spans = {}
        for pid in workers:
            values = per_post.get((post.id, pid), [0.0])
            spans[pid] = f"{min(values):.0f}-{max(values):.0f}"
        print(
            f"  post {posted.index(post) + 1} written by {post.writer}: row inserted "
            f"{1000 * (post.created_at - post.committed):.0f}, "
            + ", ".join(
                f"{'writing' if pid == post.writer else 'other'} process {span}"
                for pid, span in spans.items()
            )
            + f", POST answer {1000 * (post.returned - post.committed):.0f}"
        )
    print()
    print("| the writing transaction, ms (per post) | posts | p50 | p95 | p99 | max |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(row("post row inserted → commit", tx_ms))
    print(row("events logged → commit", tail_ms))
    print(row("commit → POST answer received", answer_ms))
    print(row("POST sent → answer received", post_ms))
    print()
    busy = {name: round(1000 * seconds / n_posts, 1) for name, seconds in cpu.items()}
    other = max(0.0, machine - sum(cpu.values()))
    print(
        "CPU per post over the measured posts (ms): "
        + ", ".join(f"{name} {ms}" for name, ms in busy.items())
        + f", rest of the machine {1000 * other / n_posts:.1f} "
        f"(machine busy {machine / wall:.2f} of {os.cpu_count()} cores over {wall:.1f} s)"
    )
    print(
        "server processes' CPU per measured post: "
        + ", ".join(
            f"{pid} {ms:.1f} ms ({1000 * ms / max(1, split[pid]):.0f} µs per socket it holds)"
            for pid, ms in worker_ms.items()
        )
    )
    print(
        f"frames: {len(seen):,} of {expected:,} expected, missing {missing}, "
        f"repeated {duplicates}, sockets closed by the server {closed}"
    )
    lags = summary(lag)
    print(
        f"arrival = the kernel's receive stamp (SO_TIMESTAMPNS; {unstamped} reads had none "
        f"and used the read time); the receivers read each frame {lags['p50']:.1f} ms "
        f"(p50), {lags['p99']:.1f} ms (p99) after it arrived"
    )
    s = summary(from_commit)
    met = s["p99"] <= GOAL_P99_MS and missing == 0
    print(f"goal p99 commit → every socket ≤ {GOAL_P99_MS:g} ms: {'met' if met else 'MISSED'}")
    if spy:
        print()
        print(f"profile ({args.profile_posts} extra posts, not in the figures above):")
        print("\n".join(spy))
    if missing or closed:
        print("server stderr (tail):")
        print(stderr_tail)
    created = summary(from_created)
    figures = {
        "fanout_p50_ms": s["p50"],
        "fanout_p95_ms": s["p95"],
        "fanout_p99_ms": s["p99"],
        "fanout_max_ms": s["max"],
        "fanout_from_created_p50_ms": created["p50"],
        "fanout_from_created_p99_ms": created["p99"],
        "fanout_from_created_max_ms": created["max"],
        "fanout_from_answer_p99_ms": summary(from_returned)["p99"],
        "fanout_local_p99_ms": summary(local)["p99"],
        "fanout_remote_p99_ms": summary(remote)["p99"],
        "sockets": args.sockets,
        "socket_split": [split[pid] for pid in workers],
        "server_processes": len(workers),
        "posts": n_posts,
        "frames": len(seen),
        "missing": missing,
        "load_avg": load_during,
    }
    print(json.dumps(figures))
    return 0 if missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
