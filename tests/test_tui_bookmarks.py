"""Bookmarks as a person keeps them: B on a post, K lists them newest first, B there
takes one off the list (and the server forgets it, and the timeline below shows it)."""

from __future__ import annotations

from tests.conftest import People, query
from tests.test_tui_home import drawn, home_of, signed_in_app, visible, wait_for
from xapp.screens.bookmarks import BookmarksScreen
from xapp.widgets.paged_timeline import PagedTimeline
from xapp.widgets.timeline import Timeline


def bookmarked(db_path) -> list[tuple[str, str]]:
    """(who, which post) for every bookmark the database holds."""
    return query(
        db_path,
        "SELECT a.handle, b.post_id FROM bookmarks b JOIN accounts a ON a.id = b.account_id",
    )


async def test_bookmarks_view_lists_and_drops_bookmarks(people: People, tmp_path, db_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.accounts.follow("bob")
    kept = await bob.posts.create("Worth reading twice.")
    await bob.posts.create("Not kept.")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: "Worth reading twice." in drawn(timeline))
        timeline.focus()
        await pilot.press("j", "B")
        await wait_for(pilot, lambda: "🔖" in drawn(timeline))
        assert bookmarked(db_path) == [("ada", kept.id)]
        assert (await ada.posts.get(kept.id)).bookmarked
        assert not (await bob.posts.get(kept.id)).bookmarked  # bookmarks are private
        await pilot.press("K")
        await wait_for(pilot, lambda: isinstance(app.screen, BookmarksScreen))
        listed = app.screen.query_one(PagedTimeline)
        await wait_for(pilot, lambda: "Worth reading twice." in drawn(listed))
        assert "Not kept." not in drawn(listed)
        await pilot.press("B")
        await wait_for(pilot, lambda: "No bookmarks yet" in visible(listed))
        await pilot.press("escape")  # back home: the post there has lost its 🔖 too
        await wait_for(pilot, lambda: app.screen is home)
        assert "Worth reading twice." in drawn(timeline)
        assert "🔖" not in drawn(timeline)
    assert (await ada.posts.bookmarks()).items == []
    assert bookmarked(db_path) == []
