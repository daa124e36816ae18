"""The message box under the open chat: typing, sending through the outbox, replies and
edits, slash commands, and a draft kept per conversation.

A message goes into the session's outbox before any network call, shows at once as
"queued" (`Queued`), and the outbox sends it, exactly once, now or when the server is
back (the App's feed says so). What the server accepted is published on the `chat`
signal like any message; a post that waited in the outbox on the `posts` signal.
Slash commands are intents: `/pay 12.50 pizza` opens the pay dialog filled in, and the
box is cleared only once that dialog has done its work.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message as TextualMessage
from textual.widgets import Input, Label

from xapp import intents
from xapp.api.errors import ApiError
from xapp.api.feed import FeedState
from xapp.api.models import Conversation, Message, Post
from xapp.live import FeedStatus, MessageSent, PostWritten, live, subscribe
from xapp.outbox import Entry
from xapp.session import Session
from xapp.widgets import chat_commands
from xapp.widgets.message_log import local_message
from xapp.workers import worker

TYPING_EVERY = 3.0
"""Seconds between two typing signals while the user keeps typing (the server's throttle)."""

PLACEHOLDER = "Write a message… (enter sends · /pay 12.50 pizza · /split 60 dinner)"


class Composer(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back", id="composer.leave", tooltip="stop replying or editing"),
    ]

    class Queued(TextualMessage):
        """A message waits in the outbox: show it now."""

        def __init__(self, message: Message) -> None:
            super().__init__()
            self.message = message

    class Leave(TextualMessage):
        """esc with nothing to cancel: leave the box (for the chat's messages)."""

    class Failed(TextualMessage):
        """The server refused a queued message for good (it says why)."""

        def __init__(self, entry: Entry) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.conversation: Conversation | None = None
        self.reply_to: Message | None = None
        self.editing: Message | None = None
        self.typing_sent = 0.0
        self.drafts: dict[str, str] = {}
        """What was typed in each conversation, kept while another is open."""

    def compose(self) -> ComposeResult:
        yield Label("", id="reply-bar", classes="chat-note")
        yield Input(placeholder=PLACEHOLDER, id="chat-input")

    def on_mount(self) -> None:
        self._note("")
        subscribe(self, live(self).feed, self._feed_state)

    @property
    def input(self) -> Input:
        return self.query_one("#chat-input", Input)

    def _note(self, text: str | Content) -> None:
        """The line above the box (what I am replying to or editing) takes no room
        while it has nothing to say."""
        label = self.query_one("#reply-bar", Label)
        if str(label.content) == str(text) and label.display == bool(str(text)):
            return
        label.update(text)
        label.display = bool(str(text))

    def _feed_state(self, status: FeedStatus) -> None:
        if status.state == FeedState.ONLINE:  # the server is back: send what waited
            self.drain()

    # --- which conversation -----------------------------------------------------------

    def open(self, conversation: Conversation | None) -> None:
        """Write in `conversation` now: what was typed in the last one is kept for it."""
        if self.conversation is not None and (
            self.conversation.id != (conversation.id if conversation else None)
        ):
            self.drafts[self.conversation.id] = "" if self.editing else self.input.value
            self.input.value = self.drafts.pop(conversation.id, "") if conversation else ""
        self.conversation = conversation
        self.cancel_modes()

    # --- reply and edit ---------------------------------------------------------------

    def cancel_modes(self) -> None:
        self.reply_to = self.editing = None
        self._note("")
        self.input.placeholder = PLACEHOLDER

    def reply(self, message: Message) -> None:
        self.cancel_modes()
        self.reply_to = message
        self._note(
            Content.from_markup(
                "[dim]↳ replying to @$handle: $text · esc cancels[/dim]",
                handle=message.sender.handle,
                text=message.text.replace("\n", " ")[:60],
            )
        )
        self.input.focus()

    def edit(self, message: Message) -> None:
        self.cancel_modes()
        self.editing = message
        self._note(Content("editing your message · enter saves · esc cancels"))
        self.input.value = message.text
        self.input.focus()

    def action_leave(self) -> None:
        """esc: drop a reply or edit in progress, or else leave the box for the list."""
        if self.reply_to is None and self.editing is None:
            self.post_message(self.Leave())
            return
        if self.editing is not None:
            self.input.value = ""
        self.cancel_modes()

    # --- typing -----------------------------------------------------------------------

    @on(Input.Changed, "#chat-input")
    def _typing(self, event: Input.Changed) -> None:
        if not event.value or event.value.startswith("/") or self.conversation is None:
            return
        now = time.monotonic()
        if now - self.typing_sent >= TYPING_EVERY:
            self.typing_sent = now
            self._send_typing(self.conversation.id)

    @worker(group="typing")
    async def _send_typing(self, conversation_id: str) -> None:
        try:
            await self.session.client.chat.typing(conversation_id)
        except ApiError:
            pass  # typing is best effort

    # --- sending ----------------------------------------------------------------------

    @on(Input.Submitted, "#chat-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value
        if not text.strip():
            return
        if self.conversation is None:
            self.notify("Open a conversation first (m starts one).", severity="warning")
            return
        if self.editing is not None:
            self._save_edit(self.editing, text)
            return
        try:
            command = chat_commands.parse(text)
        except ValueError as exc:
            self.notify(str(exc), title="Chat", severity="warning", markup=False)
            return
        if command is not None:
            self._command(self.conversation, command)
            return
        outbox = self.session.outbox
        assert outbox is not None
        reply_to = self.reply_to.id if self.reply_to else None
        entry = outbox.add("message", text, self.conversation.id, reply_to)
        self.input.value = ""
        self.cancel_modes()
        self.post_message(self.Queued(local_message(entry, self.session.me)))
        self.drain()

    @worker(exclusive=True, group="outbox")
    async def drain(self) -> None:
        """Send what the outbox holds; after each message and when the feed is back."""
        outbox = self.session.outbox
        if outbox is not None:
            await outbox.drain(self.session.client, self._sent, self._failed)

    def _sent(self, entry: Entry, result: Message | Post) -> None:
        if isinstance(result, Message):
            live(self).chat.publish(MessageSent(result))
        else:
            live(self).posts.publish(PostWritten(result))

    def _failed(self, entry: Entry) -> None:
        if entry.kind == "message":
            self.post_message(self.Failed(entry))
        self.notify(entry.error, title="Not sent", severity="error", markup=False)

    @worker(group="message-action")
    async def _save_edit(self, message: Message, text: str) -> None:
        try:
            edited = await self.session.client.chat.edit(message.conversation_id, message.id, text)
        except ApiError as exc:
            self.notify(exc.message, title="Not saved", severity="error")
            return  # the text stays in the box
        self.input.value = ""
        self.cancel_modes()
        live(self).chat.publish(MessageSent(edited, edited=True))

    def _command(self, conversation: Conversation, command: chat_commands.ChatCommand) -> None:
        """Open the dialog a chat command names, filled in; the box is cleared once the
        dialog did its work (and kept if it was cancelled)."""
        if command.name == "receipts":
            if command.amount not in ("on", "off"):
                self.notify("Say /receipts on or /receipts off", severity="warning")
                return
            self._read_receipts(command.amount == "on")
            return
        me = self.session.me.id
        others = [m.handle for m in conversation.members if m.id != me]
        handles = [h.removeprefix("@") for h in command.handles] or others

        def done(result: object) -> None:
            if result is not None:
                self.input.value = ""

        intent: intents.Intent
        if command.name == "pay":
            if len(handles) != 1:
                self.notify("Say who to pay: /pay @handle 12.50 note", severity="warning")
                return
            intent = intents.Pay(
                f"@{handles[0]}", command.amount, command.note, conversation.id, done
            )
        elif command.name == "request":
            who = " ".join(f"@{h}" for h in handles)
            intent = intents.RequestMoney(who, command.amount, command.note, conversation.id, done)
        else:
            intent = intents.SplitBill(conversation, command.amount, command.note, done)
        self.post_message(intent)

    @worker(group="preferences")
    async def _read_receipts(self, on: bool) -> None:
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
