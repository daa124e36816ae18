"""`Prefetch`: the first reads of a session sent on a thread at start-up, while Python is
still loading the UI's modules (a quarter of a second of the main thread's time), so
their answers are waiting when the App first asks.

It uses the standard library's `http.client` (httpx is one of the modules still
loading). The transport hands each stored answer, once, to the first GET with the same
path and query; anything but a 200 is not stored, so errors take the usual path, with
its retries and its sentences. If the thread has not finished when a request is made,
nothing waits for it: the request goes out as usual.
"""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from collections.abc import Callable
from typing import Any

from xapp.api import USER_AGENT

WAIT_S = 5.0
"""How long a prefetched request may take before it is given up."""


def request_key(path: str, params: dict[str, Any] | None) -> str:
    """A GET as the prefetch and the transport both name it."""
    query = sorted((k, str(v)) for k, v in (params or {}).items() if v is not None)
    return path + ("?" + urllib.parse.urlencode(query) if query else "")


class Prefetch:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.token: str | None = None
        self._answers: dict[str, bytes] = {}
        self._done = threading.Event()
        self._lock = threading.Lock()

    def start(self, token: Callable[[], str | None], gets: list[str]) -> Prefetch:
        """Find the token (`token()` may read a keyring: it runs on the thread too) and
        send `gets` (paths with their query, as `request_key` writes them)."""
        threading.Thread(
            target=self._run, args=(token, gets), name="xapp-prefetch", daemon=True
        ).start()
        return self

    def _run(self, token: Callable[[], str | None], gets: list[str]) -> None:
        try:
            self.token = token()
            if self.token is None:
                return
            url = urllib.parse.urlsplit(self.base_url)
            kind = (
                http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
            )
            connection = kind(url.netloc, timeout=WAIT_S)
            headers = {"Authorization": f"Bearer {self.token}", "User-Agent": USER_AGENT}
            try:
                for get in gets:
                    connection.request("GET", url.path + get, headers=headers)
                    response = connection.getresponse()
                    body = response.read()
                    if response.status == 200:
                        with self._lock:
                            self._answers[get] = body
            finally:
                connection.close()
        except (OSError, http.client.HTTPException):
            pass  # the usual requests will say what is wrong
        finally:
            self._done.set()

    def take(self, key: str) -> bytes | None:
        """The stored answer to this GET, once; None if there is none (yet)."""
        if not self._done.is_set():
            return None
        with self._lock:
            return self._answers.pop(key, None)
