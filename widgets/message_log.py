"""The open conversation's messages, oldest at the top, pinned to the newest.

Beside messages from the server it shows the outbox's entries for this conversation
(queued or failed) until the server has them. Own messages carry their receipt: sent,
delivered, read (or "read by N" in a group); mentions of me are highlighted; replies
show what they answer; reactions, edits and deletions show as they are now.
"""

from __future__ import annotations

import re
from typing import Any

from textual.content import Content

from xapp.api.models import Account, Bill, Message, Position, Transfer
from xapp.outbox import Entry
from xapp.widgets import repaint
from xapp.widgets.cards import bill_card, payment_card
from xapp.widgets.clock import ago
from xapp.widgets.lines import ItemLines

LOCAL = "local:"
"""Id prefix of an outbox entry shown before the server has it."""

SENDING = Content.styled("◷ sending…", "dim")
QUEUED = Content.styled("◷ queued · goes out when the server is back", "$warning")
SENT = Content.styled("✓ sent", "dim")
DELIVERED = Content.styled("✓✓ delivered", "dim")
READ = Content.styled("✓✓ read", "$accent")


def local_message(entry: Entry, me: Account) -> Message:
    assert entry.conversation_id is not None
    return Message(
        id=LOCAL + entry.key,
        conversation_id=entry.conversation_id,
        sender=me,
        text=entry.text,
        created_at=entry.created_at,
        client_key=entry.key,
    )


class MessageLog(ItemLines[Message]):
    PAGES_DOWNWARD = False  # older messages load above (`NearStart`)

    def __init__(self, me: Account, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.me = me
        self.me_id = me.id
        self.positions: list[Position] = []
        self.is_group = False
        self._following = True
        self.online = True
        """Whether the feed is connected (an unsent message is "sending", not "queued")."""
        self.failed: dict[str, str] = {}
        """Outbox keys that failed, with the server's sentence."""
        self._mention = re.compile(rf"@{re.escape(me.handle)}\b", re.IGNORECASE)

    def item_id(self, item: Message) -> str:
        return item.id

    def show_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            if any(message.id.startswith(LOCAL) for message in self.items):
                self.refresh_items()

    def show_conversation(self, positions: list[Position], is_group: bool) -> None:
        self.positions, self.is_group = positions, is_group
        self.refresh_items()

    def render_item(self, item: Message, width: int) -> list[Content]:
        if item.kind == "system":
            line = Content.styled(f"— {item.text} · {ago(item.created_at)} —", "dim italic")
            return [*line.wrap(width), Content("")]
        # Assembled, not parsed from markup: drawing a message is on the path of every
        # one that arrives, and markup parsing cost ~80 µs a line.
        edited = " · edited" if item.edited_at and not item.deleted else ""
        head = Content.assemble(
            (item.sender.display_name, "bold"),
            " ",
            (f"@{item.sender.handle} · {ago(item.created_at)}{edited}", "dim"),
        )
        lines = [*head.wrap(width)]
        if item.reply_to is not None:
            quoted = "deleted message" if item.reply_to.deleted else item.reply_to.text
            quote = Content.from_markup(
                "[dim]↳ @$handle: $text[/dim]",
                handle=item.reply_to.sender.handle,
                text=quoted.replace("\n", " ")[:80],
            )
            lines += quote.wrap(width)
        if item.transfer is not None:
            lines += payment_card(item.transfer, width)
        elif item.bill is not None:
            lines += bill_card(item.bill, self.me_id, width)
        elif item.deleted:
            lines.append(Content.from_markup("[dim i]message deleted[/]"))
        else:
            lines += self._body(item).wrap(width)
        if item.reactions:
            counts = "  ".join(f"{r.emoji} {r.count}" for r in item.reactions)
            lines.append(Content.styled(counts, "$text-muted"))
        status = self._status(item)
        if status is not None:
            lines += status.wrap(width)
        return [*lines, Content("")]

    def _body(self, item: Message) -> Content:
        body = Content(item.text).expand_tabs(4)
        if item.sender.id != self.me_id:
            for match in self._mention.finditer(body.plain):
                body = body.stylize("bold $accent reverse", match.start(), match.end())
        return body

    def _status(self, item: Message) -> Content | None:
        """The receipt under my own messages (and the outbox state of local ones)."""
        if item.sender.id != self.me_id or item.kind != "text" or item.deleted:
            return None
        if item.id.startswith(LOCAL):
            key = item.id.removeprefix(LOCAL)
            if key in self.failed:
                why = self.failed[key]
                return Content.styled(f"✗ failed: {why} · ctrl+r retries · d deletes", "$error")
            # Online, a message is in the outbox only for the moment of its request;
            # "queued" then read as if the server were away.
            return SENDING if self.online else QUEUED
        others = [p for p in self.positions if p.account_id != self.me_id]
        readers = [p for p in others if p.read is not None and p.read >= item.position]
        if self.is_group:
            if readers:
                return Content.styled(f"✓✓ read by {len(readers)} · v shows who", "dim")
        elif readers:
            return READ
        if others and all(p.delivered >= item.position for p in others):
            return DELIVERED
        return SENT

    @property
    def pinned(self) -> bool:
        """True while the reader follows the newest message: new ones scroll into view.
        Kept as a flag the reader's own scrolling sets, not worked out from the scroll
        position: without the repaint seam (repaint.py) a new message's lines reach the
        scroll range only at the next layout, and the chat would stop following."""
        return self._following

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._following = new >= self.max_scroll_y - 1

    def show_latest(self) -> None:
        """Select and scroll to the newest message once the layout is known: scrolling
        before the first layout would clamp against a zero-height view."""
        self.set_reactive(MessageLog.cursor, max(len(self.items) - 1, 0))
        self.call_after_refresh(self.scroll_end, animate=False, immediate=True)

    def append(self, message: Message) -> bool:
        """Add a new message at the bottom; one sent from here replaces its local copy.
        Returns whether the reader was at the bottom (so now sees the message)."""
        if message.client_key and message.sender.id == self.me_id:
            self.remove_item(LOCAL + message.client_key)
        pinned = self.pinned
        if self.has(message.id):
            self.upsert(message)
            return pinned
        self.add_bottom([message])
        if pinned:
            # Laid out already, so scroll now: the message is in the very next paint.
            previous = self.cursor
            self.set_reactive(MessageLog.cursor, len(self.items) - 1)
            self.refresh_item(previous)
            # scroll_to, not scroll_end: scroll_end also queues a completion callback,
            # a message handled before the screen's paint.
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
            if not repaint.ACTIVE:  # the new lines join the scroll range at the layout
                self.call_after_refresh(self.scroll_end, animate=False, immediate=True)
        return pinned

    def select(self, message_id: str) -> None:
        """Put the cursor on a message (a search hit) and bring it into view."""
        for index, message in enumerate(self.items):
            if message.id == message_id:
                self.call_after_refresh(setattr, self, "cursor", index)
                return

    def update_cards(self, transfer: Transfer | None = None, bill: Bill | None = None) -> None:
        """Redraw the cards of a payment or bill that changed (live, from the feed)."""
        for message in list(self.items):
            if transfer is not None and message.transfer and message.transfer.id == transfer.id:
                self.upsert(message.model_copy(update={"transfer": transfer}))
            if bill is not None and message.bill and message.bill.id == bill.id:
                self.upsert(message.model_copy(update={"bill": bill}))
