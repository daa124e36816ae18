"""The API describes itself truthfully: the OpenAPI document builds without warnings,
names every operation once, gives each its own summary, says the Idempotency-Key header
is required where the server refuses a request without it, and lists every error status
a route answers, with the one error body."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import PASSWORD, People, key, usd
from xapp.embedded import ServerThread
from xapp.server import ServerSettings, create_app

Document = dict[str, Any]


@pytest.fixture
def document(tmp_path: Path) -> Document:
    app = create_app(ServerSettings(db=str(tmp_path / "x.db")))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return app.openapi()


def operations(document: Document) -> dict[str, dict[str, Any]]:
    return {
        operation["operationId"]: operation
        for path in document["paths"].values()
        for operation in path.values()
    }


def test_every_operation_has_its_own_id(document: Document) -> None:
    ids = [
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    ]
    assert len(ids) == len(set(ids))
    assert {"block", "unblock", "like", "unlike"} <= set(ids)


def test_every_operation_has_its_own_summary(document: Document) -> None:
    """A DELETE that shares its function with a PUT once took the PUT's summary
    ("Block" for unblock); two routes named alike (history, cancel) shared one."""
    summaries = [operation["summary"] for operation in operations(document).values()]
    assert len(summaries) == len(set(summaries)), sorted(summaries)
    by_id = operations(document)
    for undo in ("unblock", "unmute", "unlike"):
        assert by_id[undo]["summary"].lower().startswith(undo), by_id[undo]["summary"]
    assert "off" in by_id["unbookmark"]["summary"]


def test_the_idempotency_key_is_required_where_the_server_needs_it(document: Document) -> None:
    creating = {
        ("post", "/v1/posts"),
        ("post", "/v1/conversations/{conversation_id}/messages"),
        ("post", "/v1/deposits"),
        ("post", "/v1/transfers"),
        ("post", "/v1/requests"),
        ("post", "/v1/posts/{post_id}/tips"),
    }
    for method, path in creating:
        operation = document["paths"][path][method]
        [header] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
        assert header["in"] == "header" and header["required"] is True, (method, path)
        assert header["schema"]["maxLength"] == 255
        assert "400" in operation["responses"], (method, path)


def test_errors_are_documented_with_the_error_body(document: Document) -> None:
    from xapp.server.openapi import ERRORS  # here, so the other tests run without it

    for operation_id, operation in operations(document).items():
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, operation_id
                assert response["description"] == ERRORS[int(status)]
    assert "HTTPValidationError" not in document["components"]["schemas"]


async def test_a_missing_idempotency_key_is_a_400_that_says_why(
    people: People, server: ServerThread
) -> None:
    ada = await people.signed_in("ada")
    async with httpx.AsyncClient(base_url=server.url) as http:
        answer = await http.post(
            "/v1/posts", json={"text": "hi"}, headers={"Authorization": f"Bearer {ada.token}"}
        )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "idempotency_key_required"
    assert error["message"].startswith("This request needs the Idempotency-Key header.")
    assert "so a retry cannot repeat" in error["message"]


async def test_every_status_a_route_answers_is_in_the_document(
    people: People, server: ServerThread, document: Document
) -> None:
    """Make a few routes answer each error this server gives, over loopback, and look up
    every answer under its route in the document."""
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.deposit(usd(10_000))
    post = await bob.posts.create("bob's post")
    bill = await ada.bills.request(["bob"], usd(500), "lunch")
    await bob.wallet.set_pin(PASSWORD, "2468")
    answered: list[tuple[str, str, int]] = []

    async def call(
        method: str,
        template: str,
        token: str | None,
        *,
        json: Any = None,
        pin: str | None = None,
        keyed: bool = True,
        **path: str,
    ) -> int:
        headers = {"Idempotency-Key": key()} if keyed else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if pin:
            headers["Payment-PIN"] = pin
        async with httpx.AsyncClient(base_url=server.url) as http:
            response = await http.request(
                method, template.format(**path), json=json, headers=headers
            )
        answered.append((method.lower(), template, response.status_code))
        return response.status_code

    money = usd(100).model_dump()
    a, b = ada.token, bob.token
    assert await call("GET", "/v1/me", None) == 401
    assert await call("POST", "/v1/deposits", a, json={"amount": money}, keyed=False) == 400
    assert await call("POST", "/v1/deposits", a, json={"amount": 1}) == 422
    assert await call("GET", "/v1/accounts/{handle}", a, handle="ghost") == 404
    assert await call("PUT", "/v1/accounts/{handle}/block", a, handle="ghost") == 404
    assert await call("DELETE", "/v1/accounts/{handle}/block", a, handle="ghost") == 404
    assert await call("DELETE", "/v1/posts/{post_id}", a, post_id=post.id) == 403
    assert await call("PUT", "/v1/posts/{post_id}/like", a, post_id="nope") == 404
    assert (
        await call(
            "POST",
            "/v1/accounts",
            None,
            json={"handle": "ada", "display_name": "Ada", "password": PASSWORD},
        )
        == 409
    )
    assert (
        await call("POST", "/v1/requests/{request_id}/cancel", b, request_id=bill.requests[0].id)
        == 403
    )
    assert (
        await call("POST", "/v1/requests/{request_id}/decline", b, request_id=bill.requests[0].id)
        == 200
    )
    assert (
        await call("POST", "/v1/requests/{request_id}/decline", b, request_id=bill.requests[0].id)
        == 409
    )
    second = await ada.bills.request(["bob"], usd(200), "taxi")
    assert await call("POST", "/v1/bills/{bill_id}/remind", a, bill_id=second.id) == 200
    assert await call("POST", "/v1/bills/{bill_id}/remind", a, bill_id=second.id) == 429
    pay = {"to": "ada", "amount": money}
    assert await call("POST", "/v1/transfers", b, json=pay) == 403  # no PIN given
    for _ in range(4):
        assert await call("POST", "/v1/transfers", b, json=pay, pin="0000") == 403
    assert await call("POST", "/v1/transfers", b, json=pay, pin="0000") == 423
    assert await call("POST", "/v1/transfers", b, json=pay, pin="2468") == 423
    assert await call("POST", "/v1/transfers", a, json={"to": "ada", "amount": money}) == 422

    for method, template, status in answered:
        responses = document["paths"][template][method]["responses"]
        assert str(status) in responses, (method, template, status)
    assert {status for *_, status in answered} >= {400, 401, 403, 404, 409, 422, 423, 429}
