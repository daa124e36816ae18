"""Exactly-once creation (DESIGN.md principle 5).

The key is claimed first, then the action runs and its response is stored, all in one
write transaction, so concurrent retries queue behind the first and then replay its
response: on SQLite behind the single writer; on PostgreSQL the second claim waits on
the first one's row lock and, once the first commits, finds its stored response (the
action never runs twice, so a retry can't be told "insufficient funds" by its own first
attempt). A failed action stores nothing (its transaction rolled back, the claim with
it), so a retry runs it afresh. Keys are scoped per account:
another account's key is simply a different key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel
from sqlalchemy import bindparam, select, update

from xapp.api.models import Account
from xapp.server.clock import now_us
from xapp.server.db import Database, Tx, upsert
from xapp.server.deps import CurrentAccount, Db
from xapp.server.errors import AppError
from xapp.server.openapi import answers
from xapp.server.schema import idempotency_keys

KEY_HEADER = "Idempotency-Key"


@answers(422)
async def idempotency_key(
    key: Annotated[
        str,
        Header(
            alias=KEY_HEADER,
            description="Made by the client once per action and sent again with every retry "
            "of it, so a retry cannot repeat the action (1-255 printable ASCII characters).",
            # Documented here, checked below: the check's sentence is for people.
            json_schema_extra={"minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
        ),
    ],
) -> str:
    """The request's key. Required, so a missing one is refused before anything runs
    (a 400 that says why, from `errors.install`), and the document says so."""
    if not 1 <= len(key) <= 255 or not key.isascii() or not key.isprintable():
        raise AppError(
            422, "invalid_idempotency_key", "An Idempotency-Key is 1-255 printable ASCII characters"
        )
    return key


IdempotencyKey = Annotated[str, Depends(idempotency_key)]

# Every write that can be retried asks these: built once (see db.py).
_THIS_KEY = (
    idempotency_keys.c.account_id == bindparam("account_id"),
    idempotency_keys.c.key == bindparam("key"),
)
_STORED = select(idempotency_keys).where(*_THIS_KEY)
_CLAIM = {
    dialect: upsert(dialect, idempotency_keys)
    .on_conflict_do_nothing()
    .returning(idempotency_keys.c.key)
    for dialect in ("sqlite", "postgresql")
}
"""Insert the key unless it is there (on PostgreSQL: once its first claim has ended)."""
_ANSWER = (
    update(idempotency_keys)
    .where(
        idempotency_keys.c.account_id == bindparam("owner"),
        idempotency_keys.c.key == bindparam("claimed_key"),
    )
    .values(status_code=201, body=bindparam("answer"))
)


def _fingerprint(request: Request, body: BaseModel | None) -> str:
    text = f"{request.method} {request.url.path}\n{body.model_dump_json() if body else ''}"
    return hashlib.sha256(text.encode()).hexdigest()


def _json(body: str, status_code: int) -> Response:
    return Response(body, status_code=status_code, media_type="application/json")


@dataclass
class Once:
    """What a creating route needs to run its action exactly once: `await once(body, action)`."""

    db: Database
    account: Account
    key: str
    request: Request

    async def __call__(
        self, body: BaseModel | None, action: Callable[[Tx], Awaitable[BaseModel]]
    ) -> Response:
        """Run `action` once per (account, key); a retry gets the first 201, byte for byte."""
        request_fingerprint = _fingerprint(self.request, body)
        async with self.db.write() as tx:
            this_key = {"account_id": self.account.id, "key": self.key}
            claimed = await tx.conn.scalar(
                _CLAIM[tx.conn.dialect.name],
                {
                    **this_key,
                    "fingerprint": request_fingerprint,
                    "status_code": 0,  # claimed, not answered yet: never seen committed
                    "body": "",
                    "created_at": now_us(),
                },
            )
            if claimed is None:
                row = (await tx.conn.execute(_STORED, this_key)).one()
                if row.fingerprint != request_fingerprint:
                    raise AppError(
                        422,
                        "idempotency_key_reused",
                        "This Idempotency-Key was already used for a different request",
                    )
                return _json(row.body, row.status_code)
            stored = (await action(tx)).model_dump_json()
            await tx.conn.execute(
                _ANSWER, {"owner": self.account.id, "claimed_key": self.key, "answer": stored}
            )
        return _json(stored, 201)


async def _once(request: Request, db: Db, account: CurrentAccount, key: IdempotencyKey) -> Once:
    return Once(db, account, key, request)


Idempotent = Annotated[Once, Depends(_once)]
