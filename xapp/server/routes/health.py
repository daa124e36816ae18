"""Whether the server is up: the one route that needs no account and no database."""

from __future__ import annotations

from fastapi import APIRouter

from xapp import __version__
from xapp.api.models import Health
from xapp.server.retries import RetriedRoute

router = APIRouter(prefix="/v1", tags=["health"], route_class=RetriedRoute)


@router.get("/health", response_model=Health, summary="Is an xapp server up here")
async def health() -> Health:
    """Answers without signing in and without the database, so a client can ask it
    before showing the sign-in form and say at once when an address is wrong."""
    return Health(service="xapp", version=__version__)
