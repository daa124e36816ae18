"""The bar across the top: who is signed in, whether the live feed is connected, how
many messages are unread, and how many notifications are unseen; and, always in view at
its right end, how to get help and how to quit (the footer runs out of room for them).
It follows the App's `feed`, `unread` and `notifications` signals itself."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widgets import Static

from xapp.api.feed import FeedState
from xapp.api.models import Notification
from xapp.live import FeedStatus, live, subscribe

FEED_LABELS = {
    FeedState.ONLINE: "● online",
    FeedState.CONNECTING: "◌ connecting…",
    FeedState.RECONNECTING: "◌ reconnecting…",
    FeedState.OUTDATED: "⚠ this server is newer: update xapp for live updates",
    FeedState.CLOSED: "○ offline",
}


KEYS = Content.assemble(("?", "bold $accent"), " help · ", ("ctrl+q", "bold $accent"), " quit")
SHORT_KEYS = Content.assemble(("?", "bold $accent"), " help ", ("^q", "bold $accent"), " quit")


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, handle: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.handle = handle
        self.feed = ""
        self.unread = 0
        self.notes = 0

    def on_mount(self) -> None:
        signals = live(self)
        subscribe(self, signals.feed, self._feed)
        subscribe(self, signals.unread, lambda total: self.show(unread=total))
        subscribe(self, signals.notifications, self._notification)
        self._feed(signals.feed_status)

    def _feed(self, status: FeedStatus) -> None:
        label = FEED_LABELS[status.state]
        if status.newer_server and status.state == FeedState.ONLINE:
            label += " · some updates need a newer xapp: update xapp"
        self.show(feed=label)

    def _notification(self, _: Notification) -> None:
        if not getattr(self.app.screen, "shows_notifications", False):
            self.show(notes=self.notes + 1)

    def show(
        self, feed: str | None = None, unread: int | None = None, notes: int | None = None
    ) -> None:
        self.feed = feed if feed is not None else self.feed
        self.unread = unread if unread is not None else self.unread
        self.notes = notes if notes is not None else self.notes
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        shown = "99+" if self.notes > 99 else str(self.notes)
        line = Content.from_markup(
            "[bold]xapp[/bold]  @$handle · $feed$unread$notes",
            handle=self.handle,
            feed=self.feed,
            unread=f" · ✉ {self.unread} unread" if self.unread else "",
            notes=f" · 🔔 {shown} (N)" if self.notes else "",
        )
        room = self.content_region.width - line.cell_length
        for keys in (KEYS, SHORT_KEYS):
            if room >= keys.cell_length + 2:
                line = Content.assemble(line, " " * (room - keys.cell_length), keys)
                break
        self.update(line)
