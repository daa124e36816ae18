"""`ApiClient`: one transport, and one namespace per resource, shaped like the server's
`routes/` (`client.accounts`, `client.posts`, `client.chat`, `client.notifications`,
`client.search`, `client.wallet`, `client.bills`, `client.rules`), so a call reads as
the route it hits."""

from __future__ import annotations

import asyncio

from xapp.api.accounts import Accounts
from xapp.api.bills import Bills
from xapp.api.chat import Chat
from xapp.api.errors import ApiError, ServerUnavailable
from xapp.api.models import Health
from xapp.api.notifications import Notifications
from xapp.api.posts import Posts
from xapp.api.prefetch import Prefetch
from xapp.api.rules import Rules
from xapp.api.search import Search
from xapp.api.transport import AttemptKey, Transport, new_key, parse
from xapp.api.wallet import WalletApi

__all__ = ["ApiClient", "AttemptKey", "new_key"]

HEALTH_WAIT = 5.0
"""Seconds `health()` waits: a server on a working network answers in milliseconds."""


class ApiClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout: float = 15.0,
        prefetched: Prefetch | None = None,
    ) -> None:
        """`prefetched`: answers to the first GETs, sent early on a thread (prefetch.py)."""
        self.transport = Transport(base_url, token, timeout, prefetched)
        self.accounts = Accounts(self.transport)
        self.posts = Posts(self.transport)
        self.chat = Chat(self.transport)
        self.notifications = Notifications(self.transport)
        self.search = Search(self.transport)
        self.wallet = WalletApi(self.transport)
        self.bills = Bills(self.transport)
        self.rules = Rules(self.transport)

    @property
    def base_url(self) -> str:
        return self.transport.base_url

    @property
    def token(self) -> str | None:
        return self.transport.token

    async def health(self) -> Health:
        """Is an xapp server answering at `base_url`, and which version? One try of at
        most HEALTH_WAIT seconds, no retries, no account: cheap enough to ask before the
        sign-in form. Raises `ServerUnavailable` with a sentence for a person when
        nothing answers, or when what answers is not an xapp server."""
        try:
            async with asyncio.timeout(HEALTH_WAIT):
                response = await self.transport.request("GET", "/v1/health", attempts=1)
            health = parse(Health, response.content)
        except TimeoutError as exc:
            raise ServerUnavailable(
                f"Can't reach the server at {self.base_url}: it did not answer in time"
            ) from exc
        except ServerUnavailable:
            raise
        except ApiError as exc:  # an answer, but not the one an xapp server gives
            if exc.status >= 500:
                raise ServerUnavailable(
                    f"The server at {self.base_url} is failing (it answered {exc.status}); "
                    "try again in a moment."
                ) from exc
            raise self._not_xapp() from exc
        if health.service != "xapp":
            raise self._not_xapp()
        return health

    def _not_xapp(self) -> ServerUnavailable:
        return ServerUnavailable(
            f"Something answers at {self.base_url}, but it is not an xapp server: "
            "check the address."
        )

    async def aclose(self) -> None:
        await self.transport.aclose()

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()
