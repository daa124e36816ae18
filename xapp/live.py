"""What changes live, published by the App to whoever shows it (DESIGN.md principle 7).

The App owns the one feed; every event it reads goes out on the signal of its family
(posts, notifications, chat, wallet), and so do the changes this client makes itself
that no feed event carries (a post I just wrote, my own likes and bookmarks, an undone
repost). Panes and pushed screens subscribe when they mount and are dropped when they
unmount, so nothing walks the screen stack looking for lists to tell.

Subscribers run straight away when an event is published (Textual's `immediate`), not
after the node's queued messages: a chat message is painted in the same turn it is read.
A subscriber that fails is logged and shown as a warning, not swallowed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast

from textual.dom import DOMNode
from textual.signal import Signal

from xapp.api.feed import FeedState, LiveEvent
from xapp.api.models import (
    BillUpdated,
    ConversationLeft,
    ConversationUpdated,
    Message,
    MessageCreated,
    MessageUpdated,
    Notification,
    NotificationCreated,
    Post,
    PostCountsChanged,
    PostCreated,
    PostUpdated,
    ReceiptUpdated,
    TransferUpdated,
    Typing,
)

log = logging.getLogger("xapp.live")

E = TypeVar("E")


# --- what this client changes itself (no feed event carries these) -----------------------


@dataclass(frozen=True)
class PostWritten:
    """A post, reply, quote or repost I just made (the feed brings it too, later)."""

    post: Post


@dataclass(frozen=True)
class MarksChanged:
    """I liked, reposted, bookmarked or edited `post`: it carries my marks."""

    post: Post


@dataclass(frozen=True)
class RepostUndone:
    """My repost of `original_id` is gone."""

    original_id: str


@dataclass(frozen=True)
class PostsHidden:
    """I blocked or muted `author_id`: their posts leave every list."""

    author_id: str


@dataclass(frozen=True)
class MessageSent:
    """A message of mine the server has now: sent from the outbox, or `edited` (the
    feed brings either to the others)."""

    message: Message
    edited: bool = False


@dataclass(frozen=True)
class FeedStatus:
    """How the live feed is doing, and whether a newer server sent things this version
    can't show (then the top bar asks for an update)."""

    state: FeedState
    newer_server: bool = False


PostEvent = (
    PostCreated
    | PostUpdated
    | PostCountsChanged
    | PostWritten
    | MarksChanged
    | RepostUndone
    | PostsHidden
)
ChatEvent = (
    MessageCreated
    | MessageUpdated
    | ConversationUpdated
    | ConversationLeft
    | ReceiptUpdated
    | Typing
    | MessageSent
)
WalletEvent = TransferUpdated | BillUpdated


class Live:
    """The App's signals, one per family of events."""

    def __init__(self, owner: DOMNode) -> None:
        self.posts: Signal[PostEvent] = Signal(owner, "posts")
        self.notifications: Signal[Notification] = Signal(owner, "notifications")
        self.chat: Signal[ChatEvent] = Signal(owner, "chat")
        self.wallet: Signal[WalletEvent] = Signal(owner, "wallet")
        self.feed: Signal[FeedStatus] = Signal(owner, "feed")
        self.feed_status = FeedStatus(FeedState.CONNECTING)
        """The last status published, for a subscriber that mounts later."""
        self.unread: Signal[int] = Signal(owner, "unread")
        """Unread messages in all conversations (the chat pane counts them)."""
        self._routes: dict[type, Signal[Any]] = {
            PostCreated: self.posts,
            PostUpdated: self.posts,
            PostCountsChanged: self.posts,
            MessageCreated: self.chat,
            MessageUpdated: self.chat,
            ConversationUpdated: self.chat,
            ConversationLeft: self.chat,
            ReceiptUpdated: self.chat,
            Typing: self.chat,
            TransferUpdated: self.wallet,
            BillUpdated: self.wallet,
        }

    def publish_status(self, status: FeedStatus) -> None:
        self.feed_status = status
        self.feed.publish(status)

    def publish(self, event: LiveEvent) -> None:
        """Send one feed event to its family's subscribers."""
        if isinstance(event, NotificationCreated):
            self.notifications.publish(event.data)
            return
        signal = self._routes.get(type(event))
        if signal is not None:
            signal.publish(event)


class HasLive(Protocol):
    live: Live


def live(node: DOMNode) -> Live:
    """The App's signals, from any node in it."""
    return cast(HasLive, node.app).live


def subscribe(node: DOMNode, signal: Signal[E], callback: Callable[[E], object]) -> None:
    """Call `callback` for every event on `signal` while `node` is mounted. A callback
    that raises is logged and shown, instead of vanishing inside Textual's signal."""

    def guarded(event: E) -> None:
        try:
            callback(event)
        except Exception:
            log.exception("%s could not show %r", type(node).__name__, event)
            node.app.notify(
                "Something could not be shown (see xapp.log).", severity="warning", timeout=5
            )

    signal.subscribe(node, guarded, immediate=True)
