"""Identity verification, and the tier, limits and region it gives."""

from __future__ import annotations

from fastapi import APIRouter

from xapp.api.models import SubmitVerification, Verification
from xapp.server import verification
from xapp.server.deps import CurrentAccount, Db, Settings
from xapp.server.openapi import refuses
from xapp.server.retries import RetriedRoute

router = APIRouter(prefix="/v1", tags=["verification"], route_class=RetriedRoute)


@router.get("/me/verification", response_model=Verification)
async def mine(db: Db, account: CurrentAccount) -> Verification:
    """My verification's state, my tier with its limits and what I sent against them,
    and my region with what it offers."""
    async with db.read() as conn:
        return await verification.view(conn, account)


@router.put(
    "/me/verification",
    response_model=Verification,
    summary="Verify my identity",
    responses=refuses(409),
)
async def submit(
    body: SubmitVerification, db: Db, account: CurrentAccount, settings: Settings
) -> Verification:
    """Submit name, date of birth and country for review: pending until it is decided
    (approved, with a tier and a region; or rejected, with why)."""
    async with db.write() as tx:
        return await verification.submit(tx, account, body, settings.verification_seconds)
