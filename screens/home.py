"""The home screen: timeline, conversations with the open chat, and the wallet, side by side.

At 120 columns and wider all three panes show; narrower, one pane at a time (1/2/3).
Each pane loads itself and follows the App's live signals; the keys here are the ones
that work everywhere, and most are intents for the navigator.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message as TextualMessage
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from xapp import intents
from xapp.api.errors import ApiError
from xapp.api.models import Conversation
from xapp.session import Session
from xapp.widgets.chat_pane import ChatPane
from xapp.widgets.conversation_list import ConversationList
from xapp.widgets.lines import ItemLines
from xapp.widgets.pane_tabs import PaneTabs
from xapp.widgets.repaint import crop_updates
from xapp.widgets.request_list import RequestList
from xapp.widgets.status_bar import StatusBar
from xapp.widgets.timeline import Timeline
from xapp.widgets.timeline_pane import TimelinePane
from xapp.widgets.wallet_pane import WalletPane
from xapp.workers import worker

WIDE = 120
PANES = ("timeline-pane", "chat-pane", "wallet-pane")


class HomeScreen(Screen[None]):
    AUTO_FOCUS = "#timeline"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "compose", "Post", id="home.post", tooltip="write a post (ctrl+s posts)"),
        Binding("m", "new_conversation", "Message", id="home.message", tooltip="message someone"),
        Binding("p", "pay", "Pay", id="home.pay", tooltip="pay someone by @handle"),
        Binding("R", "request", "Request", show=False, id="home.request", tooltip="request money"),
        Binding(
            "W",
            "accounts",
            "Accounts",
            show=False,
            id="home.accounts",
            tooltip="accounts: switch to another, sign in to one more",
        ),
        Binding(
            "u",
            "undo",
            "Undo payment",
            show=False,
            id="home.undo",
            tooltip="undo a pending payment",
        ),
        Binding("1", "pane(0)", "Timeline", show=False, id="home.timeline", tooltip="the timeline"),
        Binding("2", "pane(1)", "Chat", show=False, id="home.chat", tooltip="the chats"),
        Binding("3", "pane(2)", "Wallet", show=False, id="home.wallet", tooltip="the wallet"),
        Binding(
            "ctrl+down",
            "unread(1)",
            "Next unread",
            show=False,
            id="home.next-unread",
            tooltip="next chat with unread messages",
        ),
        Binding(
            "ctrl+up",
            "unread(-1)",
            "Prev unread",
            show=False,
            id="home.previous-unread",
            tooltip="previous chat with unread messages",
        ),
        Binding(
            "ctrl+f",
            "search",
            "Search",
            show=False,
            id="home.search-messages",
            tooltip="search messages (in the open chat when its messages have focus)",
        ),
        Binding(
            "N",
            "notifications",
            "Notifications",
            show=False,
            id="home.notifications",
            tooltip="notifications: mentions, replies, likes, follows",
        ),
        Binding(
            "K", "bookmarks", "Bookmarks", show=False, id="home.bookmarks", tooltip="my bookmarks"
        ),
        Binding("L", "sign_out", "Sign out", show=False, id="home.sign-out", tooltip="sign out"),
        Binding(
            "question_mark",
            "help",
            "Help",
            key_display="?",
            show=False,
            id="home.help",
            tooltip="this help",
        ),
        Binding(
            "escape",
            "leave_input",
            "Back",
            show=False,
            id="home.back",
            tooltip="back to the timeline (from a reply or edit: cancel it)",
        ),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        crop_updates(self)  # a chat message draws only the rows it changes
        self.session = session
        self.pane = 0
        self._started = False

    def compose(self) -> ComposeResult:
        with Vertical(id="top"):
            yield StatusBar(self.session.me.handle, id="status")
            yield PaneTabs(id="pane-tabs")
        yield TimelinePane(self.session, id="timeline-pane", classes="pane")
        yield ChatPane(self.session, id="chat-pane", classes="pane")
        yield WalletPane(self.session, id="wallet-pane", classes="pane")
        yield Footer()

    class Ready(TextualMessage):
        """The timeline's first page is on screen: the rest can start (the feed)."""

    def on_mount(self) -> None:
        self._layout_for(self.app.size.width)
        self.watch(self.posts.timeline, "shown_once", self._first_page)
        self.set_interval(60, self._tick)

    def _first_page(self, shown: bool) -> None:
        """The first posts come first: the chat, the wallet, the notification count and
        the live feed start once the timeline's first page is drawn (it is what the
        person looks at first, and they all share one event loop)."""
        if not shown or self._started:
            return
        self._started = True
        self.chat.load_conversations()
        self.wallet.load()
        self.count_notifications()
        self.post_message(self.Ready())

    def on_resize(self) -> None:
        self._layout_for(self.size.width)

    def _layout_for(self, width: int) -> None:
        self.set_class(width < WIDE, "narrow")
        for index, pane_id in enumerate(PANES):
            self.query_one(f"#{pane_id}").set_class(index == self.pane, "active")
        self.query_one(PaneTabs).show(self.pane)

    @property
    def narrow(self) -> bool:
        return self.has_class("narrow")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Focus is always inside what is shown: on a narrow terminal, a focus that
        lands in another pane (a dialog closing, a jump to an unread chat, a new
        conversation) brings that pane on screen, so no key acts on a hidden one."""
        if not self.narrow:
            return
        for index, pane_id in enumerate(PANES):
            if index != self.pane and event.widget in self.query_one(f"#{pane_id}").walk_children():
                self.pane = index
                self._layout_for(self.size.width)
                return

    def _tick(self) -> None:
        """Relative times ("5m") move on."""
        for lines in self.query(ItemLines):
            lines.refresh_items()

    @property
    def posts(self) -> TimelinePane:
        return self.query_one(TimelinePane)

    @property
    def wallet(self) -> WalletPane:
        return self.query_one(WalletPane)

    @property
    def chat(self) -> ChatPane:
        return self.query_one(ChatPane)

    @worker(group="notifications")
    async def count_notifications(self) -> None:
        try:
            unseen = await self.session.client.notifications.unread()
        except ApiError:
            return  # the count is a courtesy; the list itself says what went wrong
        self.query_one(StatusBar).show(notes=unseen)

    # --- panes ----------------------------------------------------------------------

    def action_pane(self, index: int) -> None:
        self.pane = index
        self._layout_for(self.size.width)
        self._focus_pane()

    def _focus_pane(self) -> None:
        """Focus the list a pane starts at: the timeline, the conversations, the wallet's
        requests."""
        target: type[Widget] = (Timeline, ConversationList, RequestList)[self.pane]
        self.query_one(target).focus()

    def action_leave_input(self) -> None:
        """esc: back to the timeline; on a narrow terminal, to the start of the pane on
        screen (the timeline is not there)."""
        if not self.narrow:
            self.pane = 0
        self._focus_pane()

    def action_unread(self, step: int) -> None:
        """Open the next (or previous) conversation with unread messages, from anywhere."""
        if self.chat.next_unread(step):
            self.action_pane(1)
            self.chat.messages.focus()

    # --- intents --------------------------------------------------------------------

    def action_search(self) -> None:
        self.chat.search()

    def action_help(self) -> None:
        self.post_message(intents.OpenHelp())

    def action_bookmarks(self) -> None:
        self.post_message(intents.OpenBookmarks())

    def action_notifications(self) -> None:
        self.query_one(StatusBar).show(notes=0)
        self.post_message(intents.OpenNotifications())

    def action_sign_out(self) -> None:
        self.post_message(intents.SignOut())

    def action_accounts(self) -> None:
        self.post_message(intents.OpenAccounts())

    def action_compose(self) -> None:
        self.post_message(intents.WritePost())

    def action_new_conversation(self, who: str = "") -> None:
        """Message someone (`who`: the handles to fill in, from the command palette)."""

        def started(conversation: Conversation | None) -> None:
            if conversation is not None:
                self.action_pane(1)
                self.chat.start(conversation)

        self.post_message(intents.NewConversation(started, who))

    def show_conversation(self, conversation: Conversation) -> None:
        """Bring a conversation on screen (picked in the command palette)."""
        self.action_pane(1)
        self.chat.open(conversation)
        self.chat.composer.input.focus()

    def action_pay(self) -> None:
        """Pay someone; from a one-to-one chat, pay the other person inside that chat."""
        conversation = self.chat.open_conversation_now
        me = self.session.me.id
        others = [m for m in conversation.members if m.id != me] if conversation else []
        if conversation and len(others) == 1 and self.chat.has_focus_within:
            self.post_message(intents.Pay(f"@{others[0].handle}", conversation_id=conversation.id))
        else:
            self.post_message(intents.Pay())

    def action_request(self) -> None:
        self.post_message(intents.RequestMoney())

    def action_undo(self) -> None:
        pending = self.wallet.last_pending()
        if pending is None:
            self.notify("No payment is waiting to be sent.", severity="warning")
            return
        self.wallet.cancel_payment(pending)
