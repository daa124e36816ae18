"""Scheduled and recurring payments: set one up (with the PIN), list, pause, resume and
cancel them. The server pays each occurrence (`schedules.run_due`)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from xapp.api.models import CreateSchedule, Page, Schedule
from xapp.server import schedules
from xapp.server.deps import CurrentAccount, Db
from xapp.server.idempotency import Idempotent
from xapp.server.openapi import refuses
from xapp.server.pages import PageParams
from xapp.server.pins import PinChecked
from xapp.server.retries import RetriedRoute

router = APIRouter(prefix="/v1", tags=["schedules"], route_class=RetriedRoute)


@router.post(
    "/schedules",
    status_code=201,
    response_model=Schedule,
    summary="Schedule a payment",
    responses=refuses(403, 404),
)
async def create(body: CreateSchedule, once: Idempotent, proof: PinChecked) -> Response:
    """Pay @handle once on a day, or every week or month from it. The PIN given now
    stands for every run; each run is refused as a payment would be then."""
    return await once(body, lambda tx: schedules.create(tx, proof, body))


@router.get("/schedules", response_model=Page[Schedule], summary="My scheduled payments")
async def listing(db: Db, account: CurrentAccount, cursor: PageParams) -> Page[Schedule]:
    async with db.read() as conn:
        return await schedules.page(conn, account, cursor)


@router.post("/schedules/{schedule_id}/pause", response_model=Schedule, responses=refuses(404, 409))
async def pause(schedule_id: str, db: Db, account: CurrentAccount) -> Schedule:
    async with db.write() as tx:
        return await schedules.pause(tx, account, schedule_id)


@router.post(
    "/schedules/{schedule_id}/resume",
    response_model=Schedule,
    summary="Resume a scheduled payment",
    responses=refuses(404, 409),
)
async def resume(schedule_id: str, db: Db, account: CurrentAccount) -> Schedule:
    """Active again from the next occurrence on (one missed meanwhile is not paid late)."""
    async with db.write() as tx:
        return await schedules.resume(tx, account, schedule_id)


@router.delete(
    "/schedules/{schedule_id}",
    response_model=Schedule,
    summary="Cancel a scheduled payment",
    responses=refuses(404, 409),
)
async def cancel(schedule_id: str, db: Db, account: CurrentAccount) -> Schedule:
    async with db.write() as tx:
        return await schedules.cancel(tx, account, schedule_id)
