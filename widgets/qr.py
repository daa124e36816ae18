"""A QR code drawn with half blocks: two modules per character cell, dark on light
whatever the theme (scanners read dark modules on a light ground; a terminal's light
text on dark would invert the code), with the quiet zone the standard asks for."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

DARK = "#000000"
LIGHT = "#ffffff"
QUIET_ZONE = 2
"""Modules of light border: the standard asks for 4; 2 scans from a screen and saves rows."""


def qr_text(data: str) -> Text:
    """`data` as a QR code, one line per two module rows. Error correction L: a screen
    is not a crumpled sticker, and the smallest code fits an 80x24 terminal."""
    import segno  # only when a code is drawn: nothing at start-up pays for it

    rows = [
        list(row)
        for row in segno.make(data, error="l", micro=False).matrix_iter(scale=1, border=QUIET_ZONE)
    ]
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))
    text = Text(no_wrap=True, overflow="crop")
    for top, bottom in zip(rows[::2], rows[1::2], strict=True):
        for upper, lower in zip(top, bottom, strict=True):
            text.append(
                "▀", Style(color=DARK if upper else LIGHT, bgcolor=DARK if lower else LIGHT)
            )
        text.append("\n")
    text.rstrip()
    return text


class QrCode(Static):
    """Shows `data` as a QR code (`drawn`, the cells as drawn); `show(data)` draws another."""

    DEFAULT_CSS = "QrCode { width: auto; height: auto; }"

    def __init__(self, data: str = "", **kwargs: object) -> None:
        self.data = data
        self.drawn = qr_text(data) if data else Text()
        super().__init__(self.drawn, **kwargs)  # type: ignore[arg-type]

    def show(self, data: str) -> None:
        if data != self.data:
            self.data = data
            self.drawn = qr_text(data)
            self.update(self.drawn)
