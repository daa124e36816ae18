"""The server's database is restored from an older copy while the app runs: its feed
asks for events the log no longer has, the server says `feed.reset`, and the app says
so and loads everything again, instead of waiting in silence on stale panes."""

from __future__ import annotations

import asyncio
import shutil

from tests.conftest import People, server_settings
from tests.test_tui_home import drawn, home_of, notes, signed_in_app, wait_for
from xapp.embedded import ServerThread
from xapp.widgets.timeline import Timeline


async def test_a_restored_database_makes_the_app_reload(db_path, tmp_path) -> None:
    first = ServerThread(server_settings(db_path)).start()
    people = People(first.url)
    second: ServerThread | None = None
    try:
        alice = await people.signed_in("alice")
        bob = await people.signed_in("bob", "Bob Builder")
        await alice.accounts.follow("bob")
        await bob.posts.create("kept in the backup")
        app = signed_in_app(first.url, "alice", alice.token or "", tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            home = await home_of(pilot)
            await wait_for(pilot, lambda: "kept in the backup" in drawn(home.query_one(Timeline)))
            # The server is another process to the app: its restarts must not hold the
            # app's loop (a feed that cannot answer the close would hold up the stop).
            await asyncio.to_thread(first.stop)
            backup = tmp_path / "backup.db"
            shutil.copy(db_path, backup)  # taken now: alice's session, bob's first post
            second = await restarted(db_path, first.port)
            await bob.posts.create("lost with the restore")
            await wait_for(
                pilot, lambda: "lost with the restore" in drawn(app.home.query_one(Timeline))
            )
            # Drawn is not enough: a reload after the restart can show the post before the
            # feed has read its event, and a feed that never read past the backup's log
            # has nothing to be reset from (this test once waited 90 s for that).
            newest = (await alice.accounts.me()).event_seq
            await wait_for(pilot, lambda: app.feed is not None and app.feed.last_seq >= newest)
            await asyncio.to_thread(second.stop)
            for suffix in ("", "-wal", "-shm"):
                (db_path.parent / (db_path.name + suffix)).unlink(missing_ok=True)
            shutil.copy(backup, db_path)  # the operator restores the backup
            second = await restarted(db_path, first.port)
            # The feed finds the server back after its backoff (longer on a busy machine).
            await wait_for(pilot, lambda: "history was reset" in notes(app), timeout=90)
            await wait_for(pilot, lambda: app.screen is app.home and app.home is not home)
            timeline = app.home.query_one(Timeline)
            await wait_for(pilot, lambda: "kept in the backup" in drawn(timeline))
            assert "lost with the restore" not in drawn(timeline)
            # And the feed goes on from the restored log: a new post arrives live.
            await bob.posts.create("after the restore")
            await wait_for(pilot, lambda: "after the restore" in drawn(timeline), timeout=20)
    finally:
        await people.close()
        if second is not None:
            second.stop()


async def restarted(db_path, port: int) -> ServerThread:
    return await asyncio.to_thread(ServerThread(server_settings(db_path), port=port).start)
