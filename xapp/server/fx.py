"""Exchanges between currencies: a quote, then the exchange it promised.

A quote is priced from the server's mid-market table (`ServerSettings.fx_rates`, units
per US dollar, so every pair is a cross through the dollar) and a visible fee, and holds
for `fx_quote_seconds`; an exchange names its quote, and an expired or used one is
refused. The exchange is one `exchange` transfer with its postings in both currencies:
the person's cash in the sold currency pays the FX desk (`fx`) and the fee account
(`fx_fees`); the desk pays the bought currency into the person's cash. Each currency's
postings sum to zero on their own.

**Rounding, written down.** The fee is rounded *down* to the minor unit: you never pay a
fraction of a cent more than the stated percentage. The amount received is the rest,
converted at the mid-market rate and rounded *down* to the minor unit: rounding it up
would let a round trip create money (1 cent buys 1.5 yen, rounded up to 2, which buys
back 1.33 cents, rounded up to 2), and a round trip must never return more than it
started with. So the customer is favoured wherever that cannot mint money, and the
platform never pays out what it did not receive. An amount too small to buy one minor
unit of the other currency is refused rather than taken for nothing.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from sqlalchemy import Row, select, update

from xapp.api.models import Account, FxQuote, Money, Transfer
from xapp.api.money import exponent, format_amount
from xapp.server import ledger, limits, payments
from xapp.server.clock import now_us
from xapp.server.db import Tx
from xapp.server.errors import AppError, not_found
from xapp.server.schema import fx_quotes, new_id, to_datetime
from xapp.server.settings import ServerSettings


def rate(settings: ServerSettings, sell: str, buy: str) -> Fraction:
    """Units of `buy` for one unit of `sell`, mid-market."""
    table = settings.fx_rates
    for currency in (sell, buy):
        if currency not in table:
            raise AppError(422, "no_rate", f"xapp doesn't exchange {currency} yet")
    return Fraction(table[buy]) / Fraction(table[sell])


def price(settings: ServerSettings, sell: Money, buy_currency: str) -> tuple[int, int, Fraction]:
    """(fee, amount received, rate) for selling `sell`, by the rounding rules above."""
    if buy_currency == sell.currency:
        raise AppError(422, "same_currency", "Pick a different currency to exchange into")
    mid = rate(settings, sell.currency, buy_currency)
    fee = int(sell.amount * Fraction(settings.fx_fee_percent) / 100)  # floor: amounts > 0
    minor = Fraction(10 ** exponent(buy_currency), 10 ** exponent(sell.currency))
    bought = int((sell.amount - fee) * mid * minor)
    if bought <= 0:
        raise AppError(
            422,
            "too_small",
            f"{format_amount(sell.amount, sell.currency)} is too little to buy any {buy_currency}",
        )
    return fee, bought, mid


def _shown_rate(mid: Fraction) -> str:
    return f"{Decimal(mid.numerator) / Decimal(mid.denominator):.6g}"


def _quote(row: Row) -> FxQuote:
    return FxQuote(
        id=row.id,
        sell=Money(amount=row.sell_amount, currency=row.sell_currency),
        fee=Money(amount=row.fee, currency=row.sell_currency),
        rate=row.rate,
        buy=Money(amount=row.buy_amount, currency=row.buy_currency),
        expires_at=to_datetime(row.expires_at),
    )


async def quote(tx: Tx, me: Account, settings: ServerSettings, sell: Money, buy: str) -> FxQuote:
    await limits.require(tx.conn, me, "fx")
    fee, bought, mid = price(settings, sell, buy)
    created = now_us()
    values = {
        "id": new_id(),
        "account_id": me.id,
        "sell_amount": sell.amount,
        "sell_currency": sell.currency,
        "fee": fee,
        "rate": _shown_rate(mid),
        "buy_amount": bought,
        "buy_currency": buy,
        "created_at": created,
        "expires_at": created + round(settings.fx_quote_seconds * 1_000_000),
    }
    row = (await tx.conn.execute(fx_quotes.insert().values(**values).returning(*fx_quotes.c))).one()
    return _quote(row)


async def exchange(tx: Tx, me: Account, quote_id: str) -> Transfer:
    """Carry out `me`'s quote: once, and only before it expires."""
    await limits.require(tx.conn, me, "fx")
    now = now_us()
    taken = (
        await tx.conn.execute(
            update(fx_quotes)
            .where(
                fx_quotes.c.id == quote_id,
                fx_quotes.c.account_id == me.id,
                fx_quotes.c.transfer_id.is_(None),
                fx_quotes.c.expires_at > now,
            )
            .values(transfer_id="taken")
            .returning(*fx_quotes.c)
        )
    ).first()
    if taken is None:
        row = (
            await tx.conn.execute(
                select(fx_quotes).where(fx_quotes.c.id == quote_id, fx_quotes.c.account_id == me.id)
            )
        ).first()
        if row is None:
            raise not_found("That quote")
        if row.transfer_id is not None:
            raise AppError(409, "quote_used", "This quote was already used")
        raise AppError(409, "quote_expired", "This quote has expired: get a new one")
    sold = Money(amount=taken.sell_amount, currency=taken.sell_currency)
    bought = Money(amount=taken.buy_amount, currency=taken.buy_currency)
    cash_out = await ledger.user_account(tx, me.id, sold.currency)
    cash_in = await ledger.user_account(tx, me.id, bought.currency)
    row = await payments.insert_row(
        tx,
        kind="exchange",
        sender=me,
        recipient=me,
        amount=sold,
        note=f"{sold.currency} → {bought.currency} at {taken.rate}",
        legs=(cash_out, cash_in),
        received=bought,
    )
    desk_sells = await ledger.system_account(tx, ledger.FX_DESK, sold.currency)
    fees = await ledger.system_account(tx, ledger.FX_FEES, sold.currency)
    desk_buys = await ledger.system_account(tx, ledger.FX_DESK, bought.currency)
    moved = await ledger.move(
        tx,
        row.id,
        cash_out,
        desk_sells,
        Money(amount=sold.amount - taken.fee, currency=sold.currency),
    )
    if taken.fee:
        moved |= await ledger.move(
            tx, row.id, cash_out, fees, Money(amount=taken.fee, currency=sold.currency)
        )
    await ledger.move(tx, row.id, desk_buys, cash_in, bought)
    await tx.conn.execute(
        update(fx_quotes).where(fx_quotes.c.id == quote_id).values(transfer_id=row.id)
    )
    return await payments.announce_new(tx, row, [me], moved)
