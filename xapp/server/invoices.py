"""Merchant invoices: a business issues one (items, total, due day) to a handle, or as a
link anyone may pay (`xapp://invoice/<id>`); the payer pays it through `money_out`
(`PayInvoice`: the PIN, the payee check, the limits, the confirmation's preview) as an
`invoice` transfer the merchant may refund like any payment, and which has a signed
receipt like any payment. An invoice is paid once: marking it paid is a guarded update
in the payment's own transaction, so a second payment rolls back whole.

Only a `business` tier may issue invoices. Who may see one: its merchant, its payer, and
(a link invoice) anyone who has its id, as with a payment link.
"""

from __future__ import annotations

import json

from sqlalchemy import Row, or_, select, update

from xapp.api.models import Account, CreateInvoice, Invoice, InvoiceItem, Money, Page
from xapp.server import accounts, limits, safety
from xapp.server.clock import now_us, today
from xapp.server.db import Conn, Tx
from xapp.server.errors import AppError, not_found
from xapp.server.pages import Cursor
from xapp.server.schema import invoices, new_id, to_datetime


def _wire(row: Row, people: dict[str, Account]) -> Invoice:
    payer = row.paid_by or row.payer_id
    status = row.status
    if status == "open" and row.due < today():
        status = "overdue"
    return Invoice(
        id=row.id,
        merchant=people[row.merchant_id],
        payer=people[payer] if payer else None,
        items=[InvoiceItem.model_validate(item) for item in json.loads(row.items)],
        total=Money(amount=row.total, currency=row.currency),
        note=row.note,
        due=row.due,
        status=status,
        transfer_id=row.transfer_id,
        link=f"xapp://invoice/{row.id}",
        created_at=to_datetime(row.created_at),
    )


async def _wired(conn: Conn, rows: list[Row]) -> list[Invoice]:
    ids = {r.merchant_id for r in rows} | {r.payer_id for r in rows if r.payer_id}
    ids |= {r.paid_by for r in rows if r.paid_by}
    people = await accounts.by_ids(conn, ids)
    return [_wire(row, people) for row in rows]


async def issue(tx: Tx, me: Account, body: CreateInvoice) -> Invoice:
    if (await limits.tier(tx.conn, me.id)).name != "business":
        raise AppError(
            403,
            "business_only",
            "Only a business account can issue invoices: verify as a business (V in the wallet)",
        )
    currencies = {item.unit.currency for item in body.items}
    if len(currencies) > 1:
        raise AppError(422, "mixed_currencies", "An invoice's items are all in one currency")
    if body.due < today():
        raise AppError(422, "due_in_the_past", "An invoice can't be due before today")
    payer = None
    if body.to is not None:
        payer = await accounts.by_handle(tx.conn, body.to)
        if payer.id == me.id:
            raise AppError(422, "cannot_pay_self", "You can't invoice yourself")
        await safety.require_unblocked(tx.conn, me, payer)
    total = sum(item.quantity * item.unit.amount for item in body.items)
    items = [
        {"description": i.description, "quantity": i.quantity, "unit": i.unit.model_dump()}
        for i in body.items
    ]
    row = (
        await tx.conn.execute(
            invoices.insert()
            .values(
                id=new_id(),
                merchant_id=me.id,
                payer_id=payer.id if payer else None,
                items=json.dumps(items),
                total=total,
                currency=currencies.pop(),
                note=body.note,
                due=body.due,
                status="open",
                created_at=now_us(),
            )
            .returning(*invoices.c)
        )
    ).one()
    return (await _wired(tx.conn, [row]))[0]


async def _row(conn: Conn, invoice_id: str) -> Row | None:
    return (await conn.execute(select(invoices).where(invoices.c.id == invoice_id))).first()


async def visible(conn: Conn, me: Account, invoice_id: str) -> Row:
    """An invoice `me` may see: mine, for me, or a link (anyone with its id)."""
    row = await _row(conn, invoice_id)
    if row is None or (
        row.payer_id is not None and me.id not in (row.merchant_id, row.payer_id, row.paid_by)
    ):
        raise not_found("That invoice")
    return row


async def get(conn: Conn, me: Account, invoice_id: str) -> Invoice:
    return (await _wired(conn, [await visible(conn, me, invoice_id)]))[0]


async def payable(conn: Conn, me: Account, invoice_id: str) -> tuple[Row, Account]:
    """The invoice `me` is about to pay, and its merchant; refusals say why not."""
    row = await visible(conn, me, invoice_id)
    if row.merchant_id == me.id:
        raise AppError(422, "cannot_pay_self", "This is your own invoice")
    if row.status != "open":
        raise AppError(409, "not_open", f"This invoice is {row.status}")
    merchant = await accounts.by_id(conn, row.merchant_id)
    return row, merchant


async def mark_paid(tx: Tx, invoice_id: str, payer: Account, transfer_id: str) -> None:
    paid = await tx.conn.scalar(
        update(invoices)
        .where(invoices.c.id == invoice_id, invoices.c.status == "open")
        .values(status="paid", paid_by=payer.id, transfer_id=transfer_id)
        .returning(invoices.c.id)
    )
    if paid is None:  # paid meanwhile: this payment rolls back whole
        raise AppError(409, "not_open", "This invoice is paid")


async def cancel(tx: Tx, me: Account, invoice_id: str) -> Invoice:
    row = await visible(tx.conn, me, invoice_id)
    if row.merchant_id != me.id:
        raise AppError(403, "not_yours", "Only the merchant can cancel an invoice")
    changed = (
        await tx.conn.execute(
            update(invoices)
            .where(invoices.c.id == invoice_id, invoices.c.status == "open")
            .values(status="cancelled")
            .returning(*invoices.c)
        )
    ).first()
    if changed is None:
        raise AppError(409, "not_open", f"This invoice is {row.status}")
    return (await _wired(tx.conn, [changed]))[0]


async def page(conn: Conn, me: Account, role: str, cursor: Cursor) -> Page[Invoice]:
    """Invoices I issued, or those for me (and links I paid), newest first."""
    if role == "issued":
        where = invoices.c.merchant_id == me.id
    else:
        where = or_(invoices.c.payer_id == me.id, invoices.c.paid_by == me.id)
    rows, next_cursor = await cursor.fetch(conn, select(invoices).where(where), invoices.c.pk)
    return Page[Invoice](items=await _wired(conn, list(rows)), next=next_cursor)
