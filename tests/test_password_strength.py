"""Registration refuses a guessable password (a common one, a common one dressed up, or
the handle itself) with a sentence that says why, and takes a long phrase without any
composition rule."""

from __future__ import annotations

import pytest

from tests.conftest import People
from xapp.api.errors import InvalidRequest


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("password", "This is a top-10 common password."),
        ("12345678", "This is a top-10 common password."),
        ("P@ssw0rd!", "This is similar to a commonly used password."),
        ("iloveyou123", "This is similar to a commonly used password."),
    ],
)
async def test_a_guessable_password_is_refused(people: People, password: str, why: str) -> None:
    client = await people.client()
    with pytest.raises(InvalidRequest) as refused:
        await client.accounts.register("mallory", "Mallory", password)
    assert refused.value.code == "weak_password"
    assert refused.value.message == (
        f"Choose another password. {why} A few unusual words work well."
    )


async def test_the_handle_is_no_password(people: People) -> None:
    client = await people.client()
    with pytest.raises(InvalidRequest) as refused:
        await client.accounts.register("zanzibar42", "Zanzibar", "zanzibar42")
    assert refused.value.code == "weak_password"


async def test_a_long_phrase_needs_no_symbols(people: People) -> None:
    client = await people.client()
    made = await client.accounts.register("ada", "Ada", "orange kettle on a quiet moon")
    assert made.handle == "ada"
