"""Asked once when this machine has no keyring: where should the session token live?"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from xapp.credentials import VaultName


class KeyringChoiceScreen(ModalScreen[VaultName]):
    DEFAULT_CSS = """
    KeyringChoiceScreen { align: center middle; }
    KeyringChoiceScreen > Vertical {
        width: 70; height: auto; border: thick $warning; background: $surface; padding: 1 2;
    }
    KeyringChoiceScreen Horizontal { height: auto; margin-top: 1; }
    KeyringChoiceScreen Button { margin-right: 1; }
    """

    def __init__(self, token_file: Path) -> None:
        super().__init__()
        self.token_file = token_file

    def compose(self) -> ComposeResult:
        with Vertical():
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
            with Horizontal():
                yield Button("This run only", variant="primary", id="memory")
                yield Button("Save to file", variant="warning", id="file")

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        self.dismiss("file" if event.button.id == "file" else "memory")
