"""Open requests in the wallet: money asked of me (pay or decline) and money I asked
for (cancel or remind)."""

from __future__ import annotations

from typing import Any

from textual.content import Content

from xapp.api.models import PaymentRequest
from xapp.api.money import format_amount
from xapp.widgets.clock import ago
from xapp.widgets.lines import ItemLines


class RequestList(ItemLines[PaymentRequest]):
    def __init__(self, me_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.me_id = me_id

    def item_id(self, item: PaymentRequest) -> str:
        return item.id

    def incoming(self, item: PaymentRequest) -> bool:
        return item.payer.id == self.me_id

    def render_item(self, item: PaymentRequest, width: int) -> list[Content]:
        amount = format_amount(item.amount.amount, item.amount.currency)
        if self.incoming(item):
            head = Content.from_markup(
                "[bold]$name[/bold] [dim]@$handle[/dim] asks [bold]$amount[/bold]",
                name=item.requester.display_name,
                handle=item.requester.handle,
                amount=amount,
            )
            keys = "enter pays · d declines"
        else:
            head = Content.from_markup(
                "You asked [bold]$name[/bold] [dim]@$handle[/dim] for $amount",
                name=item.payer.display_name,
                handle=item.payer.handle,
                amount=amount,
            )
            keys = "r reminds · x cancels"
        note = Content.from_markup(
            "[dim]$note · $when · $keys[/dim]",
            note=item.note or "no note",
            when=ago(item.created_at),
            keys=keys,
        )
        return [*head.wrap(width), *note.wrap(width)]

    def show(self, request: PaymentRequest) -> None:
        """Keep open requests; a request that was paid, declined or cancelled leaves."""
        if request.status == "open":
            self.upsert(request)
        else:
            self.remove_item(request.id)
