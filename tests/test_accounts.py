"""Accounts and sessions: register, sign in, sign out, handles, passwords, throttling."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.conftest import PASSWORD, People, query
from xapp.api.errors import Conflict, InvalidRequest, RateLimited, Unauthorized


async def test_register_login_me_logout_and_token_refused_afterwards(people: People) -> None:
    client = await people.client()
    account = await client.accounts.register("alice", "Alice Liddell", PASSWORD)
    assert (account.handle, account.display_name) == ("alice", "Alice Liddell")
    session = await client.accounts.login("alice", PASSWORD)
    assert session.account.id == account.id
    me = await client.accounts.me()
    assert me.handle == "alice"
    token = client.token
    await client.accounts.logout()
    stale = await people.client(token)
    with pytest.raises(Unauthorized):
        await stale.accounts.me()


async def test_handles_are_unique_case_insensitively_and_normalised(people: People) -> None:
    client = await people.client()
    await client.accounts.register("Alice", "Alice", PASSWORD)
    with pytest.raises(Conflict, match="@alice is taken"):
        await client.accounts.register("ALICE", "Other Alice", PASSWORD)
    with pytest.raises(Conflict):
        await client.accounts.register("＠ａｌｉｃｅ", "Fullwidth Alice", PASSWORD)  # NFKC folds it
    for bad in ("al", "a" * 16, "al ice", "al-ice", "аlice"):  # last has a Cyrillic а
        with pytest.raises(InvalidRequest, match="handle"):
            await client.accounts.register(bad, "X", PASSWORD)


async def test_wrong_password_is_refused_with_a_clear_message(people: People) -> None:
    await people.signed_in("bob")
    client = await people.client()
    with pytest.raises(Unauthorized, match="don't match"):
        await client.accounts.login("bob", "not the password")
    with pytest.raises(Unauthorized, match="don't match"):
        await client.accounts.login("nobody", PASSWORD)


async def test_sign_in_is_throttled_after_repeated_failures(people: People) -> None:
    await people.signed_in("carol")
    client = await people.client()
    for _ in range(10):
        with pytest.raises(Unauthorized):
            await client.accounts.login("carol", "wrong password")
    with pytest.raises(RateLimited, match="Too many failed sign-ins"):
        await client.accounts.login("carol", PASSWORD)


async def test_passwords_are_argon2id_and_tokens_are_stored_hashed(people: People, db_path) -> None:
    client = await people.signed_in("dave")
    [(password_hash,)] = query(db_path, "SELECT password_hash FROM accounts WHERE handle='dave'")
    assert password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in password_hash
    stored = [row[0] for row in query(db_path, "SELECT token_hash FROM tokens")]
    assert client.token not in stored
    assert len(client.token or "") >= 32  # 256 random bits, url-safe


async def test_errors_are_json_with_code_and_message(server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.get("/v1/me")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
        response = await http.post("/v1/accounts", json={"handle": "x"})
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid_request"
        spec = (await http.get("/openapi.json")).json()
        assert "/v1/transfers" in spec["paths"]
        assert "Money" in spec["components"]["schemas"]


async def test_many_people_signing_in_at_once_from_one_address_all_get_in(
    people: People,
) -> None:
    """An office behind one NAT: twenty right passwords in flight together are all
    checked (the address's allowance is counted before each check and given back after
    a success)."""
    handles = [f"colleague{i}" for i in range(20)]
    for handle in handles:
        registrar = await people.client()
        await registrar.accounts.register(handle, handle.title(), PASSWORD)
    clients = [await people.client() for _ in handles]
    sessions = await asyncio.gather(
        *(c.accounts.login(h, PASSWORD) for c, h in zip(clients, handles, strict=True))
    )
    assert [s.account.handle for s in sessions] == handles
