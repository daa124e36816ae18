"""Slash commands typed in a chat: `/pay 12.50 pizza`, `/request 20 lunch`, `/split 60
dinner`, `/receipts on|off`. Parsing only: the chat opens the matching dialog,
pre-filled, so no money moves without the usual review."""

from __future__ import annotations

from dataclasses import dataclass

COMMANDS = {
    "pay": ("/pay 12.50 pizza", "pay the other person here (a card shows in the chat)"),
    "request": ("/request 20 lunch", "ask the others here for money"),
    "split": ("/split 90 dinner", "split a bill among everyone here"),
    "receipts": ("/receipts off", "stop (or start) others seeing how far you have read"),
}
"""Every command, with an example and what it does (the help screen lists them)."""

USAGE = "Try " + ", ".join(example for example, _ in COMMANDS.values())


@dataclass(frozen=True)
class ChatCommand:
    name: str
    handles: tuple[str, ...]
    amount: str
    note: str


def parse(text: str) -> ChatCommand | None:
    """A command, or None when the text is an ordinary message. ValueError for a
    command that is not one of ours."""
    if not text.startswith("/") or text.startswith("//"):
        return None
    name, *words = text[1:].split()
    if name not in COMMANDS:
        raise ValueError(f"/{name} is not a command. {USAGE}")
    handles = tuple(w for w in words if w.startswith("@"))
    rest = [w for w in words if not w.startswith("@")]
    amount = rest[0] if rest else ""
    return ChatCommand(name, handles, amount, " ".join(rest[1:]))
