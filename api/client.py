"""`ApiClient`: one `httpx.AsyncClient` per signed-in session, typed methods, typed errors.

Calls that create something take an idempotency key. The caller may pass one (an outbox
keeps its own); otherwise one is made before the first attempt and reused for every
retry, so a request that timed out after the server committed is not done twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import uuid
from collections.abc import Hashable
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter

from xapp.api.errors import ApiError, ServerUnavailable, from_response
from xapp.api.models import (
    PIN_HEADER,
    Account,
    Bill,
    Conversation,
    Earnings,
    Me,
    Message,
    Money,
    Notification,
    NotificationCount,
    Page,
    Payee,
    PaymentRequest,
    Position,
    Post,
    PostCounts,
    PostVersion,
    Preferences,
    Profile,
    Receipt,
    SearchHit,
    SessionCreated,
    Thread,
    Transfer,
    Wallet,
)

M = TypeVar("M", bound=BaseModel)

RETRIES = 3
"""Attempts for a request whose connection failed; each uses the same idempotency key."""

USER_AGENT = "xapp/0.1"


@functools.lru_cache(maxsize=512)
def _absolute(base_url: str, path: str) -> httpx.URL:
    return httpx.URL(base_url + path)


def new_key() -> str:
    return str(uuid.uuid4())


class AttemptKey:
    """One idempotency key per content: sending the same content again (a retry after a
    timeout or an error) reuses its key, so the server acts once; changed content gets a
    new key. Screens keep one per thing the user is sending."""

    def __init__(self) -> None:
        self._content: Hashable = None
        self._key: str | None = None

    def key_for(self, content: Hashable) -> str:
        if self._key is None or content != self._content:
            self._content, self._key = content, new_key()
        return self._key


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http = httpx.AsyncClient(
            base_url=self.base_url, timeout=timeout, headers={"User-Agent": USER_AGENT}
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    # --- plumbing -------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        key: str | None = None,
        pin: str | None = None,
    ) -> httpx.Response:
        headers: dict[str, str] = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if key is not None:
            headers["Idempotency-Key"] = key
        if pin is not None:
            headers[PIN_HEADER] = pin
        # No empty params and an absolute URL already parsed: httpx would otherwise parse
        # the URL three times per request, about a third of its work before sending.
        query = {k: v for k, v in (params or {}).items() if v is not None} or None
        url = _absolute(self.base_url, path)
        # Only requests that are safe to repeat are retried: reads, and writes with a key.
        attempts = RETRIES if method == "GET" or key is not None else 1
        for attempt in range(attempts):
            try:
                response = await self._http.request(
                    method, url, json=json, params=query, headers=headers
                )
            except (
                httpx.ConnectError,
                httpx.ReadError,
                httpx.RemoteProtocolError,
                httpx.TimeoutException,
            ) as exc:
                if attempt + 1 == attempts:
                    raise ServerUnavailable(
                        f"Can't reach the server at {self.base_url}: {_reason(exc)}"
                    ) from exc
                await asyncio.sleep(0.2 * 2**attempt)
                continue
            if response.status_code >= 500 and attempt + 1 < attempts:
                await asyncio.sleep(0.2 * 2**attempt)
                continue
            if response.is_error:
                raise _error(response)
            return response
        raise AssertionError("unreachable")

    async def _get(self, model: type[M], path: str, **params: Any) -> M:
        return model.model_validate_json((await self._request("GET", path, params=params)).content)

    async def _send(
        self,
        model: type[M],
        method: str,
        path: str,
        body: Any,
        key: str | None = None,
        pin: str | None = None,
    ) -> M:
        response = await self._request(method, path, json=body, key=key, pin=pin)
        return model.model_validate_json(response.content)

    # --- accounts and sessions ------------------------------------------------------

    async def register(self, handle: str, display_name: str, password: str) -> Account:
        body = {"handle": handle, "display_name": display_name, "password": password}
        return await self._send(Account, "POST", "/v1/accounts", body)

    async def login(self, handle: str, password: str) -> SessionCreated:
        created = await self._send(
            SessionCreated, "POST", "/v1/sessions", {"handle": handle, "password": password}
        )
        self.token = created.token
        return created

    async def logout(self) -> None:
        await self._request("DELETE", "/v1/sessions/current")
        self.token = None

    async def me(self) -> Me:
        return await self._get(Me, "/v1/me")

    async def account(self, handle: str) -> Account:
        return await self._get(Account, f"/v1/accounts/{_handle(handle)}")

    async def follow(self, handle: str) -> None:
        await self._request("POST", f"/v1/accounts/{_handle(handle)}/follow")

    async def profile(self, handle: str) -> Profile:
        return await self._get(Profile, f"/v1/accounts/{_handle(handle)}/profile")

    async def posts_of(
        self, handle: str, before: str | None = None, after: str | None = None, limit: int = 50
    ) -> Page[Post]:
        path = f"/v1/accounts/{_handle(handle)}/posts"
        return await self._get(Page[Post], path, before=before, after=after, limit=limit)

    async def followers(
        self, handle: str, before: str | None = None, limit: int = 50
    ) -> Page[Account]:
        path = f"/v1/accounts/{_handle(handle)}/followers"
        return await self._get(Page[Account], path, before=before, limit=limit)

    async def following(
        self, handle: str, before: str | None = None, limit: int = 50
    ) -> Page[Account]:
        path = f"/v1/accounts/{_handle(handle)}/following"
        return await self._get(Page[Account], path, before=before, limit=limit)

    async def edit_profile(
        self, display_name: str | None = None, bio: str | None = None
    ) -> Profile:
        body = {"display_name": display_name, "bio": bio}
        return await self._send(Profile, "PATCH", "/v1/me/profile", body)

    async def block(self, handle: str, on: bool = True) -> None:
        await self._request("PUT" if on else "DELETE", f"/v1/accounts/{handle}/block")

    async def mute(self, handle: str, on: bool = True) -> None:
        await self._request("PUT" if on else "DELETE", f"/v1/accounts/{handle}/mute")

    async def unfollow(self, handle: str) -> None:
        await self._request("DELETE", f"/v1/accounts/{_handle(handle)}/follow")

    # --- posts ----------------------------------------------------------------------

    async def create_post(
        self,
        text: str,
        key: str | None = None,
        reply_to: str | None = None,
        quote_of: str | None = None,
    ) -> Post:
        """A post; with `reply_to` a reply, with `quote_of` a quote."""
        body = {"text": text, "reply_to": reply_to, "quote_of": quote_of}
        return await self._send(Post, "POST", "/v1/posts", body, key or new_key())

    async def post(self, post_id: str) -> Post:
        return await self._get(Post, f"/v1/posts/{post_id}")

    async def thread(self, post_id: str, before: str | None = None, limit: int = 50) -> Thread:
        return await self._get(Thread, f"/v1/posts/{post_id}/thread", before=before, limit=limit)

    async def edit_history(self, post_id: str) -> list[PostVersion]:
        response = await self._request("GET", f"/v1/posts/{post_id}/edits")
        return _VERSIONS.validate_json(response.content)

    async def edit_post(self, post_id: str, text: str) -> Post:
        return await self._send(Post, "PATCH", f"/v1/posts/{post_id}", {"text": text})

    async def delete_post(self, post_id: str) -> Post:
        return await self._send(Post, "DELETE", f"/v1/posts/{post_id}", None)

    async def like(self, post_id: str, on: bool = True) -> PostCounts:
        return await self._send(
            PostCounts, "PUT" if on else "DELETE", f"/v1/posts/{post_id}/like", None
        )

    async def repost(self, post_id: str) -> Post:
        return await self._send(Post, "POST", f"/v1/posts/{post_id}/repost", None)

    async def undo_repost(self, post_id: str) -> None:
        await self._request("DELETE", f"/v1/posts/{post_id}/repost")

    async def bookmark(self, post_id: str, on: bool = True) -> None:
        await self._request("PUT" if on else "DELETE", f"/v1/posts/{post_id}/bookmark")

    async def notifications(self, before: str | None = None, limit: int = 50) -> Page[Notification]:
        return await self._get(Page[Notification], "/v1/notifications", before=before, limit=limit)

    async def unread_notifications(self) -> int:
        return (await self._get(NotificationCount, "/v1/notifications/unread")).unread

    async def notifications_seen(self) -> None:
        await self._request("PUT", "/v1/notifications/seen")

    async def search_posts(
        self, query: str, before: str | None = None, limit: int = 50
    ) -> Page[Post]:
        return await self._get(Page[Post], "/v1/search/posts", q=query, before=before, limit=limit)

    async def search_people(self, query: str) -> list[Account]:
        response = await self._request("GET", "/v1/search/people", params={"q": query})
        return _ACCOUNTS.validate_json(response.content)

    async def tag(self, tag: str, before: str | None = None, limit: int = 50) -> Page[Post]:
        return await self._get(Page[Post], f"/v1/tags/{tag}", before=before, limit=limit)

    async def bookmarks(
        self, before: str | None = None, after: str | None = None, limit: int = 50
    ) -> Page[Post]:
        return await self._get(Page[Post], "/v1/bookmarks", before=before, after=after, limit=limit)

    async def home_timeline(
        self, before: str | None = None, after: str | None = None, limit: int = 50
    ) -> Page[Post]:
        """Newest first; `before` pages down, `after` gives the page just above a cursor."""
        path = "/v1/timelines/home"
        return await self._get(Page[Post], path, before=before, after=after, limit=limit)

    async def global_timeline(
        self, before: str | None = None, after: str | None = None, limit: int = 50
    ) -> Page[Post]:
        path = "/v1/timelines/global"
        return await self._get(Page[Post], path, before=before, after=after, limit=limit)

    # --- conversations --------------------------------------------------------------

    async def conversations(self, before: str | None = None, limit: int = 50) -> Page[Conversation]:
        return await self._get(Page[Conversation], "/v1/conversations", before=before, limit=limit)

    async def open_conversation(self, *handles: str, name: str | None = None) -> Conversation:
        """One handle: the chat between the two of you; several (or a name): a new group."""
        body = {"handles": [_handle(h) for h in handles], "name": name}
        return await self._send(Conversation, "POST", "/v1/conversations", body)

    async def conversation(self, conversation_id: str) -> Conversation:
        return await self._get(Conversation, f"/v1/conversations/{conversation_id}")

    async def rename_group(self, conversation_id: str, name: str) -> Conversation:
        path = f"/v1/conversations/{conversation_id}"
        return await self._send(Conversation, "PATCH", path, {"name": name})

    async def add_members(self, conversation_id: str, *handles: str) -> Conversation:
        path = f"/v1/conversations/{conversation_id}/members"
        return await self._send(Conversation, "POST", path, {"handles": list(handles)})

    async def remove_member(self, conversation_id: str, handle: str) -> Conversation:
        path = f"/v1/conversations/{conversation_id}/members/{_handle(handle)}"
        return await self._send(Conversation, "DELETE", path, None)

    async def make_admin(self, conversation_id: str, handle: str) -> Conversation:
        path = f"/v1/conversations/{conversation_id}/admins/{_handle(handle)}"
        return await self._send(Conversation, "POST", path, None)

    async def send_message(
        self,
        conversation_id: str,
        text: str,
        key: str | None = None,
        *,
        reply_to: str | None = None,
    ) -> Message:
        path = f"/v1/conversations/{conversation_id}/messages"
        body = {"text": text, "reply_to": reply_to}
        return await self._send(Message, "POST", path, body, key or new_key())

    async def messages(
        self,
        conversation_id: str,
        before: str | None = None,
        limit: int = 50,
        *,
        around: str | None = None,
    ) -> Page[Message]:
        path = f"/v1/conversations/{conversation_id}/messages"
        return await self._get(Page[Message], path, before=before, limit=limit, around=around)

    async def edit_message(self, conversation_id: str, message_id: str, text: str) -> Message:
        path = f"/v1/conversations/{conversation_id}/messages/{message_id}"
        return await self._send(Message, "PATCH", path, {"text": text})

    async def delete_message(self, conversation_id: str, message_id: str) -> Message:
        path = f"/v1/conversations/{conversation_id}/messages/{message_id}"
        return await self._send(Message, "DELETE", path, None)

    async def react(
        self, conversation_id: str, message_id: str, emoji: str, on: bool = True
    ) -> Message:
        path = f"/v1/conversations/{conversation_id}/messages/{message_id}/reactions/{emoji}"
        return await self._send(Message, "PUT" if on else "DELETE", path, None)

    async def mark(self, conversation_id: str, up_to: int, *, read: bool) -> Position:
        """Tell the others my client received (`read=False`) or showed messages up to here."""
        path = f"/v1/conversations/{conversation_id}/{'read' if read else 'delivered'}"
        return await self._send(Position, "POST", path, {"up_to": up_to})

    async def typing(self, conversation_id: str) -> None:
        await self._request("POST", f"/v1/conversations/{conversation_id}/typing")

    async def search_messages(
        self, q: str, conversation_id: str | None = None, before: str | None = None
    ) -> Page[SearchHit]:
        return await self._get(
            Page[SearchHit],
            "/v1/messages/search",
            q=q,
            conversation_id=conversation_id,
            before=before,
        )

    async def set_preferences(self, read_receipts: bool) -> Preferences:
        body = {"read_receipts": read_receipts}
        return await self._send(Preferences, "PUT", "/v1/me/preferences", body)

    # --- wallet ---------------------------------------------------------------------

    async def wallet(self) -> Wallet:
        return await self._get(Wallet, "/v1/wallet")

    async def deposit(self, amount: Money, key: str | None = None) -> Transfer:
        body = {"amount": amount.model_dump()}
        return await self._send(Transfer, "POST", "/v1/deposits", body, key or new_key())

    async def transfer(
        self,
        to: str,
        amount: Money,
        note: str = "",
        key: str | None = None,
        *,
        pin: str | None = None,
        share: bool = False,
        conversation_id: str | None = None,
    ) -> Transfer:
        body = {
            "to": _handle(to),
            "amount": amount.model_dump(),
            "note": note,
            "share": share,
            "conversation_id": conversation_id,
        }
        return await self._send(Transfer, "POST", "/v1/transfers", body, key or new_key(), pin)

    async def transfers(
        self,
        before: str | None = None,
        limit: int = 50,
        *,
        direction: str | None = None,
        with_: str | None = None,
        kind: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        q: str | None = None,
    ) -> Page[Transfer]:
        return await self._get(
            Page[Transfer],
            "/v1/transfers",
            before=before,
            limit=limit,
            direction=direction,
            kind=kind,
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
            q=q,
            **{"with": _handle(with_) if with_ else None},
        )

    async def get_transfer(self, transfer_id: str) -> Transfer:
        return await self._get(Transfer, f"/v1/transfers/{transfer_id}")

    async def cancel_transfer(self, transfer_id: str) -> Transfer:
        return await self._send(Transfer, "POST", f"/v1/transfers/{transfer_id}/cancel", None)

    async def refund(
        self,
        transfer_id: str,
        amount: Money,
        note: str = "",
        key: str | None = None,
        *,
        pin: str | None = None,
    ) -> Transfer:
        body = {"amount": amount.model_dump(), "note": note}
        path = f"/v1/transfers/{transfer_id}/refunds"
        return await self._send(Transfer, "POST", path, body, key or new_key(), pin)

    async def receipt(self, transfer_id: str) -> Receipt:
        return await self._get(Receipt, f"/v1/transfers/{transfer_id}/receipt")

    async def receipt_key(self) -> str:
        response = await self._request("GET", "/v1/receipts/key")
        return str(response.json()["public_key"])

    async def payee(self, handle: str) -> Payee:
        return await self._get(Payee, f"/v1/payees/{_handle(handle)}")

    async def set_pin(self, password: str, pin: str) -> None:
        await self._request("PUT", "/v1/me/pin", json={"password": password, "pin": pin})

    async def tip(
        self, post_id: str, amount: Money, key: str | None = None, *, pin: str | None = None
    ) -> Transfer:
        body = {"amount": amount.model_dump()}
        path = f"/v1/posts/{post_id}/tips"
        return await self._send(Transfer, "POST", path, body, key or new_key(), pin)

    async def earnings(self, currency: str = "USD") -> Earnings:
        return await self._get(Earnings, "/v1/wallet/earnings", currency=currency)

    # --- requests and bills ---------------------------------------------------------

    async def request_money(
        self,
        handles: list[str],
        amount: Money,
        note: str = "",
        key: str | None = None,
        *,
        conversation_id: str | None = None,
    ) -> Bill:
        body = {
            "handles": [_handle(h) for h in handles],
            "amount": amount.model_dump(),
            "note": note,
            "conversation_id": conversation_id,
        }
        return await self._send(Bill, "POST", "/v1/requests", body, key or new_key())

    async def split_bill(
        self,
        conversation_id: str,
        total: Money,
        note: str = "",
        shares: dict[str, int] | None = None,
        key: str | None = None,
    ) -> Bill:
        body = {"total": total.model_dump(), "note": note, "shares": shares}
        path = f"/v1/conversations/{conversation_id}/bills"
        return await self._send(Bill, "POST", path, body, key or new_key())

    async def requests(
        self,
        role: str = "incoming",
        status: str | None = None,
        before: str | None = None,
        limit: int = 50,
    ) -> Page[PaymentRequest]:
        return await self._get(
            Page[PaymentRequest],
            "/v1/requests",
            role=role,
            status=status,
            before=before,
            limit=limit,
        )

    async def bill(self, bill_id: str) -> Bill:
        return await self._get(Bill, f"/v1/bills/{bill_id}")

    async def pay_request(
        self, request_id: str, key: str | None = None, *, pin: str | None = None
    ) -> Transfer:
        path = f"/v1/requests/{request_id}/pay"
        return await self._send(Transfer, "POST", path, None, key or new_key(), pin)

    async def decline_request(self, request_id: str) -> Bill:
        return await self._send(Bill, "POST", f"/v1/requests/{request_id}/decline", None)

    async def cancel_request(self, request_id: str) -> Bill:
        return await self._send(Bill, "POST", f"/v1/requests/{request_id}/cancel", None)

    async def remind(self, bill_id: str) -> Bill:
        return await self._send(Bill, "POST", f"/v1/bills/{bill_id}/remind", None)


def _handle(handle: str) -> str:
    return handle.strip().removeprefix("@")


def _reason(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "it did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        return "the connection was refused"
    return "the connection broke"


_ERROR_BODY = TypeAdapter(dict[str, dict[str, str]])
_VERSIONS = TypeAdapter(list[PostVersion])
_ACCOUNTS = TypeAdapter(list[Account])


def _error(response: httpx.Response) -> ApiError:
    try:
        detail = _ERROR_BODY.validate_json(response.content)["error"]
        return from_response(response.status_code, detail["code"], detail["message"])
    except (ValueError, KeyError):
        return from_response(
            response.status_code, "http_error", f"The server answered {response.status_code}"
        )
