"""Money as integers: minor units plus an ISO 4217 code (DESIGN.md principle 3).

User input is parsed with `Decimal` and refused when it carries more precision than the
currency has; no float is ever involved. How many decimals a currency has, its symbol
and how an amount is written come from the Unicode CLDR through Babel, not a table kept
here (JPY has none, KWD three); Babel loads at the first amount parsed or shown, not at
start-up.
"""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation

SUPPORTED_CURRENCIES = frozenset({"USD", "EUR", "GBP", "JPY", "KWD"})
"""The currencies the ledger holds."""

LOCALE = "en_US"
"""How amounts are written: the server's sentences use it, and so does the app for now
(a locale of the person's choosing comes with the settings file)."""

MAX_AMOUNT_MINOR = 10**12
"""An upper bound on any single amount, far above any real payment, that keeps sums in 64 bits."""


class AmountError(ValueError):
    """The text is not an amount of this currency; the message says why, for people."""


@functools.cache
def exponent(currency: str) -> int:
    """The currency's minor-unit exponent (ISO 4217, from CLDR): 2 for USD, 0 for JPY."""
    if currency not in SUPPORTED_CURRENCIES:
        raise AmountError(f"{currency} is not a supported currency")
    from babel.numbers import get_currency_precision

    return get_currency_precision(currency)


@functools.cache
def symbol(currency: str, locale: str = LOCALE) -> str:
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(currency, locale)


def parse_amount(text: str, currency: str) -> int:
    """Parse what a person typed ("12.5", "$1,250.00") into minor units of `currency`."""
    exp = exponent(currency)
    cleaned = text.strip().replace(",", "").replace("_", "")
    mark = symbol(currency)
    if cleaned.startswith(mark):
        cleaned = cleaned[len(mark) :].strip()
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


def format_amount(amount: int, currency: str, locale: str = LOCALE) -> str:
    """Minor units as people read them in `locale`: `$1,250.00`, `¥500`, `KWD 1.250`
    (in de_DE `1.250,00 €`). A code standing in for a symbol is kept apart from the
    number, as CLDR's currency spacing asks."""
    from babel.numbers import format_currency

    value = Decimal(amount).scaleb(-exponent(currency))
    text = format_currency(value, currency, locale=locale, currency_digits=True)
    code = symbol(currency, locale)
    if code == currency and code in text and f"{code}\u00a0" not in text:
        before, _, after = text.partition(code)
        text = f"{before}{code}\u00a0{after}" if after[:1].isdigit() else text
    return text
