"""A signed-in session: the account, its one API client, and the server it talks to."""

from __future__ import annotations

from dataclasses import dataclass

from xapp.api.client import ApiClient
from xapp.api.models import Me


@dataclass
class Session:
    client: ApiClient
    me: Me

    @property
    def server(self) -> str:
        return self.client.base_url

    @property
    def token(self) -> str:
        assert self.client.token is not None
        return self.client.token


async def open_session(server: str, token: str) -> Session:
    """Check a token with the server; raises `Unauthorized` when it is no longer good."""
    client = ApiClient(server, token)
    try:
        return Session(client, await client.me())
    except BaseException:
        await client.aclose()
        raise
