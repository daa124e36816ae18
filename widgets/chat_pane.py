"""The chat pane: conversations with unread counts, the open chat with history paging,
replies, reactions, edits and deletes, typing, receipts, search, and the outbox.

Everything that goes to the server runs in a worker. Messages typed here go through the
session's outbox first, so one written while the server is away shows at once as
"queued" and is sent, exactly once, when it is back. Live changes come in through the
`*_changed` and `message_arrived` methods, called from the App's feed.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message as TextualMessage
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList

from xapp.api.errors import ApiError
from xapp.api.models import (
    Account,
    Conversation,
    Message,
    Post,
    ReceiptData,
    SearchHit,
    Typing,
)
from xapp.outbox import Entry
from xapp.screens import chat_commands
from xapp.screens.chat_dialogs import ConfirmScreen, ListScreen, ReactScreen, SearchScreen
from xapp.screens.pay import PayScreen
from xapp.screens.request import RequestScreen, SplitBillScreen
from xapp.session import Session
from xapp.widgets.conversation_list import ConversationList
from xapp.widgets.lines import ItemLines
from xapp.widgets.message_log import LOCAL, MessageLog, local_message

TYPING_EVERY = 3.0
"""Seconds between two typing signals while the user keeps typing (the server's throttle)."""

PLACEHOLDER = "Write a message… (enter sends · /pay 12.50 pizza · /split 60 dinner)"


class ChatPane(Vertical):
    class UnreadChanged(TextualMessage):
        """The total of unread messages changed (the top bar shows it)."""

        def __init__(self, total: int) -> None:
            super().__init__()
            self.total = total

    class PostSent(TextualMessage):
        """A post that waited in the outbox went out (the timeline shows it)."""

        def __init__(self, post: Post) -> None:
            super().__init__()
            self.post = post

    def __init__(self, session: Session, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.session = session
        self.open_id: str | None = None
        self.older: str | None = None
        self.loading_older = False
        self.reply_to: Message | None = None
        self.editing: Message | None = None
        self.typing_sent = 0.0
        self.typers: dict[str, tuple[Account, datetime]] = {}
        self.shown_unread = -1

    @property
    def me(self) -> Account:
        return self.session.me

    def compose(self) -> ComposeResult:
        yield Label("Messages", classes="pane-title", id="chat-heading")
        yield ConversationList(self.me.id, id="conversations")
        yield Label("", id="chat-title")
        yield MessageLog(self.me, id="messages", empty="Pick a conversation, or press m.")
        yield Label("", id="typing", classes="chat-note")
        yield Label("", id="reply-bar", classes="chat-note")
        yield Input(placeholder=PLACEHOLDER, id="chat-input")

    def on_mount(self) -> None:
        self.set_interval(1.0, self._expire_typers)
        self._note("typing", "")
        self._note("reply-bar", "")

    def _note(self, name: str, text: str | Content) -> None:
        """The small lines under the chat (who is typing, what I am replying to) take no
        room while they have nothing to say."""
        label = self.query_one(f"#{name}", Label)
        if str(label.content) == str(text) and label.display == bool(str(text)):
            return  # unchanged: an update would cost a layout pass for nothing
        label.update(text)
        label.display = bool(str(text))

    @property
    def log(self) -> MessageLog:
        return self.query_one(MessageLog)

    @property
    def listing(self) -> ConversationList:
        return self.query_one(ConversationList)

    @property
    def input(self) -> Input:
        return self.query_one("#chat-input", Input)

    @property
    def open_conversation_now(self) -> Conversation | None:
        return self.listing.get(self.open_id or "")

    # --- conversations --------------------------------------------------------------

    @work(exclusive=True, group="conversations", exit_on_error=False)
    async def load_conversations(self) -> None:
        try:
            page = await self.session.client.chat.conversations()
        except ApiError as exc:
            self.notify(exc.message, title="Messages", severity="error")
            return
        self.listing.show(page.items)
        self._show_unread()
        if self.open_id is None and page.items:
            self.open(page.items[0])

    def _show_unread(self) -> None:
        total = self.listing.total_unread
        if total == self.shown_unread:
            return
        self.shown_unread = total
        heading = f"Messages · {total} unread" if total else "Messages"
        self.query_one("#chat-heading", Label).update(Content(heading))
        self.post_message(self.UnreadChanged(total))

    def open(self, conversation: Conversation, around: str | None = None) -> None:
        """Show a conversation: its newest page (or the page around a search hit)."""
        self.open_id = conversation.id
        self.older = None
        self._cancel_modes()
        self.query_one("#chat-title", Label).update(
            Content(f"Chat with {self.listing.title(conversation)}")
        )
        self.log.set_items([])
        self.log.show_conversation(conversation.positions, conversation.is_group)
        self.typers.clear()
        self._show_typers()
        self.load_messages(conversation.id, around)

    @work(exclusive=True, group="messages", exit_on_error=False)
    async def load_messages(self, conversation_id: str, around: str | None = None) -> None:
        try:
            page = await self.session.client.chat.messages(conversation_id, around=around)
        except ApiError as exc:
            self.notify(exc.message, title="Messages", severity="error")
            return
        if conversation_id != self.open_id:
            return
        self.older = page.next
        self.log.set_items(reversed(page.items))
        outbox = self.session.outbox
        if outbox is not None:
            self.log.add_bottom(
                local_message(e, self.me) for e in outbox.for_conversation(conversation_id)
            )
            self.log.failed = {e.key: e.error for e in outbox.entries if e.state == "failed"}
        if around is not None:
            self.log.select(around)
        else:
            self.log.show_latest()
            self._mark_read()

    @on(ItemLines.NearStart, "#messages")
    def _load_older(self) -> None:
        if self.older and not self.loading_older and self.open_id:
            self.load_older(self.open_id, self.older)

    @work(group="older", exit_on_error=False)
    async def load_older(self, conversation_id: str, before: str) -> None:
        self.loading_older = True
        try:
            page = await self.session.client.chat.messages(conversation_id, before=before)
        except ApiError as exc:
            self.notify(exc.message, title="Messages", severity="error")
            return
        finally:
            self.loading_older = False
        if conversation_id == self.open_id:
            self.older = page.next
            self.log.add_top(list(reversed(page.items)), keep_view=True)

    @on(OptionList.OptionSelected, "#conversations")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        conversation = self.listing.get(event.option.id or "")
        if conversation is not None:
            self.open(conversation)
            self.input.focus()

    def next_unread(self, step: int) -> bool:
        target = self.listing.next_unread(self.open_id, step)
        if target is None:
            self.notify("No unread messages.")
            return False
        self.open(target)
        self.listing.highlighted = self.listing.conversations.index(target)
        return True

    # --- receipts -------------------------------------------------------------------

    def _mark_read(self) -> None:
        """The open chat shows its newest message: tell the server (and the sender)."""
        conversation = self.open_conversation_now
        newest = max((m.position for m in self.log.items if not m.id.startswith(LOCAL)), default=0)
        if conversation is None or not newest:
            return
        if conversation.unread:
            self.listing.replace(conversation.model_copy(update={"unread": 0}))
            self._show_unread()
        self.mark(conversation.id, newest, read=True)

    @work(group="receipts", exit_on_error=False)
    async def mark(self, conversation_id: str, position: int, read: bool) -> None:
        try:
            await self.session.client.chat.mark(conversation_id, position, read=read)
        except ApiError:
            pass  # a receipt is a courtesy: the next one carries the news

    def receipt_changed(self, data: ReceiptData) -> None:
        conversation = self.listing.get(data.conversation_id)
        if conversation is None:
            return
        others = [p for p in conversation.positions if p.account_id != data.position.account_id]
        updated = conversation.model_copy(update={"positions": [*others, data.position]})
        self.listing.replace(updated)
        if data.conversation_id == self.open_id:
            self.log.show_conversation(updated.positions, updated.is_group)

    # --- live events ----------------------------------------------------------------

    def message_arrived(self, message: Message) -> None:
        if message.conversation_id == self.open_id:
            seen = self.log.append(message) and bool(self.log.display)
            self.typers.pop(message.sender.id, None)
            self._show_typers()
            # The message is painted first; the list, the unread count and the receipt
            # (a request) follow right after that paint instead of delaying it.
            self.call_after_refresh(self._list_message, message, seen)
        else:
            self._list_message(message, seen=False)

    def _list_message(self, message: Message, seen: bool) -> None:
        """Move the conversation up with its new preview; count or mark the message."""
        known = self.listing.get(message.conversation_id)
        mine = message.sender.id == self.me.id
        if known is None:
            self.load_conversations()
        else:
            unread = known.unread + (0 if mine or seen or message.kind == "system" else 1)
            self.listing.touch(known.model_copy(update={"last_message": message, "unread": unread}))
            self._show_unread()
        if mine:
            return
        if seen:
            self._mark_read()  # read says delivered too: one request, not two
        else:
            self.mark(message.conversation_id, message.position, read=False)
            if message.conversation_id != self.open_id:
                self._notify(message, known)

    def _notify(self, message: Message, conversation: Conversation | None) -> None:
        mentioned = f"@{self.me.handle}" in message.text.casefold()
        where = f" in {conversation.name}" if conversation and conversation.name else ""
        self.notify(
            f"{message.sender.display_name}{where}: {message.text[:80]}",
            title="You were mentioned" if mentioned else "New message",
            markup=False,
        )
        if self.session.bell:
            self.app.bell()

    def message_changed(self, message: Message) -> None:
        if message.conversation_id == self.open_id:
            self.log.upsert(message)
        known = self.listing.get(message.conversation_id)
        if known and known.last_message and known.last_message.id == message.id:
            self.listing.replace(known.model_copy(update={"last_message": message}))

    def conversation_changed(self, conversation: Conversation) -> None:
        if self.listing.get(conversation.id) is None:
            self.listing.touch(conversation)
        else:
            self.listing.replace(conversation)
        if conversation.id == self.open_id:
            self.query_one("#chat-title", Label).update(
                Content(f"Chat with {self.listing.title(conversation)}")
            )
            self.log.show_conversation(conversation.positions, conversation.is_group)
        self._show_unread()

    def conversation_left(self, conversation: Conversation) -> None:
        self.listing.drop(conversation.id)
        self._show_unread()
        if conversation.id == self.open_id:
            self.open_id = None
            self.log.set_items([])
            title = self.listing.title(conversation)
            self.query_one("#chat-title", Label).update(Content(f"You are no longer in {title}"))

    def someone_typing(self, signal: Typing) -> None:
        if signal.data.conversation_id == self.open_id:
            self.typers[signal.data.account.id] = (signal.data.account, signal.data.expires_at)
            self._show_typers()

    def _expire_typers(self) -> None:
        now = datetime.now(UTC)
        expired = [k for k, (_, until) in self.typers.items() if until <= now]
        for key in expired:
            del self.typers[key]
        if expired:
            self._show_typers()

    def _show_typers(self) -> None:
        names = [f"@{account.handle}" for account, _ in self.typers.values()]
        text = ""
        if len(names) == 1:
            text = f"{names[0]} is typing…"
        elif names:
            text = f"{', '.join(names)} are typing…"
        self._note("typing", Content(text))

    # --- writing --------------------------------------------------------------------

    @on(Input.Changed, "#chat-input")
    def _typing(self, event: Input.Changed) -> None:
        if not event.value or event.value.startswith("/") or self.open_id is None:
            return
        now = time.monotonic()
        if now - self.typing_sent >= TYPING_EVERY:
            self.typing_sent = now
            self.send_typing(self.open_id)

    @work(group="typing", exit_on_error=False)
    async def send_typing(self, conversation_id: str) -> None:
        try:
            await self.session.client.chat.typing(conversation_id)
        except ApiError:
            pass  # typing is best effort

    @on(Input.Submitted, "#chat-input")
    def _send(self, event: Input.Submitted) -> None:
        text = event.value
        if not text.strip():
            return
        if self.open_id is None:
            self.notify("Open a conversation first (m starts one).", severity="warning")
            return
        if self.editing is not None:
            self.save_edit(self.editing, text)
            return
        try:
            command = chat_commands.parse(text)
        except ValueError as exc:
            self.notify(str(exc), title="Chat", severity="warning", markup=False)
            return
        if command is not None:
            self.run_command(command)
            return
        outbox = self.session.outbox
        assert outbox is not None
        entry = outbox.add(
            "message", text, self.open_id, self.reply_to.id if self.reply_to else None
        )
        self.input.value = ""
        self._cancel_modes()
        self.log.append(local_message(entry, self.me))
        self.log.show_latest()
        self.drain()

    @work(exclusive=True, group="outbox", exit_on_error=False)
    async def drain(self) -> None:
        """Send what the outbox holds; called after each message and when the feed is back."""
        outbox = self.session.outbox
        if outbox is None:
            return
        await outbox.drain(self.session.client, self._sent, self._failed)

    def _sent(self, entry: Entry, result: Message | Post) -> None:
        if isinstance(result, Message):
            self.message_arrived(result)
        else:
            self.post_message(self.PostSent(result))

    def _failed(self, entry: Entry) -> None:
        if entry.kind == "message":
            self.log.failed[entry.key] = entry.error
            self.log.refresh_items()
        self.notify(entry.error, title="Not sent", severity="error", markup=False)

    def run_command(self, command: chat_commands.ChatCommand) -> None:
        """Open the dialog a chat command names, pre-filled; the input is cleared once
        the dialog did its work (and kept if it was cancelled)."""
        conversation = self.open_conversation_now
        if conversation is None:
            return
        others = [m.handle for m in conversation.members if m.id != self.me.id]
        handles = [h.removeprefix("@") for h in command.handles] or others

        def done(result: object) -> None:
            if result is not None:
                self.input.value = ""

        if command.name == "receipts":
            if command.amount not in ("on", "off"):
                self.notify("Say /receipts on or /receipts off", severity="warning")
                return
            self.set_read_receipts(command.amount == "on")
            return
        if command.name == "pay":
            if len(handles) != 1:
                self.notify("Say who to pay: /pay @handle 12.50 note", severity="warning")
                return
            screen: Screen = PayScreen(
                self.session, f"@{handles[0]}", command.amount, command.note, conversation.id
            )
        elif command.name == "request":
            screen = RequestScreen(
                self.session,
                " ".join(f"@{h}" for h in handles),
                command.amount,
                command.note,
                conversation.id,
            )
        else:
            screen = SplitBillScreen(self.session, conversation, command.amount, command.note)
        self.app.push_screen(screen, done)

    @work(group="preferences", exit_on_error=False)
    async def set_read_receipts(self, on: bool) -> None:
        try:
            await self.session.client.accounts.set_preferences(read_receipts=on)
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.input.value = ""
        self.notify(
            "Others see when you have read their messages."
            if on
            else "Read receipts off: others no longer see how far you have read."
        )

    # --- actions on the selected message --------------------------------------------

    def _selected(self) -> Message | None:
        message = self.log.selected
        if message is None or message.kind == "system":
            return None
        return message

    def _cancel_modes(self) -> None:
        self.reply_to = self.editing = None
        self._note("reply-bar", "")
        self.input.placeholder = PLACEHOLDER

    def reply(self) -> None:
        message = self._selected()
        if message is None or message.deleted or message.id.startswith(LOCAL):
            return
        self._cancel_modes()
        self.reply_to = message
        self._note(
            "reply-bar",
            Content.from_markup(
                "[dim]↳ replying to @$handle: $text · esc cancels[/dim]",
                handle=message.sender.handle,
                text=message.text.replace("\n", " ")[:60],
            ),
        )
        self.input.focus()

    def edit(self) -> None:
        message = self._selected()
        if message is None or message.sender.id != self.me.id or message.deleted:
            self.notify("You can edit your own messages.", severity="warning")
            return
        if message.id.startswith(LOCAL) or message.kind != "text":
            return
        self._cancel_modes()
        self.editing = message
        self._note("reply-bar", Content("editing your message · enter saves · esc cancels"))
        self.input.value = message.text
        self.input.focus()

    @work(group="message-action", exit_on_error=False)
    async def save_edit(self, message: Message, text: str) -> None:
        try:
            edited = await self.session.client.chat.edit(message.conversation_id, message.id, text)
        except ApiError as exc:
            self.notify(exc.message, title="Not saved", severity="error")
            return  # the text stays in the box
        self.input.value = ""
        self._cancel_modes()
        self.message_changed(edited)

    def delete(self) -> None:
        message = self._selected()
        if message is None:
            return
        outbox = self.session.outbox
        if message.id.startswith(LOCAL) and outbox is not None:
            outbox.delete(message.id.removeprefix(LOCAL))
            self.log.remove(message.id)
            return
        if message.sender.id != self.me.id or message.deleted:
            self.notify("You can delete your own messages.", severity="warning")
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.delete_message(message)

        self.app.push_screen(ConfirmScreen("Delete this message for everyone?", "Delete"), answer)

    @work(group="message-action", exit_on_error=False)
    async def delete_message(self, message: Message) -> None:
        try:
            gone = await self.session.client.chat.delete(message.conversation_id, message.id)
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.message_changed(gone)

    def react(self) -> None:
        message = self._selected()
        if message is None or message.deleted or message.id.startswith(LOCAL):
            return

        def picked(emoji: str | None) -> None:
            if emoji:
                mine = any(
                    r.emoji == emoji and self.me.handle in r.handles for r in message.reactions
                )
                self.toggle_reaction(message, emoji, not mine)

        self.app.push_screen(ReactScreen(), picked)

    @work(group="message-action", exit_on_error=False)
    async def toggle_reaction(self, message: Message, emoji: str, on: bool) -> None:
        try:
            changed = await self.session.client.chat.react(
                message.conversation_id, message.id, emoji, on
            )
        except ApiError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.message_changed(changed)

    def readers(self) -> None:
        message = self._selected()
        conversation = self.open_conversation_now
        if message is None or conversation is None:
            return
        names = {m.id: m for m in conversation.members}
        lines = [
            f"{names[p.account_id].display_name} @{names[p.account_id].handle}"
            for p in conversation.positions
            if p.account_id != message.sender.id
            and p.account_id in names
            and p.read is not None
            and p.read >= message.position
        ]
        self.app.push_screen(ListScreen("Read by", lines))

    def retry(self) -> None:
        message = self._selected()
        outbox = self.session.outbox
        if message is None or outbox is None or not message.id.startswith(LOCAL):
            return
        key = message.id.removeprefix(LOCAL)
        outbox.retry(key)
        self.log.failed.pop(key, None)
        self.log.refresh_items()
        self.drain()

    def search(self) -> None:
        conversation = self.open_conversation_now
        here = self.log.has_focus and conversation is not None

        def jump(hit: SearchHit | None) -> None:
            if hit is not None:
                self.listing.touch(self.listing.get(hit.conversation.id) or hit.conversation)
                self.open(hit.conversation, around=hit.message.id)
                self.log.focus()

        where = f"in {self.listing.title(conversation)}" if here and conversation else "all chats"
        self.app.push_screen(
            SearchScreen(self.session, conversation.id if here and conversation else None, where),
            jump,
        )

    def leave_modes(self) -> bool:
        """Escape: drop a reply or edit in progress; True if there was one."""
        if self.reply_to is None and self.editing is None:
            return False
        if self.editing is not None:
            self.input.value = ""
        self._cancel_modes()
        return True
