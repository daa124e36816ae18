"""A timeline that fetches its own pages and keeps a bounded window of them.

A reader can page through 100,000 posts: holding them all would cost hundreds of MB for
the models and their drawn lines. So the list keeps about `WINDOW` posts around the
reader; paging on down forgets the top, and going back up fetches it again from the
cursor of the post beside it (every page says where its items sit). Posts arriving from
the feed join the top only while the window reaches the newest post; otherwise the
owner counts them, and g fetches the newest page again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual import on
from textual.reactive import reactive

from xapp.api.errors import ApiError
from xapp.api.models import Page, Post
from xapp.widgets.lines import ItemLines
from xapp.widgets.timeline import Timeline
from xapp.workers import worker

Source = Callable[[str | None, str | None], Awaitable[Page[Post]]]
"""Fetches one page: (before, after) → the page below `before` or just above `after`."""

WINDOW = 300
"""Posts kept around the reader (six pages); the rest are a fetch away."""
REACH = 60
"""Posts either side of the cursor that are never forgotten (a tall screen's worth)."""


class PagedTimeline(Timeline):
    fetching: reactive[str] = reactive("")
    shown_once: reactive[bool] = reactive(False)
    """The first page has been fetched (or failed to be): the list has said something."""
    """What is being fetched: "first", "older", "newer", or nothing."""

    def __init__(self, source: Source, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.window = WINDOW
        self.reach = REACH
        self.older: str | None = None
        """Cursor of the page below the window, or None at the oldest post."""
        self.newer: str | None = None
        """Cursor of the posts above the window, or None while it reaches the newest."""
        self._cursors: dict[str, str] = {}

    @property
    def at_newest(self) -> bool:
        """The window reaches the newest post, so posts from the feed belong on top."""
        return self.newer is None

    def reload(self) -> None:
        """The newest page again, the cursor on its first post."""
        self._fetch(None, None)

    @worker(exclusive=True, group="paging")
    async def _fetch(self, before: str | None, after: str | None) -> None:
        self.fetching = "older" if before else "newer" if after else "first"
        try:
            page = await self.source(before, after)
        except ApiError as exc:
            self.notify(exc.message, title="Timeline", severity="error")
            return
        finally:
            self.fetching = ""
            self.shown_once = True
        if before is None and after is None:
            self._cursors.clear()  # the newest page replaces whatever was shown
        self._cursors.update(zip((post.id for post in page.items), page.cursors, strict=False))
        if before is not None:
            self.older = page.next
            self.add_bottom(page.items)
            self._forget(top=True)
        elif after is not None:
            self.newer = page.prev
            self.add_top(page.items, keep_view=True)
            self._forget(top=False)
        else:
            self.older, self.newer = page.next, None
            # To the top first: a view left far down a long window would otherwise be
            # clamped to the new page's end, which reads as "near the end" and fetched
            # the next page at once.
            self.scroll_to(y=0, animate=False, immediate=True)
            self.set_items(page.items)
            self.cursor = 0  # also tells the owner the reader is at the top

    @on(ItemLines.NearEnd)
    def _near_end(self, event: ItemLines.NearEnd) -> None:
        event.stop()
        if self.older and not self.fetching:
            self._fetch(self.older, None)

    @on(ItemLines.NearStart)
    def _near_start(self, event: ItemLines.NearStart) -> None:
        if self.newer and not self.fetching:
            event.stop()
            self._fetch(None, self.newer)

    def action_cursor_to(self, index: int) -> None:
        """g on a window that no longer reaches the newest post fetches the newest page."""
        if index == 0 and not self.at_newest:
            self.reload()
        else:
            super().action_cursor_to(index)

    def _forget(self, top: bool) -> None:
        """Drop posts beyond the window from the end away from the reader, cutting next to
        a post whose cursor is known (posts from the feed have none), never within
        `reach` of what is on screen."""
        items = self.items
        excess = len(items) - self.window
        if excess <= 0:
            return
        shown = self.first_shown
        if top:
            cuts = range(excess, max(shown - self.reach, 0) + 1)
        else:
            cuts = range(len(items) - excess - 1, min(shown + self.reach, len(items) - 1), -1)
        for cut in cuts:
            cursor = self._cursors.get(items[cut].id)
            if cursor is None:
                continue
            gone = self.drop(cut, top=True) if top else self.drop(len(items) - cut - 1, top=False)
            for post in gone:
                self._cursors.pop(post.id, None)
            if top:
                self.newer = cursor
            else:
                self.older = cursor
            return
