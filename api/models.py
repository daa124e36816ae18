"""Wire models: the one schema shared by the server (request and response types, hence
the OpenAPI document) and the client (which parses every response with them).

User text is cleaned by the validators here, so the server stores clean text and the
client never sees anything else (DESIGN.md principles 1 and 2).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    StrictInt,
    field_validator,
)

from xapp.api.handles import normalize_handle
from xapp.api.money import MAX_AMOUNT_MINOR, SUPPORTED_CURRENCIES, format_amount
from xapp.api.text import CODE_POINTS_PER_CHARACTER, clean_text, length

POST_MAX = 500
MESSAGE_MAX = 4000
NOTE_MAX = 140
DISPLAY_NAME_MAX = 50
PAGE_MAX = 100
DEVICE_HEADER = "Device"
"""Where a client sends the device secret a sign-in gave it."""
PIN_HEADER = "Payment-PIN"
"""The header that carries the payments PIN; never part of a body, so never stored."""


def _text(what: str, max_len: int, *, multiline: bool, required: bool = True) -> AfterValidator:
    def check(value: str) -> str:
        # Length before any per-character work: cleaning a huge text would cost the
        # server's loop what the limit is there to refuse (blank runs and CR LF shrink
        # when cleaned, hence the headroom).
        if len(value) > 2 * max_len * CODE_POINTS_PER_CHARACTER:
            raise ValueError(f"{what} is far too long; the limit is {max_len}")
        value = clean_text(value, multiline=multiline)
        if required and not value:
            raise ValueError(f"{what} is empty")
        seen = length(value)
        if seen > max_len:
            raise ValueError(f"{what} is {seen} characters; the limit is {max_len}")
        if len(value) > max_len * CODE_POINTS_PER_CHARACTER:
            raise ValueError(f"{what} is too long for its {seen} characters")
        return value

    return AfterValidator(check)


HANDLE_PATTERN = "^@?[A-Za-z0-9_]{3,15}$"
"""A handle as the document states it. The server also takes what folds to one (NFKC,
case, spaces around it) and refuses lookalikes with a sentence (api.handles)."""

Handle = Annotated[
    str, AfterValidator(normalize_handle), Field(json_schema_extra={"pattern": HANDLE_PATTERN})
]


def _iso_day(value: object) -> object:
    """A day is written YYYY-MM-DD: a number (which pydantic would read as seconds since
    1970) is not one, as the document's `format: date` says."""
    if isinstance(value, date) or (
        isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


Day = Annotated[date, BeforeValidator(_iso_day)]
PostText = Annotated[str, _text("The post", POST_MAX, multiline=True)]
MessageText = Annotated[str, _text("The message", MESSAGE_MAX, multiline=True)]
Note = Annotated[str, _text("The note", NOTE_MAX, multiline=False, required=False)]
DisplayName = Annotated[str, _text("The display name", DISPLAY_NAME_MAX, multiline=False)]
Password = Annotated[str, Field(min_length=8, max_length=256)]


class Wire(BaseModel):
    """What the server sends (responses and feed events): read tolerantly, so a field a
    newer server adds is ignored by this client instead of failing the whole reply."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class RequestBody(BaseModel):
    """What a client sends: strict, so a misspelt or unsupported field is a clear 422
    rather than something silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- money -----------------------------------------------------------------------------


_CODES: list[JsonValue] = [*sorted(SUPPORTED_CURRENCIES)]
CURRENCIES: dict[str, JsonValue] = {"enum": _CODES}
"""The supported ISO 4217 codes, as the document states a currency field."""


class Money(Wire):
    """An amount in integer minor units of an ISO 4217 currency."""

    amount: StrictInt
    currency: str = Field(examples=["USD"], json_schema_extra=CURRENCIES)

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if value not in SUPPORTED_CURRENCIES:
            raise ValueError(f"{value} is not a supported currency")
        return value


def _positive(money: Money) -> Money:
    if money.amount <= 0:
        raise ValueError("the amount must be more than zero")
    if money.amount > MAX_AMOUNT_MINOR:
        raise ValueError("the amount is too large")
    return money


class Amount(Money):
    """Money in a request: strict like every request body (it is a `Money` to the domain)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PositiveAmount(Amount):
    """An amount a request moves: more than zero and at most MAX_AMOUNT_MINOR, as the
    document states (the sentences come from `_positive`)."""

    amount: StrictInt = Field(json_schema_extra={"minimum": 1, "maximum": MAX_AMOUNT_MINOR})


PositiveMoney = Annotated[PositiveAmount, AfterValidator(_positive)]

CURRENCY_PATTERN = f"^({'|'.join(sorted(SUPPORTED_CURRENCIES))})$"
"""A supported ISO 4217 code, as the OpenAPI document states it (a query's currency)."""


# --- accounts and sessions -------------------------------------------------------------


class Account(Wire):
    id: str
    handle: str
    display_name: str
    created_at: datetime


BIO_MAX = 300
Bio = Annotated[str, _text("The bio", BIO_MAX, multiline=True, required=False)]


class Profile(Wire):
    account: Account
    bio: str
    posts: int
    followers: int
    following: int
    i_follow: bool = Field(description="The viewer follows this account.")
    follows_me: bool = Field(description="This account follows the viewer.")
    muted: bool = Field(description="The viewer muted this account.")


class EditProfile(RequestBody):
    display_name: DisplayName | None = None
    bio: Bio | None = None


class Me(Account):
    event_seq: int = Field(description="The last feed seq written for this account.")
    has_pin: bool = Field(description="Payments need the payments PIN once one is set.")
    read_receipts: bool = Field(default=True, description="Whether others see when I read.")


class CreateAccount(RequestBody):
    handle: Handle
    display_name: DisplayName
    password: Password


class CreateSession(RequestBody):
    handle: Handle
    password: Annotated[str, Field(min_length=1, max_length=256)]


class SessionCreated(Wire):
    token: str
    account: Account
    device: str | None = Field(
        default=None,
        description="A new device secret: sent back on later sign-ins (the Device header), "
        "it lets this device sign in while guesses from elsewhere have the account "
        "throttled. None when the request's own was known.",
    )


class SessionInfo(Wire):
    """A device or program signed in to my account."""

    id: str = Field(description="Names the session to revoke it; not its token.")
    label: str = Field(description="What signed in (its User-Agent), as it said.")
    address: str = Field(description="The address it signed in from.")
    created_at: datetime
    expires_at: datetime
    current: bool = Field(description="The session this request came with.")


class ChangePassword(RequestBody):
    password: Annotated[str, Field(min_length=1, max_length=256)]
    new_password: Password


# --- posts -----------------------------------------------------------------------------


class CreatePost(RequestBody):
    text: PostText
    reply_to: str | None = Field(default=None, max_length=36, description="Reply to this post.")
    quote_of: str | None = Field(default=None, max_length=36, description="Quote this post.")


class EditPost(RequestBody):
    text: PostText


class QuotedPost(Wire):
    """A quoted post as it is now, shown inline in the quote."""

    id: str
    author: Account
    text: str
    deleted: bool = False


class Post(Wire):
    id: str
    author: Account
    text: str
    created_at: datetime
    reply_to: str | None = Field(default=None, description="The post this replies to.")
    reply_to_handle: str | None = Field(default=None, description="Its author's handle.")
    quote: QuotedPost | None = None
    repost_of: Post | None = Field(
        default=None, description="Set on a repost: `author` reposted this post."
    )
    replies: int = 0
    likes: int = 0
    reposts: int = 0
    quotes: int = 0
    liked: bool = Field(default=False, description="The viewer likes it.")
    reposted: bool = Field(default=False, description="The viewer reposted it.")
    bookmarked: bool = Field(default=False, description="The viewer bookmarked it.")
    edited_at: datetime | None = None
    deleted: bool = Field(default=False, description="A tombstone: its text is gone.")


class ThreadReply(Wire):
    post: Post
    replies: list[Post] = Field(description="Its first few replies, oldest first.")
    more: int = Field(description="How many more replies it has (open its thread).")


class Thread(Wire):
    ancestors: list[Post] = Field(description="From the first post down to the parent.")
    post: Post
    replies: list[ThreadReply] = Field(description="Direct replies, oldest first.")
    replies_next: str | None = Field(description="Cursor for the next direct replies.")


class PostVersion(Wire):
    text: str
    written_at: datetime


class PostCounts(Wire):
    id: str
    replies: int
    likes: int
    reposts: int
    quotes: int


T = TypeVar("T")


class Page(Wire, Generic[T]):
    items: list[T]
    next: str | None = Field(description="Cursor for the next (older) page, or null at the end.")
    prev: str | None = Field(
        default=None,
        description="Cursor for the newer items above this page (`after=`), or null when it "
        "reaches the newest. Lists of posts only.",
    )
    cursors: list[str] = Field(
        default_factory=list,
        description="Where each item sits, as a cursor for `before=` or `after=`: a client "
        "that forgets items it scrolled past fetches them again from the one beside them. "
        "Lists of posts only.",
    )


# --- conversations ---------------------------------------------------------------------


GROUP_MAX = 50
GROUP_NAME_MAX = 60
EMOJI_MAX = 16

GroupName = Annotated[str, _text("The group name", GROUP_NAME_MAX, multiline=False)]


def _emoji(value: str) -> str:
    """One emoji or symbol: no letters, digits or brackets of ASCII (which could spell
    markup or the rest of an escape sequence), except in a keycap emoji (1️⃣, #️⃣)."""
    value = clean_text(value, multiline=False)
    keycap = "\u20e3" in value
    plain = [ch for ch in value if ch.isascii() and not (keycap and ch in "#*0123456789")]
    if not value or len(value) > EMOJI_MAX or plain:
        raise ValueError("a reaction is one emoji (or a short symbol), without spaces")
    return value


Emoji = Annotated[str, AfterValidator(_emoji)]


class CreateConversation(RequestBody):
    """One handle opens (or finds) a one-to-one chat; several, or a name, make a group."""

    handles: Annotated[list[Handle], Field(min_length=1, max_length=GROUP_MAX - 1)]
    name: GroupName | None = None


class UpdateConversation(RequestBody):
    name: GroupName


class AddMembers(RequestBody):
    handles: Annotated[list[Handle], Field(min_length=1, max_length=GROUP_MAX - 1)]


class Quote(Wire):
    """The message a reply answers, as it is now (a deleted one shows as deleted)."""

    id: str
    sender: Account
    text: str
    deleted: bool


class Reaction(Wire):
    emoji: str
    count: int
    handles: list[str] = Field(description="Who reacted, in order.")


MessageKind = Literal["text", "payment", "bill", "system"]


class Message(Wire):
    id: str
    conversation_id: str
    sender: Account
    text: str
    created_at: datetime
    kind: MessageKind = "text"
    position: int = Field(
        default=0, description="Order within the conversation; receipts count up to one."
    )
    transfer: Transfer | None = Field(
        default=None, description="For a payment card: the payment as it is now."
    )
    bill: Bill | None = Field(default=None, description="For a bill card: the bill as it is now.")
    reply_to: Quote | None = None
    reactions: list[Reaction] = Field(default_factory=list)
    edited_at: datetime | None = None
    deleted: bool = Field(default=False, description="Deleted for everyone: a tombstone.")
    client_key: str | None = Field(
        default=None, description="The sender's Idempotency-Key: lets an outbox match it."
    )


class Position(Wire):
    """How far a member's client has received (`delivered`) and shown (`read`) a chat;
    `read` is null for a member who doesn't send read receipts."""

    account_id: str
    delivered: int
    read: int | None


class Conversation(Wire):
    id: str
    members: list[Account]
    last_message: Message | None
    updated_at: datetime
    name: str | None = None
    is_group: bool = False
    admins: list[str] = Field(default_factory=list, description="Account ids of the admins.")
    unread: int = Field(default=0, description="Messages from others after my read position.")
    positions: list[Position] = Field(default_factory=list)


class MarkPosition(RequestBody):
    up_to: Annotated[StrictInt, Field(ge=0)] = Field(description="A message position.")


class SearchHit(Wire):
    message: Message
    conversation: Conversation


class TypingData(Wire):
    conversation_id: str
    account: Account
    expires_at: datetime


class Preferences(Wire):
    read_receipts: bool


class SetPreferences(RequestBody):
    read_receipts: StrictBool


class CreateMessage(RequestBody):
    text: MessageText
    reply_to: str | None = Field(default=None, description="The id of the message answered.")


class EditMessage(RequestBody):
    text: MessageText


# --- wallet ----------------------------------------------------------------------------


class BankAccount(Wire):
    """A linked bank account as the wallet shows it: never the full number."""

    holder: str
    bank_name: str
    last4: str = Field(description="The account number's last four digits.")


class LinkBankAccount(RequestBody):
    holder: DisplayName
    routing_number: str = Field(pattern=r"^[0-9]{9}$", description="A 9-digit ABA number.")
    account_number: str = Field(pattern=r"^[0-9]{4,17}$")


class Wallet(Wire):
    balances: list[Money] = Field(description="Cash you can spend, per currency.")
    pending: list[Money] = Field(
        default_factory=list,
        description="Deposits on their way from your bank: not spendable until they settle.",
    )
    held: list[Money] = Field(
        default_factory=list, description="Withdrawals on their way to your bank."
    )
    savings: Money | None = Field(default=None, description="Your savings balance, if any.")
    bank: BankAccount | None = None


BankTransferStatus = Literal["pending", "settled", "failed", "returned"]


class BankTransfer(Wire):
    """Money between the wallet and a bank, as the bank sees it."""

    id: str = Field(description="The wallet transfer's id.")
    direction: Literal["in", "out"]
    amount: Money
    status: BankTransferStatus
    reason: str | None = Field(default=None, description="Why it failed or came back.")
    created_at: datetime
    updated_at: datetime


class StatementLine(Wire):
    at: datetime
    transfer_id: str
    kind: TransferKind
    amount: Money = Field(description="Signed: what this movement did to the account.")
    balance: Money = Field(description="The account's balance after it.")
    counterparty: Account | None = Field(
        default=None, description="Who paid or was paid; none for my own moves."
    )
    sent: bool = Field(description="The transfer was from me (a void of it comes back in).")
    note: str
    received: Money | None = Field(default=None, description="An exchange: what it bought.")


class StatementAccount(Wire):
    account: Literal["cash", "savings"]
    currency: str
    opening: Money
    closing: Money
    lines: list[StatementLine]


class Statement(Wire):
    """Every movement of my money between two UTC dates, per account and currency."""

    since: date
    until: date = Field(description="Inclusive.")
    accounts: list[StatementAccount]


Cadence = Literal["once", "weekly", "monthly"]
ScheduleStatus = Literal["active", "paused", "cancelled", "done", "failed"]


class CreateSchedule(RequestBody):
    to: Handle
    amount: PositiveMoney
    note: Note = ""
    cadence: Cadence
    first: Day = Field(
        description="The first payment's day (UTC); weekly repeats on its weekday, monthly "
        "on its day of the month (the 31st on the month's last day)."
    )


class Schedule(Wire):
    id: str
    payee: Account
    amount: Money
    note: str
    cadence: Cadence
    next_run: date | None = Field(description="The next day it pays; none once it is over.")
    status: ScheduleStatus
    failures: int = Field(description="Failed runs in a row (three pause it).")
    last_error: str | None = None
    created_at: datetime


MoneyRuleKind = Literal["sweep", "monthly_pay", "tip_on_like"]


class SweepRule(RequestBody):
    """When my cash falls below `below`, move `amount` from savings (USD, as savings)."""

    kind: Literal["sweep"] = "sweep"
    below: PositiveMoney
    amount: PositiveMoney = Field(description="Moved from savings each time cash falls below.")


class MonthlyPayRule(RequestBody):
    """Every month on `day_of_month` (31: the month's last day), pay @to `amount`."""

    kind: Literal["monthly_pay"] = "monthly_pay"
    to: Handle
    amount: PositiveMoney
    day_of_month: StrictInt = Field(ge=1, le=31)
    note: Note = ""


class TipOnLikeRule(RequestBody):
    """Tip `amount` on every post I like from @author."""

    kind: Literal["tip_on_like"] = "tip_on_like"
    author: Handle
    amount: PositiveMoney


CreateMoneyRule = Annotated[SweepRule | MonthlyPayRule | TipOnLikeRule, Field(discriminator="kind")]


class MoneyRule(Wire):
    id: str
    kind: MoneyRuleKind
    status: Literal["off", "on"]
    summary: str = Field(description="The rule in a sentence, as the person would say it.")
    amount: Money
    below: Money | None = Field(default=None, description="A sweep's threshold.")
    counterparty: Account | None = Field(
        default=None, description="Who a monthly payment pays, or whose posts are tipped."
    )
    day_of_month: int | None = None
    note: str = ""
    next_run: date | None = Field(default=None, description="A monthly payment's next day.")
    acted: int = Field(description="How many times it has moved money.")
    last_error: str | None = Field(default=None, description="Why its last action failed.")
    created_at: datetime


class RuleAction(Wire):
    at: datetime
    what: str = Field(description="What the rule would have done, in a sentence.")
    amount: Money
    refused: str | None = Field(
        default=None, description="Why it would have been refused then (too little money)."
    )


class RuleDryRun(Wire):
    """What a rule would have done over the last days, against what really happened."""

    since: date
    until: date = Field(description="Inclusive.")
    actions: list[RuleAction]
    total: Money = Field(description="What the actions that would have gone through moved.")
    summary: str


class PayoutPost(Wire):
    post_id: str
    label: str = Field(description="The post's opening words.")
    points: int = Field(description="Distinct likes, reposts and replies it earned.")
    amount: Money


class Payout(Wire):
    month: date = Field(description="The month's first day.")
    amount: Money
    posts: list[PayoutPost]


class CreatorPayouts(Wire):
    month: date = Field(description="This month's first day.")
    points: int = Field(description="Engagement my posts earned this month so far.")
    estimate: Money = Field(description="My share of this month's pool if it ended now.")
    past: list[Payout] = Field(description="Newest first.")


VerificationStatus = Literal["unverified", "pending", "approved", "rejected"]


class SubmitVerification(RequestBody):
    legal_name: DisplayName
    birth_date: Day
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2.")
    business: StrictBool = Field(default=False, description="Verify as a business.")


class Region(Wire):
    code: str
    name: str
    payments: bool
    savings: bool
    withdrawals: bool
    fx: bool


class Limits(Wire):
    tier: str
    daily: Money = Field(description="What I may send in a UTC day.")
    monthly: Money = Field(description="What I may send in a UTC month.")
    sent_today: Money
    sent_this_month: Money
    withdrawals: bool


class Verification(Wire):
    status: VerificationStatus
    reason: str | None = Field(default=None, description="Why it was rejected.")
    tier: str = Field(description="The tier I am in now.")
    region: Region | None = Field(default=None, description="From an approved verification.")
    limits: Limits


INVOICE_ITEMS_MAX = 50


class InvoiceItem(Wire):
    description: str
    quantity: int
    unit: Money


class NewInvoiceItem(RequestBody):
    description: Annotated[str, _text("An item's description", 80, multiline=False)]
    quantity: StrictInt = Field(ge=1, le=10_000)
    unit: PositiveMoney


class CreateInvoice(RequestBody):
    to: Handle | None = Field(
        default=None, description="Who pays it; none makes a link anyone may pay."
    )
    items: list[NewInvoiceItem] = Field(min_length=1, max_length=INVOICE_ITEMS_MAX)
    due: Day
    note: Note = ""


InvoiceStatus = Literal["open", "paid", "overdue", "cancelled"]


class Invoice(Wire):
    id: str
    merchant: Account
    payer: Account | None = Field(description="Who it is for, or who paid a link.")
    items: list[InvoiceItem]
    total: Money
    note: str
    due: date
    status: InvoiceStatus = Field(description="overdue: open past its due day (UTC).")
    transfer_id: str | None = Field(default=None, description="The payment, once paid.")
    link: str = Field(description="xapp://invoice/<id>: opens it to pay.")
    created_at: datetime


class CreateWithdrawal(RequestBody):
    amount: PositiveMoney


class MoveSavings(RequestBody):
    amount: PositiveMoney


class SavingsDay(Wire):
    day: str = Field(description="A UTC date, YYYY-MM-DD.")
    balance: Money
    dividend: Money = Field(description="The day's dividend accrued, to the minor unit.")


class Savings(Wire):
    balance: Money
    apy: str = Field(description="Today's yield, as an annual percentage: '4.00'.")
    accrued: Money = Field(description="This month's dividend so far, paid on the 1st.")
    earned: Money = Field(description="Every dividend paid so far.")
    days: list[SavingsDay] = Field(description="The last 30 or 90 days, oldest first.")


class CreateFxQuote(RequestBody):
    sell: PositiveMoney
    buy_currency: str = Field(json_schema_extra=CURRENCIES)

    @field_validator("buy_currency")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in SUPPORTED_CURRENCIES:
            raise ValueError(f"{value} is not a supported currency")
        return value


class FxQuote(Wire):
    id: str
    sell: Money
    fee: Money = Field(description="Taken from `sell` before converting; rounded down.")
    rate: str = Field(description="Units of the buy currency per unit sold (mid-market).")
    buy: Money = Field(description="What arrives, rounded down to the minor unit.")
    expires_at: datetime


class CreateExchange(RequestBody):
    quote_id: str = Field(max_length=36)


class CreateDeposit(RequestBody):
    amount: PositiveMoney


class CreateTransfer(RequestBody):
    to: Handle
    amount: PositiveMoney
    note: Note = ""
    share: StrictBool = Field(
        default=False, description="Post '@payer paid @payee · note' (never the amount)."
    )
    conversation_id: str | None = Field(
        default=None, description="Pay inside this conversation: a card shows there."
    )


TransferKind = Literal[
    "deposit",
    "payment",
    "request",
    "tip",
    "refund",
    "withdrawal",
    "return",
    "to_savings",
    "from_savings",
    "dividend",
    "exchange",
    "creator_payout",
    "invoice",
]
TransferStatus = Literal["pending", "completed", "voided"]
OWN_MONEY: frozenset[str] = frozenset(
    {"deposit", "withdrawal", "return", "to_savings", "from_savings", "dividend", "exchange"}
)
"""Kinds that move money between a person's own pockets (bank, cash, savings, currencies)
rather than to or from someone else."""


class Transfer(Wire):
    id: str
    kind: TransferKind = Field(
        description="payment; request (a paid request); tip (on a post); refund; deposit "
        "and withdrawal (a bank); return (a bank sent one back); to_savings, from_savings, "
        "dividend (savings); exchange (between currencies: `received`)."
    )
    sender: Account | None = Field(description="Null for money that came from a bank.")
    recipient: Account
    amount: Money
    note: str
    status: TransferStatus = Field(
        description="pending (inside the undo window), completed, or voided (cancelled)."
    )
    created_at: datetime
    release_at: datetime | None = Field(
        default=None, description="When a pending payment completes unless cancelled."
    )
    refunded: Money = Field(description="How much of this transfer has been refunded.")
    refund_of: str | None = Field(default=None, description="The transfer this refunds.")
    request_id: str | None = None
    post_id: str | None = Field(default=None, description="The post a tip was for.")
    conversation_id: str | None = None
    shared: bool = False
    received: Money | None = Field(default=None, description="What an exchange bought.")
    under_review: bool = Field(
        default=False, description="Held for a compliance review: pending until decided."
    )


class CreateRefund(RequestBody):
    amount: PositiveMoney
    note: Note = ""


class CreateTip(RequestBody):
    amount: PositiveMoney


class SetPin(RequestBody):
    password: Annotated[str, Field(min_length=1, max_length=256)]
    pin: Annotated[str, Field(pattern=r"^[0-9]{4,6}$", description="4 to 6 digits.")]


class Payee(Wire):
    """Who a payment would go to, and whether it would be the first one to them."""

    account: Account
    paid_before: bool


class PreviewPayment(RequestBody):
    """Preview paying @handle (`POST /v1/transfers`)."""

    kind: Literal["payment"]
    to: Handle
    amount: PositiveMoney
    note: Note = ""
    conversation_id: str | None = None


class PreviewRequestPayment(RequestBody):
    """Preview paying a request made of me (`POST /v1/requests/{id}/pay`)."""

    kind: Literal["request"]
    request_id: str


class PreviewTip(RequestBody):
    """Preview tipping a post's author (`POST /v1/posts/{id}/tips`)."""

    kind: Literal["tip"]
    post_id: str
    amount: PositiveMoney


class PreviewRefund(RequestBody):
    """Preview refunding a payment I received (`POST /v1/transfers/{id}/refunds`)."""

    kind: Literal["refund"]
    transfer_id: str
    amount: PositiveMoney
    note: Note = ""


class PreviewInvoice(RequestBody):
    """Preview paying an invoice (`POST /v1/invoices/{id}/pay`)."""

    kind: Literal["invoice"]
    invoice_id: str


PaymentToPreview = Annotated[
    PreviewPayment | PreviewRequestPayment | PreviewTip | PreviewRefund | PreviewInvoice,
    Field(discriminator="kind"),
]


class PaymentPreview(Wire):
    """What a payment would do, worked out by the same rules as the payment itself, so
    the confirmation shows the server's answer, never the client's guess."""

    kind: TransferKind
    payee: Account
    amount: Money
    note: str = Field(description="The note the payment would carry.")
    first_payment: bool = Field(
        description="Nothing was ever paid to this account from yours: warn before paying. "
        "Never for a refund, which goes back to the account the money came from."
    )
    held_for: float = Field(
        description="Seconds the payment would stay pending, cancellable, in the undo "
        "window; 0 when it completes at once."
    )


RequestStatus = Literal["open", "paid", "declined", "cancelled"]


class PaymentRequest(Wire):
    id: str
    bill_id: str
    requester: Account
    payer: Account
    amount: Money
    note: str
    status: RequestStatus
    transfer_id: str | None = Field(description="The payment that settled it.")
    reminded_at: datetime | None
    created_at: datetime
    updated_at: datetime


class Bill(Wire):
    """Requests made together: a request to several people, or a split bill."""

    id: str
    kind: Literal["request", "split"] = Field(
        description="request: the same amount from each; split: shares of a total."
    )
    requester: Account
    conversation_id: str | None
    total: Money
    note: str
    requests: list[PaymentRequest]
    created_at: datetime

    @property
    def summary(self) -> str:
        """One line for people: "Split $90.00 · dinner", "Requested $20.00 each · lunch"."""
        if self.kind == "split":
            head = f"Split {format_amount(self.total.amount, self.total.currency)}"
        else:
            each = self.requests[0].amount if self.requests else self.total
            head = f"Requested {format_amount(each.amount, each.currency)}"
            head += " each" if len(self.requests) > 1 else ""
        return head + (f" · {self.note}" if self.note else "")


class CreateRequest(RequestBody):
    """Ask one or several people for the same amount each."""

    handles: Annotated[list[Handle], Field(min_length=1, max_length=GROUP_MAX - 1)]
    amount: PositiveMoney
    note: Note = ""
    conversation_id: str | None = None


Shares = Annotated[
    dict[Handle, StrictInt],
    # Every key is a handle: JSON Schema's patternProperties alone lets any other through.
    Field(json_schema_extra={"additionalProperties": False}),
]


class CreateBill(RequestBody):
    """Split a total in a group chat: equal shares, or an amount per handle."""

    total: PositiveMoney
    note: Note = ""
    shares: Shares | None = Field(
        default=None,
        description="Minor units per member (the requester's own share included); "
        "they must add up to the total. Null splits equally.",
    )


class EarningsRow(Wire):
    label: str = Field(description="A post's opening words, or a day (YYYY-MM-DD).")
    post_id: str | None = None
    total: Money
    tips: int


class Earnings(Wire):
    """Tips received, by post and by day, newest first."""

    total: Money
    by_post: list[EarningsRow]
    by_day: list[EarningsRow]


class Receipt(Wire):
    """A completed transfer, signed by the server (Ed25519 over `canonical(payload)`)."""

    payload: dict[str, str | int]
    algorithm: Literal["Ed25519"] = "Ed25519"
    public_key: str = Field(description="The server's public key, base64 (raw 32 bytes).")
    signature: str = Field(description="base64")


# --- feed ------------------------------------------------------------------------------


class EventType(StrEnum):
    """Every kind of feed frame, named once for the server that writes them and the
    client that reads them. Frames with a seq are logged; `TYPING` and `POST_COUNTS`
    are ephemeral (a reload shows the truth)."""

    POST_CREATED = "post.created"
    POST_UPDATED = "post.updated"
    NOTIFICATION_CREATED = "notification.created"
    MESSAGE_CREATED = "message.created"
    MESSAGE_UPDATED = "message.updated"
    CONVERSATION_UPDATED = "conversation.updated"
    CONVERSATION_LEFT = "conversation.left"
    RECEIPT_UPDATED = "receipt.updated"
    TRANSFER_UPDATED = "transfer.updated"
    BILL_UPDATED = "bill.updated"
    TYPING = "typing"
    POST_COUNTS = "post.counts"
    FEED_RESET = "feed.reset"


class TransferEvent(Wire):
    transfer: Transfer
    balance: Money | None = Field(
        description="This event's receiver's balance after the change; null for a group "
        "member who only watches a payment card."
    )


class PostCreated(Wire):
    seq: int
    type: Literal[EventType.POST_CREATED]
    data: Post


class MessageCreated(Wire):
    seq: int
    type: Literal[EventType.MESSAGE_CREATED]
    data: Message


class TransferUpdated(Wire):
    """A transfer is new or changed (pending, completed, voided, refunded)."""

    seq: int
    type: Literal[EventType.TRANSFER_UPDATED]
    data: TransferEvent


class BillUpdated(Wire):
    """A request or split bill is new or changed (paid, declined, cancelled, reminded)."""

    seq: int
    type: Literal[EventType.BILL_UPDATED]
    data: Bill


class MessageUpdated(Wire):
    """A message was edited, deleted for everyone, or reacted to."""

    seq: int
    type: Literal[EventType.MESSAGE_UPDATED]
    data: Message


class ConversationUpdated(Wire):
    """A conversation was renamed or its members changed (sent as this member sees it)."""

    seq: int
    type: Literal[EventType.CONVERSATION_UPDATED]
    data: Conversation


class ConversationLeft(Wire):
    """I left, or was removed from, this conversation."""

    seq: int
    type: Literal[EventType.CONVERSATION_LEFT]
    data: Conversation


class ReceiptData(Wire):
    conversation_id: str
    position: Position


class ReceiptUpdated(Wire):
    """A member's client received (delivered) or showed (read) messages up to a position."""

    seq: int
    type: Literal[EventType.RECEIPT_UPDATED]
    data: ReceiptData


class Typing(Wire):
    """Ephemeral: never in the event log, so it has no seq."""

    type: Literal[EventType.TYPING]
    data: TypingData


NotificationKind = Literal[
    "mention",
    "reply",
    "quote",
    "like",
    "repost",
    "follow",
    "scheduled_payment_failed",
    "money_rule_failed",
]


class Notification(Wire):
    id: str = Field(description="Also the cursor: newer notifications have larger ids.")
    kind: NotificationKind
    actor: Account
    post: Post | None = Field(description="The post it is about (none for a follow).")
    detail: str | None = Field(
        default=None, description="What happened, when the kind needs a sentence."
    )
    created_at: datetime


class NotificationCount(Wire):
    unread: int = Field(description="Unseen notifications, counted up to 100.")


class NotificationCreated(Wire):
    seq: int
    type: Literal[EventType.NOTIFICATION_CREATED]
    data: Notification


class FeedResetData(Wire):
    seq: int = Field(description="The newest seq in the server's log: resume after it.")


class FeedReset(Wire):
    """Ephemeral: the `since` a feed asked for is beyond the server's log (its database
    was reset or restored from an older copy). What the client holds is stale: reload
    it, and resume after `data.seq`."""

    type: Literal[EventType.FEED_RESET]
    data: FeedResetData


class PostCountsChanged(Wire):
    """Ephemeral: a post's counts moved (a like, a repost, a reply); a reload shows the
    truth, so these are not logged."""

    type: Literal[EventType.POST_COUNTS]
    data: PostCounts


class PostUpdated(Wire):
    """A post was edited or deleted."""

    seq: int
    type: Literal[EventType.POST_UPDATED]
    data: Post


class UnknownEvent(Wire):
    """A logged frame of a type this client doesn't know (a newer server's): handed on,
    so the app can say it is missing something, rather than dropped unseen."""

    seq: int
    type: str


FeedEvent = Annotated[
    PostCreated
    | PostUpdated
    | NotificationCreated
    | MessageCreated
    | TransferUpdated
    | BillUpdated
    | MessageUpdated
    | ConversationUpdated
    | ConversationLeft
    | ReceiptUpdated,
    Field(discriminator="type"),
]


# --- errors ----------------------------------------------------------------------------


class Health(Wire):
    """`GET /v1/health`: an xapp server answers at this address, and which version it is.
    Asked before the sign-in form, so a wrong or unreachable address is said at once."""

    service: str = Field(description='Always "xapp": tells this server from anything else.')
    version: str


class ErrorDetail(Wire):
    code: str
    message: str


class ErrorBody(Wire):
    error: ErrorDetail
