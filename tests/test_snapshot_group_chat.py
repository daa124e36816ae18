"""A snapshot of a group chat at 160x48: system lines, a reply, reactions, an edit, a
deletion, a mention of me, and the receipts under my own messages."""

from __future__ import annotations

import asyncio

from tests.conftest import PASSWORD
from tests.test_tui_home import drawn, shown, signed_in_app, wait_for
from xapp.api.client import ApiClient
from xapp.widgets.message_log import MessageLog


async def seed(url: str) -> str:
    async with ApiClient(url) as alice, ApiClient(url) as bob, ApiClient(url) as cat:
        for client, handle, name in (
            (alice, "alice", "Alice Liddell"),
            (bob, "bob", "Bob Builder"),
            (cat, "cat", "Cat Stevens"),
        ):
            await client.accounts.register(handle, name, PASSWORD)
            await client.accounts.login(handle, PASSWORD)
        group = await alice.chat.open("bob", "cat", name="Climbing club")
        question = await bob.chat.send(group.id, "Saturday at the crag? @alice bring the rope")
        answer = await alice.chat.send(group.id, "yes! 9:00 at the car park", reply_to=question.id)
        await cat.chat.react(group.id, answer.id, "👍")
        await bob.chat.react(group.id, answer.id, "👍")
        await bob.chat.react(group.id, answer.id, "🎉")
        typo = await cat.chat.send(group.id, "I'll bring snaks")
        await cat.chat.edit(group.id, typo.id, "I'll bring snacks")
        oops = await bob.chat.send(group.id, "wrong chat, sorry")
        await bob.chat.delete(group.id, oops.id)
        await bob.chat.mark(group.id, answer.position, read=True)
        assert alice.token is not None
        return alice.token


def test_group_chat(snap_compare, server, tmp_path) -> None:
    token = asyncio.run(seed(server.url))
    app = signed_in_app(server.url, "alice", token, tmp_path)

    async def loaded(pilot) -> None:
        await wait_for(pilot, lambda: bool(app.screen.query(MessageLog)))
        home = app.screen
        log = home.query_one(MessageLog)
        await wait_for(pilot, lambda: "message deleted" in drawn(log))
        await wait_for(pilot, lambda: "read by 2" in drawn(log))
        await wait_for(pilot, lambda: "online" in shown(home.query_one("#status")))
        home.action_pane(1)
        log.focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(160, 48), run_before=loaded)
