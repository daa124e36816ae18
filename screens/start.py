"""Shown while the app finds its server: starting the embedded one or checking a token."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, LoadingIndicator


class StartScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Try again", id="start.retry", tooltip="try the server again")
    ]

    class Retry(Message):
        """Try to reach the server again."""

    def __init__(self, status: str) -> None:
        super().__init__()
        self.status = status

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Label(self.status, id="status")
            yield LoadingIndicator()
            yield Label("", id="problem")
        yield Footer()

    def say(self, status: str) -> None:
        self.query_one("#status", Label).update(status)

    def fail(self, problem: str) -> None:
        """Show what went wrong, for a person; r tries again, ctrl+q quits."""
        self.failed = True
        self.query_one(LoadingIndicator).display = False
        self.query_one("#problem", Label).update(
            Content(f"{problem}\n\nPress r to try again, or ctrl+q to quit.")
        )

    failed = False

    def action_retry(self) -> None:
        if self.failed:
            self.failed = False
            self.query_one(LoadingIndicator).display = True
            self.query_one("#problem", Label).update("")
            self.post_message(self.Retry())
