"""The tabs a narrow terminal shows under the top bar: which pane is on screen, and the
keys that switch (on a wide one all three panes show, and this line is hidden)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

TABS = ("Timeline", "Chat", "Wallet")


class PaneTabs(Static):
    DEFAULT_CSS = """
    PaneTabs { height: 1; padding: 0 1; display: none; }
    """

    active = 0

    def show(self, active: int) -> None:
        self.active = active
        parts: list[Content] = []
        for index, name in enumerate(TABS):
            label = f" {index + 1} {name} "
            style = "bold reverse $accent" if index == active else "$text-muted"
            parts += [Content.styled(label, style), Content(" ")]
        self.update(Content.assemble(*parts, Content.styled("· 1 2 3 switch", "$text-muted")))
