"""Guessing is throttled without locking the owner out: a guesser at one address is held
back while the owner signs in from another; guessing spread over many addresses holds
the account back from new devices, but a device that signed in before (its Device
secret) still gets in. Clients come from different loopback addresses (127.0.0.N)."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import PASSWORD, serve
from xapp.api.client import ApiClient
from xapp.api.models import DEVICE_HEADER


async def sign_in(
    url: str, source: str, password: str, device: str | None = None
) -> httpx.Response:
    transport = httpx.AsyncHTTPTransport(local_address=source)
    async with httpx.AsyncClient(base_url=url, transport=transport) as client:
        return await client.post(
            "/v1/sessions",
            json={"handle": "carol", "password": password},
            headers={DEVICE_HEADER: device} if device else {},
        )


@pytest.fixture
def guarded(db_path):
    yield from serve(db_path, login_attempts=2, login_window=300)


async def register_carol(url: str) -> None:
    async with ApiClient(url) as client:
        await client.accounts.register("carol", "Carol", PASSWORD)


async def test_a_guesser_elsewhere_does_not_lock_the_owner_out(guarded) -> None:
    await register_carol(guarded.url)
    statuses = [(await sign_in(guarded.url, "127.0.0.2", "guess")).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    refused = await sign_in(guarded.url, "127.0.0.2", PASSWORD)  # even the right one, there
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    owner = await sign_in(guarded.url, "127.0.0.1", PASSWORD)
    assert owner.status_code == 201


async def test_spread_guessing_holds_new_devices_but_not_known_ones(guarded) -> None:
    await register_carol(guarded.url)
    first = await sign_in(guarded.url, "127.0.0.1", PASSWORD)
    device = first.json()["device"]
    assert device.startswith("xdev_")
    again = await sign_in(guarded.url, "127.0.0.1", PASSWORD, device)
    assert again.status_code == 201 and again.json()["device"] is None  # known: no new one

    # 2 guesses from each of 10 addresses use up the account-wide allowance (2 x 10).
    for n in range(3, 13):
        for _ in range(2):
            assert (await sign_in(guarded.url, f"127.0.0.{n}", "guess")).status_code == 401
    assert (await sign_in(guarded.url, "127.0.0.13", "guess")).status_code == 429
    # A new device waits the window out; the owner's known device gets in.
    assert (await sign_in(guarded.url, "127.0.0.1", PASSWORD)).status_code == 429
    known = await sign_in(guarded.url, "127.0.0.1", PASSWORD, device)
    assert known.status_code == 201
    # Another account's device secret is no key to this one.
    forged = await sign_in(guarded.url, "127.0.0.1", PASSWORD, "xdev_made-up")
    assert forged.status_code == 429
