"""The notifications view: who mentioned me, replied, quoted, liked, reposted or followed,
newest first; enter opens the post's thread. Opening it marks everything seen."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label

from xapp import intents
from xapp.api.errors import ApiError
from xapp.api.models import Notification
from xapp.live import live, subscribe
from xapp.session import Session
from xapp.widgets.clock import ago
from xapp.widgets.lines import ItemLines
from xapp.widgets.timeline import body
from xapp.workers import worker

SAYS = {
    "mention": ("@", "mentioned you"),
    "reply": ("↳", "replied to you"),
    "quote": ("❝", "quoted your post"),
    "like": ("♥", "liked your post"),
    "repost": ("🔁", "reposted your post"),
    "follow": ("+", "followed you"),
    "scheduled_payment_failed": ("!", "was not paid: your scheduled payment failed"),
    "money_rule_failed": ("!", "· a money rule of yours did not act"),
}


class NotificationList(ItemLines[Notification]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.open", "Open", id="notifications.open", tooltip="its thread")
    ]

    def item_id(self, item: Notification) -> str:
        return item.id

    def render_item(self, item: Notification, width: int) -> list[Content]:
        icon, verb = SAYS[item.kind]
        head = Content.assemble(
            (f"{icon} ", "bold $accent"),
            (item.actor.display_name, "bold"),
            f" @{item.actor.handle} {verb}",
            (f" · {ago(item.created_at)}", "dim"),
        )
        lines = [*head.wrap(width)]
        if item.detail:
            lines += [line.stylize("dim") for line in Content(item.detail).wrap(width)]
        if item.post is not None:
            text = "deleted post" if item.post.deleted else item.post.text
            lines += [line.stylize("dim") for line in body(text[:280]).wrap(width)]
        return [*lines, Content("")]


class NotificationsScreen(Screen[None]):
    shows_notifications = True
    """Notifications arriving while this is on top are seen (the home count stays)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="notifications.back", tooltip="back")
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.next: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="notifications-pane", classes="screen-pane"):
            yield Label("Notifications", classes="pane-title")
            yield NotificationList(id="notifications", empty="Loading…")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(NotificationList).focus()
        subscribe(self, live(self).notifications, self.notification_arrived)
        self.load()

    @worker(exclusive=True, group="notifications")
    async def load(self, before: str | None = None) -> None:
        listing = self.query_one(NotificationList)
        try:
            page = await self.session.client.notifications.list(before=before)
            if before is None:
                await self.session.client.notifications.seen()
        except ApiError as exc:
            listing.empty = exc.message
            listing.refresh()
            return
        self.next = page.next
        listing.empty = "Nothing yet: mentions, replies, likes and follows show here."
        listing.add_bottom(page.items)

    @on(ItemLines.NearEnd, "#notifications")
    def _older(self) -> None:
        if self.next:
            self.load(self.next)
            self.next = None

    def notification_arrived(self, notification: Notification) -> None:
        self.query_one(NotificationList).add_top([notification])

    def action_open(self) -> None:
        item = self.query_one(NotificationList).selected
        if item is not None and item.post is not None and not item.post.deleted:
            self.post_message(intents.OpenThread(item.post))
