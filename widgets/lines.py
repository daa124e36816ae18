"""`ItemLines`: a list of items drawn with Textual's Line API (DESIGN.md principle 8).

Each item is wrapped once into strips and cached; the widget only draws the lines that
are on screen, so thousands of posts cost memory for their text, not a widget each.
Items are kept in display order; ids make adding an item twice (REST page and feed
event racing) a no-op.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.cells import cell_len
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip

from xapp.widgets.repaint import move_drawn_rows, resize_quietly

T = TypeVar("T")

log = logging.getLogger("xapp.widgets")

PAINTED_LINES = 512  # a tall terminal's worth of lines, twice (cursor and not)


class ItemLines(ScrollView, Generic[T], can_focus=True):
    """Subclasses say how an item is identified and drawn; this class does the rest."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"item-lines--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="list.up", tooltip="move up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="list.down", tooltip="move down"),
        Binding(
            "home,g",
            "cursor_to(0)",
            "First",
            show=False,
            id="list.first",
            tooltip="the first item (on the timeline, new posts wait above until g)",
        ),
        Binding("end,G", "cursor_to(-1)", "Last", show=False, id="list.last", tooltip="the last"),
    ]
    DEFAULT_CSS = """
    /* A stable gutter keeps the wrap width fixed when the scrollbar appears; otherwise the
       last cells of each line would hide under it. Lines wrap, so there is never a
       horizontal scrollbar (and an auto height must not leave a row for one). */
    ItemLines {
        background: $surface; scrollbar-gutter: stable;
        overflow-x: hidden; scrollbar-size-horizontal: 0;
    }
    ItemLines > .item-lines--cursor { background: $boost; }
    ItemLines:focus > .item-lines--cursor { background: $accent 30%; }
    """

    # No repaint of the whole list when the cursor moves: `watch_cursor` repaints the
    # rows of the item it left and the one it reached.
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    PAGES_DOWNWARD: ClassVar[bool] = True
    """Post `NearEnd` when the reader nears the last item. A chat pages upward only; its
    log says False, because every message that scrolls it would otherwise send a
    `NearEnd` bubbling through four message queues ahead of the screen's paint."""

    class _Near(Message):
        def __init__(self, lines: ItemLines[Any]) -> None:
            super().__init__()
            self.lines = lines

        @property
        def control(self) -> ItemLines[Any]:
            return self.lines

    class NearEnd(_Near):
        """The reader is close to the last item: time to load an older page."""

    class NearStart(_Near):
        """The reader is close to the first item (a chat's oldest loaded message)."""

    def __init__(self, empty: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.empty = empty
        self._items: list[T] = []
        self._ids: set[str] = set()
        self._rendered: list[list[Strip]] = []
        self._width = 0
        self._lines: list[Strip] = []
        self._owner: list[int] = []
        self._starts: list[int] = []
        self._base_style = self._cursor_style = Style()
        self._selection: Selection | None = None
        self._paint: tuple[int, int, int] | None = None
        """Scroll x, scroll y and width while `render_lines` draws (see there)."""
        # Keyed by the source strip's id; the entry holds the strip, so the id can't be
        # reused while the entry lives.
        self._painted: LRUCache[tuple[int, Style, int, int, int], tuple[Strip, Strip]] = LRUCache(
            PAINTED_LINES
        )

    # --- what subclasses provide ---------------------------------------------------

    def item_id(self, item: T) -> str:
        raise NotImplementedError

    def render_item(self, item: T, width: int) -> list[Content]:
        raise NotImplementedError

    # --- the data -------------------------------------------------------------------

    @property
    def items(self) -> Sequence[T]:
        return self._items

    def set_items(self, items: Iterable[T]) -> None:
        self._items, self._ids, self._rendered = [], set(), []
        self._lines, self._owner, self._starts = [], [], []
        self.add_bottom(items)

    def add_top(self, items: Iterable[T], keep_view: bool = False) -> int:
        """Insert items above the first; returns how many were new. The view keeps its
        place unless it was at the very top (or always, with `keep_view`: older history
        loaded above a reader must not move what they are reading)."""
        new = self._fresh(items)
        if not new:
            return 0
        rendered = [self._draw(item) for item in new]
        added_lines = sum(len(r) for r in rendered)
        self._items[:0] = new
        self._rendered[:0] = rendered
        at_top = self.scroll_y == 0 and not keep_view
        if self._items[len(new) :]:
            # Keep the same item selected without the watcher scrolling to it.
            self.set_reactive(ItemLines.cursor, self.cursor + len(new))
        self._relayout()
        if not at_top:
            self.scroll_to(y=self.scroll_y + added_lines, animate=False, immediate=True)
        return len(new)

    def add_bottom(self, items: Iterable[T]) -> int:
        new = self._fresh(items)
        first = len(self._lines)
        # Extend the line index rather than rebuild it: a chat message arriving at the
        # bottom of a long history costs its own lines, not the whole history's.
        for item in new:
            strips = self._draw(item)
            self._starts.append(len(self._lines))
            self._owner.extend([len(self._items)] * len(strips))
            self._lines.extend(strips)
            self._items.append(item)
            self._rendered.append(strips)
        # Only the new lines change, unless the list was empty: then its note (which the
        # owner may just have reworded) goes or changes, and all of it is drawn again.
        self._sized(changed=(first, len(self._lines)) if first else None)
        return len(new)

    def upsert(self, item: T) -> None:
        """Redraw `item` where it is if its id is known (a changed state), else add it on top."""
        key = self.item_id(item)
        if key not in self._ids:
            self.add_top([item])
            return
        for index, known in enumerate(self._items):
            if self.item_id(known) == key:
                self._items[index] = item
                self._rendered[index] = self._draw(item)
                self._relayout()
                return

    def remove_item(self, item_id: str) -> None:
        """Take an item out (not `remove`: that is Textual's, and takes the widget out)."""
        for index, known in enumerate(self._items):
            if self.item_id(known) == item_id:
                del self._items[index], self._rendered[index]
                self._ids.discard(item_id)
                self._relayout()
                return

    def drop(self, count: int, top: bool) -> list[T]:
        """Forget `count` items at one end (a list keeping a bounded window); the reader
        keeps looking at the same lines and the same item."""
        if count <= 0:
            return []
        span = slice(None, count) if top else slice(len(self._items) - count, None)
        gone = self._items[span]
        lines_gone = sum(len(strips) for strips in self._rendered[span])
        del self._items[span], self._rendered[span]
        self._ids.difference_update(self.item_id(item) for item in gone)
        target = self.scroll_y - lines_gone if top else self.scroll_y
        if top:
            self.set_reactive(ItemLines.cursor, max(self.cursor - count, 0))
        self._relayout()
        self.scroll_to(y=max(target, 0), animate=False, immediate=True)
        return gone

    def has(self, item_id: str) -> bool:
        return item_id in self._ids

    @property
    def first_shown(self) -> int:
        """The index of the item at the top of the view."""
        if not self._owner:
            return 0
        return self._owner[min(int(self.scroll_y), len(self._owner) - 1)]

    @property
    def selected(self) -> T | None:
        """The item under the cursor, if there are any."""
        return self._items[self.cursor] if self._items else None

    def _fresh(self, items: Iterable[T]) -> list[T]:
        new: list[T] = []
        for item in items:
            key = self.item_id(item)
            if key not in self._ids:
                self._ids.add(key)
                new.append(item)
        return new

    # --- drawing --------------------------------------------------------------------

    def _draw(self, item: T) -> list[Strip]:
        """An item's lines as strips. (Not `_render`: that is Textual's own, which
        copying selected text calls.)"""
        if not self._width:
            # Items can arrive (from a worker) before the first Resize has been handled:
            # wrap at the width the layout already gave, not at a guess drawn twice.
            self._width = self.scrollable_content_region.width
        width = max(self._width, 10)
        try:
            lines = self.render_item(item, width)
        except Exception:
            # Drawing runs inside workers, where an exception would vanish and leave the
            # old picture up: say so on screen and in the log instead.
            log.exception("could not draw %r", self.item_id(item))
            lines = [
                Content.from_markup("[$error]⚠ this item could not be drawn (see xapp.log)[/]")
            ]
        strips = []
        for line in lines:
            segments = line.render_segments()
            strips.append(Strip(segments, line.cell_length))
        return strips

    def _relayout(self) -> None:
        """Index every item's lines again (after a change anywhere but the bottom)."""
        lines: list[Strip] = []
        owner: list[int] = []
        starts: list[int] = []
        for index, strips in enumerate(self._rendered):
            starts.append(len(lines))
            lines.extend(strips)
            owner.extend([index] * len(strips))
        self._lines, self._owner, self._starts = lines, owner, starts
        self._sized()

    def _sized(self, changed: tuple[int, int] | None = None) -> None:
        """Tell Textual the new height, keep the cursor on an item, and repaint: only the
        lines in `changed` (start, end) if given, else everything."""
        if self.cursor >= len(self._items):  # the list shrank under the cursor
            self.set_reactive(ItemLines.cursor, max(len(self._items) - 1, 0))
        size = Size(self._width, len(self._lines))
        height = self.styles.height
        if height is not None and height.is_auto:
            # Sized to its content: the screen must be laid out again.
            self.virtual_size = size
        else:
            # A fixed-height list only needs its scrollbar told (see repaint.py).
            resize_quietly(self, size)
        if changed is None:
            self.refresh()
        else:
            self._refresh_lines(*changed)

    def on_resize(self) -> None:
        """Wrap again at a new width. The item at the top of the view stays there, whole:
        at another width its lines start elsewhere, and the view would open on half an
        item (the timeline lost its first post's byline at 100x30)."""
        width = self.scrollable_content_region.width
        if width != self._width:
            top = self.first_shown
            self._width = width
            self.refresh_items()
            if top and top < len(self._starts):
                self.scroll_to(y=self._starts[top], animate=False, immediate=True)

    def refresh_items(self) -> None:
        """Draw every item again (a new width, or relative times that have moved on)."""
        self._rendered = [self._draw(item) for item in self._items]
        self._relayout()

    def render_lines(self, crop: Region) -> list[Strip]:
        # What is the same for every line of one paint is looked up once (a style lookup
        # walks the ancestors' CSS; the content region is computed afresh each time), not
        # once for each of the rows a scroll redraws.
        self._paint = self._paint_state()
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def _paint_state(self) -> tuple[int, int, int]:
        """Scroll x, scroll y and width, with the base and cursor styles and the text
        selection looked up."""
        self._base_style = self.rich_style
        self._cursor_style = self._base_style + self.get_component_rich_style("item-lines--cursor")
        self._selection = self.text_selection
        return (*self.scroll_offset, self.scrollable_content_region.width)

    def render_line(self, y: int) -> Strip:
        # Outside a paint (asked for one line) the state is looked up for that line.
        scroll_x, scroll_y, width = self._paint or self._paint_state()
        line_no = scroll_y + y
        base = self._base_style
        if not self._lines:
            if y == 0 and self.empty:
                return Strip([*Content(self.empty).render_segments()]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if line_no >= len(self._lines):
            return Strip.blank(width, base)
        style = self._cursor_style if self._owner[line_no] == self.cursor else base
        line = self._lines[line_no]
        selection = self._selection
        span = selection.get_span(line_no) if selection is not None else None
        if span is not None:
            return self._selected(line, span, scroll_x, width, style, line_no)
        # A line that looks as it did last paint is handed back as the same Strip, so
        # Textual's per-strip caches hit: a new message repaints one line's worth of work.
        key = (id(line), style, scroll_x, width, line_no)
        painted = self._painted.get(key)
        if painted is None or painted[0] is not line:
            # Offsets tell Textual which character is under the mouse, for selecting.
            shown = line.crop_extend(scroll_x, scroll_x + width, None).apply_style(style)
            painted = (line, shown.apply_offsets(scroll_x, line_no))
            self._painted[key] = painted
        return painted[1]

    # --- selecting and copying text ---------------------------------------------------

    def _selected(
        self, line: Strip, span: tuple[int, int], scroll_x: int, width: int, style: Style, y: int
    ) -> Strip:
        """A line with the selected characters (`span`, as character offsets) marked."""
        text = line.text
        start, end = span
        end = len(text) if end == -1 else end
        first, last = cell_len(text[:start]), cell_len(text[:end])
        marked = self.screen.get_component_rich_style("screen--selection")
        pieces = [line.crop(0, first), line.crop(first, last).apply_style(marked), line.crop(last)]
        joined = Strip.join(pieces)
        shown = joined.crop_extend(scroll_x, scroll_x + width, None).apply_style(style)
        return shown.apply_offsets(scroll_x, y)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text: line numbers and character offsets are the ones the
        drawn lines carry (`apply_offsets` above)."""
        return selection.extract("\n".join(line.text.rstrip() for line in self._lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    # --- repainting only what changed -------------------------------------------------

    def refresh_item(self, index: int) -> None:
        """Repaint the rows showing item `index` (its look changed, not its size)."""
        if 0 <= index < len(self._starts):
            end = self._starts[index + 1] if index + 1 < len(self._starts) else len(self._lines)
            self._refresh_lines(self._starts[index], end)

    def _refresh_lines(self, start: int, end: int) -> None:
        """Repaint the rows showing lines `start` to `end` (those on screen)."""
        top, height = round(self.scroll_y), self.size.height
        first, last = max(start - top, 0), min(end - top, height)
        if first < last:
            self.refresh(Region(0, first, self.size.width, last - first))

    def _repaint_scrolled(self, delta: int) -> None:
        """Send every row to the terminal again after a scroll of `delta` rows, drawing
        only the rows that show lines not drawn before (see repaint.py). A new chat
        message scrolls the whole chat, so this is ~1 ms of its trip to the screen."""
        styles = self.styles
        edges = styles.gutter.top or styles.gutter.bottom
        # A border, padding or outline row is not a line that moves.
        if edges or styles.outline_top[0] or styles.outline_bottom[0]:
            self.refresh(self.size.region)
        else:
            move_drawn_rows(self, delta)

    # --- the cursor -----------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._items) - 1)) if self._items else 0

    def watch_cursor(self, old: int, new: int) -> None:
        if not self._starts:
            return
        top = self._starts[new]
        bottom = self._starts[new + 1] if new + 1 < len(self._starts) else len(self._lines)
        height = self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif bottom > self.scroll_y + height:
            self.scroll_to(y=max(top, bottom - height), animate=False)
        if new >= len(self._items) - 5 and self.PAGES_DOWNWARD:
            self.post_message(self.NearEnd(self))
        if new <= 10:
            self.post_message(self.NearStart(self))
        self.refresh_item(old)
        self.refresh_item(new)

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_cursor_to(self, index: int) -> None:
        self.cursor = index if index >= 0 else len(self._items) - 1

    def watch_scroll_y(self, old: float, new: float) -> None:
        # What ScrollView does, but a hidden scrollbar (the chat's) is left alone: Textual
        # takes a change to a widget it isn't showing as a new widget and maps the whole
        # screen again, ~1 ms of every chat message's trip (bench/chat.py).
        if self.show_vertical_scrollbar and self.styles.scrollbar_size_vertical:
            self.vertical_scrollbar.position = new
        if round(old) != round(new):
            self._repaint_scrolled(round(new) - round(old))
        near_end = new + self.scrollable_content_region.height >= len(self._lines) - 2
        if self._lines and near_end and self.PAGES_DOWNWARD:
            self.post_message(self.NearEnd(self))
        if self._lines and new < old and new <= self.scrollable_content_region.height:
            self.post_message(self.NearStart(self))  # within a screen of the top
