"""`client.wallet`: balances, payments, history, refunds, receipts, the payments PIN,
tips, earnings, and previews of money out (the server's `routes/wallet.py`); the linked
bank, deposits and withdrawals (`routes/bank.py`), savings (`routes/savings.py`) and
exchanges (`routes/fx.py`): every way money moves for its owner."""

from __future__ import annotations

import datetime as dt

from pydantic import TypeAdapter

from xapp.api.models import (
    BankAccount,
    BankTransfer,
    CreatorPayouts,
    Earnings,
    FxQuote,
    Invoice,
    Money,
    Page,
    Payee,
    PaymentPreview,
    Receipt,
    Savings,
    Schedule,
    Statement,
    Transfer,
    Verification,
    Wallet,
)
from xapp.api.transport import Transport, handle_path, new_key


async def preview(transport: Transport, body: dict[str, object]) -> PaymentPreview:
    """What a payment of any kind would do, by the server's own rules, before the PIN is
    asked for (`POST /v1/payments/preview`); a refusal is the payment's own."""
    return await transport.send(PaymentPreview, "POST", "/v1/payments/preview", body)


BANK_TRANSFERS = TypeAdapter(list[BankTransfer])


class WalletApi:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def balances(self) -> Wallet:
        return await self._t.get(Wallet, "/v1/wallet")

    async def deposit(self, amount: Money, key: str | None = None) -> Transfer:
        body = {"amount": amount.model_dump()}
        return await self._t.send(Transfer, "POST", "/v1/deposits", body, key or new_key())

    async def pay(
        self,
        to: str,
        amount: Money,
        note: str = "",
        key: str | None = None,
        *,
        pin: str | None = None,
        share: bool = False,
        conversation_id: str | None = None,
    ) -> Transfer:
        body = {
            "to": handle_path(to),
            "amount": amount.model_dump(),
            "note": note,
            "share": share,
            "conversation_id": conversation_id,
        }
        return await self._t.send(Transfer, "POST", "/v1/transfers", body, key or new_key(), pin)

    async def history(
        self,
        before: str | None = None,
        limit: int = 50,
        *,
        direction: str | None = None,
        with_: str | None = None,
        kind: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        q: str | None = None,
    ) -> Page[Transfer]:
        return await self._t.get(
            Page[Transfer],
            "/v1/transfers",
            before=before,
            limit=limit,
            direction=direction,
            kind=kind,
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
            q=q,
            **{"with": handle_path(with_) if with_ else None},
        )

    async def get(self, transfer_id: str) -> Transfer:
        return await self._t.get(Transfer, f"/v1/transfers/{transfer_id}")

    async def cancel(self, transfer_id: str) -> Transfer:
        return await self._t.send(Transfer, "POST", f"/v1/transfers/{transfer_id}/cancel")

    async def refund(
        self,
        transfer_id: str,
        amount: Money,
        note: str = "",
        key: str | None = None,
        *,
        pin: str | None = None,
    ) -> Transfer:
        body = {"amount": amount.model_dump(), "note": note}
        path = f"/v1/transfers/{transfer_id}/refunds"
        return await self._t.send(Transfer, "POST", path, body, key or new_key(), pin)

    async def receipt(self, transfer_id: str) -> Receipt:
        return await self._t.get(Receipt, f"/v1/transfers/{transfer_id}/receipt")

    async def receipt_key(self) -> str:
        response = await self._t.request("GET", "/v1/receipts/key")
        return str(response.json()["public_key"])

    async def payee(self, handle: str) -> Payee:
        """Older form of `preview_payment` (who, and paid before?); kept for old callers."""
        return await self._t.get(Payee, f"/v1/payees/{handle_path(handle)}")

    async def preview_payment(
        self, to: str, amount: Money, note: str = "", *, conversation_id: str | None = None
    ) -> PaymentPreview:
        """`pay(to, amount, note, conversation_id=…)` before it is sent."""
        return await preview(
            self._t,
            {
                "kind": "payment",
                "to": handle_path(to),
                "amount": amount.model_dump(),
                "note": note,
                "conversation_id": conversation_id,
            },
        )

    async def preview_tip(self, post_id: str, amount: Money) -> PaymentPreview:
        """`tip(post_id, amount)` before it is sent."""
        body: dict[str, object] = {"kind": "tip", "post_id": post_id, "amount": amount.model_dump()}
        return await preview(self._t, body)

    async def preview_refund(
        self, transfer_id: str, amount: Money, note: str = ""
    ) -> PaymentPreview:
        """`refund(transfer_id, amount, note)` before it is sent."""
        return await preview(
            self._t,
            {
                "kind": "refund",
                "transfer_id": transfer_id,
                "amount": amount.model_dump(),
                "note": note,
            },
        )

    async def set_pin(self, password: str, pin: str) -> None:
        await self._t.request("PUT", "/v1/me/pin", json={"password": password, "pin": pin})

    async def tip(
        self, post_id: str, amount: Money, key: str | None = None, *, pin: str | None = None
    ) -> Transfer:
        body = {"amount": amount.model_dump()}
        path = f"/v1/posts/{post_id}/tips"
        return await self._t.send(Transfer, "POST", path, body, key or new_key(), pin)

    async def payouts(self) -> CreatorPayouts:
        return await self._t.get(CreatorPayouts, "/v1/wallet/payouts")

    async def earnings(self, currency: str = "USD") -> Earnings:
        return await self._t.get(Earnings, "/v1/wallet/earnings", currency=currency)

    # --- the bank -------------------------------------------------------------------------

    async def link_bank(
        self, holder: str, routing_number: str, account_number: str, *, pin: str | None = None
    ) -> BankAccount:
        body = {
            "holder": holder,
            "routing_number": routing_number,
            "account_number": account_number,
        }
        return await self._t.send(BankAccount, "PUT", "/v1/me/bank-account", body, pin=pin)

    async def unlink_bank(self) -> None:
        await self._t.request("DELETE", "/v1/me/bank-account")

    async def withdraw(
        self, amount: Money, key: str | None = None, *, pin: str | None = None
    ) -> Transfer:
        body = {"amount": amount.model_dump()}
        return await self._t.send(Transfer, "POST", "/v1/withdrawals", body, key or new_key(), pin)

    async def bank_transfers(self) -> list[BankTransfer]:
        return await self._t.get_list(BANK_TRANSFERS, "/v1/bank-transfers")

    # --- savings --------------------------------------------------------------------------

    async def savings(self, days: int = 30) -> Savings:
        return await self._t.get(Savings, "/v1/savings", days=days)

    async def to_savings(self, amount: Money, key: str | None = None) -> Transfer:
        body = {"amount": amount.model_dump()}
        return await self._t.send(Transfer, "POST", "/v1/savings/deposits", body, key or new_key())

    async def from_savings(self, amount: Money, key: str | None = None) -> Transfer:
        body = {"amount": amount.model_dump()}
        path = "/v1/savings/withdrawals"
        return await self._t.send(Transfer, "POST", path, body, key or new_key())

    async def statement(self, since: dt.date, until: dt.date) -> Statement:
        return await self._t.get(
            Statement, "/v1/statements", since=since.isoformat(), until=until.isoformat()
        )

    # --- invoices -------------------------------------------------------------------------

    async def invoice(
        self,
        to: str | None,
        items: list[tuple[str, int, Money]],
        due: dt.date,
        note: str = "",
        key: str | None = None,
    ) -> Invoice:
        """Issue an invoice: (description, quantity, unit price) per item; `to=None`
        makes a link anyone may pay."""
        body = {
            "to": handle_path(to) if to else None,
            "items": [
                {"description": d, "quantity": q, "unit": unit.model_dump()} for d, q, unit in items
            ],
            "due": due.isoformat(),
            "note": note,
        }
        return await self._t.send(Invoice, "POST", "/v1/invoices", body, key or new_key())

    async def invoices(self, role: str, before: str | None = None) -> Page[Invoice]:
        return await self._t.get(Page[Invoice], "/v1/invoices", role=role, before=before)

    async def get_invoice(self, invoice_id: str) -> Invoice:
        return await self._t.get(Invoice, f"/v1/invoices/{invoice_id}")

    async def pay_invoice(
        self, invoice_id: str, key: str | None = None, *, pin: str | None = None
    ) -> Transfer:
        path = f"/v1/invoices/{invoice_id}/pay"
        return await self._t.send(Transfer, "POST", path, None, key or new_key(), pin)

    async def preview_invoice(self, invoice_id: str) -> PaymentPreview:
        return await preview(self._t, {"kind": "invoice", "invoice_id": invoice_id})

    async def cancel_invoice(self, invoice_id: str) -> Invoice:
        return await self._t.send(Invoice, "POST", f"/v1/invoices/{invoice_id}/cancel")

    # --- verification --------------------------------------------------------------------

    async def verify(
        self, legal_name: str, birth_date: dt.date, country: str, business: bool = False
    ) -> Verification:
        body = {
            "legal_name": legal_name,
            "birth_date": birth_date.isoformat(),
            "country": country,
            "business": business,
        }
        return await self._t.send(Verification, "PUT", "/v1/me/verification", body)

    async def verification(self) -> Verification:
        return await self._t.get(Verification, "/v1/me/verification")

    # --- scheduled payments -------------------------------------------------------------

    async def schedule(
        self,
        to: str,
        amount: Money,
        cadence: str,
        first: dt.date,
        note: str = "",
        key: str | None = None,
        *,
        pin: str | None = None,
    ) -> Schedule:
        body = {
            "to": handle_path(to),
            "amount": amount.model_dump(),
            "note": note,
            "cadence": cadence,
            "first": first.isoformat(),
        }
        return await self._t.send(Schedule, "POST", "/v1/schedules", body, key or new_key(), pin)

    async def schedules(self, before: str | None = None) -> Page[Schedule]:
        return await self._t.get(Page[Schedule], "/v1/schedules", before=before)

    async def pause_schedule(self, schedule_id: str) -> Schedule:
        return await self._t.send(Schedule, "POST", f"/v1/schedules/{schedule_id}/pause")

    async def resume_schedule(self, schedule_id: str) -> Schedule:
        return await self._t.send(Schedule, "POST", f"/v1/schedules/{schedule_id}/resume")

    async def cancel_schedule(self, schedule_id: str) -> Schedule:
        return await self._t.send(Schedule, "DELETE", f"/v1/schedules/{schedule_id}")

    # --- exchanges -------------------------------------------------------------------------

    async def quote(self, sell: Money, buy_currency: str) -> FxQuote:
        body = {"sell": sell.model_dump(), "buy_currency": buy_currency}
        return await self._t.send(FxQuote, "POST", "/v1/fx/quotes", body)

    async def exchange(self, quote_id: str, key: str | None = None) -> Transfer:
        body = {"quote_id": quote_id}
        return await self._t.send(Transfer, "POST", "/v1/exchanges", body, key or new_key())
