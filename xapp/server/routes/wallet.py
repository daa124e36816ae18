"""Wallet: balances, payments (with the undo window), refunds, history,
receipts, the payments PIN, tip earnings, and previews of money out. Every route that
moves money out hands an order to `money_out.send`, which holds the money rules."""

from __future__ import annotations

from typing import Annotated, Literal, assert_never

from fastapi import APIRouter, Query, Request, Response

from xapp.api.models import (
    CURRENCY_PATTERN,
    CreateRefund,
    CreateTip,
    CreateTransfer,
    CreatorPayouts,
    Day,
    Earnings,
    Handle,
    Page,
    Payee,
    PaymentPreview,
    PaymentToPreview,
    PreviewInvoice,
    PreviewPayment,
    PreviewRefund,
    PreviewRequestPayment,
    PreviewTip,
    Receipt,
    SetPin,
    Statement,
    Transfer,
    TransferKind,
    Wallet,
)
from xapp.server import (
    accounts,
    banking,
    creators,
    ledger,
    money_out,
    payments,
    pins,
    statements,
)
from xapp.server.deps import CurrentAccount, Db, Hasher, Settings, Signer
from xapp.server.errors import AppError
from xapp.server.idempotency import Idempotent
from xapp.server.money_out import MoneyRules
from xapp.server.openapi import refuses
from xapp.server.pages import PageParams
from xapp.server.pins import PinChecked
from xapp.server.retries import RetriedRoute

CurrencyParam = Annotated[str, Query(pattern=CURRENCY_PATTERN, description="ISO 4217")]

router = APIRouter(prefix="/v1", tags=["wallet"], route_class=RetriedRoute)


@router.get("/wallet", response_model=Wallet)
async def wallet(db: Db, account: CurrentAccount) -> Wallet:
    """Cash per currency; deposits and withdrawals on their way; savings; the bank."""
    async with db.read() as conn:
        coming, going = await banking.in_flight(conn, account)
        savings = await ledger.savings_account(conn, account.id)
        return Wallet(
            balances=await ledger.balances(conn, account.id),
            pending=coming,
            held=going,
            savings=await ledger.savings_balance(conn, account.id) if savings else None,
            bank=await banking.linked(conn, account),
        )


@router.post(
    "/transfers",
    status_code=201,
    response_model=Transfer,
    summary="Pay someone",
    responses=refuses(403, 404),
)
async def transfer(
    body: CreateTransfer, once: Idempotent, proof: PinChecked, rules: MoneyRules
) -> Response:
    """Pay @handle. With the server's undo window on, the payment is `pending` until
    `release_at` and the payer may cancel it; otherwise it completes at once."""
    order = money_out.Payment(body.to, body.amount, body.note, body.conversation_id, body.share)
    return await once(body, lambda tx: money_out.send(tx, proof, order, rules))


@router.get(
    "/transfers", response_model=Page[Transfer], summary="Payment history", responses=refuses(404)
)
async def history(
    db: Db,
    account: CurrentAccount,
    cursor: PageParams,
    direction: Literal["in", "out"] | None = None,
    with_: Annotated[Handle | None, Query(alias="with")] = None,
    kind: TransferKind | None = None,
    since: Day | None = None,
    until: Day | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[Transfer]:
    """Newest first. Filter by direction, counterparty (`with`), kind, UTC dates
    (inclusive) and words in the note (`q`)."""
    async with db.read() as conn:
        counterparty = await accounts.by_handle(conn, with_) if with_ else None
        filters = payments.Filters(direction, counterparty, kind, since, until, q)
        return await payments.history(conn, account, cursor, filters)


@router.get("/transfers/{transfer_id}", response_model=Transfer, responses=refuses(404))
async def get_transfer(transfer_id: str, db: Db, account: CurrentAccount) -> Transfer:
    async with db.read() as conn:
        return await payments.get(conn, account, transfer_id)


@router.post(
    "/transfers/{transfer_id}/cancel",
    response_model=Transfer,
    summary="Cancel a held payment",
    responses=refuses(403, 404, 409),
)
async def cancel(transfer_id: str, db: Db, account: CurrentAccount) -> Transfer:
    """Take back a payment still inside its undo window (a void: the money comes back)."""
    async with db.write() as tx:
        return await payments.cancel(tx, account, transfer_id)


@router.post(
    "/transfers/{transfer_id}/refunds",
    status_code=201,
    response_model=Transfer,
    responses=refuses(403, 404, 409),
)
async def refund(
    transfer_id: str, body: CreateRefund, once: Idempotent, proof: PinChecked, rules: MoneyRules
) -> Response:
    """The payee sends back part or all of a payment; never more than received in total.
    Held in the undo window like any money out."""
    order = money_out.Refund(transfer_id, body.amount, body.note)
    return await once(body, lambda tx: money_out.send(tx, proof, order, rules))


@router.get("/transfers/{transfer_id}/receipt", response_model=Receipt, responses=refuses(404, 409))
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


@router.post(
    "/payments/preview",
    response_model=PaymentPreview,
    summary="Preview a payment",
    responses=refuses(403, 404, 409),
)
async def preview(
    body: PaymentToPreview, db: Db, account: CurrentAccount, rules: MoneyRules
) -> PaymentPreview:
    """What a payment, paid request, tip or refund would do (payee, amount, note, whether
    it is the first payment to them, how long it would be held) by the rules the payment
    itself follows, without the PIN and without moving money. A refusal is the one the
    payment would answer."""
    async with db.read() as conn:
        return await money_out.preview(conn, account, _order(body), rules)


def _order(body: PaymentToPreview) -> money_out.Order:
    match body:
        case PreviewPayment():
            return money_out.Payment(body.to, body.amount, body.note, body.conversation_id)
        case PreviewRequestPayment():
            return money_out.PayRequest(body.request_id)
        case PreviewTip():
            return money_out.Tip(body.post_id, body.amount)
        case PreviewRefund():
            return money_out.Refund(body.transfer_id, body.amount, body.note)
        case PreviewInvoice():
            return money_out.PayInvoice(body.invoice_id)
        case _:
            assert_never(body)


@router.get("/payees/{handle}", response_model=Payee, responses=refuses(403, 404))
async def payee(handle: Handle, db: Db, account: CurrentAccount) -> Payee:
    """Who a payment to @handle would reach, and whether it would be the first; refused
    as the payment would be (yourself, a block). Newer clients ask `/payments/preview`."""
    async with db.read() as conn:
        target = await accounts.by_handle(conn, handle)
        first = await money_out.payee_check(conn, account, target, "payment")
        return Payee(account=target, paid_before=not first)


@router.put(
    "/me/pin",
    status_code=204,
    summary="Set or change my payments PIN",
    responses=refuses(403),
)
async def set_pin(body: SetPin, db: Db, account: CurrentAccount, passwords: Hasher) -> Response:
    """Set or change the payments PIN; the password is needed either way."""
    await pins.set_pin(db, passwords, account, body.password, body.pin)
    return Response(status_code=204)


@router.post(
    "/posts/{post_id}/tips",
    status_code=201,
    response_model=Transfer,
    summary="Tip a post's author",
    responses=refuses(403, 404, 409),
)
async def tip(
    post_id: str, body: CreateTip, once: Idempotent, proof: PinChecked, rules: MoneyRules
) -> Response:
    """Tip a post's author."""
    order = money_out.Tip(post_id, body.amount)
    return await once(body, lambda tx: money_out.send(tx, proof, order, rules))


@router.get("/statements", response_model=Statement, summary="My statement")
async def statement(db: Db, account: CurrentAccount, since: Day, until: Day) -> Statement:
    """Opening balance, every movement and closing balance of each of my accounts (cash
    per currency, savings) between two UTC dates, both included; at most 366 days."""
    async with db.read(snapshot=True) as conn:  # opening, movements and people: one moment
        return await statements.statement(conn, account, since, until)


@router.get("/wallet/payouts", response_model=CreatorPayouts, summary="My creator payouts")
async def payouts(db: Db, account: CurrentAccount, settings: Settings) -> CreatorPayouts:
    """This month's engagement and estimated share of the creator pool, and past payouts
    with the posts that earned them."""
    async with db.read() as conn:
        return await creators.view(conn, account, settings.creator_pool)


@router.get("/wallet/earnings", response_model=Earnings, summary="My tip earnings")
async def earnings(db: Db, account: CurrentAccount, currency: CurrencyParam = "USD") -> Earnings:
    async with db.read() as conn:
        return await payments.earnings(conn, account, currency)
