"""Payment links: `xapp://pay/<handle>?amount=12.50&currency=USD&note=pizza`, and
invoice links: `xapp://invoice/<id>` (a merchant's invoice, its amount the merchant's).

What a QR code in the wallet carries and what `xapp --open LINK` (or a link pasted into
the pay dialog) reads back. A link only fills in the pay flow: the payer still sees the
same confirmation, with the payee's name, and types their PIN, so a link can't pay by
itself. Reading one is strict (a wrong scheme, an unknown field, a malformed amount or a
note past its limit is refused with a sentence) because links come from strangers.

`amount` is written as a person types it (`12.50`, in the currency's major unit), so a
link is readable before it is scanned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from xapp.api.handles import normalize_handle
from xapp.api.models import NOTE_MAX, Money
from xapp.api.money import AmountError, exponent, parse_amount
from xapp.api.text import clean_text, length

SCHEME = "xapp"
FIELDS = {"amount", "currency", "note"}
LINK_MAX = 600


class LinkError(ValueError):
    """Not a payment link; the message says why, for people."""


@dataclass(frozen=True)
class PaymentLink:
    handle: str
    amount: Money | None = None
    note: str = ""

    def __str__(self) -> str:
        query: dict[str, str] = {}
        if self.amount is not None:
            query["amount"] = self.typed_amount
            query["currency"] = self.amount.currency
        if self.note:
            query["note"] = self.note
        tail = f"?{urlencode(query, quote_via=quote)}" if query else ""
        return f"{SCHEME}://pay/{self.handle}{tail}"

    @property
    def typed_amount(self) -> str:
        """The amount as the pay dialog's field shows it ("" for none)."""
        if self.amount is None:
            return ""
        return str(Decimal(self.amount.amount).scaleb(-exponent(self.amount.currency)))


def is_link(text: str) -> bool:
    return text.strip().lower().startswith(f"{SCHEME}://")


def parse_link(text: str) -> PaymentLink:
    """Read a payment link, or raise `LinkError` saying what is wrong with it."""
    text = text.strip()
    if len(text) > LINK_MAX:
        raise LinkError("That link is too long to be a payment link")
    parts = urlsplit(text)
    if parts.scheme.lower() != SCHEME or parts.netloc.lower() != "pay":
        raise LinkError("A payment link starts with xapp://pay/")
    if parts.fragment:
        raise LinkError("A payment link has no # part")
    try:
        handle = normalize_handle(parts.path.strip("/"))
    except ValueError as exc:
        raise LinkError(f"The link's handle: {exc}") from None
    fields = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    unknown = set(fields) - FIELDS
    if unknown:
        raise LinkError(f"A payment link has no {', '.join(sorted(unknown))} field")
    if any(len(values) > 1 for values in fields.values()):
        raise LinkError("A payment link gives each field once")
    one = {name: values[0] for name, values in fields.items()}
    amount = None
    if one.get("amount"):
        currency = one.get("currency", "USD").upper()
        try:
            amount = Money(amount=parse_amount(one["amount"], currency), currency=currency)
        except AmountError as exc:
            raise LinkError(f"The link's amount: {exc}") from None
    elif "currency" in one:
        raise LinkError("A payment link names a currency only with an amount")
    note = clean_text(one.get("note", ""), multiline=False)
    if length(note) > NOTE_MAX:
        raise LinkError(f"The link's note is longer than {NOTE_MAX} characters")
    return PaymentLink(handle, amount, note)


@dataclass(frozen=True)
class InvoiceLink:
    invoice_id: str

    def __str__(self) -> str:
        return f"{SCHEME}://invoice/{self.invoice_id}"


INVOICE_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def parse_any(text: str) -> PaymentLink | InvoiceLink:
    """A payment link or an invoice link (what `xapp --open` takes)."""
    parts = urlsplit(text.strip())
    if parts.scheme.lower() != SCHEME or parts.netloc.lower() != "invoice":
        return parse_link(text)
    invoice_id = parts.path.strip("/").lower()
    if parts.query or parts.fragment or not INVOICE_ID.match(invoice_id):
        raise LinkError("An invoice link is xapp://invoice/ and the invoice's id, nothing else")
    return InvoiceLink(invoice_id)
