"""Where chat keys go: the conversation list moves with j/k/g/G like every list, enter on
the chat already open doesn't reload it, a draft stays with its conversation, and
enter or i on the messages puts the focus in the message box."""

from __future__ import annotations

from textual.widgets import Input

from tests.conftest import People
from tests.test_tui_home import drawn, home_of, signed_in_app, wait_for
from xapp.widgets.conversation_list import ConversationList
from xapp.widgets.message_log import MessageLog


async def three_chats(people: People) -> tuple[str, list[str]]:
    ada = await people.signed_in("ada")
    names = []
    for handle in ("bob", "cat", "dan"):
        other = await people.signed_in(handle)
        chat = await other.chat.open("ada")
        await other.chat.send(chat.id, f"hi from {handle}")
        names.append(handle)
    return ada.token or "", names


async def test_the_conversation_list_moves_like_every_list(people: People, tmp_path) -> None:
    token, _ = await three_chats(people)
    app = signed_in_app(people.url, "ada", token, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        listing = home.query_one(ConversationList)
        await wait_for(pilot, lambda: len(listing.conversations) == 3)
        listing.focus()
        await pilot.press("G")
        assert listing.highlighted == 2
        await pilot.press("k")
        assert listing.highlighted == 1
        await pilot.press("g")
        assert listing.highlighted == 0
        await pilot.press("j")
        assert listing.highlighted == 1

        # enter on the chat that is open already: no reload, just the message box.
        await pilot.press("g")
        log = home.query_one(MessageLog)
        await wait_for(pilot, lambda: "hi from dan" in drawn(log))
        shown_before = list(log.items)
        await pilot.press("enter")
        await pilot.pause()
        assert list(log.items) == shown_before and log.items[0] is shown_before[0]
        assert home.query_one("#chat-input", Input).has_focus


async def test_a_draft_stays_with_its_conversation(people: People, tmp_path) -> None:
    token, _ = await three_chats(people)
    app = signed_in_app(people.url, "ada", token, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        listing = home.query_one(ConversationList)
        box = home.query_one("#chat-input", Input)
        log = home.query_one(MessageLog)
        await wait_for(pilot, lambda: "hi from dan" in drawn(log))
        box.focus()
        await pilot.press(*"half a thought for dan")
        listing.focus()
        await pilot.press("g", "j", "enter")  # cat's chat
        await wait_for(pilot, lambda: "hi from cat" in drawn(log))
        assert box.value == ""  # dan's draft did not follow
        await pilot.press("enter")  # an empty box sends nothing
        listing.focus()
        await pilot.press("g", "enter")  # back to dan's
        await wait_for(pilot, lambda: "hi from dan" in drawn(log))
        assert box.value == "half a thought for dan"
    cat = await people.login("cat")
    [chat] = (await cat.chat.conversations()).items
    assert [m.text for m in (await cat.chat.messages(chat.id)).items] == ["hi from cat"]


async def test_enter_or_i_on_the_messages_goes_to_the_box(people: People, tmp_path) -> None:
    token, _ = await three_chats(people)
    app = signed_in_app(people.url, "ada", token, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        log = home.query_one(MessageLog)
        box = home.query_one("#chat-input", Input)
        await wait_for(pilot, lambda: "hi from dan" in drawn(log))
        for key in ("enter", "i"):
            log.focus()
            await pilot.press(key)
            assert box.has_focus, key
        await pilot.press(*"typed here, not as keys")
        assert box.value == "typed here, not as keys"
