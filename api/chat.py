"""`client.chat`: conversations, groups, messages, reactions, receipts, typing and
message search (the server's `routes/chat.py`)."""

from __future__ import annotations

from xapp.api.models import Conversation, Message, Page, Position, SearchHit
from xapp.api.transport import Transport, handle_path, new_key


class Chat:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def conversations(self, before: str | None = None, limit: int = 50) -> Page[Conversation]:
        return await self._t.get(
            Page[Conversation], "/v1/conversations", before=before, limit=limit
        )

    async def open(self, *handles: str, name: str | None = None) -> Conversation:
        """One handle: the chat between the two of you; several (or a name): a new group."""
        body = {"handles": [handle_path(h) for h in handles], "name": name}
        return await self._t.send(Conversation, "POST", "/v1/conversations", body)

    async def get(self, conversation_id: str) -> Conversation:
        return await self._t.get(Conversation, f"/v1/conversations/{conversation_id}")

    async def rename(self, conversation_id: str, name: str) -> Conversation:
        path = f"/v1/conversations/{conversation_id}"
        return await self._t.send(Conversation, "PATCH", path, {"name": name})

    async def add_members(self, conversation_id: str, *handles: str) -> Conversation:
        path = f"/v1/conversations/{conversation_id}/members"
        return await self._t.send(Conversation, "POST", path, {"handles": list(handles)})

    async def remove_member(self, conversation_id: str, handle: str) -> Conversation:
        path = f"/v1/conversations/{conversation_id}/members/{handle_path(handle)}"
        return await self._t.send(Conversation, "DELETE", path)

    async def make_admin(self, conversation_id: str, handle: str) -> Conversation:
        path = f"/v1/conversations/{conversation_id}/admins/{handle_path(handle)}"
        return await self._t.send(Conversation, "POST", path)

    async def send(
        self,
        conversation_id: str,
        text: str,
        key: str | None = None,
        *,
        reply_to: str | None = None,
    ) -> Message:
        path = f"/v1/conversations/{conversation_id}/messages"
        body = {"text": text, "reply_to": reply_to}
        return await self._t.send(Message, "POST", path, body, key or new_key())

    async def messages(
        self,
        conversation_id: str,
        before: str | None = None,
        limit: int = 50,
        *,
        around: str | None = None,
    ) -> Page[Message]:
        path = f"/v1/conversations/{conversation_id}/messages"
        return await self._t.get(Page[Message], path, before=before, limit=limit, around=around)

    async def edit(self, conversation_id: str, message_id: str, text: str) -> Message:
        path = f"/v1/conversations/{conversation_id}/messages/{message_id}"
        return await self._t.send(Message, "PATCH", path, {"text": text})

    async def delete(self, conversation_id: str, message_id: str) -> Message:
        path = f"/v1/conversations/{conversation_id}/messages/{message_id}"
        return await self._t.send(Message, "DELETE", path)

    async def react(
        self, conversation_id: str, message_id: str, emoji: str, on: bool = True
    ) -> Message:
        path = f"/v1/conversations/{conversation_id}/messages/{message_id}/reactions/{emoji}"
        return await self._t.send(Message, "PUT" if on else "DELETE", path)

    async def mark(self, conversation_id: str, up_to: int, *, read: bool) -> Position:
        """Tell the others my client received (`read=False`) or showed messages up to here."""
        path = f"/v1/conversations/{conversation_id}/{'read' if read else 'delivered'}"
        return await self._t.send(Position, "POST", path, {"up_to": up_to})

    async def typing(self, conversation_id: str) -> None:
        await self._t.request("POST", f"/v1/conversations/{conversation_id}/typing")

    async def search(
        self, q: str, conversation_id: str | None = None, before: str | None = None
    ) -> Page[SearchHit]:
        return await self._t.get(
            Page[SearchHit],
            "/v1/messages/search",
            q=q,
            conversation_id=conversation_id,
            before=before,
        )
