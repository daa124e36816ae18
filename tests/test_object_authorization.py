"""Object-level authorization, generated from the OpenAPI document: a stranger (eve) tries
every route that takes the id of something private (a conversation, a message, a
transfer, a bill or request, an invoice, a schedule, a rule, a session) with ada's ids.
Every try is refused, answered exactly as the same try with a made-up id is (so nothing
says the object exists), and ada's objects are unchanged afterwards. Routes whose only
ids are public (a post, a handle, a tag) are public by design and left out."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import httpx

from tests.conftest import People, openapi_document, query, usd

PRIVATE = {
    "conversation_id",
    "message_id",
    "transfer_id",
    "bill_id",
    "request_id",
    "invoice_id",
    "schedule_id",
    "rule_id",
    "session_id",
}
BODIES = {
    "/messages": {"text": "hi"},
    "/refunds": {"amount": {"amount": 100, "currency": "USD"}},
    "/tips": {"amount": {"amount": 100, "currency": "USD"}},
    "/members": {"handles": ["eve"]},
    "/bills": {"total": {"amount": 300, "currency": "USD"}, "note": ""},
    "/read": {"up_to": 1},
    "/delivered": {"up_to": 1},
}


def private_routes() -> list[tuple[str, str]]:
    spec = openapi_document()
    routes = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            if names & PRIVATE:
                routes.append((method.upper(), path))
    return routes


def filled(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


def body_for(method: str, path: str) -> dict[str, object] | None:
    if method == "PATCH":  # a rename, or an edit
        return {"text": "edited"} if path.endswith("{message_id}") else {"name": "renamed"}
    for ending, body in BODIES.items():
        if path.endswith(ending):
            return body
    return None


async def test_a_stranger_is_refused_every_private_object(people: People, db_path) -> None:
    ada = await people.signed_in("ada", "Ada")
    bob = await people.signed_in("bob", "Bob")
    eve = await people.signed_in("eve", "Eve")
    await ada.wallet.verify("Ada Lovelace", dt.date(1990, 1, 1), "GB", business=True)
    await ada.wallet.deposit(usd(50_000))
    conversation = await ada.chat.open("bob")
    message = await ada.chat.send(conversation.id, "private words")
    paid = await ada.wallet.pay("bob", usd(1_000), "private payment")
    bill = await ada.bills.request(["bob"], usd(500), "private bill")
    invoice = await ada.wallet.invoice("bob", [("work", 1, usd(2_000))], dt.date(2027, 1, 1))
    schedule = await ada.wallet.schedule("bob", usd(100), "monthly", dt.date(2027, 1, 1))
    rule = await ada.rules.sweep(usd(1_000), usd(500))
    (session,) = await ada.accounts.sessions()
    real = {
        "conversation_id": conversation.id,
        "message_id": message.id,
        "transfer_id": paid.id,
        "bill_id": bill.id,
        "request_id": bill.requests[0].id,
        "invoice_id": invoice.id,
        "schedule_id": schedule.id,
        "rule_id": rule.id,
        "session_id": session.id,
        "handle": "bob",
        "emoji": "👍",
        "post_id": str(uuid.uuid4()),
    }
    made_up = {
        name: (value if name in ("handle", "emoji") else _made_up(value))
        for name, value in real.items()
    }
    before = snapshot(db_path)

    routes = private_routes()
    assert len(routes) >= 30, routes
    tried = 0
    headers = {"Authorization": f"Bearer {eve.token}"}
    async with httpx.AsyncClient(base_url=people.url, headers=headers) as client:
        for method, path in routes:
            answers = []
            for ids in (real, made_up):
                answers.append(
                    await client.request(
                        method,
                        filled(path, ids),
                        json=body_for(method, path) if method != "GET" else None,
                        headers={"Idempotency-Key": str(uuid.uuid4())},
                    )
                )
            mine, invented = answers
            # Refused by who asks, not by what was sent (a 422 would not have asked).
            assert mine.status_code in (403, 404, 409), (method, path, mine.text)
            assert (mine.status_code, mine.json()) == (invented.status_code, invented.json()), (
                method,
                path,
            )
            tried += 1
    assert tried == len(routes)
    assert snapshot(db_path) == before  # nothing of ada's changed
    assert (await bob.accounts.me()).handle == "bob"


def _made_up(value: str) -> str:
    """An id of the same shape that names nothing."""
    if re.fullmatch(r"[0-9a-f]{16}", value):  # a session id
        return "0123456789abcdef"
    return str(uuid.uuid4())


def snapshot(db_path) -> list[object]:
    """What the stranger's tries could have changed of ada's."""
    return [
        query(db_path, "SELECT id, text, edited_at FROM messages ORDER BY id"),
        query(db_path, "SELECT id, status, refunded FROM transfers ORDER BY id"),
        query(db_path, "SELECT id, status FROM payment_requests ORDER BY id"),
        query(db_path, "SELECT id, status FROM invoices ORDER BY id"),
        query(db_path, "SELECT id, status FROM schedules ORDER BY id"),
        query(db_path, "SELECT id, status FROM money_rules ORDER BY id"),
        query(db_path, "SELECT count(*) FROM tokens"),
        query(db_path, "SELECT count(*) FROM conversation_members"),
    ]
