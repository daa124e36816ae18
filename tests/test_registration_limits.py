"""Registration is cheap to refuse: a taken handle is a 409 before any password hash, and
one address may create only so many accounts in a window (429 with Retry-After). (New
passwords are also hashed one at a time per process, so a burst of registrations does not
take every core from sign-ins: a design property, measured in the closing note, not timed
here.)"""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, People, serve
from xapp.api.client import ApiClient
from xapp.api.errors import ApiError, Conflict


@pytest.fixture
def strict(db_path):
    yield from serve(db_path, registrations=3, registration_window=600)


async def test_an_address_creates_only_so_many_accounts(strict) -> None:
    async with ApiClient(strict.url) as client:
        for handle in ("ann", "ben", "cal"):
            await client.accounts.register(handle, handle.title(), PASSWORD)
        with pytest.raises(ApiError) as refused:
            await client.accounts.register("dee", "Dee", PASSWORD)
    assert (refused.value.status, refused.value.code) == (429, "too_many_accounts")
    assert refused.value.message.startswith("Too many new accounts from here. Try again in")


async def test_a_taken_handle_is_refused_before_the_password_is_judged(people: People) -> None:
    """The cheap refusal comes first: a taken handle with a weak password is a 409 about
    the handle (the password was never looked at, nor hashed)."""
    first = await people.client()
    await first.accounts.register("ada", "Ada", PASSWORD)
    with pytest.raises(Conflict) as refused:
        await first.accounts.register("ada", "Another Ada", "password")
    assert refused.value.code == "handle_taken"
