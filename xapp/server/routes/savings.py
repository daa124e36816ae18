"""Savings: the position, and moving money between cash and savings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from xapp.api.models import MoveSavings, Savings, Transfer
from xapp.server import savings
from xapp.server.deps import CurrentAccount, Db, Settings
from xapp.server.idempotency import Idempotent
from xapp.server.retries import RetriedRoute

router = APIRouter(prefix="/v1", tags=["savings"], route_class=RetriedRoute)


@router.get("/savings", response_model=Savings)
async def position(
    db: Db,
    account: CurrentAccount,
    settings: Settings,
    days: Annotated[int, Query(ge=1, le=90)] = 30,
) -> Savings:
    """Balance, yield, this month's dividend so far, dividends paid, and the last `days`
    days (the wallet shows 30 or 90) of balance and daily dividend."""
    async with db.read() as conn:
        return await savings.view(conn, account, days, settings.savings_apy)


@router.post("/savings/deposits", status_code=201, response_model=Transfer)
async def to_savings(body: MoveSavings, once: Idempotent, settings: Settings) -> Response:
    """Cash to savings, at once."""
    apy = settings.savings_apy
    return await once(body, lambda tx: savings.move(tx, once.account, body.amount, True, apy))


@router.post("/savings/withdrawals", status_code=201, response_model=Transfer)
async def from_savings(body: MoveSavings, once: Idempotent, settings: Settings) -> Response:
    """Savings to cash, at once."""
    apy = settings.savings_apy
    return await once(body, lambda tx: savings.move(tx, once.account, body.amount, False, apy))
