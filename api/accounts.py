"""`client.accounts`: accounts, sessions, profiles, follows, blocks and mutes, my
preferences (the server's `routes/accounts.py`)."""

from __future__ import annotations

from pydantic import TypeAdapter

from xapp.api.models import (
    DEVICE_HEADER,
    Account,
    Me,
    Page,
    Post,
    Preferences,
    Profile,
    SessionCreated,
    SessionInfo,
)
from xapp.api.transport import Transport, handle_path, parse


class Accounts:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def register(self, handle: str, display_name: str, password: str) -> Account:
        body = {"handle": handle, "display_name": display_name, "password": password}
        return await self._t.send(Account, "POST", "/v1/accounts", body)

    async def login(self, handle: str, password: str, device: str | None = None) -> SessionCreated:
        """Sign in; the client uses the new session's token from then on. `device`: the
        secret an earlier sign-in of this device gave (`SessionCreated.device`), so
        guesses from elsewhere do not hold this sign-in back."""
        body = {"handle": handle, "password": password}
        headers = {DEVICE_HEADER: device} if device else None
        response = await self._t.request("POST", "/v1/sessions", json=body, headers=headers)
        created = parse(SessionCreated, response.content)
        self._t.token = created.token
        return created

    async def logout(self) -> None:
        await self._t.request("DELETE", "/v1/sessions/current")
        self._t.token = None

    async def sessions(self) -> list[SessionInfo]:
        """Every device or program signed in to my account."""
        return await self._t.get_list(SESSION_LIST, "/v1/sessions")

    async def revoke_session(self, session_id: str) -> None:
        await self._t.request("DELETE", f"/v1/sessions/{session_id}")

    async def change_password(self, password: str, new_password: str) -> None:
        """Every other session is signed out."""
        body = {"password": password, "new_password": new_password}
        await self._t.request("PUT", "/v1/me/password", json=body)

    async def me(self) -> Me:
        return await self._t.get(Me, "/v1/me")

    async def get(self, handle: str) -> Account:
        return await self._t.get(Account, f"/v1/accounts/{handle_path(handle)}")

    async def profile(self, handle: str) -> Profile:
        return await self._t.get(Profile, f"/v1/accounts/{handle_path(handle)}/profile")

    async def edit_profile(
        self, display_name: str | None = None, bio: str | None = None
    ) -> Profile:
        body = {"display_name": display_name, "bio": bio}
        return await self._t.send(Profile, "PATCH", "/v1/me/profile", body)

    async def posts(
        self, handle: str, before: str | None = None, after: str | None = None, limit: int = 50
    ) -> Page[Post]:
        path = f"/v1/accounts/{handle_path(handle)}/posts"
        return await self._t.get(Page[Post], path, before=before, after=after, limit=limit)

    async def followers(
        self, handle: str, before: str | None = None, limit: int = 50
    ) -> Page[Account]:
        path = f"/v1/accounts/{handle_path(handle)}/followers"
        return await self._t.get(Page[Account], path, before=before, limit=limit)

    async def following(
        self, handle: str, before: str | None = None, limit: int = 50
    ) -> Page[Account]:
        path = f"/v1/accounts/{handle_path(handle)}/following"
        return await self._t.get(Page[Account], path, before=before, limit=limit)

    async def follow(self, handle: str, on: bool = True) -> None:
        path = f"/v1/accounts/{handle_path(handle)}/follow"
        await self._t.request("POST" if on else "DELETE", path)

    async def unfollow(self, handle: str) -> None:
        await self.follow(handle, on=False)

    async def block(self, handle: str, on: bool = True) -> None:
        path = f"/v1/accounts/{handle_path(handle)}/block"
        await self._t.request("PUT" if on else "DELETE", path)

    async def mute(self, handle: str, on: bool = True) -> None:
        path = f"/v1/accounts/{handle_path(handle)}/mute"
        await self._t.request("PUT" if on else "DELETE", path)

    async def set_preferences(self, read_receipts: bool) -> Preferences:
        body = {"read_receipts": read_receipts}
        return await self._t.send(Preferences, "PUT", "/v1/me/preferences", body)


ACCOUNT_LIST = TypeAdapter(list[Account])
SESSION_LIST = TypeAdapter(list[SessionInfo])
