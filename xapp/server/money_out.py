"""Money out of a person's account: the one way it leaves, and its rules in one place.

Every path that moves someone's money to someone else is an order handed to `send`: a
payment to a handle (`Payment`, in a chat or not), paying a request (`PayRequest`), a tip
(`Tip`), a refund (`Refund`), a merchant's invoice (`PayInvoice`) and a withdrawal to
one's own bank (`Withdrawal`). `send`
applies the rules in this order:

1. The payments PIN. `send` takes a `pins.Authorized`, which only `pins` makes (after
   checking the PIN outside the writer's transaction), so no path can skip it.
2. The payee check (`payee_check`): never yourself, never across a block, except a
   refund, which goes back where the money came from. It also says whether this is the
   first payment to the payee, which the client warns about (a request from a new
   lookalike account is the classic scam). A withdrawal goes to the payer's own linked
   bank, so it has no payee to check.
3. The regulated wallet's rules (`limits`): what the payer's region offers (payments;
   withdrawals, which the tier must allow too), and the tier's daily and monthly send
   limits: checked in `_vet` (so a preview says it), counted in `send` inside the
   payment's transaction, where parallel payments cannot pass a limit together. A refund
   counts against no limit: it is money going back.
4. Compliance screening (`compliance.screen`, rules as data): a match holds the transfer
   for an operator's review instead of the undo window; frozen accounts neither send nor
   receive.
5. The undo window (`Rules.undo_seconds`): every kind is held, refunds too: a refund is
   money out of the refunder's account, and a wrong amount is as easy to type. A
   withdrawal is held by the bank rail instead, until the bank answers.

Moving money between one's own pockets (cash and savings, one currency and another) is
not money out: it stays the person's, so it takes no PIN (`savings`, `fx`).

Each order first works out the money (`plan`: who, how much, and its own refusals, such
as a request that is not open or a refund larger than what is left), and after the money
moved does its own bookkeeping (`done`: the chat card, the request marked paid, the
refund counted). `preview` runs the same steps without the PIN and without moving money,
so the client shows what the server will do and never guesses; a refusal there is the
sentence the payment itself would answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Protocol

from fastapi import Depends

from xapp.api.models import Account, Money, PaymentPreview, Transfer, TransferKind
from xapp.server import (
    accounts,
    banking,
    bills,
    chat,
    compliance,
    invoices,
    limits,
    messages,
    payments,
    posts,
    safety,
)
from xapp.server.db import Conn, Tx
from xapp.server.deps import Settings
from xapp.server.errors import AppError
from xapp.server.payments import Links, Outgoing
from xapp.server.pins import Authorized
from xapp.server.rail import Rail
from xapp.server.settings import ServerSettings


@dataclass(frozen=True)
class Rules:
    """The server's settings that money out follows."""

    undo_seconds: float
    """How long money out is held, cancellable by the payer; 0: it completes at once."""

    fx_rates: dict[str, Decimal]
    """Mid-market rates, to count money out in other currencies against USD limits."""

    sanctions: tuple[str, ...] = ()
    """Names money may not go to without a review (`compliance`)."""

    @classmethod
    def of(cls, settings: ServerSettings) -> Rules:
        return cls(
            undo_seconds=settings.undo_seconds,
            fx_rates=settings.fx_rates,
            sanctions=tuple(settings.sanctions),
        )


async def _rules(settings: Settings) -> Rules:
    return Rules.of(settings)


MoneyRules = Annotated[Rules, Depends(_rules)]


class Order(Protocol):
    """One way of paying: what it is for, and what it settles once paid."""

    async def plan(self, conn: Conn, payer: Account) -> Outgoing:
        """Who gets how much and why; the order's own refusals. Reads only."""
        ...

    async def done(self, tx: Tx, payer: Account, sent: Transfer) -> None:
        """The order's own bookkeeping, in the same transaction as the money."""
        ...


@dataclass(frozen=True)
class Payment:
    """Pay @handle; inside a conversation, a card shows there."""

    to: str
    amount: Money
    note: str = ""
    conversation_id: str | None = None
    share: bool = False

    async def plan(self, conn: Conn, payer: Account) -> Outgoing:
        payee = await accounts.by_handle(conn, self.to)
        if self.conversation_id:
            await chat.require_member(conn, payer, self.conversation_id, payee)
        links = Links(conversation_id=self.conversation_id, shared=self.share)
        return Outgoing("payment", payee, self.amount, self.note, links)

    async def done(self, tx: Tx, payer: Account, sent: Transfer) -> None:
        if self.conversation_id:
            await messages.send(tx, payer, self.conversation_id, self.note, transfer=sent)


@dataclass(frozen=True)
class PayRequest:
    """Pay a request made of me, its amount to whoever asked."""

    request_id: str

    async def plan(self, conn: Conn, payer: Account) -> Outgoing:
        row, requester = await bills.payable(conn, payer, self.request_id)
        amount = Money(amount=row.amount, currency=row.currency)
        return Outgoing("request", requester, amount, row.note, Links(request_id=row.id))

    async def done(self, tx: Tx, payer: Account, sent: Transfer) -> None:
        await bills.mark_paid(tx, self.request_id, sent.id)


@dataclass(frozen=True)
class Tip:
    """Tip a post's author (a repost's tip goes to who wrote the post)."""

    post_id: str
    amount: Money

    async def plan(self, conn: Conn, payer: Account) -> Outgoing:
        shown = await posts.get(conn, payer, self.post_id)  # a post I can't see is not there
        post = shown.repost_of or shown
        if post.author.id == payer.id:
            raise AppError(422, "cannot_tip_self", "You can't tip your own post")
        words = " ".join(post.text.split())
        note = f"Tip · {words[:60]}{'…' if len(words) > 60 else ''}"
        return Outgoing("tip", post.author, self.amount, note, Links(post_id=post.id))

    async def done(self, tx: Tx, payer: Account, sent: Transfer) -> None:
        """A tip settles nothing beyond the money (earnings are read from transfers)."""


@dataclass(frozen=True)
class Refund:
    """Send back part or all of a payment I received, never more than it in total."""

    transfer_id: str
    amount: Money
    note: str = ""

    async def plan(self, conn: Conn, payer: Account) -> Outgoing:
        row = await payments.refundable(conn, payer, self.transfer_id, self.amount)
        sender = await accounts.by_id(conn, row.sender_id)
        note = self.note or f"Refund: {row.note}"[:140]
        links = Links(refund_of=row.id, conversation_id=row.conversation_id)
        return Outgoing("refund", sender, self.amount, note, links)

    async def done(self, tx: Tx, payer: Account, sent: Transfer) -> None:
        await payments.count_refund(tx, sent)


@dataclass(frozen=True)
class PayInvoice:
    """Pay a merchant's invoice, its total to the merchant."""

    invoice_id: str

    async def plan(self, conn: Conn, payer: Account) -> Outgoing:
        row, merchant = await invoices.payable(conn, payer, self.invoice_id)
        amount = Money(amount=row.total, currency=row.currency)
        note = f"Invoice · {row.note}" if row.note else "Invoice"
        return Outgoing("invoice", merchant, amount, note[:140])

    async def done(self, tx: Tx, payer: Account, sent: Transfer) -> None:
        await invoices.mark_paid(tx, self.invoice_id, payer, sent.id)


@dataclass(frozen=True)
class Withdrawal:
    """Money to my own linked bank, over the rail."""

    amount: Money
    rail: Rail

    async def plan(self, conn: Conn, payer: Account) -> Outgoing:
        bank = await banking.require_link(conn, payer)
        return Outgoing("withdrawal", payer, self.amount, f"To {banking.describe(bank)}")

    async def done(self, tx: Tx, payer: Account, sent: Transfer) -> None:
        await banking.withdrawn(tx, self.rail, payer, sent)


async def payee_check(conn: Conn, payer: Account, payee: Account, kind: TransferKind) -> bool:
    """Refuse paying yourself or across a block (a refund goes back even across one);
    True when nothing was ever paid to `payee` from `payer`. A refund's payee is the
    account the money came from, so it is never a new payee."""
    if payee.id == payer.id:
        raise AppError(422, "cannot_pay_self", "You can't send money to yourself")
    if kind == "refund":
        return False
    await safety.require_unblocked(conn, payer, payee)
    return not await payments.paid_before(conn, payer, payee)


@dataclass(frozen=True)
class _Vetted:
    out: Outgoing
    first_payment: bool
    hold_seconds: float


async def _vet(
    conn: Conn, payer: Account, order: Order, rules: Rules, previewing: bool = False
) -> _Vetted:
    """Every rule but the PIN, for `send` and `preview` alike (a preview checks the
    limits without counting; `send` counts, which checks)."""
    out = await order.plan(conn, payer)
    withdrawal = out.kind == "withdrawal"
    await compliance.require_unfrozen(conn, payer, None if withdrawal else out.payee)
    await limits.require(conn, payer, "withdrawals" if withdrawal else "payments")
    first_payment = False if withdrawal else await payee_check(conn, payer, out.payee, out.kind)
    if previewing and out.kind != "refund":
        await limits.check(conn, payer, limits.in_usd(out.amount, rules.fx_rates))
    # A withdrawal goes to my own bank (no payee to check), held by the rail instead.
    return _Vetted(out, first_payment, 0 if withdrawal else rules.undo_seconds)


async def send(tx: Tx, proof: Authorized, order: Order, rules: Rules) -> Transfer:
    """Move money out of `proof.account` as `order` says, by the rules above."""
    payer = proof.account
    vetted = await _vet(tx.conn, payer, order, rules)
    out = vetted.out
    rule = None
    if out.kind != "refund":
        usd = limits.in_usd(out.amount, rules.fx_rates)
        await limits.count(tx, payer, usd)
        if out.kind != "withdrawal":  # the rail's own checks stand for a withdrawal
            rule = await compliance.screen(
                tx.conn, payer, out.payee, usd, out.kind, list(rules.sanctions)
            )
    sent = await payments.move_out(tx, payer, out, vetted.hold_seconds, review=rule is not None)
    if rule is not None:
        await compliance.hold(tx, sent.id, rule)
    await order.done(tx, payer, sent)
    return sent


async def preview(conn: Conn, payer: Account, order: Order, rules: Rules) -> PaymentPreview:
    """What `send` would do, without the PIN and without moving money."""
    vetted = await _vet(conn, payer, order, rules, previewing=True)
    out = vetted.out
    return PaymentPreview(
        kind=out.kind,
        payee=out.payee,
        amount=out.amount,
        note=out.note,
        first_payment=vetted.first_payment,
        held_for=vetted.hold_seconds,
    )
