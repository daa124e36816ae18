"""Errors as people read them: every failure is `{"error": {"code", "message"}}`."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from xapp.api.models import ErrorBody, ErrorDetail
from xapp.server.openapi import dependants


class AppError(Exception):
    """A failure with a status, a stable machine code and a sentence for a person."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def not_found(what: str) -> AppError:
    return AppError(404, "not_found", f"{what} was not found")


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _describe(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        msg = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts) or "The request is invalid"


def _missing_header(request: Request, exc: RequestValidationError) -> AppError | None:
    """A required header the request lacks is a 400 (nothing else about the request can
    be judged without it) that names the header and says what it is for, in the words
    of its own description in the document."""
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        if err.get("type") == "missing" and len(loc) == 2 and loc[0] == "header":
            name = str(loc[1])
            code = name.lower().replace("-", "_") + "_required"
            return AppError(
                400, code, f"This request needs the {name} header. " + _purpose(request, name)
            )
    return None


def _purpose(request: Request, header: str) -> str:
    dependant = getattr(request.scope.get("route"), "dependant", None)
    for part in dependants(dependant) if dependant is not None else ():
        for param in part.header_params:
            if param.alias == header and param.field_info.description:
                return param.field_info.description
    return ""


def install(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_request: Request, exc: AppError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        missing = _missing_header(request, exc)
        if missing is not None:
            return error_response(missing.status, missing.code, missing.message)
        return error_response(422, "invalid_request", _describe(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))
