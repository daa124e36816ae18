"""Headless Chromium driven over the DevTools protocol (a websocket, with the `websockets`
library xapp already uses), for the browser test of `xapp web`: open a page, click, type
and press keys as a person would, read what the page's terminal was sent, and take a
screenshot.

The terminal draws on a canvas, so its text is read where it arrives: a script added
before the page loads keeps every websocket message the page receives."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import httpx
import websockets

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
]

KEEP_FRAMES = """
(() => {
  const Native = window.WebSocket;
  window.__frames = [];
  const keep = (data) => {
    if (typeof data === "string") window.__frames.push(data);
    else if (data instanceof ArrayBuffer) window.__frames.push(new TextDecoder().decode(data));
    else if (data instanceof Blob) data.text().then((text) => window.__frames.push(text));
  };
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener("message", (event) => keep(event.data));
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
})();
"""

ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b."
)

KEYS = {
    "enter": ("Enter", "Enter", 13, "\r"),
    "tab": ("Tab", "Tab", 9, ""),
    "escape": ("Escape", "Escape", 27, ""),
}


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def install_chromium() -> str | None:
    """Debian's chromium, installed now if it is missing and this machine lets the test
    session install packages (root and apt-get, as on CI); None when it cannot be."""
    found = chromium()
    if found or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return found
    try:
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "chromium"],
            capture_output=True,
            timeout=900,
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return chromium()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Browser:
    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.port = free_port()
        # Chromium's helpers (crashpad, renderers) may still be writing as it is removed.
        self.profile = tempfile.TemporaryDirectory(ignore_cleanup_errors=True)
        self.process: subprocess.Popen[bytes] | None = None
        self.ws: Any = None
        self.next_id = 0

    async def __aenter__(self) -> Browser:
        self.process = await asyncio.to_thread(
            subprocess.Popen,
            [
                self.executable,
                *CHROMIUM_FLAGS,
                f"--remote-debugging-port={self.port}",
                f"--user-data-dir={self.profile.name}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its helper processes end with it (__aexit__)
        )
        page = await self._page()
        self.ws = await websockets.connect(page, max_size=None)
        await self.send("Page.enable")
        await self.send("Page.addScriptToEvaluateOnNewDocument", source=KEEP_FRAMES)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        self.profile.cleanup()

    async def _page(self) -> str:
        """The first page's DevTools websocket, once the browser answers."""
        url = f"http://127.0.0.1:{self.port}/json/list"
        async with httpx.AsyncClient() as client:
            for _ in range(150):
                try:
                    targets = (await client.get(url)).json()
                    pages = [t for t in targets if t.get("type") == "page"]
                    if pages:
                        return str(pages[0]["webSocketDebuggerUrl"])
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError("Chromium did not start")

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        ask = self.next_id
        await self.ws.send(json.dumps({"id": ask, "method": method, "params": params}))
        while True:
            answer = json.loads(await asyncio.wait_for(self.ws.recv(), 30))
            if answer.get("id") == ask:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return dict(answer.get("result", {}))

    async def open(self, url: str) -> None:
        await self.send("Page.navigate", url=url)

    async def evaluate(self, expression: str) -> Any:
        found = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return found.get("result", {}).get("value")

    async def click(self, x: int, y: int) -> None:
        for kind in ("mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1
            )

    async def type(self, text: str) -> None:
        await self.send("Input.insertText", text=text)
        await asyncio.sleep(0.1)

    async def press(self, name: str) -> None:
        """A key: enter, tab, escape, or ctrl+LETTER."""
        if name.startswith("ctrl+"):
            letter = name[-1]
            key, code, vk, text, modifiers = (
                letter,
                f"Key{letter.upper()}",
                ord(letter.upper()),
                "",
                2,
            )
        else:
            (key, code, vk, text), modifiers = KEYS[name], 0
        for kind in ("keyDown", "keyUp"):
            await self.send(
                "Input.dispatchKeyEvent",
                type=kind,
                key=key,
                code=code,
                windowsVirtualKeyCode=vk,
                nativeVirtualKeyCode=vk,
                modifiers=modifiers,
                **({"text": text} if text and kind == "keyDown" else {}),
            )
        await asyncio.sleep(0.15)

    async def received(self) -> str:
        """Everything the page's websockets brought, as plain text."""
        raw = await self.evaluate("(window.__frames || []).join('')") or ""
        return ESCAPES.sub("", raw)

    async def wait_for_text(self, text: str, timeout: float = 30) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while text not in await self.received():
            if asyncio.get_running_loop().time() > deadline:
                tail = (await self.received())[-2000:]
                raise AssertionError(f"the page never showed {text!r}; last seen: {tail!r}")
            await asyncio.sleep(0.2)

    async def screenshot(self, path: Path) -> None:
        shot = await self.send("Page.captureScreenshot", format="png")

        def keep() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(shot["data"]))

        await asyncio.to_thread(keep)
