"""Money as integers: minor units plus an ISO 4217 code (DESIGN.md principle 3).

User input is parsed with `Decimal` and refused when it carries more precision than the
currency has; no float is ever involved.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CURRENCY_EXPONENTS: dict[str, int] = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "KWD": 3}
"""Minor-unit exponent per supported currency."""

CURRENCY_SYMBOLS: dict[str, str] = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}

MAX_AMOUNT_MINOR = 10**12
"""An upper bound on any single amount, far above any real payment, that keeps sums in 64 bits."""


class AmountError(ValueError):
    """The text is not an amount of this currency; the message says why, for people."""


def exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise AmountError(f"{currency} is not a supported currency") from None


def parse_amount(text: str, currency: str) -> int:
    """Parse what a person typed ("12.5", "$1,250.00") into minor units of `currency`."""
    exp = exponent(currency)
    cleaned = text.strip().replace(",", "").replace("_", "")
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol and cleaned.startswith(symbol):
        cleaned = cleaned[len(symbol) :].strip()
    if cleaned.upper().endswith(currency):
        cleaned = cleaned[: -len(currency)].strip()
    if not cleaned:
        raise AmountError("Enter an amount")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError(f"{text.strip()!r} is not an amount") from None
    if not value.is_finite():
        raise AmountError(f"{text.strip()!r} is not an amount")
    minor = value.scaleb(exp)
    if minor != minor.to_integral_value():
        places = "no decimal places" if exp == 0 else f"at most {exp} decimal places"
        raise AmountError(f"{currency} amounts have {places}")
    if minor <= 0:
        raise AmountError("The amount must be more than zero")
    if minor > MAX_AMOUNT_MINOR:
        raise AmountError("That amount is too large")
    return int(minor)


def format_amount(amount: int, currency: str) -> str:
    """Format minor units for people: `$1,250.00`, `¥500`, `1.250 KWD`."""
    exp = exponent(currency)
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10**exp)
    number = f"{whole:,}" + (f".{frac:0{exp}d}" if exp else "")
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"
