"""The outbox: what the user sent, kept on disk until the server has it, sent exactly once.

A message or post is written to `outbox.json` in the data dir (atomically: a temp file
renamed over the old one) before anything goes on the network, with an idempotency key
made once for it. `drain` sends the queued entries oldest first, each with its own key,
so a retry after a timeout or a restart cannot make a second copy: the server answers a
repeated key with the first response. An unreachable server leaves the entry queued for
the next drain; a refusal (a 4xx: too long, no longer a member…) marks it failed with the
server's sentence, for the user to retry or delete. Order is kept per outbox: nothing is
sent while an older entry is still queued.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, TypeAdapter

from xapp.api.client import ApiClient, new_key
from xapp.api.errors import ApiError, ServerUnavailable, Unauthorized
from xapp.api.models import Message, Post

State = Literal["queued", "failed"]


class Entry(BaseModel):
    key: str
    kind: Literal["message", "post"]
    text: str
    conversation_id: str | None = None
    reply_to: str | None = None
    created_at: datetime
    state: State = "queued"
    error: str = ""


_ENTRIES = TypeAdapter(list[Entry])

Sent = Callable[[Entry, Message | Post], None]
Changed = Callable[[Entry], None]


class Outbox:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[Entry] = []
        if path.exists():
            self.entries = _ENTRIES.validate_json(path.read_bytes())

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".outbox-")
        with os.fdopen(fd, "wb") as out:
            out.write(_ENTRIES.dump_json(self.entries, indent=1))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, self.path)

    def add(
        self,
        kind: Literal["message", "post"],
        text: str,
        conversation_id: str | None = None,
        reply_to: str | None = None,
        key: str | None = None,
    ) -> Entry:
        """Keep something to send; pass the `key` of an attempt that may have reached the
        server already, so sending it again cannot make a copy."""
        entry = Entry(
            key=key or new_key(),
            kind=kind,
            text=text,
            conversation_id=conversation_id,
            reply_to=reply_to,
            created_at=datetime.now(UTC),
        )
        self.entries.append(entry)
        self._save()
        return entry

    def for_conversation(self, conversation_id: str) -> list[Entry]:
        return [e for e in self.entries if e.conversation_id == conversation_id]

    def retry(self, key: str) -> None:
        self._set(key, state="queued", error="")

    def delete(self, key: str) -> None:
        self.entries = [e for e in self.entries if e.key != key]
        self._save()

    def _set(self, key: str, **changes: str) -> Entry | None:
        for index, entry in enumerate(self.entries):
            if entry.key == key:
                self.entries[index] = entry.model_copy(update=changes)
                self._save()
                return self.entries[index]
        return None

    @property
    def queued(self) -> list[Entry]:
        return [e for e in self.entries if e.state == "queued"]

    async def drain(self, client: ApiClient, sent: Sent, changed: Changed) -> bool:
        """Send queued entries oldest first; True when none is left queued. Stops at the
        first one the server can't be reached for (order matters more than speed)."""
        for entry in list(self.queued):
            try:
                if entry.kind == "message":
                    assert entry.conversation_id is not None
                    result: Message | Post = await client.chat.send(
                        entry.conversation_id, entry.text, key=entry.key, reply_to=entry.reply_to
                    )
                else:
                    result = await client.posts.create(entry.text, key=entry.key)
            except (ServerUnavailable, Unauthorized):
                return False
            except ApiError as exc:
                if exc.status >= 500:  # the server's trouble, not the message's: try later
                    return False
                failed = self._set(entry.key, state="failed", error=exc.message)
                if failed is not None:
                    changed(failed)
                continue
            self.entries = [e for e in self.entries if e.key != entry.key]
            self._save()
            sent(entry, result)
        return True
