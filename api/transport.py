"""`Transport`: one `httpx.AsyncClient` per signed-in session, retries, typed errors.

Calls that create something take an idempotency key. The caller may pass one (an outbox
keeps its own); otherwise one is made before the first attempt and reused for every
retry, so a request that timed out after the server committed is not done twice.
Replies are parsed with the tolerant wire models; one this client cannot read at all
is a `ServerNewer`, never a bare validation error.

httpx (~60 ms of imports) is loaded at the first request that goes out: at start-up the
first reads are answered by the prefetch (prefetch.py), so it loads after the first
posts are on screen.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from xapp.api import USER_AGENT
from xapp.api.errors import ApiError, ServerNewer, ServerUnavailable, from_response
from xapp.api.models import PIN_HEADER, ErrorBody
from xapp.api.prefetch import Prefetch, request_key

if TYPE_CHECKING:
    import httpx

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

RETRIES = 3
"""Attempts for a request whose connection failed; each uses the same idempotency key."""


@functools.lru_cache(maxsize=512)
def _absolute(base_url: str, path: str) -> httpx.URL:
    import httpx

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


def handle_path(handle: str) -> str:
    """A handle as people type it (`@ada `), as a URL path segment."""
    return handle.strip().removeprefix("@")


class Transport:
    """The HTTP side every resource namespace shares: auth, keys, retries, parsing."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout: float = 15.0,
        prefetched: Prefetch | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.prefetched = prefetched
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None

    @property
    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            # Certificates are loaded only for a server that has them: building the
            # default TLS context (the CA bundle) cost a plain-HTTP client ~30 ms.
            tls = self.base_url.startswith("https:")
            self._client = httpx.AsyncClient(
                base_url=self.base_url,
                timeout=self.timeout,
                headers={"User-Agent": USER_AGENT},
                verify=True if tls else False,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        key: str | None = None,
        pin: str | None = None,
        attempts: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """One call; `attempts` overrides the retries (a quick probe wants one try);
        `headers`: more of them (a sign-in's device secret)."""
        import httpx

        headers = dict(headers or {})
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
        if attempts is None:
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

    async def get(self, model: type[M], path: str, **params: Any) -> M:
        early = self.prefetched
        if early is not None and early.token == self.token:
            body = early.take(request_key(path, params))
            if body is not None:
                return parse(model, body)
        return parse(model, (await self.request("GET", path, params=params)).content)

    async def get_list(self, adapter: TypeAdapter[T], path: str, **params: Any) -> T:
        response = await self.request("GET", path, params=params)
        return parse_with(adapter, response.content)

    async def send(
        self,
        model: type[M],
        method: str,
        path: str,
        body: Any = None,
        key: str | None = None,
        pin: str | None = None,
    ) -> M:
        response = await self.request(method, path, json=body, key=key, pin=pin)
        return parse(model, response.content)


def parse(model: type[M], content: bytes) -> M:
    try:
        return model.model_validate_json(content)
    except ValidationError as exc:
        raise _newer(model.__name__) from exc


def parse_with(adapter: TypeAdapter[T], content: bytes) -> T:
    try:
        return adapter.validate_json(content)
    except ValidationError as exc:
        raise _newer("list") from exc


def _newer(what: str) -> ServerNewer:
    return ServerNewer(
        f"The server answered with a {what} this version of xapp can't read; update xapp."
    )


def _reason(exc: Exception) -> str:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return "it did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        return "the connection was refused"
    return "the connection broke"


def _error(response: httpx.Response) -> ApiError:
    try:
        detail = ErrorBody.model_validate_json(response.content).error
        return from_response(response.status_code, detail.code, detail.message)
    except ValueError:
        return from_response(
            response.status_code, "http_error", f"The server answered {response.status_code}"
        )
