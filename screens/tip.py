"""Tip a post's author: a preset or any amount, through the payment confirmation."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from xapp.api.client import AttemptKey
from xapp.api.models import Post, Transfer
from xapp.api.money import AmountError, format_amount
from xapp.screens.form import FormModal
from xapp.screens.money_form import CURRENCY, read_amount
from xapp.screens.pay import confirm_and_send
from xapp.session import Session

PRESETS = (100, 200, 500)


class TipScreen(FormModal[Transfer | None]):
    MONEY = True

    TITLE_TEXT = "Tip"
    SUBMIT_LABEL = "Review"

    def __init__(self, session: Session, post: Post) -> None:
        super().__init__()
        self.session = session
        self.post = post
        self.attempt = AttemptKey()

    def compose_fields(self) -> ComposeResult:
        author = self.post.author
        yield Static(
            Content.from_markup(
                "for [bold]$name[/bold] @$handle: $text",
                name=author.display_name,
                handle=author.handle,
                text=self.post.text[:120],
            ),
            id="post",
        )
        with Horizontal(id="presets"):
            for cents in PRESETS:
                yield Button(format_amount(cents, CURRENCY), id=f"tip-{cents}")
        yield Label(f"Or another amount ({CURRENCY})")
        yield Input(placeholder="3.00", id="amount")

    def on_mount(self) -> None:
        self.query_one(f"#tip-{PRESETS[0]}", Button).focus()

    @on(Button.Pressed, "#presets Button")
    def _preset(self, event: Button.Pressed) -> None:
        event.stop()
        cents = int((event.button.id or "tip-0").removeprefix("tip-"))
        self.query_one("#amount", Input).value = format_amount(cents, CURRENCY).lstrip("$")
        self.submit()

    def submit(self) -> None:
        try:
            amount = read_amount(self.query_one("#amount", Input).value)
        except AmountError as exc:
            self.show_error(str(exc))
            return
        client, post = self.session.client, self.post
        key = self.attempt.key_for(amount)
        self.call(
            lambda: client.wallet.preview_tip(post.id, amount),
            lambda preview: confirm_and_send(
                self.app,
                self.session,
                preview,
                lambda pin: client.wallet.tip(post.id, amount, key=key, pin=pin),
                self.close_with,
                title="Confirm tip",
            ),
        )
