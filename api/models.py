"""Wire models: the one schema shared by the server (request and response types, hence
the OpenAPI document) and the client (which parses every response with them).

User text is cleaned by the validators here, so the server stores clean text and the
client never sees anything else (DESIGN.md principles 1 and 2).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, field_validator

from xapp.api.money import CURRENCY_EXPONENTS, MAX_AMOUNT_MINOR
from xapp.api.text import clean_text

HANDLE_RE = re.compile(r"^[a-z0-9_]{3,15}$")

POST_MAX = 500
MESSAGE_MAX = 4000
NOTE_MAX = 140
DISPLAY_NAME_MAX = 50
PAGE_MAX = 100


def normalize_handle(value: str) -> str:
    """NFKC then casefold, without a leading @: `＠ＡＬＩＣＥ` and `Alice` are `alice`."""
    handle = unicodedata.normalize("NFKC", value).casefold().strip().removeprefix("@")
    if not HANDLE_RE.fullmatch(handle):
        raise ValueError("a handle is 3 to 15 characters: letters a-z, digits and _")
    return handle


def _text(what: str, max_len: int, *, multiline: bool, required: bool = True) -> AfterValidator:
    def check(value: str) -> str:
        value = clean_text(value, multiline=multiline)
        if required and not value:
            raise ValueError(f"{what} is empty")
        if len(value) > max_len:
            raise ValueError(f"{what} is {len(value)} characters; the limit is {max_len}")
        return value

    return AfterValidator(check)


Handle = Annotated[str, AfterValidator(normalize_handle)]
PostText = Annotated[str, _text("The post", POST_MAX, multiline=True)]
MessageText = Annotated[str, _text("The message", MESSAGE_MAX, multiline=True)]
Note = Annotated[str, _text("The note", NOTE_MAX, multiline=False, required=False)]
DisplayName = Annotated[str, _text("The display name", DISPLAY_NAME_MAX, multiline=False)]
Password = Annotated[str, Field(min_length=8, max_length=256)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- money -----------------------------------------------------------------------------


class Money(Wire):
    """An amount in integer minor units of an ISO 4217 currency."""

    amount: StrictInt
    currency: str = Field(examples=["USD"])

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if value not in CURRENCY_EXPONENTS:
            raise ValueError(f"{value} is not a supported currency")
        return value


def _positive(money: Money) -> Money:
    if money.amount <= 0:
        raise ValueError("the amount must be more than zero")
    if money.amount > MAX_AMOUNT_MINOR:
        raise ValueError("the amount is too large")
    return money


PositiveMoney = Annotated[Money, AfterValidator(_positive)]


# --- accounts and sessions -------------------------------------------------------------


class Account(Wire):
    id: str
    handle: str
    display_name: str
    created_at: datetime


class Me(Account):
    event_seq: int = Field(description="The last feed seq written for this account.")


class CreateAccount(Wire):
    handle: Handle
    display_name: DisplayName
    password: Password


class CreateSession(Wire):
    handle: Handle
    password: Annotated[str, Field(min_length=1, max_length=256)]


class SessionCreated(Wire):
    token: str
    account: Account


# --- posts -----------------------------------------------------------------------------


class CreatePost(Wire):
    text: PostText


class Post(Wire):
    id: str
    author: Account
    text: str
    created_at: datetime


T = TypeVar("T")


class Page(Wire, Generic[T]):
    items: list[T]
    next: str | None = Field(description="Cursor for the next (older) page, or null at the end.")


# --- conversations ---------------------------------------------------------------------


class CreateConversation(Wire):
    handles: Annotated[list[Handle], Field(min_length=1, max_length=1)]


class Message(Wire):
    id: str
    conversation_id: str
    sender: Account
    text: str
    created_at: datetime


class Conversation(Wire):
    id: str
    members: list[Account]
    last_message: Message | None
    updated_at: datetime


class CreateMessage(Wire):
    text: MessageText


# --- wallet ----------------------------------------------------------------------------


class Wallet(Wire):
    balances: list[Money]


class CreateDeposit(Wire):
    amount: PositiveMoney


class CreateTransfer(Wire):
    to: Handle
    amount: PositiveMoney
    note: Note = ""


class Transfer(Wire):
    id: str
    kind: Literal["deposit", "transfer"]
    sender: Account | None = Field(description="Null for money that came from a bank.")
    recipient: Account
    amount: Money
    note: str
    status: Literal["completed"]
    created_at: datetime


# --- feed ------------------------------------------------------------------------------


class TransferEvent(Wire):
    transfer: Transfer
    balance: Money = Field(description="The receiver of this event's balance after the transfer.")


class PostCreated(Wire):
    seq: int
    type: Literal["post.created"]
    data: Post


class MessageCreated(Wire):
    seq: int
    type: Literal["message.created"]
    data: Message


class TransferCompleted(Wire):
    seq: int
    type: Literal["transfer.completed"]
    data: TransferEvent


FeedEvent = Annotated[PostCreated | MessageCreated | TransferCompleted, Field(discriminator="type")]


# --- errors ----------------------------------------------------------------------------


class ErrorDetail(Wire):
    code: str
    message: str


class ErrorBody(Wire):
    error: ErrorDetail
