"""No request body larger than the server reads: a body over `MAX_BODY` bytes is refused
with 413 before it is read (by its Content-Length), or as soon as it grows past the
limit while arriving (a chunked body has none). The largest legal body, a 4,000-character
message of the widest characters, is about 130 KB; a 50 MB display name once stalled
every request while it was read and cleaned."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xapp.server.errors import error_response

MAX_BODY = 1024 * 1024


def _too_large() -> JSONResponse:
    return error_response(413, "too_large", f"A request body may be at most {MAX_BODY // 1024} KB")


class RequestSizeLimit:
    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large()(scope, receive, send)
            return
        seen = 0
        started = refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit and not started:
                    # Answer now and tell the app the client went: it stops reading, and
                    # whatever it would answer is dropped (the 413 went first).
                    refused = True
                    await _too_large()(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted, watched)
