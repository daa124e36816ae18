"""Sessions: each sign-in is listed (what signed in, from where, when it ends) and can be
revoked from another device; signing out or being revoked closes the open feed within a
second; a password change signs every other session out; a session ends after
`session_days`."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import PASSWORD, People, serve
from xapp.api.client import ApiClient
from xapp.api.errors import ApiError, NotFound, Unauthorized
from xapp.api.feed import Feed
from xapp.server import clock

NEW_PASSWORD = "orange kettle on a quiet moon"


async def drained(feed: Feed) -> BaseException | None:
    """Read the feed until it ends; what ended it."""
    try:
        async for _ in feed:
            pass
    except (ApiError, Unauthorized) as exc:
        return exc
    return None


async def test_list_and_revoke_from_another_device(people: People) -> None:
    laptop = await people.signed_in("ada")
    phone = await people.login("ada")
    listed = await laptop.accounts.sessions()
    assert len(listed) == 2
    assert [s.current for s in listed].count(True) == 1
    assert {s.address for s in listed} == {"127.0.0.1"}
    assert all(s.label.startswith("python-httpx") or "xapp" in s.label for s in listed)
    phone_session = next(s for s in listed if not s.current)

    me = await phone.accounts.me()
    feed = Feed(phone.base_url, phone.token or "", me.event_seq)
    reading = asyncio.create_task(drained(feed))
    await asyncio.sleep(0.5)  # the feed is open
    await laptop.accounts.revoke_session(phone_session.id)
    ended = await asyncio.wait_for(reading, 2)  # closed within a moment, not at the next ping
    assert isinstance(ended, Unauthorized)
    with pytest.raises(Unauthorized):
        await phone.accounts.me()
    with pytest.raises(NotFound):
        await laptop.accounts.revoke_session(phone_session.id)
    assert len(await laptop.accounts.sessions()) == 1


async def test_signing_out_closes_the_feed(people: People) -> None:
    ada = await people.signed_in("ada")
    me = await ada.accounts.me()
    feed = Feed(ada.base_url, ada.token or "", me.event_seq)
    reading = asyncio.create_task(drained(feed))
    await asyncio.sleep(0.5)
    await ada.accounts.logout()
    assert isinstance(await asyncio.wait_for(reading, 2), Unauthorized)


async def test_someone_elses_session_is_not_found(people: People) -> None:
    ada = await people.signed_in("ada")
    eve = await people.signed_in("eve")
    (adas,) = await ada.accounts.sessions()
    with pytest.raises(NotFound):
        await eve.accounts.revoke_session(adas.id)
    await ada.accounts.me()  # untouched


async def test_a_password_change_signs_the_others_out(people: People) -> None:
    here = await people.signed_in("ada")
    there = await people.login("ada")
    with pytest.raises(ApiError) as wrong:
        await here.accounts.change_password("not it", NEW_PASSWORD)
    assert wrong.value.code == "wrong_password"
    with pytest.raises(ApiError) as weak:
        await here.accounts.change_password(PASSWORD, "password")
    assert weak.value.code == "weak_password"
    await here.accounts.change_password(PASSWORD, NEW_PASSWORD)
    await here.accounts.me()  # this session stays
    with pytest.raises(Unauthorized):
        await there.accounts.me()
    again = await people.client()
    with pytest.raises(ApiError):
        await again.accounts.login("ada", PASSWORD)
    await again.accounts.login("ada", NEW_PASSWORD)


@pytest.fixture
def short_sessions(db_path):
    yield from serve(db_path, session_days=2 / 86_400)  # two seconds


async def test_a_session_ends_after_its_days(short_sessions) -> None:
    """On the machine's own clock: moving the money calendar (`clock.advance`, as the
    savings tests do) does not end sessions."""
    async with ApiClient(short_sessions.url) as ada:
        await ada.accounts.register("ada", "Ada", PASSWORD)
        await ada.accounts.login("ada", PASSWORD)
        clock.advance(86_400 * 365)
        try:
            await ada.accounts.me()  # a year of the money calendar: still signed in
        finally:
            clock.reset()
        await asyncio.sleep(2.5)
        with pytest.raises(Unauthorized):
            await ada.accounts.me()


@pytest.fixture
def few_feeds(db_path):
    yield from serve(db_path, feeds_per_account=2)


async def test_an_account_holds_only_so_many_feeds(few_feeds) -> None:
    import websockets

    async with ApiClient(few_feeds.url) as ada:
        await ada.accounts.register("ada", "Ada", PASSWORD)
        await ada.accounts.login("ada", PASSWORD)
        url = few_feeds.url.replace("http://", "ws://") + "/v1/feed"
        headers = {"Authorization": f"Bearer {ada.token}"}
        opened = [await websockets.connect(url, additional_headers=headers) for _ in range(2)]
        try:
            third = await websockets.connect(url, additional_headers=headers)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(third.recv(), 5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4429
        finally:
            for socket in opened:
                await socket.close()
