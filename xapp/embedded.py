"""Running the real server inside this process, on its own thread and event loop.

The embedded default (`xapp` with no server) and the tests both use `ServerThread`: the
server gets its own loop so its database work and password hashing never stall the UI,
and it binds a loopback socket before it starts, so its address is known up front.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from xapp.server import ServerSettings, create_app
from xapp.server.demo import DEMO_PASSWORD, demo_token
from xapp.server.settings import DEMO_INTERVAL

log = logging.getLogger(__name__)


def _without_query(record: logging.LogRecord) -> bool:
    """The access log's path without its query string: queries carry what people search
    for and page through, which a log has no business keeping."""
    if isinstance(record.args, tuple) and len(record.args) >= 3:
        path = str(record.args[2])
        record.args = (*record.args[:2], path.split("?", 1)[0], *record.args[3:])
    return True


logging.getLogger("uvicorn.access").addFilter(_without_query)  # every server in this process


T = TypeVar("T")


def bound_socket(host: str, port: int, shared: bool = False) -> socket.socket:
    """A TCP socket bound to `host:port`; `shared` lets several processes each bind
    their own on one port (SO_REUSEPORT), and the kernel spreads new connections evenly
    over them (`xapp serve --workers`)."""
    # IPPROTO_TCP spelled out: asyncio only sets TCP_NODELAY on sockets whose proto says
    # TCP, and without it every keep-alive response waited ~40 ms (Nagle plus the
    # client's delayed ACK).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


DEMO_RAIL_SECONDS = 20.0
"""How long the demo world's sandbox bank takes to answer."""


class ServerThread:
    def __init__(
        self,
        settings: ServerSettings,
        host: str = "127.0.0.1",
        port: int = 0,
        sock: socket.socket | None = None,
    ) -> None:
        """Serve on a new socket bound to `host:port`, or on `sock`, a listening socket
        several server processes share (`xapp serve --workers`)."""
        self.settings = settings
        self.app: FastAPI = create_app(settings)
        self._sock = sock or bound_socket(host, port)
        self.host, self.port = self._sock.getsockname()[:2]
        self.url = f"{settings.scheme}://{self.host}:{self.port}"
        self._server = uvicorn.Server(
            # Logging is the caller's to configure: stderr for `xapp serve`, a file under
            # the TUI (anything written to the terminal would tear the screen).
            uvicorn.Config(
                self.app,
                log_config=None,
                access_log=settings.access_log,
                lifespan="on",
                ws_ping_interval=15,
                ssl_certfile=settings.tls_cert,
                ssl_keyfile=settings.tls_key,
            )
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xapp-server", daemon=True)

    def _run(self) -> None:
        async def serve() -> None:
            self._loop = asyncio.get_running_loop()
            await self._server.serve(sockets=[self._sock])

        try:
            asyncio.run(serve())
        except BaseException as exc:  # reported by start()
            self._error = exc

    def start(self, timeout: float = 30.0) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start: {self._error or 'timed out'}")
            time.sleep(0.02)
        return self

    def call(self, fn: Callable[[], Awaitable[T]], timeout: float = 30.0) -> T:
        """Run a coroutine on the server's loop (e.g. to reach its database) and wait."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(fn(), self._loop).result(timeout)  # type: ignore[arg-type]

    def stop(self, timeout: float = 15.0) -> None:
        """Stop gracefully (open requests finish, sockets are told to close); if that
        takes more than a third of `timeout`, stop without waiting for connections (a
        websocket whose client is busy would otherwise hold a stopped server alive, still
        answering on its port with its old database)."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout / 3)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout * 2 / 3)
            if self._thread.is_alive():  # it still holds its connections and database
                log.warning("the server on %s did not stop within %.0f s", self.url, timeout)
        self._sock.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


LOCK_FILE = "xapp.lock"


class AlreadyRunning(Exception):
    """Another process holds this data folder: its embedded world and its session."""

    def __init__(self, data_dir: Path, pid: int | None) -> None:
        who = f" (pid {pid})" if pid else ""
        super().__init__(
            f"xapp is already running with the data folder {data_dir}{who}; to run another "
            "one beside it, give it a folder of its own: xapp --data-dir ANOTHER_FOLDER"
        )


class DataDirLock:
    """One embedded world per data folder. Two on one folder would each sign the other's
    demo account out (a new embedded run ends earlier sessions) and both animate the
    demo world, so the second must refuse before it touches anything.

    An exclusive `flock` on `xapp.lock` in the folder: the operating system lets go of it
    when the process ends, however it ends, so a crash never leaves a folder locked. The
    pid written inside only makes the refusal more helpful. (No lock on Windows, which
    has no flock; one run per folder is then the user's to keep.)"""

    def __init__(self, data_dir: Path, fd: int | None) -> None:
        self.data_dir = data_dir
        self._fd = fd

    @classmethod
    def claim(cls, data_dir: Path) -> DataDirLock:
        """Hold `data_dir` for this process, or raise `AlreadyRunning`."""
        data_dir.mkdir(parents=True, exist_ok=True)
        if sys.platform == "win32":
            return cls(data_dir, None)
        import fcntl

        # Not truncated on open: until the lock is ours, the pid inside is the holder's.
        fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip()
            os.close(fd)
            raise AlreadyRunning(data_dir, int(holder) if holder.isdigit() else None) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        return cls(data_dir, fd)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor drops the lock
            self._fd = None


class EmbeddedWorld:
    """The embedded default: the real server on a loopback port, with the demo world seeded
    in `data_dir` and kept alive, signed in as the demo account.

    Making one claims `data_dir` (`DataDirLock`), so a second xapp on the same folder
    stops with `AlreadyRunning` before it shows anything or touches the first's world;
    `stop()` lets go."""

    password = DEMO_PASSWORD

    def __init__(
        self, data_dir: Path, activity_interval: float = DEMO_INTERVAL, undo_seconds: float = 0.0
    ) -> None:
        self.lock = DataDirLock.claim(data_dir)
        self.data_dir = data_dir
        self.settings = ServerSettings(
            db=str(data_dir / "xapp.db"),
            demo=True,
            demo_activity=activity_interval > 0,
            demo_activity_interval=activity_interval or DEMO_INTERVAL,
            undo_seconds=undo_seconds,
            rail_settle_seconds=DEMO_RAIL_SECONDS,  # a deposit settles while you watch
            rail_return_seconds=3 * DEMO_RAIL_SECONDS,
        )
        self.server: ServerThread | None = None

    def start(self) -> tuple[str, str]:
        """Start the server (blocking: call it off the UI loop); returns (url, token)."""
        server = self.server = ServerThread(self.settings).start()
        token = server.call(lambda: demo_token(server.app.state.db))
        return server.url, token

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        self.lock.release()
