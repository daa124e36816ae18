"""The bar across the top: who is signed in, whether the live feed is connected, how
many messages are unread, and how many notifications are unseen."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { dock: top; height: 1; background: $panel; padding: 0 1; }
    """

    handle = ""
    feed = ""
    unread = 0
    notes = 0

    def show(
        self,
        handle: str | None = None,
        feed: str | None = None,
        unread: int | None = None,
        notes: int | None = None,
    ) -> None:
        self.handle = handle if handle is not None else self.handle
        self.feed = feed if feed is not None else self.feed
        self.unread = unread if unread is not None else self.unread
        self.notes = notes if notes is not None else self.notes
        shown = "99+" if self.notes > 99 else str(self.notes)
        line = Content.from_markup(
            "[bold]xapp[/bold]  @$handle · $feed$unread$notes",
            handle=self.handle,
            feed=self.feed,
            unread=f" · ✉ {self.unread} unread" if self.unread else "",
            notes=f" · 🔔 {shown} (N)" if self.notes else "",
        )
        self.update(line)
