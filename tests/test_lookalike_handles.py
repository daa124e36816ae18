"""Don't pay the wrong person: handles that look like others are refused at the door."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, People
from xapp.api.errors import Conflict, InvalidRequest
from xapp.api.handles import normalize_handle, skeleton


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("\u0430lice", "'а' is a Cyrillic letter"),
        ("a\u200blice", "invisible characters (this one has U+200B)"),
        ("al\u2060ice", "invisible characters (this one has U+2060)"),
        ("\u03b1lice", "'α' is a Greek letter"),
        ("zoë", "without accents"),
        ("al ice", "can't hold spaces"),
    ],
)
async def test_registration_refuses_invisible_and_mixed_script_handles(
    people: People, typed: str, reason: str
) -> None:
    client = await people.client()
    with pytest.raises(InvalidRequest) as caught:
        await client.accounts.register(typed, "Mallory", PASSWORD)
    assert reason in caught.value.message


async def test_lookalikes_of_existing_handles_are_refused(people: People) -> None:
    await people.signed_in("alice")
    await people.signed_in("mike")
    await people.signed_in("bill0")
    client = await people.client()
    with pytest.raises(Conflict, match="The handle @alice is taken"):
        await client.accounts.register("ALICE", "Mallory", PASSWORD)
    with pytest.raises(Conflict, match="@rnike looks too much like @mike"):
        await client.accounts.register("rnike", "Mallory", PASSWORD)
    with pytest.raises(Conflict, match="@bi11o looks too much like @bill0"):
        await client.accounts.register("bi11o", "Mallory", PASSWORD)
    # Different shapes are fine: i is not l.
    await client.accounts.register("biiio", "Not Mallory", PASSWORD)


def test_skeletons_follow_uts39_for_handle_characters() -> None:
    assert normalize_handle("＠ＡＬＩＣＥ") == "alice"
    assert skeleton("rnike") == skeleton("mike")
    assert skeleton("bill0") == skeleton("billo") == skeleton("bi11o")
    assert skeleton("ada") != skeleton("aba")
