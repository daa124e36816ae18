"""Things a person switches on with PUT and off with DELETE (block, mute, like,
bookmark): one endpoint, two operations, each with its own id and summary, so the
document never calls an unblock "Block"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter

from xapp.server.openapi import refuses

F = TypeVar("F", bound=Callable[..., Any])


def on_off(
    router: APIRouter,
    path: str,
    *,
    on: tuple[str, str],
    off: tuple[str, str],
    refuses_on: tuple[int, ...] = (404,),
    refuses_off: tuple[int, ...] = (404,),
    **route: Any,
) -> Callable[[F], F]:
    """Register the endpoint as PUT `path` (`on`: its operation id and summary) and
    DELETE `path` (`off`); the endpoint tells them apart by `request.method`."""

    def register(endpoint: F) -> F:
        verbs = ((router.put, on, refuses_on), (router.delete, off, refuses_off))
        for verb, (operation_id, summary), statuses in verbs:
            verb(
                path,
                operation_id=operation_id,
                summary=summary,
                responses=refuses(*statuses),
                **route,
            )(endpoint)
        return endpoint

    return register
