"""Who is in a conversation: the one question chats, bills and payment cards all ask."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from xapp.server.db import Conn
from xapp.server.schema import conversation_members

# Asked on every message: built once (see db.py on statements built per call).
_MEMBERS = select(conversation_members.c.account_id).where(
    conversation_members.c.conversation_id == bindparam("conversation_id")
)


async def member_ids(conn: Conn, conversation_id: str) -> list[str]:
    rows = await conn.execute(_MEMBERS, {"conversation_id": conversation_id})
    return [r[0] for r in rows]
