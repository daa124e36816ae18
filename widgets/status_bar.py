"""The bar across the top: who is signed in, and whether the live feed is connected."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { dock: top; height: 1; background: $panel; padding: 0 1; }
    """

    def show(self, handle: str, feed: str) -> None:
        line = Content.from_markup("[bold]xapp[/bold]  @$handle · $feed", handle=handle, feed=feed)
        self.update(line)
