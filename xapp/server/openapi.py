"""The OpenAPI document tells the truth (DESIGN.md principle 1): every error status a
route can answer is listed, each with the one error body (`ErrorBody`).

A route's statuses come from two places, so neither has to be kept in step by hand
with the other:

- what it depends on, found by walking its dependencies: a dependency that refuses
  says so with `@answers(...)` (signing in, the payments PIN, the idempotency key), a
  required header answers 400 when missing (`errors.install`), any parameter or
  body answers 422 when it does not validate, and a body 400 when it cannot be read
  and 413 when it is too large (`request_size.py`);
- every change (not a GET) answers 429 past the write limits (`write_limits.py`);
- what its own domain work refuses (an unknown handle, someone else's post, a closed
  request), which the route declares with `responses=refuses(...)`.

`DocumentedRoute` merges them when the route is made, so FastAPI renders them itself
(and the 422 is our error body, not FastAPI's validation list, which this server never
sends).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_dependant
from fastapi.routing import APIRoute

from xapp.api.models import ErrorBody

ERRORS: dict[int, str] = {
    400: "A required header is missing, or the body could not be read as JSON",
    401: "Not signed in, or the session has ended",
    403: "Not allowed (someone else's, a block, a wrong PIN or password); the message says which",
    404: "Not found, or not visible to you",
    409: "Conflicts with how things stand now (already closed, deleted, taken)",
    413: "The body is over 1 MB",
    422: "The request is invalid; the message says what to change",
    423: "Payments are locked after too many wrong PINs",
    429: "Too many attempts; wait and try again",
}
"""Every error status this server answers, with what it means in the document."""

F = TypeVar("F", bound=Callable[..., Any])

_ANSWERED: dict[Callable[..., Any], tuple[int, ...]] = {}


def _described(statuses: tuple[int, ...]) -> tuple[int, ...]:
    unknown = set(statuses) - set(ERRORS)
    if unknown:
        raise ValueError(f"No description for status {sorted(unknown)}: add it to ERRORS")
    return statuses


def answers(*statuses: int) -> Callable[[F], F]:
    """Mark a dependency that refuses requests with these statuses; every route that
    depends on it, however deep, lists them."""
    _described(statuses)

    def mark(dependency: F) -> F:
        _ANSWERED[dependency] = statuses
        return dependency

    return mark


def refuses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route whose own work answers these error statuses."""
    return {
        status: {"model": ErrorBody, "description": ERRORS[status]}
        for status in _described(statuses)
    }


def dependants(dependant: Dependant) -> Iterator[Dependant]:
    """A route's dependant and everything it depends on, however deep."""
    yield dependant
    for sub in dependant.dependencies:
        yield from dependants(sub)


def dependency_statuses(dependant: Dependant) -> set[int]:
    """The error statuses a route answers because of what it depends on."""
    found: set[int] = set()
    for part in dependants(dependant):
        if part.call is not None:
            found.update(_ANSWERED.get(part.call, ()))
        if any(param.field_info.is_required() for param in part.header_params):
            found.add(400)
        if part.body_params:  # unreadable (400) or too large (413, request_size.py)
            found.update((400, 413))
        params = (part.path_params, part.query_params, part.header_params, part.body_params)
        if any(params):
            found.add(422)
    return found


class DocumentedRoute(APIRoute):
    """An `APIRoute` whose document lists every error status it answers (see above)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        derived = dependency_statuses(get_dependant(path=path, call=endpoint))
        if set(kwargs.get("methods") or ()) - {"GET", "HEAD", "OPTIONS"}:
            derived.add(429)  # every change is counted (write_limits.py)
        kwargs["responses"] = {**refuses(*sorted(derived)), **(kwargs.get("responses") or {})}
        super().__init__(path, endpoint, **kwargs)
