"""Running the real server inside this process, on its own thread and event loop.

The embedded default (`xapp` with no server) and the tests both use `ServerThread`: the
server gets its own loop so its database work and password hashing never stall the UI,
and it binds a loopback socket before it starts, so its address is known up front.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from xapp.server import ServerSettings, create_app
from xapp.server.demo import DEMO_PASSWORD, demo_token

T = TypeVar("T")


class ServerThread:
    def __init__(self, settings: ServerSettings, host: str = "127.0.0.1", port: int = 0) -> None:
        self.settings = settings
        self.app: FastAPI = create_app(settings)
        # IPPROTO_TCP spelled out: asyncio only sets TCP_NODELAY on sockets whose proto
        # says TCP, and without it every keep-alive response waited ~40 ms (Nagle plus the
        # client's delayed ACK).
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self.host, self.port = self._sock.getsockname()[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._server = uvicorn.Server(
            # Logging is the caller's to configure: stderr for `xapp serve`, a file under
            # the TUI (anything written to the terminal would tear the screen).
            uvicorn.Config(
                self.app,
                log_config=None,
                access_log=settings.access_log,
                lifespan="on",
                ws_ping_interval=15,
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

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=15)
        self._sock.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class EmbeddedWorld:
    """The embedded default: the real server on a loopback port, with the demo world seeded
    in `data_dir` and kept alive, signed in as the demo account."""

    password = DEMO_PASSWORD

    def __init__(
        self, data_dir: Path, activity_interval: float = 3.0, undo_seconds: float = 0.0
    ) -> None:
        self.data_dir = data_dir
        self.settings = ServerSettings(
            db=str(data_dir / "xapp.db"),
            demo=True,
            demo_activity=activity_interval > 0,
            demo_activity_interval=activity_interval or 3.0,
            undo_seconds=undo_seconds,
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
