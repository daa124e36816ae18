"""Group commit: concurrent writes share commits, and each request still gets its own
result, its own idempotent answer and its own error. One failing transfer must not fail
its neighbours, on either store.
"""

from __future__ import annotations

import asyncio

import httpx

from tests.conftest import People, audit, balance_of, key, query, usd


async def test_each_request_in_a_burst_gets_its_own_answer(
    people: People, server, db_path, backend: str
) -> None:
    ann = await people.signed_in("ann")
    await people.signed_in("ben")
    broke = await people.signed_in("cat")  # has nothing: every send of hers fails
    await ann.wallet.deposit(usd(100_000))
    sends = []
    for i in range(60):
        if i % 3 == 0:
            sends.append(("cat", broke.token, {"to": "ben", "amount": 500}))
        elif i % 3 == 1:
            sends.append(("ann", ann.token, {"to": "nobody_here", "amount": 500}))
        else:
            sends.append(("ann", ann.token, {"to": "ben", "amount": 100 + i}))
    keys = [key() for _ in sends]
    limits = httpx.Limits(max_connections=60)
    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=60) as http:

        async def send(i: int) -> httpx.Response:
            _, token, body = sends[i]
            return await http.post(
                "/v1/transfers",
                json={"to": body["to"], "amount": {"amount": body["amount"], "currency": "USD"}},
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": keys[i]},
            )

        commits_before = _commits(server)
        answers = await asyncio.gather(*(send(i) for i in range(60)))
        commits = _commits(server) - commits_before
        again = await asyncio.gather(*(send(i) for i in range(60)))  # every retry
    for i, answer in enumerate(answers):
        payer, _, body = sends[i]
        if payer == "cat":
            assert answer.status_code == 422, answer.text
            assert answer.json()["error"]["code"] == "insufficient_funds"
        elif body["to"] == "nobody_here":
            assert answer.status_code == 404, answer.text
        else:
            assert answer.status_code == 201, answer.text
            assert answer.json()["amount"]["amount"] == body["amount"]
            assert again[i].content == answer.content  # its own stored answer, byte for byte
    paid = [body["amount"] for payer, _, body in sends if body["to"] == "ben" and payer == "ann"]
    assert balance_of(db_path, "ben") == sum(paid)
    assert balance_of(db_path, "ann") == 100_000 - sum(paid)
    assert balance_of(db_path, "cat") == 0
    assert query(db_path, "SELECT count(*) FROM transfers WHERE kind = 'payment'") == [(len(paid),)]
    assert audit(db_path).returncode == 0
    if backend == "sqlite":
        # Fewer commits than the requests that wrote (each of the 60 wrote at least its
        # idempotency key... or failed and wrote nothing): one fsync served several.
        assert 0 < commits < len(paid), commits


def _commits(server) -> int:
    db = server.app.state.db
    return db.writer.commits if db.writer is not None else 0
