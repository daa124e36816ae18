"""Shown while the app finds its server: starting the embedded one or checking a token."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label, LoadingIndicator


class StartScreen(Screen[None]):
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
        """Show what went wrong, for a person; ctrl+q still quits."""
        self.query_one(LoadingIndicator).display = False
        self.query_one("#problem", Label).update(Content(problem))
