"""Conversations, groups and messages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from xapp.api.models import (
    AddMembers,
    Conversation,
    CreateConversation,
    CreateMessage,
    EditMessage,
    Emoji,
    Handle,
    MarkPosition,
    Message,
    Page,
    Position,
    SearchHit,
    UpdateConversation,
)
from xapp.server import chat, messages
from xapp.server.deps import CurrentAccount, Db, Typing
from xapp.server.idempotency import Idempotent
from xapp.server.openapi import refuses
from xapp.server.pages import PageParams
from xapp.server.retries import RetriedRoute

router = APIRouter(prefix="/v1", tags=["chat"], route_class=RetriedRoute)


@router.get("/conversations", response_model=Page[Conversation], summary="List my conversations")
async def list_conversations(
    db: Db, account: CurrentAccount, cursor: PageParams
) -> Page[Conversation]:
    """Newest activity first, each with my unread count and everyone's positions."""
    async with db.read() as conn:
        return await chat.list_for(conn, account, cursor)


@router.post(
    "/conversations",
    status_code=201,
    response_model=Conversation,
    responses={
        200: {"model": Conversation, "description": "The existing conversation"},
        **refuses(403, 404),
    },
)
async def open_conversation(
    body: CreateConversation, db: Db, account: CurrentAccount, response: Response
) -> Conversation:
    async with db.write() as tx:
        conversation, created = await chat.start(tx, account, body.handles, body.name)
    response.status_code = 201 if created else 200
    return conversation


@router.get("/conversations/{conversation_id}", response_model=Conversation, responses=refuses(404))
async def get_conversation(conversation_id: str, db: Db, account: CurrentAccount) -> Conversation:
    async with db.read() as conn:
        return await chat.get(conn, account, conversation_id)


@router.patch(
    "/conversations/{conversation_id}",
    response_model=Conversation,
    summary="Rename a group",
    responses=refuses(403, 404),
)
async def rename(
    conversation_id: str, body: UpdateConversation, db: Db, account: CurrentAccount
) -> Conversation:
    """Rename a group (admins)."""
    async with db.write() as tx:
        return await chat.rename(tx, account, conversation_id, body.name)


@router.post(
    "/conversations/{conversation_id}/members",
    response_model=Conversation,
    responses=refuses(403, 404),
)
async def add_members(
    conversation_id: str, body: AddMembers, db: Db, account: CurrentAccount
) -> Conversation:
    """Add people to a group (admins); they see its history, none of it unread."""
    async with db.write() as tx:
        return await chat.add_members(tx, account, conversation_id, body.handles)


@router.delete(
    "/conversations/{conversation_id}/members/{handle}",
    response_model=Conversation,
    responses=refuses(403, 404),
)
async def remove_member(
    conversation_id: str, handle: Handle, db: Db, account: CurrentAccount
) -> Conversation:
    """Remove someone (admins), or yourself (leave)."""
    async with db.write() as tx:
        return await chat.remove_member(tx, account, conversation_id, handle)


@router.post(
    "/conversations/{conversation_id}/admins/{handle}",
    response_model=Conversation,
    responses=refuses(403, 404),
)
async def make_admin(
    conversation_id: str, handle: Handle, db: Db, account: CurrentAccount
) -> Conversation:
    async with db.write() as tx:
        return await chat.make_admin(tx, account, conversation_id, handle)


@router.post(
    "/conversations/{conversation_id}/messages",
    status_code=201,
    response_model=Message,
    responses=refuses(403, 404),
)
async def send_message(conversation_id: str, body: CreateMessage, once: Idempotent) -> Response:
    return await once(
        body,
        lambda tx: messages.send(
            tx,
            once.account,
            conversation_id,
            body.text,
            reply_to=body.reply_to,
            client_key=once.key,
        ),
    )


@router.get(
    "/conversations/{conversation_id}/messages",
    response_model=Page[Message],
    summary="Message history",
    responses=refuses(404),
)
async def history(
    conversation_id: str,
    db: Db,
    account: CurrentAccount,
    cursor: PageParams,
    around: Annotated[str | None, Query(max_length=36)] = None,
) -> Page[Message]:
    """Newest first; `before` pages into older ones; `around` a message id gives the page
    that holds it (to jump to a search hit)."""
    async with db.read() as conn:
        if around is not None:
            return await messages.around(conn, account, conversation_id, around, cursor)
        return await messages.history(conn, account, conversation_id, cursor)


@router.patch(
    "/conversations/{conversation_id}/messages/{message_id}",
    response_model=Message,
    summary="Edit my message",
    responses=refuses(403, 404, 409),
)
async def edit(
    conversation_id: str, message_id: str, body: EditMessage, db: Db, account: CurrentAccount
) -> Message:
    async with db.write() as tx:
        return await messages.edit(tx, account, conversation_id, message_id, body.text)


@router.delete(
    "/conversations/{conversation_id}/messages/{message_id}",
    response_model=Message,
    summary="Delete my message for everyone",
    responses=refuses(403, 404, 409),
)
async def delete(conversation_id: str, message_id: str, db: Db, account: CurrentAccount) -> Message:
    """Delete for everyone; a tombstone stays."""
    async with db.write() as tx:
        return await messages.remove(tx, account, conversation_id, message_id)


@router.put(
    "/conversations/{conversation_id}/messages/{message_id}/reactions/{emoji}",
    response_model=Message,
    summary="React to a message",
    responses=refuses(404, 409),
)
async def react(
    conversation_id: str, message_id: str, emoji: Emoji, db: Db, account: CurrentAccount
) -> Message:
    async with db.write() as tx:
        return await messages.react(tx, account, conversation_id, message_id, emoji, on=True)


@router.delete(
    "/conversations/{conversation_id}/messages/{message_id}/reactions/{emoji}",
    response_model=Message,
    summary="Take my reaction back",
    responses=refuses(404, 409),
)
async def unreact(
    conversation_id: str, message_id: str, emoji: Emoji, db: Db, account: CurrentAccount
) -> Message:
    async with db.write() as tx:
        return await messages.react(tx, account, conversation_id, message_id, emoji, on=False)


@router.post(
    "/conversations/{conversation_id}/delivered",
    response_model=Position,
    summary="Mark messages delivered",
    responses=refuses(404),
)
async def delivered(
    conversation_id: str, body: MarkPosition, db: Db, account: CurrentAccount
) -> Position:
    """My client has received messages up to this position (through the feed)."""
    async with db.write() as tx:
        return await messages.mark(tx, account, conversation_id, body.up_to, read=False)


@router.post(
    "/conversations/{conversation_id}/read",
    response_model=Position,
    summary="Mark messages read",
    responses=refuses(404),
)
async def read(
    conversation_id: str, body: MarkPosition, db: Db, account: CurrentAccount
) -> Position:
    """I have seen messages up to this position (the chat was open at it)."""
    async with db.write() as tx:
        return await messages.mark(tx, account, conversation_id, body.up_to, read=True)


@router.post(
    "/conversations/{conversation_id}/typing",
    status_code=204,
    summary="Say I am typing",
    responses=refuses(404),
)
async def typing(
    conversation_id: str, db: Db, account: CurrentAccount, signals: Typing
) -> Response:
    """Say I am typing: an ephemeral signal to the other members' open feeds, at most one
    per 3 s per person, never written to the event log."""
    async with db.read() as conn:
        members = await messages.require_member(conn, account, conversation_id)
    await signals.send(db, account, conversation_id, members)
    return Response(status_code=204)


@router.get(
    "/messages/search",
    response_model=Page[SearchHit],
    summary="Search messages",
    responses=refuses(404),
)
async def search(
    db: Db,
    account: CurrentAccount,
    cursor: PageParams,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    conversation_id: str | None = None,
) -> Page[SearchHit]:
    """Messages holding the words, newest first, across my conversations or in one."""
    async with db.read() as conn:
        found, next_cursor = await messages.search(conn, account, q, conversation_id, cursor)
        conversations = {
            c: await chat.get(conn, account, c) for c in {m.conversation_id for m in found}
        }
    return Page[SearchHit](
        items=[SearchHit(message=m, conversation=conversations[m.conversation_id]) for m in found],
        next=next_cursor,
    )
