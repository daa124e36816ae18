"""The home screen: timeline, conversations with the open chat, and the wallet, side by side.

At 120 columns and wider all three panes show; narrower, one pane at a time (1/2/3).
Loading runs in workers; live changes arrive from the App's feed through `apply`.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer

from xapp.api.errors import ApiError
from xapp.api.feed import LiveEvent
from xapp.api.models import (
    Bill,
    BillUpdated,
    Conversation,
    ConversationLeft,
    ConversationUpdated,
    MessageCreated,
    MessageUpdated,
    Notification,
    NotificationCreated,
    Post,
    PostCountsChanged,
    PostCreated,
    PostUpdated,
    ReceiptUpdated,
    Transfer,
    TransferUpdated,
    Typing,
)
from xapp.api.money import format_amount
from xapp.screens.bookmarks import BookmarksScreen
from xapp.screens.chat_dialogs import HelpScreen
from xapp.screens.compose import ComposeScreen
from xapp.screens.compositor import CroppedCompositor
from xapp.screens.conversation import NewConversationScreen
from xapp.screens.notifications import NotificationsScreen
from xapp.screens.pay import PayScreen
from xapp.screens.request import RequestScreen
from xapp.screens.tip import TipScreen
from xapp.session import Session
from xapp.widgets.chat_pane import ChatPane
from xapp.widgets.conversation_list import ConversationList
from xapp.widgets.lines import ItemLines
from xapp.widgets.post_actions import open_post_lists
from xapp.widgets.request_list import RequestList
from xapp.widgets.status_bar import StatusBar
from xapp.widgets.timeline import Timeline
from xapp.widgets.timeline_pane import TimelinePane
from xapp.widgets.wallet_pane import WalletPane

WIDE = 120
PANES = ("timeline-pane", "chat-pane", "wallet-pane")


class HomeScreen(Screen[None]):
    AUTO_FOCUS = "#timeline"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "compose", "Post"),
        Binding("m", "new_conversation", "Message"),
        Binding("p", "pay", "Pay"),
        Binding("R", "request", "Request"),
        Binding("dollar_sign", "tip", "Tip", key_display="$"),
        Binding("u", "undo", "Undo payment"),
        Binding("1", "pane(0)", "Timeline", key_display="1"),
        Binding("2", "pane(1)", "Chat", key_display="2"),
        Binding("3", "pane(2)", "Wallet", key_display="3"),
        Binding("ctrl+down", "unread(1)", "Next unread"),
        Binding("ctrl+up", "unread(-1)", "Prev unread"),
        Binding("ctrl+f", "search", "Search"),
        Binding("N", "notifications", "Notifications"),
        Binding("K", "bookmarks", "Bookmarks"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("escape", "leave_input", "Back", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._compositor = CroppedCompositor()  # see compositor.py: a chat message is ~1 ms sooner
        self.session = session
        self.pane = 0

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield TimelinePane(self.session, id="timeline-pane", classes="pane")
        yield ChatPane(self.session, id="chat-pane", classes="pane")
        yield WalletPane(self.session, id="wallet-pane", classes="pane")
        yield Footer()

    def on_mount(self) -> None:
        self._layout_for(self.app.size.width)
        self.posts.load()
        self.chat.load_conversations()
        self.wallet.load()
        self.count_notifications()
        self.set_interval(60, self._tick)

    def on_resize(self) -> None:
        self._layout_for(self.size.width)

    def _layout_for(self, width: int) -> None:
        self.set_class(width < WIDE, "narrow")
        for index, pane_id in enumerate(PANES):
            self.query_one(f"#{pane_id}").set_class(index == self.pane, "active")

    def _tick(self) -> None:
        for lines in self.query(ItemLines):
            lines.refresh_items()

    # --- loading --------------------------------------------------------------------

    @property
    def posts(self) -> TimelinePane:
        return self.query_one(TimelinePane)

    @property
    def wallet(self) -> WalletPane:
        return self.query_one(WalletPane)

    @property
    def chat(self) -> ChatPane:
        return self.query_one(ChatPane)

    @on(ChatPane.UnreadChanged)
    def _show_unread(self, event: ChatPane.UnreadChanged) -> None:
        self.query_one(StatusBar).show(unread=event.total)

    @on(ChatPane.PostSent)
    def _queued_post_sent(self, event: ChatPane.PostSent) -> None:
        self.post_arrived(event.post)

    # --- live events ----------------------------------------------------------------

    def apply(self, event: LiveEvent) -> None:
        """Show one event from the feed (the App calls this for every event)."""
        if isinstance(event, PostCreated | PostUpdated | PostCountsChanged):
            # Every list of posts on the stack (the timeline, and an open thread, profile
            # or bookmarks above it) redraws what it shows.
            for posts in open_post_lists(self.app):
                if isinstance(event, PostCreated):
                    posts.post_arrived(event.data)
                elif isinstance(event, PostUpdated):
                    posts.post_changed(event.data)
                else:
                    posts.counts_changed(event.data)
        elif isinstance(event, NotificationCreated):
            self.notification_arrived(event.data)
        elif isinstance(event, MessageCreated):
            self.chat.message_arrived(event.data)
        elif isinstance(event, MessageUpdated):
            self.chat.message_changed(event.data)
        elif isinstance(event, ConversationUpdated):
            self.chat.conversation_changed(event.data)
        elif isinstance(event, ConversationLeft):
            self.chat.conversation_left(event.data)
        elif isinstance(event, ReceiptUpdated):
            self.chat.receipt_changed(event.data)
        elif isinstance(event, Typing):
            self.chat.someone_typing(event)
        elif isinstance(event, TransferUpdated):
            self.wallet.transfer_changed(event.data.transfer, event.data.balance)
            self.chat.log.update_cards(transfer=event.data.transfer)
        elif isinstance(event, BillUpdated):
            self.wallet.bill_changed(event.data)
            self.chat.log.update_cards(bill=event.data)

    def post_arrived(self, post: Post) -> None:
        self.posts.post_arrived(post)

    # --- actions --------------------------------------------------------------------

    def action_pane(self, index: int) -> None:
        self.pane = index
        self._layout_for(self.size.width)
        target = {0: Timeline, 1: ConversationList, 2: RequestList}[index]
        self.query_one(target).focus()

    def action_leave_input(self) -> None:
        if not self.chat.leave_modes():
            self.query_one(Timeline).focus()

    def action_unread(self, step: int) -> None:
        """Open the next (or previous) conversation with unread messages, from anywhere."""
        if self.chat.next_unread(step):
            self.action_pane(1)
            self.chat.log.focus()

    def action_search(self) -> None:
        self.chat.search()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    # --- notifications ------------------------------------------------------------------

    @work(group="notifications", exit_on_error=False)
    async def count_notifications(self) -> None:
        try:
            unseen = await self.session.client.notifications.unread()
        except ApiError:
            return  # the count is a courtesy; the list itself says what went wrong
        self.query_one(StatusBar).show(notes=unseen)

    def notification_arrived(self, notification: Notification) -> None:
        screen = self.app.screen
        if isinstance(screen, NotificationsScreen):
            screen.notification_arrived(notification)  # seen as it arrives
            return
        status = self.query_one(StatusBar)
        status.show(notes=status.notes + 1)

    def action_bookmarks(self) -> None:
        self.app.push_screen(BookmarksScreen(self.session))

    def action_notifications(self) -> None:
        self.query_one(StatusBar).show(notes=0)
        self.app.push_screen(NotificationsScreen(self.session))

    def action_compose(self) -> None:
        def done(post: Post | None) -> None:
            if post is not None:
                self.post_arrived(post)
                self.notify("Posted.")

        self.app.push_screen(ComposeScreen(self.session), done)

    def action_new_conversation(self) -> None:
        def done(conversation: Conversation | None) -> None:
            if conversation is not None:
                self.chat.listing.touch(conversation)
                self.chat.open(conversation)
                self.action_pane(1)
                self.chat.input.focus()

        self.app.push_screen(NewConversationScreen(self.session), done)

    def action_pay(self) -> None:
        """Pay someone; from a one-to-one chat, pay the other person inside that chat."""
        chat_pane = self.chat
        conversation = chat_pane.open_conversation_now
        others = (
            [m for m in conversation.members if m.id != self.session.me.id] if conversation else []
        )
        if conversation and len(others) == 1 and chat_pane.has_focus_within:
            screen = PayScreen(
                self.session, f"@{others[0].handle}", conversation_id=conversation.id
            )
        else:
            screen = PayScreen(self.session)
        self.app.push_screen(screen, self._paid)

    def _paid(self, transfer: Transfer | None) -> None:
        if transfer is None:
            return
        amount = format_amount(transfer.amount.amount, transfer.amount.currency)
        if transfer.status == "pending":
            self.notify(
                f"{amount} to @{transfer.recipient.handle} is pending for a moment: "
                "press u to undo.",
                title="Sent",
                markup=False,
            )
        else:
            self.notify(f"Sent {amount} to @{transfer.recipient.handle}.", markup=False)
        # The new balance arrives with the same transfer through the feed.
        self.wallet.show_transfer(transfer)

    def action_undo(self) -> None:
        pending = self.wallet.last_pending()
        if pending is None:
            self.notify("No payment is waiting to be sent.", severity="warning")
            return
        self.wallet.cancel_payment(pending)

    def action_request(self) -> None:
        def done(bill: Bill | None) -> None:
            if bill is not None:
                each = bill.requests[0].amount if bill.requests else bill.total
                who = ", ".join(f"@{r.payer.handle}" for r in bill.requests)
                self.notify(
                    f"Asked {who} for {format_amount(each.amount, each.currency)}.", markup=False
                )

        self.app.push_screen(RequestScreen(self.session), done)

    def action_tip(self) -> None:
        post = self.posts.selected
        post = post.repost_of or post if post is not None else None
        if post is None:
            return
        if post.author.id == self.session.me.id:
            self.notify("That is your own post: tips go to other people.", severity="warning")
            return

        def done(tip: Transfer | None) -> None:
            if tip is not None:
                amount = format_amount(tip.amount.amount, tip.amount.currency)
                self.notify(f"Tipped @{tip.recipient.handle} {amount}.", markup=False)

        self.app.push_screen(TipScreen(self.session, post), done)

    def action_remind(self) -> None:
        """r on a bill card in the chat reminds everyone who has not paid."""
        message = self.chat.log.selected
        if message is not None and message.bill is not None:
            if message.bill.requester.id == self.session.me.id:
                self.wallet.remind(message.bill.id)

    # The message list's keys (its bindings name these screen actions).

    def action_reply(self) -> None:
        self.chat.reply()

    def action_react(self) -> None:
        self.chat.react()

    def action_edit(self) -> None:
        self.chat.edit()

    def action_delete(self) -> None:
        self.chat.delete()

    def action_readers(self) -> None:
        self.chat.readers()

    def action_retry(self) -> None:
        self.chat.retry()
