"""Handles, and the rules that keep one person from passing for another.

A handle is 3-15 of `a-z 0-9 _` after NFKC and casefold, so `＠ＡＬＩＣＥ` and `Alice` are
both `alice`. What NFKC cannot fold is refused with a sentence that names the problem:
an invisible character (`a\\u200blice`) or a letter from another script (`аlice` with a
Cyrillic а) is almost never a typo, and the person reading the error deserves to know
why their lookalike was turned away.

Registration also compares UTS #39 skeletons (`skeleton`): `rnike` and `mike` draw the
same on most terminals, so once one exists the other is refused.
"""

from __future__ import annotations

import re
import unicodedata

HANDLE_RE = re.compile(r"^[a-z0-9_]{3,15}$")

# The entries of Unicode's confusables.txt (UTS #39, version 13.0.0) whose source is a
# character a handle may hold; every other handle character is its own prototype. Only
# these three apply, because a handle is ASCII after normalisation.
_PROTOTYPES = str.maketrans({"1": "l", "0": "O", "m": "rn"})

# Characters that draw as nothing: format controls (Cf, e.g. U+200B, U+2060, U+FEFF),
# plus the Hangul fillers and U+3164 that Unicode lists as default-ignorable.
_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u034f"}


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf" or ch in _FILLERS


def _script(ch: str) -> str:
    """The script word of a letter's Unicode name: CYRILLIC, GREEK, LATIN…"""
    name = unicodedata.name(ch, "")
    return name.split(" ")[0] if name else "unnamed"


def normalize_handle(value: str) -> str:
    """The canonical handle for what a person typed, or ValueError saying what is wrong."""
    text = unicodedata.normalize("NFKC", value.strip()).removeprefix("@")
    for ch in text:
        if ch.isspace():
            raise ValueError("a handle can't hold spaces")
        if _invisible(ch):
            raise ValueError(
                f"a handle can't hold invisible characters (this one has U+{ord(ch):04X})"
            )
    handle = text.casefold()
    foreign = [ch for ch in handle if ch.isalpha() and not ch.isascii()]
    if foreign:
        ch, script = foreign[0], _script(foreign[0])
        if script == "LATIN":
            raise ValueError(f"a handle uses the letters a-z without accents; '{ch}' is not one")
        raise ValueError(
            f"a handle uses the Latin letters a-z only; '{ch}' is a {script.title()} "
            "letter, and mixing scripts is how lookalike handles are made"
        )
    if not HANDLE_RE.fullmatch(handle):
        raise ValueError("a handle is 3 to 15 characters: letters a-z, digits and _")
    return handle


def skeleton(handle: str) -> str:
    """The UTS #39 skeleton of a normalised handle, casefolded because handles are: two
    handles that look alike share one (`bill0`, `billo` and `bi11o` do)."""
    return unicodedata.normalize("NFD", handle.translate(_PROTOTYPES)).casefold()
