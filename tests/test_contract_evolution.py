"""A newer server against this client: the wire contract can grow without breaking it.

Requests are strict (an unknown field is a 422), replies and feed events are read
tolerantly (a field this client doesn't know is ignored), a feed frame of a type it
doesn't know is handed on rather than lost, and a frame it cannot read at all stops the
feed without taking its seq, so an updated client gets it.

The "newer server" is the real server behind an ASGI layer that adds fields to every
JSON object it sends, over HTTP and over the websocket, as a later version would.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from tests.conftest import People, server_settings, take, usd
from tests.test_tui_home import drawn, home_of, signed_in_app, wait_for
from xapp.api.client import ApiClient
from xapp.api.errors import InvalidRequest, ServerNewer
from xapp.api.feed import Feed, FeedState
from xapp.api.models import Conversation, EventType, MessageCreated, UnknownEvent
from xapp.embedded import ServerThread
from xapp.server import ServerSettings, create_app
from xapp.server import events as event_log
from xapp.widgets.message_log import MessageLog
from xapp.widgets.status_bar import StatusBar

FUTURE = {"fee": {"amount": 0, "currency": "USD"}, "display": "from a newer server"}


def _grow(value: Any) -> Any:
    """Every object gains the fields a newer server would send."""
    if isinstance(value, dict):
        return {**{k: _grow(v) for k, v in value.items()}, **FUTURE}
    if isinstance(value, list):
        return [_grow(v) for v in value]
    return value


class NewerServer:
    """ASGI layer: JSON replies and websocket frames get extra fields; with `break_text`
    set, a frame whose data has that text loses a field this client needs."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.break_text: str | None = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":
            await self.app(scope, receive, lambda message: send(self._frame(message)))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: dict = {}
        body = bytearray()

        async def buffered(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            data = bytes(body)
            headers = [(k, v) for k, v in start["headers"] if k != b"content-length"]
            if (b"content-type", b"application/json") in start["headers"] and data:
                data = json.dumps(_grow(json.loads(data))).encode()
            await send({**start, "headers": [*headers, (b"content-length", b"%d" % len(data))]})
            await send({"type": "http.response.body", "body": data})

        await self.app(scope, receive, buffered)

    def _frame(self, message: dict) -> dict:
        if message["type"] != "websocket.send" or message.get("text") is None:
            return message
        frame = _grow(json.loads(message["text"]))
        if self.break_text is not None and frame["data"].get("text") == self.break_text:
            del frame["data"]["text"]
        return {**message, "text": json.dumps(frame)}


@pytest.fixture
def newer(db_path: Path) -> Iterator[tuple[ServerThread, NewerServer]]:
    running = ServerThread(server_settings(db_path))
    layer = cast(NewerServer, None)

    def wrap(app: Any) -> NewerServer:
        nonlocal layer
        layer = NewerServer(app)
        return layer

    running.app.add_middleware(cast(Any, _Wrapped), wrap=wrap)
    with running:
        yield running, layer


class _Wrapped:
    """Starlette builds middleware from a class and options; this hands it our layer."""

    def __init__(self, app: Any, wrap: Any) -> None:
        self.layer = wrap(app)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        await self.layer(scope, receive, send)


def log_unknown_event(server: ServerThread, account_id: str) -> None:
    """What a newer server process does: log an event of a type this client has never
    heard of (`payout.created`)."""

    async def write() -> None:
        async with server.app.state.db.write() as tx:
            await event_log.append(tx, account_id, cast(EventType, "payout.created"), usd(5))

    server.call(write)


async def ada_and_bob(people: People) -> tuple[ApiClient, ApiClient, Conversation]:
    """Two people and the chat between them."""
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    return ada, bob, await ada.chat.open("bob")


@pytest.fixture
async def newer_people(newer: tuple[ServerThread, NewerServer]) -> AsyncIterator[People]:
    registry = People(newer[0].url)
    yield registry
    await registry.close()


async def test_replies_with_fields_this_client_does_not_know_are_read(
    newer_people: People,
) -> None:
    ada = await newer_people.signed_in("ada")
    bob = await newer_people.signed_in("bob")
    await ada.wallet.deposit(usd(5_000))
    paid = await ada.wallet.pay("bob", usd(1_250), "pizza")
    assert paid.amount == usd(1_250)
    assert (await bob.wallet.balances()).balances == [usd(1_250)]
    post = await ada.posts.create("hello from the future")
    assert [p.id for p in (await ada.posts.home_timeline()).items] == [post.id]
    chat = await ada.chat.open("bob")
    await ada.chat.send(chat.id, "psst")
    assert [m.text for m in (await bob.chat.messages(chat.id)).items] == ["psst"]
    assert (await bob.accounts.me()).handle == "bob"


async def test_feed_events_with_new_fields_and_new_types_lose_nothing(
    newer: tuple[ServerThread, NewerServer], newer_people: People
) -> None:
    server, _ = newer
    ada, bob, chat = await ada_and_bob(newer_people)
    bob_id = (await bob.accounts.me()).id
    feed = Feed(newer_people.url, bob.token or "", 0)
    await ada.chat.send(chat.id, "before")

    log_unknown_event(server, bob_id)
    await ada.chat.send(chat.id, "after")
    events = await take(feed, 3)
    await feed.close()
    assert [type(e) for e in events] == [MessageCreated, UnknownEvent, MessageCreated]
    assert [e.data.text for e in events if isinstance(e, MessageCreated)] == ["before", "after"]
    assert cast(UnknownEvent, events[1]).type == "payout.created"
    seqs = [e.seq for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + 3))


async def test_a_frame_this_client_cannot_read_stops_the_feed_without_taking_it(
    newer: tuple[ServerThread, NewerServer], newer_people: People
) -> None:
    _, layer = newer
    ada, bob, chat = await ada_and_bob(newer_people)
    since = (await bob.accounts.me()).event_seq
    await ada.chat.send(chat.id, "readable")
    layer.break_text = "unreadable by this version"
    await ada.chat.send(chat.id, "unreadable by this version")
    states: list[FeedState] = []
    feed = Feed(newer_people.url, bob.token or "", since, on_state=states.append)
    got: list[Any] = []
    with pytest.raises(ServerNewer, match="update xapp"):
        async for event in feed:
            got.append(event)
    assert [e.data.text for e in got] == ["readable"]
    assert feed.last_seq == since + 1  # the unreadable frame's seq was not taken
    assert states[-1] == FeedState.OUTDATED

    layer.break_text = None  # the "updated client": the same frame, now readable
    resumed = Feed(newer_people.url, bob.token or "", feed.last_seq)
    [event] = await take(resumed, 1)
    await resumed.close()
    assert event.data.text == "unreadable by this version"


async def test_requests_stay_strict(newer_people: People) -> None:
    ada = await newer_people.signed_in("ada")
    with pytest.raises(InvalidRequest, match="colour"):
        await ada.transport.request(
            "POST", "/v1/posts", json={"text": "hi", "colour": "red"}, key="strict-1"
        )
    with pytest.raises(InvalidRequest):
        await ada.transport.request(
            "POST",
            "/v1/deposits",
            json={"amount": {"amount": 5, "currency": "USD", "fee": 1}},
            key="strict-2",
        )


def _schemas(document: dict, schema: dict) -> Iterator[tuple[str, dict]]:
    """Every named object schema reachable from `schema`, nested ones included."""
    seen: set[str] = set()
    stack = [schema]
    while stack:
        current = stack.pop()
        if isinstance(current, list):
            stack.extend(current)
            continue
        if not isinstance(current, dict):
            continue
        ref = current.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                target = document["components"]["schemas"][name]
                yield name, target
                stack.append(target)
            continue
        stack.extend(current.values())


def test_every_request_body_is_strict_and_every_reply_tolerant(tmp_path: Path) -> None:
    """Read off the published OpenAPI document: what clients and validators see."""
    document = create_app(ServerSettings(db=str(tmp_path / "x.db"))).openapi()
    strict: set[str] = set()
    tolerant: set[str] = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            body = operation.get("requestBody", {})
            strict.update(name for name, _ in _schemas(document, body))
            for answer in operation.get("responses", {}).values():
                tolerant.update(name for name, _ in _schemas(document, answer))
    schemas = document["components"]["schemas"]
    for name in strict:
        assert schemas[name].get("additionalProperties") is False, f"{name} accepts anything"
    for name in tolerant - {"HTTPValidationError", "ValidationError"}:
        assert "additionalProperties" not in schemas[name], f"{name} refuses new fields"
    assert not strict & tolerant, "a model is both a request and a reply"
    assert len(strict) > 15 and len(tolerant) > 25


async def test_the_app_keeps_going_and_says_what_it_cannot_show(
    newer: tuple[ServerThread, NewerServer], newer_people: People, tmp_path: Path
) -> None:
    server, _ = newer
    ada, bob, chat = await ada_and_bob(newer_people)
    bob_id = (await bob.accounts.me()).id
    app = signed_in_app(newer_people.url, "bob", bob.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await wait_for(pilot, lambda: home.chat.open_id == chat.id)

        log_unknown_event(server, bob_id)
        await ada.chat.send(chat.id, "still live")
        log = home.query_one(MessageLog)
        await wait_for(pilot, lambda: "still live" in drawn(log))
        status = home.query_one(StatusBar)
        await wait_for(pilot, lambda: "update xapp" in str(status.render()))
