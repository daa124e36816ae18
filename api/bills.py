"""`client.bills`: requests for money and split bills (the server's `routes/bills.py`)."""

from __future__ import annotations

from xapp.api.models import Bill, Money, Page, PaymentPreview, PaymentRequest, Transfer
from xapp.api.transport import Transport, handle_path, new_key
from xapp.api.wallet import preview


class Bills:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def request(
        self,
        handles: list[str],
        amount: Money,
        note: str = "",
        key: str | None = None,
        *,
        conversation_id: str | None = None,
    ) -> Bill:
        """Ask one or several people for the same amount each."""
        body = {
            "handles": [handle_path(h) for h in handles],
            "amount": amount.model_dump(),
            "note": note,
            "conversation_id": conversation_id,
        }
        return await self._t.send(Bill, "POST", "/v1/requests", body, key or new_key())

    async def split(
        self,
        conversation_id: str,
        total: Money,
        note: str = "",
        shares: dict[str, int] | None = None,
        key: str | None = None,
    ) -> Bill:
        body = {"total": total.model_dump(), "note": note, "shares": shares}
        path = f"/v1/conversations/{conversation_id}/bills"
        return await self._t.send(Bill, "POST", path, body, key or new_key())

    async def requests(
        self,
        role: str = "incoming",
        status: str | None = None,
        before: str | None = None,
        limit: int = 50,
    ) -> Page[PaymentRequest]:
        return await self._t.get(
            Page[PaymentRequest],
            "/v1/requests",
            role=role,
            status=status,
            before=before,
            limit=limit,
        )

    async def get(self, bill_id: str) -> Bill:
        return await self._t.get(Bill, f"/v1/bills/{bill_id}")

    async def pay(
        self, request_id: str, key: str | None = None, *, pin: str | None = None
    ) -> Transfer:
        path = f"/v1/requests/{request_id}/pay"
        return await self._t.send(Transfer, "POST", path, None, key or new_key(), pin)

    async def preview_pay(self, request_id: str) -> PaymentPreview:
        """`pay(request_id)` before it is sent: who asked (a first payment to them?), how
        much, and how long it would be held."""
        return await preview(self._t, {"kind": "request", "request_id": request_id})

    async def decline(self, request_id: str) -> Bill:
        return await self._t.send(Bill, "POST", f"/v1/requests/{request_id}/decline")

    async def cancel(self, request_id: str) -> Bill:
        return await self._t.send(Bill, "POST", f"/v1/requests/{request_id}/cancel")

    async def remind(self, bill_id: str) -> Bill:
        return await self._t.send(Bill, "POST", f"/v1/bills/{bill_id}/remind")
