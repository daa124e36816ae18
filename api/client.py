"""`ApiClient`: one transport, and one namespace per resource, shaped like the server's
`routes/` (`client.accounts`, `client.posts`, `client.chat`, `client.notifications`,
`client.search`, `client.wallet`, `client.bills`), so a call reads as the route it hits."""

from __future__ import annotations

from xapp.api.accounts import Accounts
from xapp.api.bills import Bills
from xapp.api.chat import Chat
from xapp.api.notifications import Notifications
from xapp.api.posts import Posts
from xapp.api.search import Search
from xapp.api.transport import AttemptKey, Transport, new_key
from xapp.api.wallet import WalletApi

__all__ = ["ApiClient", "AttemptKey", "new_key"]


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 15.0) -> None:
        self.transport = Transport(base_url, token, timeout)
        self.accounts = Accounts(self.transport)
        self.posts = Posts(self.transport)
        self.chat = Chat(self.transport)
        self.notifications = Notifications(self.transport)
        self.search = Search(self.transport)
        self.wallet = WalletApi(self.transport)
        self.bills = Bills(self.transport)

    @property
    def base_url(self) -> str:
        return self.transport.base_url

    @property
    def token(self) -> str | None:
        return self.transport.token

    async def aclose(self) -> None:
        await self.transport.aclose()

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()
