"""Cleaning of untrusted text, done once at the boundary (DESIGN.md principle 2).

Every piece of user text that reaches the server passes through `clean_text`, so what
is stored can be drawn on a terminal without moving the cursor, changing the title,
ringing the bell or reversing what the reader sees. Textual's own `Content` only drops
a handful of C0 codes, which is why the cleaning cannot be left to the renderer.
"""

from __future__ import annotations

import re
import unicodedata

import regex

# C0 controls except TAB and LF, DEL, and C1 controls.
_CONTROLS = {c: None for c in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]}
# Bidi embeddings, overrides, isolates and marks: they make text read differently from
# how it is stored (Trojan Source).
_BIDI = {c: None for c in [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
# Invisible characters that only hide things inside words. ZWJ and ZWNJ stay: emoji
# sequences and several scripts need them. The invisible operators (U+2061-2064), the
# interlinear annotation marks (U+FFF9-FFFB) and the Hangul fillers (U+115F, U+1160,
# U+3164, U+FFA0) draw nothing: a name or post made of them looks blank.
_INVISIBLE = {
    c: None
    for c in [
        0x200B,
        0x2060,
        0xFEFF,
        0x180E,
        0x00AD,
        *range(0x2061, 0x2065),
        *range(0xFFF9, 0xFFFC),
        0x115F,
        0x1160,
        0x3164,
        0xFFA0,
    ]
}
# Line and paragraph separators end a line as LF does (single-line fields then make
# them spaces), rather than surprising a terminal.
_SEPARATORS = {0x2028: "\n", 0x2029: "\n"}
_TABLE = _CONTROLS | _BIDI | _INVISIBLE | _SEPARATORS

# Tag characters (U+E0000-E007F) are invisible, and can carry hidden text; the only use
# kept is a subdivision flag: U+1F3F4, tag letters, then CANCEL TAG (🏴 England).
_TAGS = re.compile("(\U0001f3f4)?([\U000e0000-\U000e007f]+)")


def _keep_flags(found: re.Match[str]) -> str:
    flag, tags = found.group(1) or "", found.group(2)
    spelled = all("\U000e0020" <= t <= "\U000e007e" for t in tags[:-1])
    if flag and tags.endswith("\U000e007f") and len(tags) > 1 and spelled:
        return flag + tags
    return flag


MAX_COMBINING_RUN = 4
"""Combining marks kept after one base character; more is a 'zalgo' flood."""

MAX_BLANK_LINES = 2
"""Consecutive blank lines kept; more is only there to push other content off screen."""

_BLANK_RUN = re.compile(r"\n(?:[ \t]*\n){" + str(MAX_BLANK_LINES + 1) + ",}")


def _cap_combining(text: str) -> str:
    out: list[str] = []
    run = 0
    for ch in text:
        if unicodedata.combining(ch):
            run += 1
            if run > MAX_COMBINING_RUN:
                continue
        else:
            run = 0
        out.append(ch)
    return "".join(out)


def clean_text(text: str, *, multiline: bool = True) -> str:
    """Return `text` safe to store and to draw on a terminal.

    CR LF and lone CR become LF first, so a carriage return cannot overwrite what a
    line showed. Single-line fields turn line breaks and tabs into spaces.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_TABLE)
    text = _TAGS.sub(_keep_flags, text)
    text = _cap_combining(text)
    if multiline:
        text = _BLANK_RUN.sub("\n" * (MAX_BLANK_LINES + 1), text)
    else:
        text = " ".join(text.replace("\t", " ").split())
    return text.strip()


_GRAPHEME = regex.compile(r"\X")

CODE_POINTS_PER_CHARACTER = 8
"""A character as people see it (a grapheme cluster) may be several code points (a flag
is two, a family emoji seven); storage is capped at this many per allowed character."""


def length(text: str) -> int:
    """How many characters a person sees: extended grapheme clusters (Unicode UAX #29),
    so "🇫🇷", "é" written as e + accent, and "👩‍👩‍👧" each count as one."""
    return len(_GRAPHEME.findall(text))
