"""Writes are rate-limited per session token (and per address, five times as much): past
the allowance a change is answered 429 with Retry-After and not made; reads go on; on
PostgreSQL the count is shared by every server process."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, query, serve
from xapp.api.client import ApiClient
from xapp.api.errors import ApiError


@pytest.fixture
def strict(db_path):
    yield from serve(db_path, writes=5, write_window=60)


async def test_a_token_writes_so_much_then_waits(strict, db_path) -> None:
    async with ApiClient(strict.url) as ada:
        await ada.accounts.register("ada", "Ada", PASSWORD)
        await ada.accounts.login("ada", PASSWORD)
        for i in range(5):
            await ada.posts.create(f"post {i}")
        with pytest.raises(ApiError) as refused:
            await ada.posts.create("one too many")
        assert (refused.value.status, refused.value.code) == (429, "too_many_writes")
        assert refused.value.message.startswith("Too many changes too quickly. Try again in")
        assert len((await ada.posts.home_timeline()).items) == 5  # reads go on
    assert query(db_path, "SELECT count(*) FROM posts")[0][0] == 5  # not made


async def test_another_token_has_its_own_allowance(strict) -> None:
    async with ApiClient(strict.url) as ada, ApiClient(strict.url) as bob:
        for client, handle in ((ada, "ada"), (bob, "bob")):
            await client.accounts.register(handle, handle.title(), PASSWORD)
            await client.accounts.login(handle, PASSWORD)
        for i in range(5):
            await ada.posts.create(f"ada {i}")
        await bob.posts.create("bob has room")
