"""Text that looks blank or hides something is cleaned at the boundary: Unicode tag
characters (but not a subdivision flag's), the invisible operators, the interlinear
annotation marks and the Hangul fillers are removed, line and paragraph separators end a
line, and a reaction is an emoji or a symbol, never ASCII that could spell markup or the
rest of an escape sequence."""

from __future__ import annotations

import pytest

from tests.conftest import People, query
from xapp.api.errors import InvalidRequest
from xapp.api.text import clean_text

ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("pay\U000e0020\U000e0069\U000e0067\U000e006e me", "pay me"),  # hidden tag text
        ("a\u2061b\u2062c\u2063d\u2064e", "abcde"),
        ("x\ufff9y\ufffaz\ufffb", "xyz"),
        ("\u3164\u115f\u1160\uffa0ok", "ok"),
        (f"go {ENGLAND}!", f"go {ENGLAND}!"),  # the one use of tags kept
        ("first\u2028second\u2029third", "first\nsecond\nthird"),
    ],
)
def test_cleaning(given: str, kept: str) -> None:
    assert clean_text(given) == kept


async def test_a_name_or_post_that_only_looks_blank_is_empty(people: People) -> None:
    ada = await people.signed_in("ada")
    with pytest.raises(InvalidRequest) as refused:
        await ada.posts.create("\u3164\u3164\u2061\U000e0041")
    assert "empty" in refused.value.message
    client = await people.client()
    with pytest.raises(InvalidRequest) as refused:
        await client.accounts.register("blank", "\u3164\uffa0", "orange kettle on a quiet moon")
    assert "The display name is empty" in refused.value.message


async def test_a_reaction_is_an_emoji_not_markup(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    conversation = await ada.chat.open("bob")
    message = await ada.chat.send(conversation.id, "hello")
    for hostile in ("[2J", "[b]x", "ok", "%1b[2J"):
        with pytest.raises(InvalidRequest) as refused:
            await ada.chat.react(conversation.id, message.id, hostile)
        assert "a reaction is one emoji" in refused.value.message
    for fine in ("👍", "❤️", "1️⃣", "🎉"):
        await ada.chat.react(conversation.id, message.id, fine)
    kept = {r for (r,) in query(db_path, "SELECT emoji FROM reactions")}
    assert kept <= {"👍", "❤️", "1️⃣", "🎉"} and "1️⃣" in kept
