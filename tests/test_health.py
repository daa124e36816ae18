"""`ApiClient.health()`: before the sign-in form, the app asks whether an xapp server
answers at the address, so a wrong or unreachable one is said at once (issue 13, #24).
`GET /v1/health` needs no account and no database."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from xapp import __version__
from xapp.api import client as client_module
from xapp.api.client import ApiClient
from xapp.api.errors import ServerUnavailable
from xapp.embedded import ServerThread


async def test_an_xapp_server_says_it_is_one(server: ServerThread) -> None:
    async with ApiClient(server.url) as anonymous:  # no account needed
        health = await anonymous.health()
    assert (health.service, health.version) == ("xapp", __version__)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_nothing_listening_is_a_sentence() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    async with ApiClient(url) as client:
        with pytest.raises(ServerUnavailable) as caught:
            await client.health()
    assert caught.value.message == f"Can't reach the server at {url}: the connection was refused"


@pytest.fixture
def other_http_server(tmp_path: Path) -> Iterator[str]:
    """A real HTTP server that is not xapp (Python's file server on an empty folder)."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


async def test_something_else_answering_is_not_taken_for_xapp(other_http_server: str) -> None:
    async with ApiClient(other_http_server) as client:
        with pytest.raises(ServerUnavailable) as caught:
            await client.health()
    assert caught.value.message == (
        f"Something answers at {other_http_server}, but it is not an xapp server: "
        "check the address."
    )


async def test_a_server_that_never_answers_is_given_up_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A socket that accepts connections and says nothing (a hung server): the check
    gives up after its wait instead of the client's long timeout."""
    monkeypatch.setattr(client_module, "HEALTH_WAIT", 0.3)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        async with ApiClient(url) as client:
            with pytest.raises(ServerUnavailable) as caught:
                await client.health()
    assert caught.value.message == f"Can't reach the server at {url}: it did not answer in time"


def test_the_health_route_needs_no_account(server: ServerThread) -> None:
    operation = server.app.openapi()["paths"]["/v1/health"]["get"]
    assert "401" not in operation["responses"]
    assert "security" not in operation and not operation.get("parameters")
