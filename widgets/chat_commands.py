"""Slash commands typed in a chat: `/pay 12.50 pizza`, `/request 20 lunch`, `/split 60
dinner`, `/receipts on|off`. Parsing only: the chat opens the matching dialog,
pre-filled, so no money moves without the usual review."""

from __future__ import annotations

from dataclasses import dataclass

USAGE = "Try /pay 12.50 pizza, /request 20 lunch, /split 60 dinner or /receipts off"


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
    if name not in ("pay", "request", "split", "receipts"):
        raise ValueError(f"/{name} is not a command. {USAGE}")
    handles = tuple(w for w in words if w.startswith("@"))
    rest = [w for w in words if not w.startswith("@")]
    amount = rest[0] if rest else ""
    return ChatCommand(name, handles, amount, " ".join(rest[1:]))
