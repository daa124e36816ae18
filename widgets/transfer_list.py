"""Recent money movements in the wallet pane, newest first."""

from __future__ import annotations

from typing import Any

from textual.content import Content

from xapp.api.models import OWN_MONEY, Transfer
from xapp.api.money import format_amount
from xapp.widgets.cards import state
from xapp.widgets.clock import ago
from xapp.widgets.lines import ItemLines

PLAIN = OWN_MONEY | {"payment", "creator_payout"}
"""Kinds whose note says what they were (the server writes it), shown without the kind."""

OWN = {
    "withdrawal": "[b]-$amount[/b] to your bank",
    "to_savings": "$amount to savings",
    "from_savings": "$amount from savings",
    "dividend": "[$text-success]+$amount[/] savings dividend",
    "creator_payout": "[$text-success]+$amount[/] creator payout",
}
"""Money between my own pockets, said as such (never "from You @me")."""


def describe(transfer: Transfer) -> str:
    """What a movement was for, said once: a tip's note already says "Tip · …" (the
    post's opening words), so the kind is not put in front of it again."""
    note = transfer.note or "no note"
    if transfer.kind in PLAIN or note.casefold().startswith(transfer.kind):
        return note
    return f"{transfer.kind} · {note}"


class TransferList(ItemLines[Transfer]):
    def __init__(self, me_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.me_id = me_id

    def item_id(self, item: Transfer) -> str:
        return item.id

    def render_item(self, item: Transfer, width: int) -> list[Content]:
        amount = format_amount(item.amount.amount, item.amount.currency)
        incoming = item.recipient.id == self.me_id
        if item.kind in OWN:
            head = Content.from_markup(OWN[item.kind], amount=amount)
        elif item.kind == "exchange" and item.received is not None:
            got = format_amount(item.received.amount, item.received.currency)
            head = Content.from_markup("$amount → [bold]$got[/bold]", amount=amount, got=got)
        elif item.kind == "return" and item.sender is not None:
            head = Content.from_markup("[b]-$amount[/b] back to your bank", amount=amount)
        elif item.sender is None:
            head = Content.from_markup("[$text-success]+$amount[/] from your bank", amount=amount)
        elif incoming:
            head = Content.from_markup(
                "[$text-success]+$amount[/] from [bold]$name[/bold] [dim]@$handle[/dim]",
                amount=amount,
                name=item.sender.display_name,
                handle=item.sender.handle,
            )
        else:
            head = Content.from_markup(
                "-$amount to [bold]$name[/bold] [dim]@$handle[/dim]",
                amount=amount,
                name=item.recipient.display_name,
                handle=item.recipient.handle,
            )
        note = Content.from_markup(
            "[dim]$note · $when[/dim]", note=describe(item), when=ago(item.created_at)
        )
        if item.status == "completed" and not item.refunded.amount:
            return [*head.wrap(width), *note.wrap(width)]
        return [*head.wrap(width), *(note + " · " + state(item)).wrap(width)]
