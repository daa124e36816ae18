"""The offline outbox: written while the server is down, sent exactly once, in order,
after both the client and the server restart."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PASSWORD, query, server_settings
from xapp.api.client import ApiClient
from xapp.embedded import ServerThread
from xapp.outbox import Outbox


async def test_three_messages_written_offline_arrive_once_each_in_order(
    tmp_path: Path, db_path: Path
) -> None:
    settings = server_settings(db_path)
    with ServerThread(settings) as server:
        port = server.port
        async with ApiClient(server.url) as ada, ApiClient(server.url) as bob:
            await ada.accounts.register("ada", "Ada", PASSWORD)
            await bob.accounts.register("bob", "Bob", PASSWORD)
            await ada.accounts.login("ada", PASSWORD)
            token = ada.token
            chat = await ada.chat.open("bob")
    # The server is down now. The user writes three messages and a post.
    outbox = Outbox(tmp_path / "outbox.json")
    for text in ("first", "second", "third"):
        outbox.add("message", text, chat.id)
    outbox.add("post", "a post written offline")
    async with ApiClient(f"http://127.0.0.1:{port}", token) as offline:
        done = await offline_drain(outbox, offline)
    assert not done and len(outbox.queued) == 4  # nothing lost, nothing sent

    # The client restarts (a new Outbox from the same file), then the server comes back.
    restarted = Outbox(tmp_path / "outbox.json")
    assert [e.text for e in restarted.queued] == [
        "first",
        "second",
        "third",
        "a post written offline",
    ]
    with ServerThread(settings, port=port) as server:
        async with ApiClient(server.url, token) as ada:
            sent: list[str] = []
            assert await restarted.drain(ada, lambda e, _r: sent.append(e.text), lambda e: None)
            # A second drain (say, a retry racing the first) sends nothing again.
            assert await restarted.drain(ada, lambda e, _r: sent.append(e.text), lambda e: None)
    assert sent == ["first", "second", "third", "a post written offline"]
    assert restarted.entries == [] and Outbox(tmp_path / "outbox.json").entries == []
    assert query(db_path, "SELECT text FROM messages ORDER BY pk") == [
        ("first",),
        ("second",),
        ("third",),
    ]
    assert query(db_path, "SELECT count(*) FROM posts") == [(1,)]


async def offline_drain(outbox: Outbox, client: ApiClient) -> bool:
    return await outbox.drain(client, lambda e, r: None, lambda e: None)


async def test_a_refused_message_is_marked_failed_and_can_be_retried_or_deleted(
    tmp_path: Path, people, server
) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await people.signed_in("cat")
    group = await ada.chat.open("bob", "cat")
    outbox = Outbox(tmp_path / "outbox.json")
    await ada.chat.remove_member(group.id, "ada")  # ada left: the chat is gone for her
    entry = outbox.add("message", "anyone there?", group.id)
    outbox.add("message", "x" * 5000, group.id)  # too long as well
    changed = []
    assert await outbox.drain(ada, lambda e, r: None, changed.append)
    assert [(e.state, e.error) for e in changed] == [
        ("failed", "That conversation was not found"),
        ("failed", "text: The message is 5000 characters; the limit is 4000"),
    ]
    outbox.retry(entry.key)
    assert [e.key for e in outbox.queued] == [entry.key]
    outbox.delete(entry.key)
    assert len(outbox.entries) == 1
