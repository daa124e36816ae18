"""The open chat: its title, its messages (history paged upward, the reader's view
kept), who is typing, and the keys for the selected message (reply, react, edit,
delete, who has read it, retry a failed one, remind a bill's payers).

Reply and edit hand the message to the composer (`ReplyTo`, `Edit`); the rest run their
request in a worker and redraw the message from the answer. The chat pane feeds it
live changes for the open conversation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message as TextualMessage
from textual.widgets import Label

from xapp import intents
from xapp.api.errors import ApiError
from xapp.api.models import Account, Conversation, Message, Position, Typing
from xapp.session import Session
from xapp.widgets.lines import ItemLines
from xapp.widgets.message_log import LOCAL, MessageLog, local_message
from xapp.workers import worker


class ChatLog(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("R", "reply", "Reply", id="message.reply", tooltip="reply to it"),
        Binding("plus", "react", "React", key_display="+", id="message.react", tooltip="react"),
        Binding("e", "edit", "Edit", id="message.edit", tooltip="edit (mine)"),
        Binding("d", "delete", "Delete", id="message.delete", tooltip="delete for everyone"),
        Binding(
            "v", "readers", "Read by", show=False, id="message.readers", tooltip="who has read it"
        ),
        Binding(
            "ctrl+r", "retry", "Retry", show=False, id="message.retry", tooltip="send a failed one"
        ),
        Binding(
            "r",
            "remind",
            "Remind",
            show=False,
            id="message.remind",
            tooltip="remind a bill's payers (daily)",
        ),
        Binding(
            "i,enter",
            "write",
            "Write",
            show=False,
            id="message.write",
            tooltip="write in the message box",
        ),
    ]

    class ReplyTo(TextualMessage):
        """Answer this message (the composer shows what it answers)."""

        def __init__(self, message: Message) -> None:
            super().__init__()
            self.message = message

    class Edit(TextualMessage):
        """Edit this message of mine in the composer."""

        def __init__(self, message: Message) -> None:
            super().__init__()
            self.message = message

    class Write(TextualMessage):
        """Put the focus in the message box."""

    class Retry(TextualMessage):
        """A failed message is queued again: send what waits."""

    class Shown(TextualMessage):
        """The newest messages of the open chat are on screen (time to say read)."""

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.conversation: Conversation | None = None
        self.older: str | None = None
        self.loading_older = False
        self.typers: dict[str, tuple[Account, datetime]] = {}

    @property
    def me(self) -> Account:
        return self.session.me

    def compose(self) -> ComposeResult:
        yield Label("", id="chat-title")
        yield MessageLog(self.me, id="messages", empty="Pick a conversation, or press m.")
        typing = Label("", id="typing", classes="chat-note")
        typing.display = False  # who is typing takes no room while nobody is
        yield typing

    def on_mount(self) -> None:
        self.set_interval(1.0, self._expire_typers)

    @property
    def messages(self) -> MessageLog:
        return self.query_one(MessageLog)

    @property
    def open_id(self) -> str | None:
        return self.conversation.id if self.conversation else None

    # --- what is shown ----------------------------------------------------------------

    def show(self, conversation: Conversation, title: str, around: str | None = None) -> None:
        """Show a conversation: its newest page (or the page around a search hit)."""
        self.conversation = conversation
        self.older = None
        self.set_title(title)
        self.messages.set_items([])
        self.messages.show_conversation(conversation.positions, conversation.is_group)
        self.typers.clear()
        self._show_typers()
        self.load_messages(conversation.id, around)

    def set_title(self, title: str) -> None:
        self.query_one("#chat-title", Label).update(Content(title))

    def close(self, title: str) -> None:
        """The open conversation is gone (I left it, or was removed)."""
        self.conversation = None
        self.messages.set_items([])
        self.set_title(title)

    def conversation_changed(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.messages.show_conversation(conversation.positions, conversation.is_group)

    @worker(exclusive=True, group="messages")
    async def load_messages(self, conversation_id: str, around: str | None = None) -> None:
        try:
            page = await self.session.client.chat.messages(conversation_id, around=around)
        except ApiError as exc:
            self.notify(exc.message, title="Messages", severity="error")
            return
        if conversation_id != self.open_id:
            return
        self.older = page.next
        self.messages.set_items(reversed(page.items))
        outbox = self.session.outbox
        if outbox is not None:
            self.messages.add_bottom(
                local_message(e, self.me) for e in outbox.for_conversation(conversation_id)
            )
            self.messages.failed = {e.key: e.error for e in outbox.entries if e.state == "failed"}
        if around is not None:
            self.messages.select(around)
        else:
            self.messages.show_latest()
            self.post_message(self.Shown())

    @on(ItemLines.NearStart, "#messages")
    def _load_older(self) -> None:
        if self.older and not self.loading_older and self.open_id:
            self.load_older(self.open_id, self.older)

    @worker(group="older")
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
            self.messages.add_top(list(reversed(page.items)), keep_view=True)

    @property
    def newest_position(self) -> int:
        """The position of the newest message from the server shown (0 if none)."""
        return max(
            (m.position for m in self.messages.items if not m.id.startswith(LOCAL)), default=0
        )

    # --- live -------------------------------------------------------------------------

    def message_arrived(self, message: Message) -> bool:
        """Add a message of the open chat; True if the reader sees it (at the bottom)."""
        seen = self.messages.append(message) and bool(self.messages.display)
        if self.typers.pop(message.sender.id, None) is not None:
            self._show_typers()
        return seen

    def receipt_changed(self, positions: list[Position]) -> None:
        assert self.conversation is not None
        self.messages.show_conversation(positions, self.conversation.is_group)

    def someone_typing(self, signal: Typing) -> None:
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
        self._typing_line(text)

    def _typing_line(self, text: str) -> None:
        """Who is typing takes no room while nobody is."""
        label = self.query_one("#typing", Label)
        if str(label.content) == text and label.display == bool(text):
            return  # unchanged: an update would cost a layout pass for nothing
        label.update(Content(text))
        label.display = bool(text)

    # --- actions on the selected message ----------------------------------------------

    def _selected(self) -> Message | None:
        message = self.messages.selected
        if message is None or message.kind == "system":
            return None
        return message

    def action_reply(self) -> None:
        message = self._selected()
        if message is not None and not message.deleted and not message.id.startswith(LOCAL):
            self.post_message(self.ReplyTo(message))

    def action_edit(self) -> None:
        message = self._selected()
        if message is None or message.sender.id != self.me.id or message.deleted:
            self.notify("You can edit your own messages.", severity="warning")
            return
        if not message.id.startswith(LOCAL) and message.kind == "text":
            self.post_message(self.Edit(message))

    def action_delete(self) -> None:
        message = self._selected()
        if message is None:
            return
        outbox = self.session.outbox
        if message.id.startswith(LOCAL) and outbox is not None:
            outbox.delete(message.id.removeprefix(LOCAL))
            self.messages.remove_item(message.id)
            return
        if message.sender.id != self.me.id or message.deleted:
            self.notify("You can delete your own messages.", severity="warning")
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._delete(message)

        self.post_message(intents.Ask("Delete this message for everyone?", "Delete", answer))

    @worker(group="message-action")
    async def _delete(self, message: Message) -> None:
        try:
            gone = await self.session.client.chat.delete(message.conversation_id, message.id)
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.messages.upsert(gone)

    def action_react(self) -> None:
        message = self._selected()
        if message is None or message.deleted or message.id.startswith(LOCAL):
            return

        def picked(emoji: str | None) -> None:
            if emoji:
                mine = any(
                    r.emoji == emoji and self.me.handle in r.handles for r in message.reactions
                )
                self._react(message, emoji, not mine)

        self.post_message(intents.PickReaction(picked))

    @worker(group="message-action")
    async def _react(self, message: Message, emoji: str, on: bool) -> None:
        try:
            changed = await self.session.client.chat.react(
                message.conversation_id, message.id, emoji, on
            )
        except ApiError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.messages.upsert(changed)

    def action_readers(self) -> None:
        message = self._selected()
        conversation = self.conversation
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
        self.post_message(intents.ShowList("Read by", lines))

    def action_retry(self) -> None:
        message = self._selected()
        outbox = self.session.outbox
        if message is None or outbox is None or not message.id.startswith(LOCAL):
            return
        key = message.id.removeprefix(LOCAL)
        outbox.retry(key)
        self.messages.failed.pop(key, None)
        self.messages.refresh_items()
        self.post_message(self.Retry())

    def action_write(self) -> None:
        self.post_message(self.Write())

    def action_remind(self) -> None:
        """r on a bill card I sent reminds everyone who has not paid."""
        message = self.messages.selected
        bill = message.bill if message is not None else None
        if bill is not None and bill.requester.id == self.me.id:
            self._remind(bill.id)

    @worker(group="message-action")
    async def _remind(self, bill_id: str) -> None:
        try:
            await self.session.client.bills.remind(bill_id)
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.notify("Reminder sent.")
