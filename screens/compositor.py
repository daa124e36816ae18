"""`CroppedCompositor`: a screen update draws only the rows it changes.

Textual's compositor (8.2) picks the widgets to draw for an update by whether their
*parent's* clip overlaps the changed area, and then draws each picked widget whole. On
the home screen every pane, the status bar and the footer share the screen as their clip,
so a new chat message (21 changed rows in one pane) drew all eleven widgets on screen in
full, about 1 ms of the message's trip (bench/chat.py). This compositor asks only the
widgets that show something inside the changed area, and only for the rows the update
writes, and stops at a widget that covers the whole area (its containers are behind it);
what reaches the terminal is the same, since an update only writes its own rows.

It overrides one private method, so the Textual range in pyproject.toml pins the version
it was written against; tests/test_screen_updates.py replays every update the App sends
onto a grid, as a terminal would, and checks it against a full redraw.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip


class CroppedCompositor(Compositor):
    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        crop = self.size.region if crop is None else crop
        for widget, (region, clip) in self.visible_widgets.items():
            visible = region.intersection(clip)
            changed = visible.intersection(crop)
            if not changed:
                continue
            # Whole rows of what the widget shows: updates are cut into columns later,
            # at the edges of every widget on the row, so the columns must stay whole.
            rows = Region(visible.x, changed.y, visible.width, changed.height)
            yield region, rows, widget.render_lines(rows.translate((-region.x, -region.y)))
            if visible.contains_region(crop):
                # Widgets come front first, and a widget decides every cell it shows:
                # nothing behind this one (its containers) shows inside the update.
                return
