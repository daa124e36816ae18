"""Hostile text (../shared/corpus/hostile_text.json): stored clean or refused with a clear
error, and shown literally on screen.

The corpus is read from ../shared beside the checkout when it is there, else from the copy
in tests/data (a CI clone has no ../shared): it never skips, and a missing corpus fails."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from tests.conftest import People, query
from tests.test_tui_home import drawn, home_of, signed_in_app, wait_for
from xapp.api.errors import InvalidRequest
from xapp.api.text import clean_text
from xapp.widgets.timeline import Timeline

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "hostile_text.json"
VENDORED = Path(__file__).resolve().parent / "data" / "hostile_text.json"


def corpus() -> Path:
    """The shared corpus when it is beside the checkout, else the copy kept in tests/data."""
    return SHARED if SHARED.exists() else VENDORED


def cases() -> list[dict[str, str]]:
    found = json.loads(corpus().read_text(encoding="utf-8"))["cases"]
    assert len(found) >= 30, f"{corpus()} holds {len(found)} cases"
    return found


BIDI_AND_INVISIBLE = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff")


def is_clean(text: str) -> bool:
    for ch in text:
        if ch in "\n\t":
            continue
        if unicodedata.category(ch) == "Cc" or ch in BIDI_AND_INVISIBLE:
            return False
    return True


def test_the_copy_in_tests_data_is_the_shared_corpus() -> None:
    """The copy a CI clone reads is the shared corpus, byte for byte, wherever both exist."""
    copy = VENDORED.read_bytes()
    if SHARED.exists():
        assert copy == SHARED.read_bytes(), "copy ../shared/corpus/hostile_text.json to tests/data"


async def test_every_case_is_stored_clean_or_refused_clearly(people: People, db_path) -> None:
    alice = await people.signed_in("alice")
    hostile = cases()
    for case in hostile:
        try:
            await alice.posts.create(case["text"])
        except InvalidRequest as exc:
            assert "limit is 500" in exc.message or "empty" in exc.message, case["name"]
    stored = [row[0] for row in query(db_path, "SELECT text FROM posts")]
    assert len(stored) >= len(hostile) - 1  # only the 10,000-character word is refused
    assert all(is_clean(text) for text in stored)
    assert "pay @alice\n@mallory" in stored  # a CR cannot overwrite what a line showed


async def test_markup_and_escapes_show_literally(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    texts = [
        "before\x1b[2Jafter \x1b]0;PWNED\x07 title",
        "text [/bold] more [/] and [/",
        '[link="https://evil.example"]your bank[/link]',
        "[@click=app.quit]free money[/] $name ${x}",
    ]
    for text in texts:
        await alice.posts.create(text)
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        timeline = home.query_one(Timeline)
        await wait_for(pilot, lambda: len(timeline.items) == 4)
        await wait_for(pilot, lambda: "before[2Jafter ]0;PWNED title" in drawn(timeline))
        screen = drawn(timeline)
        for text in texts:
            assert clean_text(text) in screen
        assert "\x1b" not in screen and "\x07" not in screen
        assert "before[2Jafter ]0;PWNED title" in screen
        assert '[link="https://evil.example"]your bank[/link]' in screen
        assert app.is_running  # the [@click=app.quit] text did not act
