"""Alerts outside the app's own toasts, for when the terminal is not being looked at: the
terminal bell, and a desktop notification, each chosen per kind (a message in a chat
not on screen, money received, a request for money) in the config file's `[alerts]`.

A desktop notification goes through `notify-send` where a desktop session is there to
show it, and otherwise as the terminal's own notification escape: OSC 9 (iTerm2, WezTerm,
ghostty, kitty, Windows Terminal) or OSC 777 (foot, urxvt, VTE terminals), wrapped for
tmux when inside it. The text is someone else's: control characters are taken out
before it reaches a terminal sequence or a command line, and it is cut short.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

How = Literal["off", "bell", "desktop", "both"]
KINDS = ("message", "payment", "request")
LONGEST = 200


def clean(text: str) -> str:
    """What is safe inside a terminal sequence or an argument: no control characters (so
    no escape can end the sequence early or start another), no ';' (OSC 777's separator),
    one line, at most LONGEST characters."""
    kept = "".join(" " if ch in "\n\t" else ch for ch in text if ch.isprintable() or ch in "\n\t")
    return " ".join(kept.replace(";", ",").split())[:LONGEST]


def terminal_sequence(title: str, body: str, environ: Mapping[str, str]) -> str:
    """The notification escape this terminal understands, tmux-wrapped inside tmux."""
    title, body = clean(title), clean(body)
    program = environ.get("TERM_PROGRAM", "")
    if program in ("iTerm.app", "WezTerm", "ghostty") or "kitty" in environ.get("TERM", ""):
        sequence = f"\x1b]9;{title}: {body}\x07"
    else:
        sequence = f"\x1b]777;notify;{title};{body}\x07"
    if environ.get("TMUX"):
        sequence = "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return sequence


def terminal_writer(app: Any) -> Callable[[str], None]:
    """Write a sequence to the App's terminal, as `App.bell()` does (nothing headless)."""

    def write(sequence: str) -> None:
        if not app.is_headless and app._driver is not None:
            app._driver.write(sequence)

    return write


def _has_desktop(environ: Mapping[str, str]) -> bool:
    return any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY"))


@dataclass
class Alerts:
    """How each kind is told; `write` puts a sequence on the terminal (the App's driver)."""

    kinds: dict[str, How] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    run: Callable[[list[str]], Any] = field(
        default=lambda argv: subprocess.run(argv, check=False, timeout=10, capture_output=True)
    )

    def __call__(self, kind: str, title: str, body: str, write: Callable[[str], None]) -> None:
        how = self.kinds.get(kind, "off")
        if how in ("bell", "both"):
            write("\x07")
        if how in ("desktop", "both"):
            self.desktop(title, body, write)

    def desktop(self, title: str, body: str, write: Callable[[str], None]) -> None:
        sender = shutil.which("notify-send", path=self.environ.get("PATH"))
        if sender and _has_desktop(self.environ):
            argv = [sender, "--app-name=xapp", clean(title), clean(body)]
            # Off the event loop: spawning a program is not the loop's to wait for.
            threading.Thread(target=self.run, args=(argv,), daemon=True).start()
            return
        write(terminal_sequence(title, body, self.environ))
