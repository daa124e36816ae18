"""Who is in a conversation: the one question chats, bills and payment cards all ask."""

from __future__ import annotations

from sqlalchemy import select

from xapp.server.db import Conn
from xapp.server.schema import conversation_members


async def member_ids(conn: Conn, conversation_id: str) -> list[str]:
    rows = await conn.execute(
        select(conversation_members.c.account_id).where(
            conversation_members.c.conversation_id == conversation_id
        )
    )
    return [r[0] for r in rows]
