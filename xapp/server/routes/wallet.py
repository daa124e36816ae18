"""Wallet: balances, deposits, payments (with the undo window), refunds, history,
receipts, the payments PIN, and tip earnings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from xapp.api.models import (
    CreateDeposit,
    CreateRefund,
    CreateTip,
    CreateTransfer,
    Earnings,
    Handle,
    Page,
    Payee,
    Receipt,
    SetPin,
    Transfer,
    TransferKind,
    Wallet,
)
from xapp.server import accounts, chat, ledger, messages, payments, pins
from xapp.server.db import Tx
from xapp.server.deps import CurrentAccount, Db, Hasher, Settings, Signer
from xapp.server.errors import AppError
from xapp.server.idempotency import Idempotent
from xapp.server.pages import PageParams
from xapp.server.pins import PinChecked

router = APIRouter(prefix="/v1", tags=["wallet"])


@router.get("/wallet", response_model=Wallet)
async def wallet(db: Db, account: CurrentAccount) -> Wallet:
    async with db.read() as conn:
        return Wallet(balances=await ledger.balances(conn, account.id))


@router.post("/deposits", status_code=201, response_model=Transfer)
async def deposit(body: CreateDeposit, once: Idempotent) -> Response:
    return await once(body, lambda tx: payments.deposit(tx, once.account, body.amount))


@router.post("/transfers", status_code=201, response_model=Transfer)
async def transfer(
    body: CreateTransfer, once: Idempotent, settings: Settings, _pin: PinChecked
) -> Response:
    """Pay @handle. With the server's undo window on, the payment is `pending` until
    `release_at` and the payer may cancel it; otherwise it completes at once."""
    hold = settings.undo_seconds

    async def pay(tx: Tx) -> Transfer:
        recipient = await accounts.by_handle(tx.conn, body.to)
        links = payments.Links(conversation_id=body.conversation_id, shared=body.share)
        if body.conversation_id:
            await chat.require_member(tx.conn, once.account, body.conversation_id, recipient)
        sent = await payments.pay(
            tx, once.account, recipient, body.amount, body.note, links=links, hold_seconds=hold
        )
        if body.conversation_id:
            await messages.send(tx, once.account, body.conversation_id, body.note, transfer=sent)
        return sent

    return await once(body, pay)


@router.get("/transfers", response_model=Page[Transfer])
async def history(
    db: Db,
    account: CurrentAccount,
    cursor: PageParams,
    direction: Literal["in", "out"] | None = None,
    with_: Annotated[Handle | None, Query(alias="with")] = None,
    kind: TransferKind | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[Transfer]:
    """Newest first. Filter by direction, counterparty (`with`), kind, UTC dates
    (inclusive) and words in the note (`q`)."""
    async with db.read() as conn:
        counterparty = await accounts.by_handle(conn, with_) if with_ else None
        filters = payments.Filters(direction, counterparty, kind, since, until, q)
        return await payments.history(conn, account, cursor, filters)


@router.get("/transfers/{transfer_id}", response_model=Transfer)
async def get_transfer(transfer_id: str, db: Db, account: CurrentAccount) -> Transfer:
    async with db.read() as conn:
        return await payments.get(conn, account, transfer_id)


@router.post("/transfers/{transfer_id}/cancel", response_model=Transfer)
async def cancel(transfer_id: str, db: Db, account: CurrentAccount) -> Transfer:
    """Take back a payment still inside its undo window (a void: the money comes back)."""
    async with db.write() as tx:
        return await payments.cancel(tx, account, transfer_id)


@router.post("/transfers/{transfer_id}/refunds", status_code=201, response_model=Transfer)
async def refund(
    transfer_id: str, body: CreateRefund, once: Idempotent, _pin: PinChecked
) -> Response:
    """The payee sends back part or all of a payment; never more than received in total."""
    return await once(
        body, lambda tx: payments.refund(tx, once.account, transfer_id, body.amount, body.note)
    )


@router.get("/transfers/{transfer_id}/receipt", response_model=Receipt)
async def receipt(
    transfer_id: str, request: Request, db: Db, account: CurrentAccount, signer: Signer
) -> Receipt:
    async with db.read() as conn:
        transfer = await payments.get(conn, account, transfer_id)
    if transfer.status != "completed":
        raise AppError(409, "not_completed", "A receipt is issued once the payment completes")
    return signer.sign(transfer, str(request.base_url).rstrip("/"))


@router.get("/receipts/key")
async def receipt_key(signer: Signer) -> dict[str, str]:
    """The server's Ed25519 public key (base64, raw 32 bytes), to pin when verifying."""
    return {"algorithm": "Ed25519", "public_key": signer.public_key}


@router.get("/payees/{handle}", response_model=Payee)
async def payee(handle: Handle, db: Db, account: CurrentAccount) -> Payee:
    """Who a payment to @handle would reach, and whether it would be the first."""
    async with db.read() as conn:
        target = await accounts.by_handle(conn, handle)
        return Payee(account=target, paid_before=await payments.paid_before(conn, account, target))


@router.put("/me/pin", status_code=204)
async def set_pin(body: SetPin, db: Db, account: CurrentAccount, passwords: Hasher) -> Response:
    """Set or change the payments PIN; the password is needed either way."""
    await pins.set_pin(db, passwords, account, body.password, body.pin)
    return Response(status_code=204)


@router.post("/posts/{post_id}/tips", status_code=201, response_model=Transfer)
async def tip(post_id: str, body: CreateTip, once: Idempotent, _pin: PinChecked) -> Response:
    """Tip a post's author."""
    return await once(body, lambda tx: payments.tip(tx, once.account, post_id, body.amount))


@router.get("/wallet/earnings", response_model=Earnings)
async def earnings(db: Db, account: CurrentAccount, currency: str = "USD") -> Earnings:
    async with db.read() as conn:
        return await payments.earnings(conn, account, currency)
