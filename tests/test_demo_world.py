"""The demo world stays varied and calm (issue 13, #25): left alone for an hour and a
half its people do not repeat a line back to back, say many different things, and in
a chat with the demo account say at most a couple of things before waiting for an
answer, which, when it comes, they answer with something that fits. Nothing is ever
written as the demo account.

The script runs through its own functions on a real database with a fixed seed: an
hour and a half of scripted actions takes seconds, and every run is the same run.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import query
from xapp.api.models import Account
from xapp.server import accounts, chat, clock, demo, messages, money_out
from xapp.server.auth import Passwords
from xapp.server.db import Database
from xapp.server.demo_lines import VOICES
from xapp.server.pages import Cursor
from xapp.server.settings import DEMO_INTERVAL, ServerSettings, database_url

AN_HOUR_AND_A_HALF = int(90 * 60 / DEMO_INTERVAL)
"""Scripted actions in 90 minutes at the embedded world's pace."""

RULES = money_out.Rules.of(ServerSettings(undo_seconds=0))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(database_url(tmp_path / "demo.db"))
    await db.migrate()
    await demo.seed(db, Passwords(256, 1), RULES)
    yield db
    await db.close()


async def run(db: Database, actions: int, seed: int, answer: bool = False) -> None:
    """Run the script for `actions` steps; with `answer`, the person at the keyboard
    answers every chat that waits for them, as a reader of the demo might."""
    async with db.read() as conn:
        script = await demo.Script.load(conn, random.Random(seed), RULES)
    try:
        for _ in range(actions):
            clock.advance(DEMO_INTERVAL)  # the server's clock moves; nobody waits
            async with db.write() as tx:
                await script.act(tx)
            if answer:
                await answer_everyone(db, script.me)
    finally:
        clock.reset()


async def answer_everyone(db: Database, me: Account) -> None:
    async with db.write() as tx:
        for conversation in (await chat.list_for(tx.conn, me, Cursor(limit=50))).items:
            last = conversation.last_message
            if last is not None and last.sender.id != me.id and last.kind != "system":
                await messages.send(tx, me, conversation.id, "sounds good")


def texts(db_path: Path, sql: str, *params: object) -> list[str]:
    return [text for (text,) in query(db_path, sql, *params)]


def back_to_back(lines: list[str]) -> list[str]:
    return [a for a, b in itertools.pairwise(lines) if a == b]


async def test_the_seed_never_speaks_for_the_demo_account(world: Database, tmp_path: Path) -> None:
    written = query(
        tmp_path / "demo.db",
        "SELECT m.text FROM messages m JOIN accounts a ON a.id = m.sender_id WHERE a.handle = ?",
        demo.DEMO_HANDLE,
    )
    assert written == []
    # and the chats it finds are waiting for it, within the bound the script keeps
    async with world.read() as conn:
        me = await accounts.by_handle(conn, demo.DEMO_HANDLE)
        listing = await chat.list_for(conn, me, Cursor(limit=50))
    assert listing.items and all(c.unread <= demo.UNANSWERED for c in listing.items)


async def test_left_alone_it_stays_varied_and_unread_stays_bounded(
    world: Database, tmp_path: Path
) -> None:
    await run(world, AN_HOUR_AND_A_HALF, seed=2026)
    db_path = tmp_path / "demo.db"

    timeline = texts(
        db_path,
        "SELECT text FROM posts WHERE repost_of IS NULL AND deleted_at IS NULL ORDER BY pk",
    )
    assert back_to_back(timeline) == []
    all_posts = {line for voice in VOICES for line in voice.posts}
    assert len(set(timeline) & all_posts) >= len(all_posts) - 3  # nearly every line said

    async with world.read() as conn:
        me = await accounts.by_handle(conn, demo.DEMO_HANDLE)
        listing = await chat.list_for(conn, me, Cursor(limit=50))
    unread = {c.name or c.members[0].handle: c.unread for c in listing.items}
    assert max(unread.values()) <= demo.UNANSWERED, unread
    assert sum(unread.values()) <= (len(VOICES) + 1) * demo.UNANSWERED
    assert len(listing.items) >= len(VOICES)  # everyone did write: quiet, not silent
    written = query(
        db_path,
        "SELECT count(*) FROM messages m JOIN accounts a ON a.id = m.sender_id WHERE a.handle = ?",
        demo.DEMO_HANDLE,
    )
    assert written == [(0,)]


async def test_answered_they_reply_in_kind_and_move_on(world: Database, tmp_path: Path) -> None:
    await run(world, AN_HOUR_AND_A_HALF, seed=7, answer=True)
    db_path = tmp_path / "demo.db"
    for voice in VOICES:
        said = query(
            db_path,
            "SELECT a.handle, m.text FROM messages m "
            "JOIN accounts a ON a.id = m.sender_id "
            "JOIN conversations c ON c.id = m.conversation_id "
            "WHERE c.pair_key IS NOT NULL AND m.conversation_id IN ("
            "  SELECT conversation_id FROM conversation_members cm "
            "  JOIN accounts p ON p.id = cm.account_id WHERE p.handle = ?) "
            "AND m.kind = 'text' ORDER BY m.pk",
            voice.handle,
        )
        theirs = [text for handle, text in said if handle == voice.handle]
        assert back_to_back(theirs) == [], voice.handle
        assert len(set(theirs)) >= 2 * len(voice.topics), voice.handle  # many things said
        answers = {topic.answer for topic in voice.topics}
        openers = {t.opener: t for t in voice.topics} | {t.nudge: t for t in voice.topics}
        for before, (_, mine), (_, reply) in zip(said, said[1:], said[2:], strict=False):
            if mine == "sounds good" and before[1] in openers:
                assert reply == openers[before[1]].answer, (voice.handle, before, reply)
        assert answers & set(theirs), voice.handle
