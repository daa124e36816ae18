"""What the benchmarks share: the real server in its own process on a fresh SQLite file,
signed-in people and Apps, and a watch on what the App hands its terminal.

Headless, Textual composes every screen update but writes it nowhere; `PaintWatch`
looks at what it composed, so a figure stops its clock when the screen would change,
not when the data arrived.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import RenderableType
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.screen import Screen
from textual.strip import Strip

from xapp.api.client import ApiClient
from xapp.app import XApp
from xapp.credentials import Credentials

PASSWORD = "correct horse battery"


@contextmanager
def server(db: Path) -> Iterator[tuple[str, int]]:
    """`xapp serve` on a free loopback port; yields its URL and process id."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "xapp", "serve", "--port", str(port), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        # The benches' people all register from loopback.
        env={
            **os.environ,
            "XAPP_SERVER_REGISTRATIONS": "100000",
            "XAPP_SERVER_WRITES": "10000000",  # benches write as fast as they can
        },
    )
    try:
        assert process.stdout is not None
        process.stdout.readline()  # "xapp server ready on …"
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(10)


def peak_rss_mb(pid: int | None = None) -> float:
    """The high-water mark of a process's resident memory (this one by default)."""
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    kilobytes = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    return round(int(kilobytes) / 1024, 1)


async def person(url: str, handle: str) -> ApiClient:
    client = ApiClient(url)
    await client.accounts.register(handle, handle.title(), PASSWORD)
    await client.accounts.login(handle, PASSWORD)
    return client


def signed_in_app(url: str, handle: str, token: str, data_dir: Path) -> XApp:
    credentials = Credentials(data_dir, keyring_vault=None)
    credentials.save(url, handle, token, "file")
    return XApp(server=url, credentials=credentials)


async def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen never showed what was expected")
        await asyncio.sleep(0.001)


def now_ns() -> int:
    """CLOCK_MONOTONIC: one clock for every process on the machine."""
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


class PaintWatch:
    """Notes when the App hands its terminal a screen update showing some text, or the
    first update after something has become true."""

    def __init__(self, app: XApp) -> None:
        self._display = app._display
        self._texts: dict[str, asyncio.Future[int]] = {}
        self._conditions: list[tuple[Callable[[], bool], asyncio.Future[int]]] = []
        app._display = self._record  # type: ignore[method-assign]

    def expect(self, text: str) -> asyncio.Future[int]:
        """Resolves to the time (ns) of the first update showing `text`."""
        future = self._texts[text] = asyncio.get_running_loop().create_future()
        return future

    def when(self, condition: Callable[[], bool]) -> asyncio.Future[int]:
        """Resolves to the time (ns) of the first update made once `condition()` holds."""
        future = asyncio.get_running_loop().create_future()
        self._conditions.append((condition, future))
        return future

    def _record(self, screen: Screen, renderable: RenderableType | None) -> None:
        now = now_ns()
        if renderable is not None:
            if self._texts:
                shown = "\n".join(strip.text for strip in _strips(renderable))
                for text in [t for t in self._texts if t in shown]:
                    self._texts.pop(text).set_result(now)
            for entry in [entry for entry in self._conditions if entry[0]()]:
                self._conditions.remove(entry)
                entry[1].set_result(now)
        self._display(screen, renderable)


def _strips(update: RenderableType) -> Iterator[Strip]:
    if isinstance(update, ChopsUpdate):
        for chop in update.chops:
            yield from (strip for strip in chop.values() if strip is not None)
    elif isinstance(update, LayoutUpdate):
        for line in update.strips:
            yield from line


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
