"""The open conversation's messages, oldest at the top, pinned to the newest."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from xapp.api.models import Bill, Message, Transfer
from xapp.widgets.cards import bill_card, payment_card
from xapp.widgets.lines import ItemLines
from xapp.widgets.timeline import authored


class MessageLog(ItemLines[Message]):
    """Messages, with payment and bill cards drawn as the payment or bill is now."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "screen.remind", "Remind")]

    def __init__(self, me_id: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.me_id = me_id

    def item_id(self, item: Message) -> str:
        return item.id

    def render_item(self, item: Message, width: int) -> list[Content]:
        lines = authored(item.sender, item.created_at, item.text, width)
        if item.transfer is not None:
            return [lines[0], *payment_card(item.transfer, width), Content("")]
        if item.bill is not None:
            return [lines[0], *bill_card(item.bill, self.me_id, width), Content("")]
        return lines

    def update_cards(self, transfer: Transfer | None = None, bill: Bill | None = None) -> None:
        """Redraw the cards of a payment or bill that changed (live, from the feed)."""
        for message in list(self.items):
            if transfer is not None and message.transfer and message.transfer.id == transfer.id:
                self.upsert(message.model_copy(update={"transfer": transfer}))
            if bill is not None and message.bill and message.bill.id == bill.id:
                self.upsert(message.model_copy(update={"bill": bill}))

    @property
    def pinned(self) -> bool:
        """True when the newest message is in view: new ones then scroll into view."""
        return self.scroll_y >= self.max_scroll_y - 1

    def show_latest(self) -> None:
        """Select and scroll to the newest message once the layout is known: scrolling
        before the first layout would clamp against a zero-height view."""
        self.set_reactive(MessageLog.cursor, max(len(self.items) - 1, 0))
        self.call_after_refresh(self.scroll_end, animate=False, immediate=True)

    def append(self, message: Message) -> None:
        pinned = self.pinned
        self.add_bottom([message])
        if pinned:
            self.show_latest()
