"""The home screen: timeline, conversations with the open chat, and the wallet, side by side.

At 120 columns and wider all three panes show; narrower, one pane at a time (1/2/3).
Loading runs in workers; live changes arrive from the App's feed through `apply`.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, OptionList

from xapp.api.client import AttemptKey
from xapp.api.errors import ApiError
from xapp.api.models import (
    Bill,
    BillUpdated,
    Conversation,
    FeedEvent,
    Message,
    MessageCreated,
    Post,
    PostCreated,
    Transfer,
    TransferUpdated,
)
from xapp.api.money import format_amount
from xapp.screens import chat_commands
from xapp.screens.compose import ComposeScreen
from xapp.screens.conversation import NewConversationScreen
from xapp.screens.pay import PayScreen
from xapp.screens.request import RequestScreen, SplitBillScreen
from xapp.screens.tip import TipScreen
from xapp.session import Session
from xapp.widgets.conversation_list import ConversationList
from xapp.widgets.lines import ItemLines
from xapp.widgets.message_log import MessageLog
from xapp.widgets.request_list import RequestList
from xapp.widgets.status_bar import StatusBar
from xapp.widgets.timeline import Timeline
from xapp.widgets.wallet_pane import WalletPane

WIDE = 120
PANES = ("timeline-pane", "chat-pane", "wallet-pane")


class HomeScreen(Screen[None]):
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
        Binding("escape", "leave_input", "Back", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.pane = 0
        self.open_id: str | None = None
        self.timeline_next: str | None = None
        self.timeline_loading = False
        self.draft = AttemptKey()

    def compose(self) -> ComposeResult:
        me = self.session.me.id
        yield StatusBar(id="status")
        with Vertical(id="timeline-pane", classes="pane"):
            yield Label("Timeline", classes="pane-title")
            yield Timeline(id="timeline", empty="No posts yet. Press n to write one.")
        with Vertical(id="chat-pane", classes="pane"):
            yield Label("Messages", classes="pane-title")
            yield ConversationList(me, id="conversations")
            yield Label("", id="chat-title")
            yield MessageLog(me, id="messages", empty="Pick a conversation, or press m.")
            yield Input(
                placeholder="Write a message… (enter sends · /pay 12.50 pizza · /split 60 dinner)",
                id="chat-input",
            )
        yield WalletPane(self.session, id="wallet-pane", classes="pane")
        yield Footer()

    def on_mount(self) -> None:
        self._layout_for(self.app.size.width)
        self.query_one(Timeline).focus()
        self.load_timeline()
        self.load_conversations()
        self.wallet.load()
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

    @work(exclusive=True, group="timeline", exit_on_error=False)
    async def load_timeline(self, before: str | None = None) -> None:
        self.timeline_loading = True
        try:
            page = await self.session.client.home_timeline(before=before)
        except ApiError as exc:
            self.notify(exc.message, title="Timeline", severity="error")
            return
        finally:
            self.timeline_loading = False
        self.timeline_next = page.next
        self.query_one(Timeline).add_bottom(page.items)

    @on(ItemLines.NearEnd, "#timeline")
    def _older_posts(self) -> None:
        if self.timeline_next and not self.timeline_loading:
            self.load_timeline(self.timeline_next)

    @work(exclusive=True, group="conversations", exit_on_error=False)
    async def load_conversations(self) -> None:
        try:
            page = await self.session.client.conversations()
        except ApiError as exc:
            self.notify(exc.message, title="Messages", severity="error")
            return
        listing = self.query_one(ConversationList)
        listing.show(page.items)
        if self.open_id is None and page.items:
            self.open_conversation(page.items[0])

    @property
    def wallet(self) -> WalletPane:
        return self.query_one(WalletPane)

    # --- conversations --------------------------------------------------------------

    def open_conversation(self, conversation: Conversation) -> None:
        self.open_id = conversation.id
        title = self.query_one(ConversationList).title(conversation)
        self.query_one("#chat-title", Label).update(Content(f"Chat with {title}"))
        log = self.query_one(MessageLog)
        log.set_items([])
        self.load_messages(conversation.id)

    @work(exclusive=True, group="messages", exit_on_error=False)
    async def load_messages(self, conversation_id: str) -> None:
        try:
            page = await self.session.client.messages(conversation_id)
        except ApiError as exc:
            self.notify(exc.message, title="Messages", severity="error")
            return
        if conversation_id != self.open_id:
            return
        log = self.query_one(MessageLog)
        log.set_items(reversed(page.items))
        log.show_latest()

    @on(OptionList.OptionSelected, "#conversations")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        conversation = self.query_one(ConversationList).get(event.option.id or "")
        if conversation is not None:
            self.open_conversation(conversation)
            self.query_one("#chat-input", Input).focus()

    @on(Input.Submitted, "#chat-input")
    def _send(self, event: Input.Submitted) -> None:
        text = event.value
        if not text.strip():
            return
        if self.open_id is None:
            self.notify("Open a conversation first (m starts one).", severity="warning")
            return
        try:
            command = chat_commands.parse(text)
        except ValueError as exc:
            self.notify(str(exc), title="Chat", severity="warning", markup=False)
            return
        if command is not None:
            self.run_command(command)
            return
        self.send_message(self.open_id, text, self.draft.key_for((self.open_id, text)))

    def run_command(self, command: chat_commands.ChatCommand) -> None:
        """Open the dialog a chat command names, pre-filled; the input is cleared once
        the dialog did its work (and kept if it was cancelled)."""
        conversation = self.query_one(ConversationList).get(self.open_id or "")
        if conversation is None:
            return
        others = [m.handle for m in conversation.members if m.id != self.session.me.id]
        handles = [h.removeprefix("@") for h in command.handles] or others

        def done(result: object) -> None:
            if result is not None:
                self.query_one("#chat-input", Input).value = ""

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

    @work(group="send", exit_on_error=False)
    async def send_message(self, conversation_id: str, text: str, key: str) -> None:
        chat_input = self.query_one("#chat-input", Input)
        try:
            message = await self.session.client.send_message(conversation_id, text, key=key)
        except ApiError as exc:
            # The text stays in the input: enter again retries with the same key.
            self.notify(exc.message, title="Not sent", severity="error")
            return
        if chat_input.value == text:
            chat_input.value = ""
        self.draft.reset()
        self._message_arrived(message)

    # --- live events ----------------------------------------------------------------

    def apply(self, event: FeedEvent) -> None:
        """Show one event from the feed (the App calls this for every event)."""
        if isinstance(event, PostCreated):
            self._post_arrived(event.data)
        elif isinstance(event, MessageCreated):
            self._message_arrived(event.data)
        elif isinstance(event, TransferUpdated):
            self.wallet.transfer_changed(event.data.transfer, event.data.balance)
            self.query_one(MessageLog).update_cards(transfer=event.data.transfer)
        elif isinstance(event, BillUpdated):
            self.wallet.bill_changed(event.data)
            self.query_one(MessageLog).update_cards(bill=event.data)

    def _post_arrived(self, post: Post) -> None:
        self.query_one(Timeline).add_top([post])

    def _message_arrived(self, message: Message) -> None:
        listing = self.query_one(ConversationList)
        known = listing.get(message.conversation_id)
        if known is None:
            self.load_conversations()
        else:
            listing.touch(known.model_copy(update={"last_message": message}))
        if message.conversation_id == self.open_id:
            self.query_one(MessageLog).append(message)
        elif message.sender.id != self.session.me.id:
            self.notify(
                f"{message.sender.display_name}: {message.text[:80]}",
                title="New message",
                markup=False,
            )

    # --- actions --------------------------------------------------------------------

    def action_pane(self, index: int) -> None:
        self.pane = index
        self._layout_for(self.size.width)
        target = {0: Timeline, 1: ConversationList, 2: RequestList}[index]
        self.query_one(target).focus()

    def action_leave_input(self) -> None:
        self.query_one(Timeline).focus()

    def action_compose(self) -> None:
        def done(post: Post | None) -> None:
            if post is not None:
                self._post_arrived(post)
                self.notify("Posted.")

        self.app.push_screen(ComposeScreen(self.session), done)

    def action_new_conversation(self) -> None:
        def done(conversation: Conversation | None) -> None:
            if conversation is not None:
                self.query_one(ConversationList).touch(conversation)
                self.open_conversation(conversation)
                self.action_pane(1)
                self.query_one("#chat-input", Input).focus()

        self.app.push_screen(NewConversationScreen(self.session), done)

    def action_pay(self) -> None:
        """Pay someone; from a one-to-one chat, pay the other person inside that chat."""
        chat_pane = self.query_one("#chat-pane")
        conversation = self.query_one(ConversationList).get(self.open_id or "")
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
        post = self.query_one(Timeline).selected
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
        message = self.query_one(MessageLog).selected
        if message is not None and message.bill is not None:
            if message.bill.requester.id == self.session.me.id:
                self.wallet.remind(message.bill.id)
