"""Exchanges between currencies: a quote (rate, fee, what arrives), then the exchange."""

from __future__ import annotations

from fastapi import APIRouter, Response

from xapp.api.models import CreateExchange, CreateFxQuote, FxQuote, Transfer
from xapp.server import fx
from xapp.server.deps import CurrentAccount, Db, Settings
from xapp.server.idempotency import Idempotent
from xapp.server.openapi import refuses
from xapp.server.retries import RetriedRoute

router = APIRouter(prefix="/v1", tags=["fx"], route_class=RetriedRoute)


@router.post("/fx/quotes", status_code=201, response_model=FxQuote, summary="FxQuote an exchange")
async def quote(
    body: CreateFxQuote, db: Db, account: CurrentAccount, settings: Settings
) -> FxQuote:
    """The rate, the fee and what would arrive for selling `sell`; holds for 30 seconds."""
    async with db.write() as tx:
        return await fx.quote(tx, account, settings, body.sell, body.buy_currency)


@router.post(
    "/exchanges",
    status_code=201,
    response_model=Transfer,
    summary="Exchange at a quote",
    responses=refuses(404, 409),
)
async def exchange(body: CreateExchange, once: Idempotent) -> Response:
    """Carry out a quote: refused once it has expired or been used."""
    return await once(body, lambda tx: fx.exchange(tx, once.account, body.quote_id))
