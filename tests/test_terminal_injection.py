"""Terminal injection, in a real terminal: the hostile-text corpus written as posts, a
display name and a message, then the real app run in a pseudo-terminal (160x48) and its
output fed to a terminal emulator (pyte). The window title stays the app's, no colours
or cursor moves come from anyone's text, the hostile text shows literally, and the
layout (the top bar on the first row, the footer on the last drawn) is intact."""

from __future__ import annotations

import os
import select
import time
from pathlib import Path

import pyte

from tests.conftest import People
from tests.terminal import app_in_terminal
from tests.test_hostile_text import cases
from xapp.credentials import Credentials

BACKENDS = ("sqlite",)  # what a terminal shows; the store behind it does not matter
MARK = "OWNED"
HOSTILE = [
    f"\x1b]0;{MARK}-TITLE\x07title by OSC 0",
    f"\x1b]2;{MARK}-TITLE2\x1b\\title by OSC 2",
    f"\x1b[2J\x1b[H{MARK} clears the screen",
    f"\x1b[31m{MARK} paints red\x1b[0m",
    f"\x1b[10;10H{MARK} moves the cursor",
    f"\x1b]8;;http://evil.example\x07{MARK} link\x1b]8;;\x07",
    f"{MARK} rings\x07\x07",
    f"\u202e{MARK} reversed\u202c",
]
NEWEST = "the last post, written after the hostile ones"


def run_app(url: str, data_dir: Path, until: bytes, timeout: float = 40) -> bytes:
    """Everything the app writes to its terminal until `until` has been written."""
    seen = b""
    with app_in_terminal(url, data_dir, XAPP_CONFIG=os.devnull) as (_, master):
        deadline = time.monotonic() + timeout
        settled = None
        while time.monotonic() < deadline:
            if select.select([master], [], [], 0.05)[0]:
                try:
                    seen += os.read(master, 1 << 16)
                except OSError:
                    break
            if settled is None and until in seen:
                settled = time.monotonic() + 2.0  # the other panes finish drawing
            if settled is not None and time.monotonic() > settled:
                break
        assert until in seen, seen[-3000:].decode(errors="replace")
    return seen


async def test_hostile_text_changes_nothing_but_what_it_says(people: People, tmp_path) -> None:
    ada = await people.signed_in("ada", "Ada")
    mallory = await people.signed_in("mallory", f"\x1b]0;{MARK}-NAME\x07Mallory")
    await ada.accounts.follow("mallory")
    for text in [*HOSTILE, *(c["text"] for c in cases())]:
        try:
            await mallory.posts.create(text)
        except Exception:  # refused ones (empty, too long) are the corpus test's business
            continue
    conversation = await mallory.chat.open("ada")
    await mallory.chat.send(conversation.id, f"\x1b]0;{MARK}-DM\x07a message")
    await mallory.posts.create(NEWEST)
    Credentials(tmp_path, keyring_vault=None).save(people.url, "ada", ada.token or "", "file")

    written = run_app(people.url, tmp_path, NEWEST.encode())

    # Nothing anyone wrote reached the terminal as a control sequence.
    for sequence in (b"\x1b]0;" + MARK.encode(), b"\x1b]2;" + MARK.encode(), b"\x1b]8;;http"):
        assert sequence not in written
    screen = pyte.Screen(160, 48)
    stream = pyte.ByteStream(screen)
    stream.feed(written)
    assert MARK not in (screen.title or "")
    shown = "\n".join(screen.display)
    # The text shows, as text: the escape is gone and what followed it is literal.
    assert "]0;OWNED-NAME" in shown or "Mallory" in shown
    assert NEWEST in shown
    # The layout is the app's: its top bar and its footer where they belong.
    assert screen.display[0].lstrip().startswith("xapp")
    assert "? help" in screen.display[0], shown
    # The footer is the last row the app drew (it may have drawn 80x24 on a busy machine
    # that had not passed the window size on yet: the same layout, narrower).
    drawn_rows = [row for row in screen.display if row.strip()]
    assert "palette" in drawn_rows[-1], shown
    # No one's text painted red: every cell showing the marker has the app's colours.
    for row in screen.buffer.values():
        line = "".join(row[x].data for x in range(160))
        at = line.find(MARK)
        if at >= 0:
            assert row[at].fg != "red", line
