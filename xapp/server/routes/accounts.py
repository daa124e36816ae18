"""Accounts, sessions and follows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from xapp.api.models import (
    DEVICE_HEADER,
    Account,
    ChangePassword,
    CreateAccount,
    CreateSession,
    EditProfile,
    Handle,
    Me,
    Page,
    Post,
    Preferences,
    Profile,
    SessionCreated,
    SessionInfo,
    SetPreferences,
)
from xapp.server import accounts, notifications, password_strength, profiles, sessions
from xapp.server.auth import (
    bearer_token,
    client_address,
    hash_token,
    issue_token,
    known_device,
    remember_device,
    revoke_token,
    tell_feeds,
)
from xapp.server.deps import CurrentAccount, Db, Hasher, LoginThrottle, Settings
from xapp.server.errors import AppError
from xapp.server.openapi import refuses
from xapp.server.pages import BothWaysParams, PageParams
from xapp.server.retries import RetriedRoute
from xapp.server.routes.switches import on_off

router = APIRouter(prefix="/v1", tags=["accounts"], route_class=RetriedRoute)


@router.post("/accounts", status_code=201, response_model=Account, responses=refuses(409, 422, 429))
async def register(
    body: CreateAccount, request: Request, db: Db, passwords: Hasher, limiter: LoginThrottle
) -> Account:
    """A new account; an easy password (a common one, or the handle again) is refused.
    The cheap refusals come first (too many from this address, a taken handle), so none
    of them costs a password hash."""
    await limiter.registering(db, client_address(request.scope))
    async with db.read() as conn:
        await accounts.require_free(conn, body.handle)
    await password_strength.require_strong(body.password, body.handle, body.display_name)
    password_hash = await passwords.hash(body.password)
    async with db.write() as tx:
        return await accounts.create(tx, body.handle, body.display_name, password_hash)


@router.get("/accounts/{handle}", response_model=Account, responses=refuses(404))
async def get_account(handle: Handle, db: Db, _me: CurrentAccount) -> Account:
    async with db.read() as conn:
        return await accounts.by_handle(conn, handle)


@router.post(
    "/sessions", status_code=201, response_model=SessionCreated, responses=refuses(401, 429)
)
async def sign_in(
    body: CreateSession,
    request: Request,
    db: Db,
    passwords: Hasher,
    limiter: LoginThrottle,
    device: Annotated[
        str | None,
        Header(
            alias=DEVICE_HEADER,
            description="The device secret an earlier sign-in gave this device, if any.",
        ),
    ] = None,
) -> SessionCreated:
    """Sign in. Guesses are throttled per handle and address, per address, and per
    handle from everywhere; a known device (its Device header) is not held back by the
    last, so guessing from elsewhere never locks its owner out."""
    address = client_address(request.scope)
    async with db.read() as conn:
        row = await accounts.password_hash_for(conn, body.handle)
        known = await known_device(conn, row.id if row else None, device)
    await limiter.attempt(db, body.handle, address, known_device=known)
    if not await passwords.verify(row.password_hash if row else None, body.password):
        raise AppError(401, "wrong_credentials", "That handle and password don't match")
    assert row is not None
    label = request.headers.get("user-agent", "")
    async with db.write() as tx:
        await limiter.succeeded(tx, body.handle, address)
        token = await issue_token(tx, row.id, label, address)
        new_device = None if known else await remember_device(tx, row.id)
    return SessionCreated(token=token, account=accounts.to_account(row), device=new_device)


def _token_hash(request: Request) -> str:
    return hash_token(bearer_token(request.headers.get("authorization")) or "")


@router.delete("/sessions/current", status_code=204)
async def sign_out(request: Request, db: Db, me: CurrentAccount) -> Response:
    """End this session; its open feeds close within a moment."""
    token_hash = _token_hash(request)
    async with db.write() as tx:
        await revoke_token(tx, token_hash)
    await tell_feeds(db, me.id, [token_hash])
    return Response(status_code=204)


@router.get("/sessions", response_model=list[SessionInfo], summary="My sessions")
async def my_sessions(
    request: Request, db: Db, me: CurrentAccount, settings: Settings
) -> list[SessionInfo]:
    """Every device or program signed in to my account, newest first."""
    async with db.read() as conn:
        return await sessions.listing(conn, me, _token_hash(request), settings.session_days)


@router.delete(
    "/sessions/{session_id}", status_code=204, summary="Revoke a session", responses=refuses(404)
)
async def revoke_session(session_id: str, db: Db, me: CurrentAccount) -> Response:
    """Sign a device out from here: its token stops working and its feeds close."""
    async with db.write() as tx:
        gone = await sessions.revoke(tx, me, session_id)
    await tell_feeds(db, me.id, [gone])
    return Response(status_code=204)


@router.put(
    "/me/password",
    status_code=204,
    summary="Change my password",
    responses=refuses(403, 422, 429),
)
async def change_password(
    body: ChangePassword,
    request: Request,
    db: Db,
    me: CurrentAccount,
    passwords: Hasher,
    limiter: LoginThrottle,
) -> Response:
    """With the current password (its tries count as sign-in attempts); every other
    session is signed out, as someone who knew the old password may hold one."""
    address = client_address(request.scope)
    await limiter.attempt(db, me.handle, address)
    async with db.read() as conn:
        row = await accounts.password_hash_for(conn, me.handle)
    if row is None or not await passwords.verify(row.password_hash, body.password):
        raise AppError(403, "wrong_password", "That password is not right")
    await password_strength.require_strong(body.new_password, me.handle, me.display_name)
    new_hash = await passwords.hash(body.new_password)
    async with db.write() as tx:
        await limiter.succeeded(tx, me.handle, address)
        await sessions.set_password(tx, me, new_hash)
        gone = await sessions.revoke_others(tx, me, _token_hash(request))
    await tell_feeds(db, me.id, gone)
    return Response(status_code=204)


@router.get("/me", response_model=Me)
async def me(db: Db, account: CurrentAccount) -> Me:
    async with db.read() as conn:
        seq, has_pin, read_receipts = await accounts.private_state(conn, account.id)
    return Me(**account.model_dump(), event_seq=seq, has_pin=has_pin, read_receipts=read_receipts)


@router.put("/me/preferences", response_model=Preferences)
async def preferences(body: SetPreferences, db: Db, account: CurrentAccount) -> Preferences:
    """`read_receipts: false` stops others seeing how far I have read (my unread counts
    still work; delivered marks still go out)."""
    async with db.write() as tx:
        await accounts.set_preferences(tx, account, body.read_receipts)
    return Preferences(read_receipts=body.read_receipts)


@router.post("/accounts/{handle}/follow", status_code=204, responses=refuses(403, 404))
async def follow(handle: Handle, db: Db, account: CurrentAccount) -> Response:
    async with db.write() as tx:
        followed = await accounts.follow(tx, account, handle)
        if followed is not None:
            await notifications.notify(tx, followed.id, "follow", account, None)
    return Response(status_code=204)


@router.delete("/accounts/{handle}/follow", status_code=204, responses=refuses(404))
async def unfollow(handle: Handle, db: Db, account: CurrentAccount) -> Response:
    async with db.write() as tx:
        await accounts.unfollow(tx, account, handle)
    return Response(status_code=204)


@on_off(
    router,
    "/accounts/{handle}/block",
    on=("block", "Block someone"),
    off=("unblock", "Unblock someone"),
    status_code=204,
)
async def block(handle: Handle, request: Request, db: Db, account: CurrentAccount) -> Response:
    """PUT blocks, DELETE unblocks. A block: neither of us sees, answers, messages or
    pays the other, and follows end."""
    async with db.write() as tx:
        await accounts.block(tx, account, handle, on=request.method == "PUT")
    return Response(status_code=204)


@on_off(
    router,
    "/accounts/{handle}/mute",
    on=("mute", "Mute someone"),
    off=("unmute", "Unmute someone"),
    status_code=204,
)
async def mute(handle: Handle, request: Request, db: Db, account: CurrentAccount) -> Response:
    """PUT mutes, DELETE unmutes. A mute: their posts leave my timelines; nothing else
    changes for either of us."""
    async with db.write() as tx:
        await accounts.mute(tx, account, handle, on=request.method == "PUT")
    return Response(status_code=204)


@router.get("/accounts/{handle}/profile", response_model=Profile, responses=refuses(404))
async def profile(handle: Handle, db: Db, account: CurrentAccount) -> Profile:
    """Name, bio, joined date, counts, and how the viewer and they stand."""
    async with db.read() as conn:
        return await profiles.get(conn, account, handle)


@router.get("/accounts/{handle}/posts", response_model=Page[Post], responses=refuses(404))
async def their_posts(
    handle: Handle, db: Db, account: CurrentAccount, cursor: BothWaysParams
) -> Page[Post]:
    async with db.read() as conn:
        return await profiles.their_posts(conn, account, handle, cursor)


@router.get("/accounts/{handle}/followers", response_model=Page[Account], responses=refuses(404))
async def followers(
    handle: Handle, db: Db, account: CurrentAccount, cursor: PageParams
) -> Page[Account]:
    async with db.read() as conn:
        return await profiles.people(conn, account, handle, cursor, followers=True)


@router.get("/accounts/{handle}/following", response_model=Page[Account], responses=refuses(404))
async def following(
    handle: Handle, db: Db, account: CurrentAccount, cursor: PageParams
) -> Page[Account]:
    async with db.read() as conn:
        return await profiles.people(conn, account, handle, cursor, followers=False)


@router.patch("/me/profile", response_model=Profile)
async def edit_profile(body: EditProfile, db: Db, account: CurrentAccount) -> Profile:
    """Change my display name and/or bio (fields left out stay as they are)."""
    async with db.write() as tx:
        return await profiles.edit(tx, account, body.display_name, body.bio)
