"""The speed layer: every private Textual name xapp leans on, behind one seam.

Three tricks make a chat message reach the other person's screen in under 10 ms
(bench/chat.py) and keep scrolling cheap; each needs something Textual doesn't publish:

- `CroppedCompositor`: a screen update draws only the widgets inside it, and only the
  rows it writes. Textual's compositor (8.2) picks widgets by whether their *parent's*
  clip overlaps the change and draws each picked one whole, so a new chat message (21
  rows of one pane) drew all eleven widgets of the home screen (~1 ms). It overrides
  `Compositor._get_renders` and is installed as a screen's `_compositor`.
- `move_drawn_rows`: after a scroll, the rows Textual already drew are moved with the
  scroll instead of drawn afresh (~55 µs a row). It rewrites a widget's
  `_styles_cache._cache` and `_dirty_lines`.
- `resize_quietly`: a fixed-height list tells its scrollbar about new lines with
  `_scroll_update`, what Textual itself runs after a size change, instead of assigning
  `virtual_size`, which lays out the whole screen (~4 ms a chat message).

This module checks at import that those names exist with the shapes used here. If a
Textual release changes them, `ACTIVE` is False, a warning is logged, and every trick
falls back to stock Textual: slower, never wrong. Textual is pinned exactly in
pyproject.toml; `tests/test_repaint_seam.py` names each private member (the canary for
a bump) and `tests/test_screen_updates.py` checks every row that reaches the terminal
against a redraw from empty caches.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable
from typing import Any, cast

from textual.app import App, ScreenStackError
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

log = logging.getLogger("xapp.widgets.repaint")


def _problems() -> list[str]:
    """What is missing from this Textual for the tricks above (empty: all there)."""
    problems: list[str] = []
    try:
        from textual._compositor import Compositor
        from textual._styles_cache import StylesCache
    except ImportError as exc:
        return [f"textual private modules: {exc}"]
    renders = getattr(Compositor, "_get_renders", None)
    if renders is None or list(inspect.signature(renders).parameters) != ["self", "crop"]:
        problems.append("Compositor._get_renders(self, crop)")
    if not isinstance(getattr(Compositor, "visible_widgets", None), property):
        problems.append("Compositor.visible_widgets")
    cache = StylesCache()
    if not isinstance(getattr(cache, "_cache", None), dict):
        problems.append("StylesCache._cache")
    if not isinstance(getattr(cache, "_dirty_lines", None), set):
        problems.append("StylesCache._dirty_lines")
    if "_compositor" not in inspect.getsource(Screen.__init__):
        problems.append("Screen._compositor")
    if "_styles_cache" not in inspect.getsource(Widget.__init__):
        problems.append("Widget._styles_cache")
    if not callable(getattr(App, "_end_batch", None)) or "_batch_count" not in inspect.getsource(
        App.__init__
    ):
        problems.append("App._end_batch and App._batch_count")
    update = getattr(ScrollView, "_scroll_update", None)
    if update is None or list(inspect.signature(update).parameters) != ["self", "virtual_size"]:
        problems.append("ScrollView._scroll_update(self, virtual_size)")
    return problems


PROBLEMS = _problems()
ACTIVE = not PROBLEMS
"""True when this Textual has everything the tricks need."""

if not ACTIVE:
    log.warning("painting the stock way; this Textual lacks: %s", ", ".join(PROBLEMS))


if ACTIVE:
    from textual._compositor import Compositor

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
                # Whole rows of what the widget shows: updates are cut into columns
                # later, at the edges of every widget on the row, so they stay whole.
                rows = Region(visible.x, changed.y, visible.width, changed.height)
                yield region, rows, widget.render_lines(rows.translate((-region.x, -region.y)))
                if visible.contains_region(crop):
                    # Widgets come front first, and a widget decides every cell it
                    # shows: nothing behind this one (its containers) shows inside.
                    return


class PaintAfterBatch:
    """Mixed into the App: a screen update made while a batch is held gets painted when
    the batch ends. Textual's Footer recomposes itself on every focus change and screen
    push inside `app.batch_update()`, held across awaits; an update composed meanwhile
    is not written, the screen's update timer is not resumed, and the batch's end wakes
    only the App, so a dialog opened then (the followers list) stayed off the terminal
    until the next key. Textual's own `delay_update` repaints at its end; this does the
    same for every batch. (Issue 13, item 19; tests/test_paint_after_batch.py.)"""

    def _end_batch(self) -> None:
        super()._end_batch()  # type: ignore[misc]
        app = cast(App[Any], self)
        if ACTIVE and not app._batch_count and app.is_running:
            try:
                app.screen.refresh()
            except ScreenStackError:
                pass


def crop_updates(screen: Screen[Any]) -> None:
    """Make `screen` draw only what each update changes (stock Textual otherwise)."""
    if ACTIVE:
        screen._compositor = CroppedCompositor()


def resize_quietly(view: ScrollView, size: Size) -> None:
    """Tell a fixed-height scroll view its content is now `size` without laying out
    the screen; stock Textual assigns `virtual_size` (a layout)."""
    if ACTIVE:
        view.set_reactive(ScrollView.virtual_size, size)
        view._scroll_update(size)
    else:
        view.virtual_size = size


def move_drawn_rows(widget: Widget, delta: int) -> None:
    """Repaint every row of `widget` after a scroll of `delta` rows, drawing afresh only
    the rows that show lines not drawn before (the rest are moved with the scroll)."""
    height = widget.size.height
    if not ACTIVE or abs(delta) >= height:
        widget.refresh(widget.size.region)
        return
    cache = widget._styles_cache
    drawn = {y: strip for y, strip in cache._cache.items() if y not in cache._dirty_lines}
    widget.refresh(widget.size.region)
    moved = {y - delta: strip for y, strip in drawn.items() if 0 <= y - delta < height}
    cache._cache = moved
    cache._dirty_lines = set(range(height)).difference(moved)
