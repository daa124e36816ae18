"""Every key, on one screen, read from the bindings themselves (and the chat's slash
commands from their table), so the help can't drift from what the keys do."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.widgets import Label, Static

from xapp.screens.dialogs import Dialog
from xapp.screens.profile import ProfileScreen
from xapp.screens.thread import ThreadScreen, ThreadView
from xapp.widgets.chat_commands import COMMANDS
from xapp.widgets.chat_log import ChatLog
from xapp.widgets.composer import Composer
from xapp.widgets.lines import ItemLines
from xapp.widgets.post_actions import PostActions
from xapp.widgets.timeline_pane import TimelinePane
from xapp.widgets.wallet_pane import WalletPane

KEYS_WIDTH = 18
"""The key column (a long one, like "/receipts off", just pushes its line along)."""


def _home() -> type[DOMNode]:
    from xapp.screens.home import HomeScreen  # the home screen opens this one

    return HomeScreen


def areas() -> list[tuple[str, list[type[DOMNode]]]]:
    """The help's sections: a title, and the classes whose own keys it lists."""
    return [
        ("Everywhere", [_home()]),
        ("Any list", [ItemLines]),
        ("On a post (timeline, thread, profile, bookmarks)", [PostActions, TimelinePane]),
        ("A profile", [ProfileScreen]),
        ("A thread", [ThreadView, ThreadScreen]),
        ("The message box", [Composer]),
        ("On a message", [ChatLog]),
        ("The wallet", [WalletPane]),
    ]


def own_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings a class declares itself (one per key), in the order written."""
    declared: list[BindingType] = list(cls.__dict__.get("BINDINGS", []))
    return list(Binding.make_bindings(declared))


class HelpScreen(Dialog[None]):
    AUTO_FOCUS = "#keys"  # the arrows scroll it at once
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss(None)", "Close", id="help.close")
    ]

    def compose(self) -> ComposeResult:
        with self.dialog("wide"):
            yield Label("Keys", classes="title")
            with VerticalScroll(id="keys"):
                yield Static(self.text())
            yield Label("↑ ↓ scroll · esc closes", classes="hint")

    def _keys(self, binding: Binding) -> list[str]:
        """The keys a binding answers to: the config file's `[keys]` may have remapped it
        (the App's keymap, which Textual keeps privately)."""
        remapped = self.app._keymap.get(binding.id) if binding.id else None
        if remapped is None:
            return [self.app.get_key_display(binding)]
        return [
            self.app.get_key_display(Binding(key.strip(), binding.action))
            for key in remapped.split(",")
        ]

    def text(self) -> Content:
        lines: list[Content] = []
        for title, classes in areas():
            lines.append(Content.styled(title, "bold"))
            shown: dict[str, tuple[list[str], str]] = {}
            for cls in classes:
                for binding in own_bindings(cls):
                    what = binding.tooltip or binding.description
                    keys, _ = shown.setdefault(binding.id or what, ([], what))
                    for key in self._keys(binding):
                        if key not in keys:
                            keys.append(key)
            rows = [(" / ".join(keys), what, name) for name, (keys, what) in shown.items()]
            if title == "The message box":
                rows += [(key, what, "") for key, what in COMMANDS.values()]
            for key, what, name in rows:
                lines.append(
                    Content.assemble(
                        (f"  {key:<{KEYS_WIDTH}}", "$accent"),
                        f" {what}",
                        (f"  {name}" if "." in name else "", "$text-muted"),
                    )
                )
        return Content("\n").join(lines)
