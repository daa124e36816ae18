"""Oversized input is refused before it costs anything: a body over 1 MB gets 413 unread
(declared) or as it arrives (chunked), a text far over its limit is refused before it is
cleaned, and the server answers others meanwhile."""

from __future__ import annotations

import asyncio
import json
import time

import httpx

from tests.conftest import PASSWORD, People

BIG = 2 * 1024 * 1024


async def test_a_huge_body_is_refused_unread(people: People) -> None:
    body = json.dumps({"handle": "mallory", "display_name": "x" * BIG, "password": PASSWORD})
    async with httpx.AsyncClient(base_url=people.url, timeout=30) as client:
        declared = await client.post(
            "/v1/accounts", content=body, headers={"Content-Type": "application/json"}
        )
        assert declared.status_code == 413
        assert declared.json()["error"] == {
            "code": "too_large",
            "message": "A request body may be at most 1024 KB",
        }

        async def chunks():  # no Content-Length: counted as it arrives
            for start in range(0, len(body), 64 * 1024):
                yield body[start : start + 64 * 1024].encode()

        chunked = await client.post(
            "/v1/accounts", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert chunked.status_code == 413


async def test_a_text_far_over_its_limit_is_refused_before_cleaning(people: People) -> None:
    name = "\u0301" * 300_000  # combining marks: the costliest text to clean
    async with httpx.AsyncClient(base_url=people.url, timeout=30) as client:
        started = time.perf_counter()
        answer = await client.post(
            "/v1/accounts",
            json={"handle": "mallory", "display_name": name, "password": PASSWORD},
        )
        took = time.perf_counter() - started
        assert answer.status_code == 422
        assert "is far too long; the limit is 50" in answer.json()["error"]["message"]
        # Others are answered meanwhile (the loop was not held by the text).
        health = await asyncio.gather(*(client.get("/v1/health") for _ in range(5)))
        assert {h.status_code for h in health} == {200}
    assert took < 5, took  # generous: it is refused, not cleaned


async def test_an_ordinary_body_is_read_as_before(people: People) -> None:
    ada = await people.signed_in("ada", "Ada " + "é" * 40)
    assert (await ada.accounts.me()).display_name.startswith("Ada éé")
