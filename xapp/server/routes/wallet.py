"""Wallet, deposits and transfers."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from xapp.api.models import CreateDeposit, CreateTransfer, Page, Transfer, Wallet
from xapp.server import accounts, ledger
from xapp.server.auth import CurrentAccount, Db
from xapp.server.db import Tx
from xapp.server.idempotency import IdempotencyKey, fingerprint, once
from xapp.server.pages import PageParams

router = APIRouter(prefix="/v1", tags=["wallet"])


@router.get("/wallet", response_model=Wallet)
async def wallet(db: Db, account: CurrentAccount) -> Wallet:
    async with db.read() as conn:
        return Wallet(balances=await ledger.balances(conn, account.id))


@router.post("/deposits", status_code=201, response_model=Transfer)
async def deposit(
    body: CreateDeposit, request: Request, db: Db, account: CurrentAccount, key: IdempotencyKey
) -> Response:
    return await once(
        db,
        account,
        key,
        fingerprint(request, body),
        lambda tx: ledger.deposit(tx, account, body.amount),
    )


@router.post("/transfers", status_code=201, response_model=Transfer)
async def transfer(
    body: CreateTransfer, request: Request, db: Db, account: CurrentAccount, key: IdempotencyKey
) -> Response:
    async def pay(tx: Tx) -> Transfer:
        recipient = await accounts.by_handle(tx.conn, body.to)
        return await ledger.transfer(tx, account, recipient, body.amount, body.note)

    return await once(db, account, key, fingerprint(request, body), pay)


@router.get("/transfers", response_model=Page[Transfer])
async def history(db: Db, account: CurrentAccount, cursor: PageParams) -> Page[Transfer]:
    async with db.read() as conn:
        return await ledger.history(conn, account.id, cursor)
