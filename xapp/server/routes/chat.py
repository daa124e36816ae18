"""Conversations and messages."""

from __future__ import annotations

from fastapi import APIRouter, Response

from xapp.api.models import Conversation, CreateConversation, CreateMessage, Message, Page
from xapp.server import chat
from xapp.server.auth import CurrentAccount, Db
from xapp.server.idempotency import Idempotent
from xapp.server.pages import PageParams

router = APIRouter(prefix="/v1/conversations", tags=["chat"])


@router.get("", response_model=Page[Conversation])
async def list_conversations(
    db: Db, account: CurrentAccount, cursor: PageParams
) -> Page[Conversation]:
    async with db.read() as conn:
        return await chat.list_for(conn, account, cursor)


@router.post(
    "",
    status_code=201,
    response_model=Conversation,
    responses={200: {"model": Conversation, "description": "The existing conversation"}},
)
async def open_conversation(
    body: CreateConversation, db: Db, account: CurrentAccount, response: Response
) -> Conversation:
    async with db.write() as tx:
        conversation, created = await chat.start(tx, account, body.handles)
    response.status_code = 201 if created else 200
    return conversation


@router.post("/{conversation_id}/messages", status_code=201, response_model=Message)
async def send_message(conversation_id: str, body: CreateMessage, once: Idempotent) -> Response:
    return await once(body, lambda tx: chat.send(tx, once.account, conversation_id, body.text))


@router.get("/{conversation_id}/messages", response_model=Page[Message])
async def messages(
    conversation_id: str, db: Db, account: CurrentAccount, cursor: PageParams
) -> Page[Message]:
    async with db.read() as conn:
        return await chat.history(conn, account, conversation_id, cursor)
