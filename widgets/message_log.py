"""The open conversation's messages, oldest at the top, pinned to the newest."""

from __future__ import annotations

from textual.content import Content

from xapp.api.models import Message
from xapp.widgets.lines import ItemLines
from xapp.widgets.timeline import authored


class MessageLog(ItemLines[Message]):
    def item_id(self, item: Message) -> str:
        return item.id

    def render_item(self, item: Message, width: int) -> list[Content]:
        return authored(item.sender, item.created_at, item.text, width)

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
