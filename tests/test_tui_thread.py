"""The thread screen as a person uses it: enter on a post opens its thread with the posts
it answers above it and the replies below, enter on "more replies" goes deeper, esc comes
back; likes and edits show live in an open thread, H lists a post's edits, a bookmark made
in a deeper thread shows in the one below; and a snapshot of it."""

from __future__ import annotations

import asyncio

from textual.widgets import Static

from tests.conftest import People
from tests.test_tui_home import drawn, home_of, signed_in_app, wait_for
from xapp.api.client import ApiClient
from xapp.screens.dialogs import ListScreen
from xapp.screens.home import HomeScreen
from xapp.screens.thread import ThreadScreen, ThreadView
from xapp.widgets.timeline import Timeline


async def seed(url: str) -> tuple[str, str]:
    """ada asks; bob answers; cat's post (the one opened) answers bob; ada and bob reply
    to cat, and four people reply to ada's reply. Returns ada's token and cat's post id."""
    registry = People(url)
    try:
        ada = await registry.signed_in("ada", "Ada Lovelace")
        bob = await registry.signed_in("bob", "Bob Builder")
        cat = await registry.signed_in("cat", "Cat Stevens")
        await ada.accounts.follow("cat")
        root = await ada.posts.create("What should a terminal super-app do first?")
        middle = await bob.posts.create("Payments, with @ada's ledger rules.", reply_to=root.id)
        post = await cat.posts.create("Payments with signed receipts.", reply_to=middle.id)
        first = await ada.posts.create("Ed25519, verified offline.", reply_to=post.id)
        await bob.posts.create("And a PIN before money leaves.", reply_to=post.id)
        for i, who in enumerate((bob, cat, bob, cat)):
            await who.posts.create(f"nested answer {i}", reply_to=first.id)
        await bob.posts.like(post.id)
        assert ada.token is not None
        return ada.token, post.id
    finally:
        await registry.close()


async def test_open_a_thread_go_deeper_and_come_back(people: People, tmp_path) -> None:
    token, _ = await seed(people.url)
    app = signed_in_app(people.url, "ada", token, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: "Payments with signed receipts." in drawn(timeline))
        timeline.focus()
        items = [p.text for p in timeline.items]
        timeline.cursor = items.index("Payments with signed receipts.")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
        view = app.screen.query_one(ThreadView)
        await wait_for(pilot, lambda: "nested answer 2" in drawn(view))
        text = drawn(view)
        order = [
            "What should a terminal super-app do first?",
            "Payments, with @ada's ledger rules.",
            "Payments with signed receipts.",
            "Ed25519, verified offline.",
            "nested answer 0",
            "nested answer 2",
            "↳ 1 more reply · enter opens",
            "And a PIN before money leaves.",
        ]
        assert [text.index(line) for line in order] == sorted(text.index(line) for line in order)
        assert "nested answer 3" not in text
        assert view.selected is not None and view.selected.focus  # the opened post
        view.cursor = [i.more for i in view.items].index(1)  # "1 more reply"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "nested answer 3" in drawn(app.screen.query_one(ThreadView)))
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))


async def open_thread(pilot, cat: ApiClient, post_id: str) -> ThreadView:
    """cat's post opened as a thread over the home screen, its nested replies drawn."""
    home = await home_of(pilot)
    await pilot.app.push_screen(ThreadScreen(home.session, await cat.posts.get(post_id)))
    view = pilot.app.screen.query_one(ThreadView)
    await wait_for(pilot, lambda: "nested answer 2" in drawn(view))
    return view


async def test_an_open_thread_follows_likes_and_edits(people: People, tmp_path) -> None:
    token, post_id = await seed(people.url)
    cat = await people.login("cat")
    app = signed_in_app(people.url, "ada", token, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        view = await open_thread(pilot, cat, post_id)
        assert "♥ 1" in drawn(view)
        await (await people.signed_in("dan")).posts.like(post_id)
        await wait_for(pilot, lambda: "♥ 2" in drawn(view))
        await cat.posts.edit(post_id, "Payments with signed, verifiable receipts.")
        await wait_for(pilot, lambda: "signed, verifiable receipts" in drawn(view))
        assert "· edited" in drawn(view)
        view.focus()
        view.cursor = [i.focus for i in view.items].index(True)
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        listed = "\n".join(str(s.render()) for s in app.screen.query(Static))
        newest, oldest = (listed.index(t) for t in ("verifiable receipts.", "signed receipts."))
        assert newest < oldest


async def test_a_mark_made_deeper_shows_below(people: People, tmp_path) -> None:
    token, post_id = await seed(people.url)
    cat = await people.login("cat")
    app = signed_in_app(people.url, "ada", token, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        view = await open_thread(pilot, cat, post_id)
        below = app.screen
        view.focus()
        view.cursor = next(
            i
            for i, item in enumerate(view.items)
            if item.post.text.startswith("Ed25519") and not item.more
        )
        await pilot.press("enter")  # ada's reply, in a thread of its own
        await wait_for(pilot, lambda: app.screen is not below)
        deeper = app.screen.query_one(ThreadView)
        await wait_for(pilot, lambda: "nested answer 3" in drawn(deeper))
        deeper.focus()
        deeper.cursor = [i.focus for i in deeper.items].index(True)
        await pilot.press("B")
        await wait_for(pilot, lambda: "🔖" in drawn(deeper))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is below)
        assert "🔖" in drawn(view)  # no event carries my own marks: the deeper list told it


def test_thread_screen(snap_compare, server, tmp_path) -> None:
    token, post_id = asyncio.run(seed(server.url))
    app = signed_in_app(server.url, "ada", token, tmp_path)

    async def opened(pilot) -> None:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: any(p.id == post_id for p in timeline.items))
        post = next(p for p in timeline.items if p.id == post_id)
        await app.push_screen(ThreadScreen(home.session, post))
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
        view = app.screen.query_one(ThreadView)
        await wait_for(pilot, lambda: "more reply" in drawn(view))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(160, 48), run_before=opened)
