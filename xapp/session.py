"""A signed-in session: the account, its one API client, and the server it talks to."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xapp.alerts import Alerts
from xapp.api.client import ApiClient
from xapp.api.models import Me
from xapp.api.prefetch import Prefetch
from xapp.outbox import Outbox

RETYPE_ABOVE = 200_00
"""Payments above this many minor units ask for the amount to be typed again."""


@dataclass
class Session:
    client: ApiClient
    me: Me
    data_dir: Path | None = None
    """Where this client keeps its files (saved receipts)."""
    retype_above: int = RETYPE_ABOVE
    password_hint: str = field(default="")
    """Shown where the password is asked again (the demo account's is public)."""
    alerts: Alerts = field(default_factory=Alerts)
    """The bell and desktop notifications, per kind (the config file's `[alerts]`)."""
    outbox: Outbox | None = None
    """Messages and posts waiting for the server (in the data dir, so restarts keep them)."""

    @property
    def server(self) -> str:
        return self.client.base_url

    @property
    def token(self) -> str:
        assert self.client.token is not None
        return self.client.token


async def open_session(server: str, token: str, prefetched: Prefetch | None = None) -> Session:
    """Check a token with the server; raises `Unauthorized` when it is no longer good."""
    client = ApiClient(server, token, prefetched=prefetched)
    try:
        return Session(client, await client.accounts.me())
    except BaseException:
        await client.aclose()
        raise
