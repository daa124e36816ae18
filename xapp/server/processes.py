"""`xapp serve --workers N`: several server processes on one port and one PostgreSQL
database, as an operator of Mastodon or Synapse runs them.

The parent does what must happen once (migrate the schema, make the receipt key), holds
the port and starts N workers, each a whole server (`ServerThread`) on a listening
socket of its own bound to that port (SO_REUSEPORT): the kernel spreads new connections
evenly over them. (One socket shared by all let whichever worker woke first accept
nearly every connection of a burst: under wrk one worker took 0.9 of a core, the other
0.03.) It prints the ready line when
every worker is serving, restarts a worker that dies, and stops them all on SIGINT or
SIGTERM. A worker whose parent is gone stops too, so a killed supervisor leaves no
orphans holding the port.

What the workers share lives in the database: the event log and the bus between their
feeds (`bus.py`), sign-in attempts, idempotency keys, pending payments (each releases
them; a guarded update lets exactly one win). SQLite has one writer and no way to wake
another process's feeds, so it is refused.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from typing import Any

from xapp.server.settings import ServerSettings

log = logging.getLogger("xapp.server")

READY_TIMEOUT = 120.0
RESTART_PAUSE = 1.0


def settle() -> None:
    """After start-up, move everything made so far (modules, the app, its routes: most
    of a server's objects) out of the garbage collector's sight: they live as long as
    the process, and a full collection that walks them all held every feed on the
    process for ~150 ms every ~10 s (bench/fanout.py)."""
    gc.collect()
    gc.freeze()


class WorkersRefused(ValueError):
    """Settings that several processes can't run with, in a sentence."""


def check(settings: ServerSettings, workers: int) -> None:
    if workers < 1:
        raise WorkersRefused("--workers must be at least 1")
    if workers > 1 and settings.database_url.startswith("sqlite"):
        raise WorkersRefused(
            "several server processes need PostgreSQL (--db postgresql://...): SQLite has "
            "one writer, and no way to tell another process's live feeds about new events"
        )


def _worker(settings: ServerSettings, host: str, port: int, ready: Any, number: int) -> None:
    """One server process: serve on its own socket on the port until told to stop, or
    orphaned."""
    from xapp.embedded import ServerThread, bound_socket

    logging.basicConfig(
        level=settings.log_level,
        format=f"%(asctime)s %(levelname)s %(name)s[{number}]: %(message)s",
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    parent = os.getppid()
    if number > 0:  # the demo world is seeded and animated by one process
        settings = settings.model_copy(update={"demo": False, "demo_activity": False})
    server = ServerThread(settings, sock=bound_socket(host, port, shared=True)).start()
    settle()
    ready.put(number)
    while not stop.wait(0.5):
        if os.getppid() != parent:
            break
    server.stop()


class Supervisor:
    def __init__(self, settings: ServerSettings, host: str, port: int, workers: int) -> None:
        from xapp.embedded import bound_socket

        check(settings, workers)
        self.settings = settings
        self.workers = workers
        # Holds the port (a free one, for port 0) without listening on it: the kernel
        # spreads connections only over the workers' listening sockets.
        self.sock = bound_socket(host, port, shared=True)
        self.host, self.port = self.sock.getsockname()[:2]
        self.url = f"{settings.scheme}://{self.host}:{self.port}"
        self._context = multiprocessing.get_context("spawn")
        self._ready = self._context.Queue()
        self._processes: dict[int, BaseProcess] = {}
        self.stopping = threading.Event()

    def _spawn(self, number: int) -> None:
        process = self._context.Process(
            target=_worker,
            args=(self.settings, self.host, self.port, self._ready, number),
            name=f"xapp-server-{number}",
            daemon=False,
        )
        process.start()
        self._processes[number] = process

    def start(self) -> Supervisor:
        """Prepare what is done once, start the workers, and return when all serve."""
        import asyncio

        from xapp.server.db import migrate_sync
        from xapp.server.signing import ReceiptSigner

        asyncio.run(asyncio.to_thread(migrate_sync, self.settings.database_url))
        ReceiptSigner(self.settings.data_path)  # makes the key once, not N times at once
        for number in range(self.workers):
            self._spawn(number)
        deadline = time.monotonic() + READY_TIMEOUT
        waiting = set(range(self.workers))
        while waiting:
            if any(not self._processes[n].is_alive() for n in waiting):
                self.stop()
                raise RuntimeError("a server process ended before it was ready")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server processes did not start in time")
            try:
                waiting.discard(self._ready.get(timeout=0.2))
            except queue.Empty:
                continue
        return self

    def supervise(self) -> None:
        """Restart a worker that dies, until `stopping` is set."""
        while not self.stopping.is_set():
            by_sentinel = {p.sentinel: n for n, p in self._processes.items()}
            for sentinel in wait(list(by_sentinel), timeout=0.5):
                if self.stopping.is_set():
                    break
                number = by_sentinel[sentinel]  # type: ignore[index]
                code = self._processes[number].exitcode
                log.warning("server process %d ended (exit code %s); restarting", number, code)
                time.sleep(RESTART_PAUSE)
                self._spawn(number)

    def stop(self) -> None:
        self.stopping.set()
        for process in self._processes.values():
            if process.is_alive():
                process.terminate()
        for process in self._processes.values():
            process.join(timeout=15)
            if process.is_alive():
                process.kill()
        self.sock.close()
