"""Acting on posts from the timeline, as a person would: like, repost and bookmark with
one key, reply in the composer, delete my own post after a confirmation, and counts that
move while someone else presses like."""

from __future__ import annotations

from tests.conftest import People
from tests.test_tui_home import drawn, home_of, shown, signed_in_app, visible, wait_for
from xapp.screens.compose import ComposeScreen
from xapp.widgets.paged_timeline import PagedTimeline
from xapp.widgets.timeline import Timeline


async def test_like_repost_bookmark_and_reply_from_the_keyboard(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.accounts.follow("bob")
    post = await bob.posts.create("Terminals are back.")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: "Terminals are back." in drawn(timeline))
        timeline.focus()
        await pilot.press("l", "B")
        await wait_for(pilot, lambda: "♥ 1" in drawn(timeline) and "🔖" in drawn(timeline))
        await pilot.press("b")
        await wait_for(pilot, lambda: "🔁 Ada reposted" in drawn(timeline))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        assert app.screen.draft.reply_to is not None
        await pilot.press(*"Never left.", "ctrl+s")
        await wait_for(pilot, lambda: "↳ replying to @bob" in drawn(timeline))
        await wait_for(pilot, lambda: "💬 1" in drawn(timeline))
    seen = await bob.posts.get(post.id)
    assert (seen.likes, seen.reposts, seen.replies) == (1, 1, 1)
    assert [p.id for p in (await ada.posts.bookmarks()).items] == [post.id]


async def test_counts_move_live_and_my_post_can_be_deleted(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    mine = await ada.posts.create("Soon to be liked, then gone.")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: "Soon to be liked" in drawn(timeline))
        fans = [await people.signed_in(f"fan{i}") for i in range(3)]
        for fan in fans:
            await fan.posts.like(mine.id)
        await wait_for(pilot, lambda: "♥ 3" in drawn(timeline))
        timeline.focus()
        await pilot.press("d")
        await pilot.press("y")
        await wait_for(pilot, lambda: "Soon to be liked" not in drawn(timeline))
    assert (await ada.posts.get(mine.id)).deleted


async def test_new_posts_wait_above_the_reader_behind_a_bar(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.accounts.follow("bob")
    for i in range(30):
        await bob.posts.create(f"older post {i}")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        title = home.query_one("#timeline-title")
        await wait_for(pilot, lambda: len(timeline.items) == 30)
        timeline.focus()
        for _ in range(5):
            await pilot.press("j")
        reading, before = timeline.selected, visible(timeline)
        await bob.posts.create("breaking one")
        await bob.posts.create("breaking two")
        await wait_for(pilot, lambda: len(timeline.items) == 32)
        await pilot.wait_for_scheduled_animations()  # a scroll, if any, has happened
        assert timeline.selected == reading and visible(timeline) == before  # nothing moved
        assert shown(title) == "Timeline  ↑ 2 new posts · g shows them"
        await pilot.press("g")
        await wait_for(pilot, lambda: "breaking two" in visible(timeline))
        assert shown(title) == "Timeline"


async def test_scrolling_down_loads_every_post_once(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada")
    posts = [await ada.posts.create(f"post {i}") for i in range(120)]
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: len(timeline.items) == 50)  # one page at first
        timeline.focus()
        while len(timeline.items) < 120:
            loaded = len(timeline.items)
            await pilot.press("G")  # the last post: nearing the end loads the next page
            await wait_for(pilot, lambda n=loaded: len(timeline.items) > n)
        assert [p.id for p in timeline.items] == [p.id for p in reversed(posts)]


async def test_a_long_timeline_keeps_a_window_and_pages_back_up(people: People, tmp_path) -> None:
    """Paging down a long timeline forgets the top (memory stays bounded); paging back up
    fetches it again; every post shows exactly once, in order, with no gap."""
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.accounts.follow("bob")
    newest_first = [(await bob.posts.create(f"long post {i}")).id for i in range(260)][::-1]
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)

    def in_order(timeline: PagedTimeline) -> int:
        """Where the window starts in the true order; fails on a gap or a repeat."""
        ids = [post.id for post in timeline.items]
        start = newest_first.index(ids[0])
        assert ids == newest_first[start : start + len(ids)]
        return start

    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(PagedTimeline)
        title = home.query_one("#timeline-title")
        timeline.window, timeline.reach = 100, 20
        await wait_for(pilot, lambda: len(timeline.items) == 50)
        timeline.focus()
        largest = 0
        while timeline.older is not None or timeline.fetching:
            await pilot.press("G")
            await wait_for(pilot, lambda: not timeline.fetching)
            largest = max(largest, len(timeline.items))
            in_order(timeline)
        await pilot.press("G")
        await wait_for(pilot, lambda: "long post 0" in visible(timeline))
        assert largest <= 150 and not timeline.at_newest and in_order(timeline) > 0

        await bob.posts.create("while the reader is far down")
        await wait_for(pilot, lambda: "1 new post" in shown(title))
        assert "while the reader is far down" not in drawn(timeline)

        while not timeline.at_newest or timeline.fetching:
            await pilot.press("pageup")
            await wait_for(pilot, lambda: not timeline.fetching)
            if timeline.items[0].text != "while the reader is far down":
                in_order(timeline)
            largest = max(largest, len(timeline.items))
        assert largest <= 150
        assert timeline.items[0].text == "while the reader is far down"
        assert [p.id for p in timeline.items[1:]] == newest_first[: len(timeline.items) - 1]

        while timeline.at_newest or timeline.fetching:  # far down again, then g fetches
            await pilot.press("G")  # the newest page
            await wait_for(pilot, lambda: not timeline.fetching)
        await pilot.press("g")
        await wait_for(pilot, lambda: "while the reader is far down" in visible(timeline))
        assert timeline.at_newest and shown(title) == "Timeline"
        await pilot.pause()
        await wait_for(pilot, lambda: not timeline.fetching)
        assert len(timeline.items) == 50  # the newest page alone, not a second one after it
