"""Merchant invoices: issue (a business), list (issued or received), read, pay (money
out, through `money_out.send` like any payment), cancel (the merchant, while open)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from xapp.api.models import CreateInvoice, Invoice, Page, Transfer
from xapp.server import invoices, money_out
from xapp.server.deps import CurrentAccount, Db
from xapp.server.idempotency import Idempotent
from xapp.server.money_out import MoneyRules
from xapp.server.openapi import refuses
from xapp.server.pages import PageParams
from xapp.server.pins import PinChecked
from xapp.server.retries import RetriedRoute

router = APIRouter(prefix="/v1", tags=["invoices"], route_class=RetriedRoute)


@router.post(
    "/invoices",
    status_code=201,
    response_model=Invoice,
    summary="Issue an invoice",
    responses=refuses(403, 404),
)
async def issue(body: CreateInvoice, once: Idempotent) -> Response:
    """A business bills @handle, or (no `to`) makes a link anyone may pay."""
    return await once(body, lambda tx: invoices.issue(tx, once.account, body))


@router.get("/invoices", response_model=Page[Invoice], summary="My invoices")
async def listing(
    db: Db, account: CurrentAccount, cursor: PageParams, role: Literal["issued", "received"]
) -> Page[Invoice]:
    """Issued by me, or received (for me, or links I paid); newest first."""
    async with db.read() as conn:
        return await invoices.page(conn, account, role, cursor)


@router.get(
    "/invoices/{invoice_id}", response_model=Invoice, summary="An invoice", responses=refuses(404)
)
async def read(invoice_id: str, db: Db, account: CurrentAccount) -> Invoice:
    async with db.read() as conn:
        return await invoices.get(conn, account, invoice_id)


@router.post(
    "/invoices/{invoice_id}/pay",
    status_code=201,
    response_model=Transfer,
    summary="Pay an invoice",
    responses=refuses(403, 404, 409),
)
async def pay(invoice_id: str, once: Idempotent, proof: PinChecked, rules: MoneyRules) -> Response:
    """Its total to the merchant, once, by every rule a payment follows."""
    order = money_out.PayInvoice(invoice_id)
    return await once(None, lambda tx: money_out.send(tx, proof, order, rules))


@router.post(
    "/invoices/{invoice_id}/cancel",
    response_model=Invoice,
    summary="Cancel an open invoice",
    responses=refuses(403, 404, 409),
)
async def cancel(invoice_id: str, db: Db, account: CurrentAccount) -> Invoice:
    async with db.write() as tx:
        return await invoices.cancel(tx, account, invoice_id)
