"""What once answered 500 (and dropped the connection) answers a sentence instead: an
unknown currency, a bad or huge cursor on every list route, and undoing a repost that
someone bookmarked (which also left the repost stuck)."""

from __future__ import annotations

import httpx

from tests.conftest import People, openapi_document

CURSORS = [
    "²",
    "12345678901234567890",
    "-9999999999999999999",
    "9223372036854775808",
    "1e9",
    "42",
    "A" * 22,  # shaped like a cursor, never sealed by this server
    "²" * 22,
]


def list_routes() -> list[tuple[str, list[str]]]:
    """Every GET route that pages, with the cursors it takes, from the OpenAPI document."""
    spec = openapi_document()
    found = []
    for path, operations in spec["paths"].items():
        names = [p["name"] for p in operations.get("get", {}).get("parameters", [])]
        if cursors := [n for n in names if n in ("before", "after")]:
            found.append((path, cursors))
    return found


async def test_an_unknown_currency_is_a_sentence(people: People) -> None:
    ada = await people.signed_in("ada")
    async with httpx.AsyncClient(base_url=people.url) as client:
        answer = await client.get(
            "/v1/wallet/earnings",
            params={"currency": "XXX"},
            headers={"Authorization": f"Bearer {ada.token}"},
        )
    assert answer.status_code == 422, answer.text
    assert "currency" in answer.json()["error"]["message"]


async def test_bad_cursors_on_every_list_route_are_refused(people: People) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    post = await ada.posts.create("a #tagged post")
    conversation = await ada.chat.open("bob")
    fill = {
        "{conversation_id}": conversation.id,
        "{post_id}": post.id,
        "{handle}": "ada",
        "{tag}": "tagged",
    }
    routes = list_routes()
    assert len(routes) >= 18
    headers = {"Authorization": f"Bearer {ada.token}"}
    async with httpx.AsyncClient(base_url=people.url, headers=headers) as client:
        for path, names in routes:
            for placeholder, value in fill.items():
                path = path.replace(placeholder, value)
            params = {"q": "post"} if "search" in path else {}
            for name in names:
                for cursor in CURSORS:
                    answer = await client.get(path, params={**params, name: cursor})
                    assert answer.status_code == 422, (path, name, cursor, answer.text)
                    code = answer.json()["error"]["code"]
                    assert code in ("invalid_cursor", "invalid_request")


async def test_undoing_a_bookmarked_repost(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    cat = await people.signed_in("cat")
    post = await ada.posts.create("worth passing on")
    repost = await bob.posts.repost(post.id)
    await cat.posts.bookmark(repost.id)  # the bookmark is the original's
    await bob.posts.undo_repost(post.id)
    assert [p.id for p in (await cat.posts.bookmarks()).items] == [post.id]
    again = await bob.posts.repost(post.id)  # and bob can repost it again
    await bob.posts.undo_repost(post.id)
    assert again.repost_of is not None and again.repost_of.id == post.id


async def test_a_number_is_neither_a_day_nor_a_yes(people: People) -> None:
    """Pydantic's lax parsing read `0` as 1 January 1970 and as false; the document says
    a day and a boolean, and schemathesis found both taken."""
    ada = await people.signed_in("ada")
    headers = {"Authorization": f"Bearer {ada.token}"}
    async with httpx.AsyncClient(base_url=people.url, headers=headers) as client:
        day = await client.get("/v1/transfers", params={"until": "0"})
        yes = await client.put("/v1/me/preferences", json={"read_receipts": 0})
        fine = await client.get("/v1/transfers", params={"until": "2026-11-30"})
    assert day.status_code == 422 and "a day is written YYYY-MM-DD" in day.text
    assert yes.status_code == 422 and "read_receipts" in yes.json()["error"]["message"]
    assert fine.status_code == 200
