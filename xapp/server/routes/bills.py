"""Requests for money and split bills."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from xapp.api.models import Bill, CreateBill, CreateRequest, Page, PaymentRequest, Transfer
from xapp.server import bills, messages, money_out
from xapp.server.db import Tx
from xapp.server.deps import CurrentAccount, Db
from xapp.server.idempotency import Idempotent
from xapp.server.money_out import MoneyRules
from xapp.server.openapi import refuses
from xapp.server.pages import PageParams
from xapp.server.pins import PinChecked
from xapp.server.retries import RetriedRoute

router = APIRouter(prefix="/v1", tags=["requests"], route_class=RetriedRoute)


@router.post("/requests", status_code=201, response_model=Bill, responses=refuses(403, 404))
async def request_money(body: CreateRequest, once: Idempotent) -> Response:
    """Ask one or several people for the same amount each."""

    async def ask(tx: Tx) -> Bill:
        bill = await bills.request(
            tx, once.account, body.handles, body.amount, body.note, body.conversation_id
        )
        if body.conversation_id:  # asked in a chat: a card shows there
            await messages.send(tx, once.account, body.conversation_id, bill.summary, bill=bill)
        return bill

    return await once(body, ask)


@router.post(
    "/conversations/{conversation_id}/bills",
    status_code=201,
    response_model=Bill,
    responses=refuses(403, 404),
)
async def split_bill(conversation_id: str, body: CreateBill, once: Idempotent) -> Response:
    """Split a total among the chat's members; a bill card appears in the chat."""

    async def split(tx: Tx) -> Bill:
        bill = await bills.split(
            tx, once.account, conversation_id, body.total, body.note, body.shares
        )
        await messages.send(tx, once.account, conversation_id, bill.summary, bill=bill)
        return bill

    return await once(body, split)


@router.get("/requests", response_model=Page[PaymentRequest], summary="List requests for money")
async def list_requests(
    db: Db,
    account: CurrentAccount,
    cursor: PageParams,
    role: Literal["incoming", "outgoing"] = "incoming",
    status: Literal["open", "paid", "declined", "cancelled"] | None = None,
) -> Page[PaymentRequest]:
    """Requests to me (`incoming`) or from me (`outgoing`), newest first."""
    async with db.read() as conn:
        return await bills.requests_for(conn, account, role, status, cursor)


@router.get("/bills/{bill_id}", response_model=Bill, responses=refuses(404))
async def get_bill(bill_id: str, db: Db, account: CurrentAccount) -> Bill:
    async with db.read() as conn:
        return await bills.get(conn, account, bill_id)


@router.post(
    "/requests/{request_id}/pay",
    status_code=201,
    response_model=Transfer,
    responses=refuses(403, 404, 409),
)
async def pay_request(
    request_id: str, once: Idempotent, proof: PinChecked, rules: MoneyRules
) -> Response:
    """Pay a request made of me: a payment like any other, held in the undo window."""
    order = money_out.PayRequest(request_id)
    return await once(None, lambda tx: money_out.send(tx, proof, order, rules))


@router.post(
    "/requests/{request_id}/decline",
    response_model=Bill,
    summary="Decline a request",
    responses=refuses(403, 404, 409),
)
async def decline(request_id: str, db: Db, account: CurrentAccount) -> Bill:
    async with db.write() as tx:
        return await bills.decline(tx, account, request_id)


@router.post(
    "/requests/{request_id}/cancel",
    response_model=Bill,
    summary="Cancel my request",
    responses=refuses(403, 404, 409),
)
async def cancel(request_id: str, db: Db, account: CurrentAccount) -> Bill:
    async with db.write() as tx:
        return await bills.cancel(tx, account, request_id)


@router.post(
    "/bills/{bill_id}/remind",
    response_model=Bill,
    summary="Remind who has not paid",
    responses=refuses(403, 404, 409, 429),
)
async def remind(bill_id: str, db: Db, account: CurrentAccount) -> Bill:
    """Remind everyone who has not paid; at most once a day each."""
    async with db.write() as tx:
        return await bills.remind(tx, account, bill_id)
