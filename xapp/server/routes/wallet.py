"""Wallet, deposits and transfers."""

from __future__ import annotations

from fastapi import APIRouter, Response

from xapp.api.models import CreateDeposit, CreateTransfer, Page, Transfer, Wallet
from xapp.server import accounts, ledger
from xapp.server.auth import CurrentAccount, Db
from xapp.server.db import Tx
from xapp.server.idempotency import Idempotent
from xapp.server.pages import PageParams

router = APIRouter(prefix="/v1", tags=["wallet"])


@router.get("/wallet", response_model=Wallet)
async def wallet(db: Db, account: CurrentAccount) -> Wallet:
    async with db.read() as conn:
        return Wallet(balances=await ledger.balances(conn, account.id))


@router.post("/deposits", status_code=201, response_model=Transfer)
async def deposit(body: CreateDeposit, once: Idempotent) -> Response:
    return await once(body, lambda tx: ledger.deposit(tx, once.account, body.amount))


@router.post("/transfers", status_code=201, response_model=Transfer)
async def transfer(body: CreateTransfer, once: Idempotent) -> Response:
    async def pay(tx: Tx) -> Transfer:
        recipient = await accounts.by_handle(tx.conn, body.to)
        return await ledger.transfer(tx, once.account, recipient, body.amount, body.note)

    return await once(body, pay)


@router.get("/transfers", response_model=Page[Transfer])
async def history(db: Db, account: CurrentAccount, cursor: PageParams) -> Page[Transfer]:
    async with db.read() as conn:
        return await ledger.history(conn, account.id, cursor)
