"""Asked once when this machine has no keyring: where should the session token live?"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Label, Static

from xapp.credentials import VaultName
from xapp.screens.dialogs import Dialog


class KeyringChoiceScreen(Dialog[VaultName]):
    def __init__(self, token_file: Path) -> None:
        super().__init__()
        self.token_file = token_file

    def compose(self) -> ComposeResult:
        with self.dialog():
            yield Label("No keyring on this machine", classes="title")
            yield Static(
                Content.from_markup(
                    "xapp keeps your session in the OS keyring, but none is available here "
                    "(common over SSH or in containers).\n\n"
                    "Keep it for this run only (you sign in again next time), or save it in "
                    "[bold]$path[/bold], a file only your user can read. Anyone with your "
                    "user account could use that file to act as you.",
                    path=str(self.token_file),
                )
            )
            with Horizontal(classes="buttons"):
                yield Button("This run only", variant="primary", id="memory")
                yield Button("Save to file", variant="warning", id="file")

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        self.dismiss("file" if event.button.id == "file" else "memory")
