"""curator's errors as HTTP answers: one table, shared by the JSON API and the dashboard.

The API answers every error as JSON `{"error": …, "detail": …}`; the dashboard answers the
same statuses with a page. A new error the edges should answer is one row of `ANSWERS`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from curator.errors import (
    ConflictError,
    CuratorError,
    InvalidEditError,
    NotFoundError,
    RateLimitedError,
)
from curator.store.engine import unreachable

log = logging.getLogger(__name__)

_SQLITE_UNAVAILABLE = re.compile(
    r"unable to open|is locked|disk i/o|readonly|no such table|not a database|malformed",
    re.IGNORECASE,
)
"""SQLite's errors that say the file cannot serve now (its other errors are a statement's)."""
DATABASE_RETRY_AFTER = 10
"""Seconds a client is asked to wait when the database does not answer (a restart, a
fail-over)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """How the edges answer one kind of error: its HTTP status and short name."""

    status: int
    error: str
    title: str
    """The heading of the dashboard's error page."""


ANSWERS: tuple[tuple[type[CuratorError], Answer], ...] = (
    (InvalidEditError, Answer(422, "invalid request", "Not understood")),
    (NotFoundError, Answer(404, "not found", "Not found")),
    (ConflictError, Answer(409, "conflict", "Not possible now")),
    (RateLimitedError, Answer(429, "too many requests", "Too many requests")),
)
"""Most specific first: the first row whose class the error is an instance of answers."""


def answer_for(exc: BaseException) -> Answer | None:
    """How the edges answer `exc`; None for an error they do not expect (a 500)."""
    return next((answer for cls, answer in ANSWERS if isinstance(exc, cls)), None)


def error_response(
    status: int, error: str, detail: object, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The API's JSON error body."""
    return JSONResponse({"error": error, "detail": detail}, status_code=status, headers=headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "error"


def _field_problems(exc: RequestValidationError) -> list[dict[str, str]]:
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        location = loc[0] if loc else "body"
        field = ".".join(loc[1:]) or location
        problems.append({"field": field, "location": location, "message": str(error.get("msg"))})
    return problems


def _not_json(exc: RequestValidationError) -> str | None:
    """Why the request's body is not JSON at all (None when it is JSON, valid or not).

    FastAPI reports a body that does not parse, or one not sent as JSON, as a field error
    (`body.0: JSON decode error`); the API answers it as the 400 its schema documents."""
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error")
            return "the body is not valid JSON" + (f" ({reason})" if reason else "")
        if tuple(error.get("loc", ())) == ("body",) and isinstance(error.get("input"), bytes):
            return "the body is not JSON: send it with Content-Type: application/json"
    return None


def _with_head(headers: Mapping[str, str] | None) -> Mapping[str, str] | None:
    """A 405's `Allow` names HEAD wherever it names GET: every GET also answers HEAD
    (api.head), though the routes name GET alone."""
    allow = (headers or {}).get("Allow")
    if allow is None:
        return headers
    methods = [m.strip() for m in allow.split(",")]
    if "GET" in methods and "HEAD" not in methods:
        methods.insert(methods.index("GET") + 1, "HEAD")
    return {**(headers or {}), "Allow": ", ".join(methods)}


def _detail(exc: CuratorError) -> object:
    if isinstance(exc, InvalidEditError):
        return [
            {"field": name, "location": exc.location, "message": message}
            for name, message in exc.errors.items()
        ]
    return str(exc)


def _headers(exc: CuratorError) -> dict[str, str] | None:
    if isinstance(exc, RateLimitedError):
        return {"Retry-After": str(exc.retry_after)}
    return None


def install_error_handlers(app: FastAPI) -> None:
    """Every error as JSON {"error": …, "detail": …}, 500 included."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(
            exc.status_code, _phrase(exc.status_code), exc.detail, _with_head(exc.headers)
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        not_json = _not_json(exc)
        if not_json is not None:
            return error_response(400, "bad request", not_json)
        return error_response(422, "invalid request", _field_problems(exc))

    @app.exception_handler(CuratorError)
    async def curator_error(request: Request, exc: CuratorError) -> JSONResponse:
        answer = answer_for(exc)
        if answer is None:
            return await server_error(request, exc)
        return error_response(answer.status, answer.error, _detail(exc), _headers(exc))

    # Handlers of these classes run inside the middleware (CORS included), so a website's
    # script can read the 503; the catch-all below answers outside it.
    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def database_error(request: Request, exc: Exception) -> JSONResponse:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        database_url = request.app.state.settings.database_url
        if unreachable(database_url, exc) is None or (
            database_url.startswith("sqlite") and not _SQLITE_UNAVAILABLE.search(reason)
        ):
            return await server_error(request, exc)  # a statement's fault, not an outage
        log.warning("database not answering on %s %s: %s", request.method, request.url.path, reason)
        return error_response(
            503,
            "service unavailable",
            "the database is not answering: try again shortly",
            {"Retry-After": str(DATABASE_RETRY_AFTER)},
        )

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(
            500, "internal server error", "the server failed; the error is logged"
        )
