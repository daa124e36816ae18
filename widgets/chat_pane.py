"""The chat pane: the conversation list, the open chat (`ChatLog`) and the message box
(`Composer`), and what ties them together: which conversation is open, unread counts,
delivered and read receipts, and toasts for messages elsewhere.

It follows the App's `chat` signal (and the `wallet` one, for the payment and bill cards
in a chat), and publishes the unread total on the `unread` signal for the top bar.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList

from xapp import intents
from xapp.alerts import terminal_writer
from xapp.api.errors import ApiError
from xapp.api.feed import FeedState
from xapp.api.models import (
    Account,
    BillUpdated,
    Conversation,
    ConversationLeft,
    ConversationUpdated,
    Message,
    MessageCreated,
    MessageUpdated,
    ReceiptData,
    ReceiptUpdated,
    SearchHit,
    TransferUpdated,
    Typing,
)
from xapp.live import ChatEvent, FeedStatus, MessageSent, WalletEvent, live, subscribe
from xapp.session import Session
from xapp.widgets.chat_log import ChatLog
from xapp.widgets.composer import Composer
from xapp.widgets.conversation_list import ConversationList
from xapp.widgets.message_log import MessageLog
from xapp.workers import worker


class ChatPane(Vertical):
    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.shown_unread = -1

    @property
    def me(self) -> Account:
        return self.session.me

    def compose(self) -> ComposeResult:
        yield Label("Messages", classes="pane-title", id="chat-heading")
        yield ConversationList(self.me.id, id="conversations")
        yield ChatLog(self.session, id="chat-log")
        yield Composer(self.session, id="composer")

    def on_mount(self) -> None:
        signals = live(self)
        subscribe(self, signals.chat, self._chat_event)
        subscribe(self, signals.wallet, self._wallet_event)
        subscribe(self, signals.feed, self._feed_status)

    def on_resize(self) -> None:
        """The conversation list takes about a third of the pane, in whole entries (two
        rows each), so it never opens on half a conversation."""
        rows = int(self.size.height * 0.3) // 2 * 2
        self.listing.styles.height = max(4, min(rows, 20))

    @property
    def chat(self) -> ChatLog:
        return self.query_one(ChatLog)

    @property
    def messages(self) -> MessageLog:
        return self.chat.messages

    @property
    def listing(self) -> ConversationList:
        return self.query_one(ConversationList)

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    @property
    def open_id(self) -> str | None:
        return self.chat.open_id

    @property
    def open_conversation_now(self) -> Conversation | None:
        return self.listing.get(self.open_id or "")

    # --- conversations --------------------------------------------------------------

    @worker(exclusive=True, group="conversations")
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
        live(self).unread.publish(total)

    def open(self, conversation: Conversation, around: str | None = None) -> None:
        """Show a conversation (its newest page, or the page around a search hit)."""
        self.chat.show(conversation, f"Chat with {self.listing.title(conversation)}", around)
        self.composer.open(conversation)

    @on(OptionList.OptionSelected, "#conversations")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        conversation = self.listing.get(event.option.id or "")
        if conversation is None:
            return
        if conversation.id != self.open_id:
            self.open(conversation)
        self.composer.input.focus()

    def next_unread(self, step: int) -> bool:
        target = self.listing.next_unread(self.open_id, step)
        if target is None:
            self.notify("No unread messages.")
            return False
        self.open(target)
        self.listing.highlighted = self.listing.conversations.index(target)
        return True

    def start(self, conversation: Conversation) -> None:
        """A conversation I just opened with someone: list it, show it, write in it."""
        self.listing.touch(conversation)
        self.open(conversation)
        self.composer.input.focus()

    # --- what the chat log and the composer ask ---------------------------------------

    @on(ChatLog.ReplyTo)
    def _reply(self, event: ChatLog.ReplyTo) -> None:
        self.composer.reply(event.message)

    @on(ChatLog.Edit)
    def _edit(self, event: ChatLog.Edit) -> None:
        self.composer.edit(event.message)

    @on(ChatLog.Write)
    def _write(self) -> None:
        self.composer.input.focus()

    @on(ChatLog.Retry)
    def _retry(self) -> None:
        self.composer.drain()

    @on(ChatLog.Shown)
    def _shown(self) -> None:
        self._mark_read()

    @on(Composer.Queued)
    def _queued(self, event: Composer.Queued) -> None:
        self.messages.append(event.message)
        self.messages.show_latest()

    @on(Composer.Failed)
    def _failed(self, event: Composer.Failed) -> None:
        self.messages.failed[event.entry.key] = event.entry.error
        self.messages.refresh_items()

    @on(Composer.Leave)
    def _leave_box(self) -> None:
        self.messages.focus()

    def search(self) -> None:
        """Search messages: in the open chat when its messages have focus, else all."""
        conversation = self.open_conversation_now
        here = conversation if self.messages.has_focus else None

        def jump(hit: SearchHit | None) -> None:
            if hit is not None:
                self.listing.touch(self.listing.get(hit.conversation.id) or hit.conversation)
                self.open(hit.conversation, around=hit.message.id)
                self.messages.focus()

        where = f"in {self.listing.title(here)}" if here else "all chats"
        self.post_message(intents.SearchMessages(here.id if here else None, where, jump))

    # --- receipts -------------------------------------------------------------------

    def _mark_read(self) -> None:
        """The open chat shows its newest message: tell the server (and the sender)."""
        conversation = self.open_conversation_now
        newest = self.chat.newest_position
        if conversation is None or not newest:
            return
        if conversation.unread:
            self.listing.replace(conversation.model_copy(update={"unread": 0}))
            self._show_unread()
        self.mark(conversation.id, newest, read=True)

    @worker(group="receipts")
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
            self.chat.conversation_changed(updated)

    # --- live -----------------------------------------------------------------------

    def _chat_event(self, event: ChatEvent) -> None:
        match event:
            case MessageCreated(data=message) | MessageSent(message=message, edited=False):
                self.message_arrived(message)
            case MessageUpdated(data=message) | MessageSent(message=message, edited=True):
                self.message_changed(message)
            case ConversationUpdated(data=conversation):
                self.conversation_changed(conversation)
            case ConversationLeft(data=conversation):
                self.conversation_left(conversation)
            case ReceiptUpdated(data=data):
                self.receipt_changed(data)
            case Typing(data=data) if data.conversation_id == self.open_id:
                self.chat.someone_typing(event)

    def _feed_status(self, status: FeedStatus) -> None:
        self.messages.show_online(status.state == FeedState.ONLINE)

    def _wallet_event(self, event: WalletEvent) -> None:
        match event:
            case TransferUpdated(data=data):
                self.messages.update_cards(transfer=data.transfer)
            case BillUpdated(data=bill):
                self.messages.update_cards(bill=bill)

    def message_arrived(self, message: Message) -> None:
        if message.conversation_id == self.open_id:
            seen = self.chat.message_arrived(message)
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
        title = "You were mentioned" if mentioned else "New message"
        said = f"{message.sender.display_name}{where}: {message.text[:80]}"
        self.notify(said, title=title, markup=False)
        self.session.alerts("message", title, said, terminal_writer(self.app))

    def message_changed(self, message: Message) -> None:
        if message.conversation_id == self.open_id:
            self.messages.upsert(message)
        known = self.listing.get(message.conversation_id)
        if known and known.last_message and known.last_message.id == message.id:
            self.listing.replace(known.model_copy(update={"last_message": message}))

    def conversation_changed(self, conversation: Conversation) -> None:
        if self.listing.get(conversation.id) is None:
            self.listing.touch(conversation)
        else:
            self.listing.replace(conversation)
        if conversation.id == self.open_id:
            self.chat.set_title(f"Chat with {self.listing.title(conversation)}")
            self.chat.conversation_changed(conversation)
        self._show_unread()

    def conversation_left(self, conversation: Conversation) -> None:
        self.listing.drop(conversation.id)
        self._show_unread()
        if conversation.id == self.open_id:
            self.chat.close(f"You are no longer in {self.listing.title(conversation)}")
            self.composer.open(None)
