"""How money looks wherever it shows: a payment's state in words, and the payment and
bill cards that a chat draws in place of a message.

Every untrusted part (names, handles, notes) goes in as a template variable, never into
markup, so a note like `[/bold]` shows literally.
"""

from __future__ import annotations

from textual.content import Content

from xapp.api.models import Bill, Transfer
from xapp.api.money import format_amount

STATUS_STYLE = {"pending": "$warning", "completed": "$success", "voided": "dim strike"}


def money(transfer: Transfer) -> str:
    return format_amount(transfer.amount.amount, transfer.amount.currency)


def state(transfer: Transfer) -> Content:
    """ "completed", "pending · until 14:02", "cancelled", "refunded $2.50"…"""
    if transfer.status == "pending":
        until = transfer.release_at.astimezone().strftime("%H:%M:%S") if transfer.release_at else ""
        words = f"pending until {until}" if until else "pending"
    elif transfer.status == "voided":
        words = "cancelled"
    elif transfer.refunded.amount >= transfer.amount.amount:
        words = "refunded"
    elif transfer.refunded.amount:
        words = f"refunded {format_amount(transfer.refunded.amount, transfer.refunded.currency)}"
    else:
        words = "completed"
    style = "$accent" if transfer.refunded.amount else STATUS_STYLE[transfer.status]
    return Content(words).stylize(style)


def payment_card(transfer: Transfer, width: int) -> list[Content]:
    head = Content.from_markup(
        "┌ [bold]$amount[/bold] to [bold]$name[/bold] [dim]@$handle[/dim]",
        amount=money(transfer),
        name=transfer.recipient.display_name,
        handle=transfer.recipient.handle,
    )
    lines = [*head.wrap(width)]
    if transfer.note:
        lines += Content.from_markup("│ $note", note=transfer.note).wrap(width)
    lines.append(Content("└ ") + state(transfer))
    return lines


def bill_card(bill: Bill, me_id: str, width: int) -> list[Content]:
    head = Content.from_markup("┌ [bold]$summary[/bold]", summary=bill.summary)
    lines = [*head.wrap(width)]
    for request in bill.requests:
        mark, style = {
            "paid": ("✓", "$success"),
            "open": ("·", "$warning"),
            "declined": ("✗", "$error"),
            "cancelled": ("✗", "dim"),
        }[request.status]
        who = "you" if request.payer.id == me_id else f"@{request.payer.handle}"
        amount = format_amount(request.amount.amount, request.amount.currency)
        lines.append(
            Content("│ ")
            + Content(mark).stylize(style)
            + Content(f" {who} {amount} ")
            + Content(request.status).stylize(style)
        )
    paid = sum(r.status == "paid" for r in bill.requests)
    hint = ""
    if bill.requester.id == me_id and any(r.status == "open" for r in bill.requests):
        hint = " · r reminds"
    elif any(r.payer.id == me_id and r.status == "open" for r in bill.requests):
        hint = " · pay it from the wallet's requests"
    lines.append(Content(f"└ {paid} of {len(bill.requests)} paid{hint}"))
    return lines
