"""The bank rail: a linked bank account, deposits from it and withdrawals to it.

A withdrawal is money out like a payment: it goes through `money_out.send` (the PIN and
every rule). Linking an account asks for the PIN too: it decides where withdrawals go."""

from __future__ import annotations

from fastapi import APIRouter, Response

from xapp.api.models import (
    BankAccount,
    BankTransfer,
    CreateDeposit,
    CreateWithdrawal,
    LinkBankAccount,
    Transfer,
)
from xapp.server import banking, money_out, payments
from xapp.server.db import Tx
from xapp.server.deps import BankRail, CurrentAccount, Db, Settings
from xapp.server.idempotency import Idempotent
from xapp.server.money_out import MoneyRules
from xapp.server.openapi import refuses
from xapp.server.pins import PinChecked
from xapp.server.retries import RetriedRoute

router = APIRouter(prefix="/v1", tags=["bank"], route_class=RetriedRoute)


@router.put(
    "/me/bank-account",
    response_model=BankAccount,
    summary="Link my bank account",
    responses=refuses(403),
)
async def link(body: LinkBankAccount, db: Db, proof: PinChecked, rail: BankRail) -> BankAccount:
    """Link (or replace) the bank account deposits come from and withdrawals go to."""
    async with db.write() as tx:
        return await banking.link(tx, rail, proof.account, body)


@router.get("/me/bank-account", response_model=BankAccount, responses=refuses(409))
async def linked(db: Db, account: CurrentAccount) -> BankAccount:
    async with db.read() as conn:
        bank = await banking.linked(conn, account)
    if bank is None:
        raise banking.NO_BANK
    return bank


@router.delete("/me/bank-account", status_code=204)
async def unlink(db: Db, account: CurrentAccount) -> Response:
    async with db.write() as tx:
        await banking.unlink(tx, account)
    return Response(status_code=204)


@router.post(
    "/deposits",
    status_code=201,
    response_model=Transfer,
    summary="Add money from my bank",
    responses=refuses(409),
)
async def deposit(
    body: CreateDeposit, once: Idempotent, rail: BankRail, settings: Settings
) -> Response:
    """Pull money from the linked bank: `pending`, and not spendable, until the bank
    settles it. A server started for the demo or tests (`instant_deposits`) completes
    it at once instead, with no bank."""

    async def pull(tx: Tx) -> Transfer:
        if settings.instant_deposits:
            return await payments.deposit(
                tx, once.account, body.amount, minted_for="instant_deposit"
            )
        return await banking.deposit(tx, rail, once.account, body.amount)

    return await once(body, pull)


@router.post(
    "/withdrawals",
    status_code=201,
    response_model=Transfer,
    summary="Send money to my bank",
    responses=refuses(403, 409),
)
async def withdraw(
    body: CreateWithdrawal, once: Idempotent, proof: PinChecked, rules: MoneyRules, rail: BankRail
) -> Response:
    """Held at once (`pending`), then completed or voided when the bank answers."""
    order = money_out.Withdrawal(body.amount, rail)
    return await once(body, lambda tx: money_out.send(tx, proof, order, rules))


@router.get("/bank-transfers", response_model=list[BankTransfer])
async def bank_transfers(db: Db, account: CurrentAccount) -> list[BankTransfer]:
    """The latest deposits and withdrawals as the bank sees them, with why one failed or
    came back."""
    async with db.read() as conn:
        return await banking.recent(conn, account)
