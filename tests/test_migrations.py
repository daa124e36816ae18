"""A database made by an earlier release upgrades in place, its data intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from tests.conftest import PASSWORD, People, query
from xapp.api.client import ApiClient
from xapp.embedded import ServerThread
from xapp.server import ServerSettings
from xapp.server.auth import Passwords
from xapp.server.db import migrate_sync
from xapp.server.schema import metadata
from xapp.server.settings import database_url


async def test_a_0001_database_upgrades_to_payments_in_depth(tmp_path: Path) -> None:
    db_path = tmp_path / "old.db"
    migrate_sync(database_url(db_path), "0001")
    password_hash = await Passwords(19 * 1024, 2).hash(PASSWORD)
    with sqlite3.connect(db_path) as conn:
        for pk, handle in enumerate(("mike", "rnike"), start=1):  # a lookalike pair from before
            conn.execute(
                "INSERT INTO accounts (pk, id, handle, display_name, password_hash, created_at) "
                "VALUES (?, ?, ?, ?, ?, 0)",
                (pk, f"id-{handle}", handle, handle.title(), password_hash),
            )
        conn.execute(
            "INSERT INTO ledger_accounts (id, key, owner_id, currency, balance, allow_negative) "
            "VALUES ('l1', 'user:id-mike:USD', 'id-mike', 'USD', 0, 0), "
            "('l2', 'user:id-rnike:USD', 'id-rnike', 'USD', 0, 0)"
        )
        conn.execute(
            "INSERT INTO transfers (pk, id, kind, status, debit_account_id, credit_account_id, "
            "sender_id, recipient_id, amount, currency, note, created_at) VALUES "
            "(1, 't1', 'transfer', 'completed', 'l1', 'l2', 'id-mike', 'id-rnike', 100, 'USD', "
            "'old', 0)"
        )

    with ServerThread(ServerSettings(db=str(db_path))) as server:  # starting it migrates
        assert query(db_path, "SELECT kind, refunded FROM transfers") == [("payment", 0)]
        assert query(db_path, "SELECT handle, handle_skeleton FROM accounts ORDER BY pk") == [
            ("mike", "rnike"),
            ("rnike", None),  # the older account keeps the shape; both still sign in
        ]
        for handle in ("mike", "rnike"):
            async with ApiClient(server.url) as client:
                await client.accounts.login(handle, PASSWORD)
                me = await client.accounts.me()
                assert (me.handle, me.has_pin) == (handle, False)
        registry = People(server.url)
        try:
            newcomer = await registry.signed_in("rn1ke")
            assert (await newcomer.accounts.me()).handle == "rn1ke"
        finally:
            await registry.close()


async def test_a_0003_database_upgrades_to_posts_in_depth(tmp_path: Path) -> None:
    db_path = tmp_path / "old.db"
    migrate_sync(database_url(db_path), "0003")
    password_hash = await Passwords(19 * 1024, 2).hash(PASSWORD)
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO accounts (pk, id, handle, display_name, password_hash, created_at) "
            "VALUES (1, 'id-ada', 'ada', 'Ada', ?, 0), (2, 'id-bob', 'bob', 'Bob', ?, 0)",
            (password_hash, password_hash),
        )
        conn.execute(
            "INSERT INTO posts (pk, id, author_id, text, created_at) "
            "VALUES (1, 'p1', 'id-ada', 'from before', 0)"
        )
        conn.execute(
            "INSERT INTO follows (follower_id, followee_id, created_at) "
            "VALUES ('id-bob', 'id-ada', 0)"
        )

    with ServerThread(ServerSettings(db=str(db_path))) as server:
        async with ApiClient(server.url) as client:
            await client.accounts.login("ada", PASSWORD)
            [old] = (await client.posts.home_timeline()).items
            assert (old.text, old.replies, old.likes, old.deleted) == ("from before", 0, 0, False)
            reply = await client.posts.create("and after", reply_to="p1")
            assert (await client.posts.get("p1")).replies == 1
            await client.posts.like(reply.id)
            await client.posts.bookmark("p1")
            await client.posts.edit("p1", "from before, edited")
            assert [v.text for v in await client.posts.edits("p1")] == [
                "from before",
                "from before, edited",
            ]
            # Posts from before the search index are in it (and follow the edit).
            assert [p.id for p in (await client.search.posts("before edited")).items] == ["p1"]
        async with ApiClient(server.url) as bob:
            await bob.accounts.login("bob", PASSWORD)  # timelines written on post were filled in
            assert [p.text for p in (await bob.posts.home_timeline()).items] == [
                "and after",
                "from before, edited",
            ]


async def test_row_numbers_shown_before_0022_are_replaced(
    tmp_path: Path,
) -> None:
    """Before 0022 a message's position was its global row number: two chats written in
    turn are renumbered 1, 2, 3 each, and read positions follow their messages. Before
    0023 a notification's id was its row number."""
    db_path = tmp_path / "old.db"
    migrate_sync(database_url(db_path), "0021")
    password_hash = await Passwords(19 * 1024, 2).hash(PASSWORD)
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO accounts (pk, id, handle, display_name, password_hash, created_at) "
            "VALUES (1, 'id-ada', 'ada', 'Ada', ?, 0), (2, 'id-bob', 'bob', 'Bob', ?, 0), "
            "(3, 'id-cat', 'cat', 'Cat', ?, 0)",
            (password_hash,) * 3,
        )
        for pk, chat, other in ((1, "c-bob", "id-bob"), (2, "c-cat", "id-cat")):
            conn.execute(
                "INSERT INTO conversations (pk, id, activity, created_at, updated_at) "
                "VALUES (?, ?, ?, 0, 0)",
                (pk, chat, 6 if chat == "c-bob" else 5),
            )
            # ada read up to the row 3 message in her chat with bob, row 4 in cat's
            for member in ("id-ada", other):
                conn.execute(
                    "INSERT INTO conversation_members (conversation_id, account_id, joined_at, "
                    "delivered_pk, read_pk) VALUES (?, ?, 0, ?, ?)",
                    (chat, member, 6, 3 if chat == "c-bob" else 4),
                )
        for pk in range(1, 7):  # rows 1, 3, 6 with bob; 2, 4, 5 with cat
            chat, sender = ("c-bob", "id-bob") if pk in (1, 3, 6) else ("c-cat", "id-cat")
            conn.execute(
                "INSERT INTO messages (pk, id, conversation_id, sender_id, text, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (pk, f"m{pk}", chat, sender, f"row {pk}", pk),
            )
        conn.execute(
            "INSERT INTO notifications (pk, account_id, kind, actor_id, created_at) "
            "VALUES (7, 'id-ada', 'follow', 'id-bob', 0)"
        )

    with ServerThread(ServerSettings(db=str(db_path))) as server:
        async with ApiClient(server.url) as ada:
            await ada.accounts.login("ada", PASSWORD)
            for chat, unread in (("c-bob", 1), ("c-cat", 1)):
                page = await ada.chat.messages(chat)
                assert [m.position for m in page.items] == [3, 2, 1]
                conversation = await ada.chat.get(chat)
                [mine] = [p for p in conversation.positions if p.account_id == "id-ada"]
                assert (mine.delivered, mine.read) == (3, 2)
                assert conversation.unread == unread
            sent = await ada.chat.send("c-cat", "after the upgrade")
            assert sent.position == 4
            [told] = (await ada.notifications.list()).items  # 0023: no row number for an id
            assert told.kind == "follow" and len(told.id) == 36


def test_the_migrations_build_exactly_the_schema_the_code_uses(tmp_path: Path) -> None:
    """One schema: the tables and indexes `schema.py` declares are the ones the
    migrations make, so neither can drift from the other."""
    db_path = tmp_path / "fresh.db"
    migrate_sync(database_url(db_path))
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        # The full-text index is SQLite's own (a virtual table and its shadow tables).
        context = MigrationContext.configure(
            conn, opts={"include_name": lambda name, *_: not str(name).startswith("posts_fts")}
        )
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []
