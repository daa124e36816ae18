"""Typed errors for everything a call can meet, each carrying a sentence for a person."""

from __future__ import annotations


class ApiError(Exception):
    """The server refused the request; `message` is its explanation, fit to show."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class Unauthorized(ApiError):
    """Not signed in, wrong credentials, or the session has ended."""


class NotFound(ApiError):
    pass


class Conflict(ApiError):
    pass


class InvalidRequest(ApiError):
    """The server refused the content (422): an empty post, too much precision, ..."""


class InsufficientFunds(InvalidRequest):
    pass


class RateLimited(ApiError):
    pass


class ServerUnavailable(ApiError):
    """The server could not be reached or failed; safe to retry with the same key."""

    def __init__(self, message: str) -> None:
        super().__init__(0, "unavailable", message)


class ServerNewer(ApiError):
    """The server answered in a shape this client can't read (a newer server changed
    something it relies on): nothing was taken from it, and updating xapp fixes it."""

    def __init__(self, message: str) -> None:
        super().__init__(0, "server_newer", message)


_BY_STATUS: dict[int, type[ApiError]] = {
    401: Unauthorized,
    404: NotFound,
    409: Conflict,
    422: InvalidRequest,
    429: RateLimited,
}


def from_response(status: int, code: str, message: str) -> ApiError:
    if code == "insufficient_funds":
        return InsufficientFunds(status, code, message)
    return _BY_STATUS.get(status, ApiError)(status, code, message)
