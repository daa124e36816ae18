"""What a widget or screen asks for: a screen to open or a flow to run.

Widgets never import screens (an import contract checks it). They post one of these
messages; it bubbles up to the App, whose navigator (`xapp/navigator.py`) turns it into
the screen or flow. An intent may carry `done`, called with the flow's result (None
when the person cancelled), so a chat's message box is cleared only once a `/pay` it
opened has really paid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message as TextualMessage

from xapp.api.models import Account, Conversation, PaymentRequest, Post, Transfer, Wallet

Done = Callable[[Any], object]


class Intent(TextualMessage):
    """Something to open or do; the navigator answers every subclass."""

    def __init__(self, done: Done | None = None) -> None:
        super().__init__()
        self.done = done

    def finish(self, result: object) -> None:
        if self.done is not None:
            self.done(result)


@dataclass(frozen=True)
class Draft:
    """What a post answers: at most one of a post to reply to, to quote, or to edit."""

    reply_to: Post | None = None
    quote_of: Post | None = None
    editing: Post | None = None

    @property
    def title(self) -> str:
        if self.reply_to is not None:
            return f"Reply to @{self.reply_to.author.handle}"
        if self.quote_of is not None:
            return f"Quote @{self.quote_of.author.handle}"
        return "Edit post" if self.editing is not None else "New post"

    @property
    def context(self) -> Post | None:
        return self.reply_to or self.quote_of


# --- screens -----------------------------------------------------------------------------


class OpenThread(Intent):
    def __init__(self, post: Post) -> None:
        super().__init__()
        self.post = post


class OpenProfile(Intent):
    def __init__(self, handle: str) -> None:
        super().__init__()
        self.handle = handle


class OpenPostSearch(Intent):
    """Search people, posts and hashtags."""


class OpenBookmarks(Intent):
    pass


class OpenNotifications(Intent):
    pass


class OpenHelp(Intent):
    pass


class OpenEarnings(Intent):
    pass


class Receive(Intent):
    """Show a QR code and a link that ask people to pay me."""


class PayInvoice(Intent):
    """Pay a merchant's invoice, through the one payment confirmation."""

    def __init__(self, invoice_id: str, done: Done | None = None) -> None:
        super().__init__(done)
        self.invoice_id = invoice_id


class OpenInvoices(Intent):
    """Invoices for me, and those I issued."""


class OpenVerification(Intent):
    """My identity, tier, limits and region."""


class OpenSchedules(Intent):
    """My scheduled payments."""


class OpenAccounts(Intent):
    """The accounts signed in to: switch, add, forget."""


class OpenSessions(Intent):
    """The devices signed in to my account."""


class ChangePassword(Intent):
    """Change my password (every other session is signed out)."""


class OpenRules(Intent):
    """My money rules."""


class OpenStatement(Intent):
    """The monthly statement of my accounts."""


class MoveMoney(Intent):
    """Money between my own pockets: add from my bank ("deposit"), send to it
    ("withdraw"), savings ("savings"), another currency ("exchange"), or link the bank
    ("bank"). `wallet` is what the pane last showed, so a dialog opens with what it needs."""

    def __init__(self, what: str, wallet: Wallet | None, done: Done | None = None) -> None:
        super().__init__(done)
        self.what = what
        self.wallet = wallet


class ShowList(Intent):
    """A read-only list in a dialog (who has read a message, a post's edits)."""

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title = title
        self.lines = lines


class ShowPeople(Intent):
    """A list of accounts (followers, following); enter opens one's profile."""

    def __init__(self, title: str, people: list[Account], more: bool = False) -> None:
        super().__init__()
        self.title = title
        self.people = people
        self.more = more


class Ask(Intent):
    """A yes/no question; `done(True)` on yes."""

    def __init__(self, question: str, yes: str, done: Done) -> None:
        super().__init__(done)
        self.question = question
        self.yes = yes


class PickReaction(Intent):
    """Choose an emoji; `done(emoji)`."""


class SearchMessages(Intent):
    """Search messages in one conversation or all; `done(SearchHit)` jumps to one."""

    def __init__(self, conversation_id: str | None, where: str, done: Done) -> None:
        super().__init__(done)
        self.conversation_id = conversation_id
        self.where = where


class ChooseHistoryFilter(Intent):
    """Edit the wallet history's filter; `done(HistoryFilter)`."""

    def __init__(self, current: object, done: Done) -> None:
        super().__init__(done)
        self.current = current


# --- flows -------------------------------------------------------------------------------


class WritePost(Intent):
    """A new post, a reply, a quote or an edit; what is posted is published live."""

    def __init__(self, draft: Draft | None = None) -> None:
        super().__init__()
        self.draft = draft or Draft()


class SignOut(Intent):
    """End this session on the server and forget its token here (after a yes)."""


class NewConversation(Intent):
    """Message one or several people (`who`: handles filled in already);
    `done(Conversation)`."""

    def __init__(self, done: Done | None = None, who: str = "") -> None:
        super().__init__(done)
        self.who = who


class MoneyForm(Intent):
    """A who / amount / note dialog, any field filled in already (from `/pay 12.50
    pizza` in a chat, say), inside a conversation or not."""

    def __init__(
        self,
        who: str = "",
        amount: str = "",
        note: str = "",
        conversation_id: str | None = None,
        done: Done | None = None,
        currency: str = "USD",
    ) -> None:
        super().__init__(done)
        self.who, self.amount, self.note = who, amount, note
        self.conversation_id = conversation_id
        self.currency = currency


class Pay(MoneyForm):
    """Send money (inside a chat, a card shows there)."""


class RequestMoney(MoneyForm):
    """Ask one or several people for money."""


class SplitBill(Intent):
    def __init__(
        self, conversation: Conversation, total: str = "", note: str = "", done: Done | None = None
    ) -> None:
        super().__init__(done)
        self.conversation = conversation
        self.total, self.note = total, note


class PayRequest(Intent):
    def __init__(self, request: PaymentRequest) -> None:
        super().__init__()
        self.request = request


class Tip(Intent):
    def __init__(self, post: Post) -> None:
        super().__init__()
        self.post = post


class Refund(Intent):
    def __init__(self, transfer: Transfer) -> None:
        super().__init__()
        self.transfer = transfer
