"""Public routes, no authentication: the validated resource lists and readers' reports."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request, Response, status
from fastapi.exceptions import RequestValidationError

from api.deps import BackgroundDep, SessionDep, SettingsDep
from api.publishing import GuideCache, Rendered
from api.schemas.base import ErrorOut
from api.schemas.public import GuideIndexOut, GuideOut, GuidesOut, ReportIn, ReportOut
from curator.catalog.schema import SLUG_PATTERN
from curator.errors import NotFoundError
from curator.reader_reports import client_hash, file_report

router = APIRouter(prefix="/v1", tags=["public"])

_SLUG = re.compile(SLUG_PATTERN)

# The two list routes are the hot path: they take the Request alone (no dependencies, no
# parameter models) and read the cache from app.state, so a request costs little more than
# FastAPI's routing. Their query and header are documented here and checked by hand.
_INCLUDE = {
    "name": "include",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["listed", "all"], "default": "listed"},
    "description": "'all' also lists resources whose link is confirmed broken, or whose "
    "latest checks found a site harmful to readers (left out by default)",
}
_IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "an ETag from an earlier answer: 304 with no body if unchanged",
}
_FULL = {
    "name": "full",
    "in": "query",
    "required": False,
    "schema": {"type": "boolean", "default": False},
    "description": "true: every guide with its sections and resources (one large answer) "
    "instead of the index of guides with their counts",
}
_LIST_OPENAPI: dict[str, object] = {"parameters": [_INCLUDE, _IF_NONE_MATCH]}
_INDEX_OPENAPI: dict[str, object] = {"parameters": [_INCLUDE, _FULL, _IF_NONE_MATCH]}
_LIST_RESPONSES: dict[int | str, dict[str, object]] = {
    304: {"description": "Not modified: the ETag given in If-None-Match is current"},
    422: {"model": ErrorOut, "description": "Invalid query"},
    503: {"model": ErrorOut, "description": "The database is not answering: see Retry-After"},
}


def _include_broken(request: Request) -> bool:
    value = request.query_params.get("include", "listed")
    if value not in ("listed", "all"):
        raise RequestValidationError(
            [
                {
                    "type": "literal_error",
                    "loc": ("query", "include"),
                    "msg": "Input should be 'listed' or 'all'",
                    "input": value,
                }
            ]
        )
    return value == "all"


def _full(request: Request) -> bool:
    value = request.query_params.get("full", "false").lower()
    if value not in ("true", "false", "1", "0"):
        raise RequestValidationError(
            [
                {
                    "type": "bool_parsing",
                    "loc": ("query", "full"),
                    "msg": "Input should be a valid boolean (true or false)",
                    "input": value,
                }
            ]
        )
    return value in ("true", "1")


def _matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 says)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate == etag:
            return True
    return False


def _accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header accepts gzip (by name or by `*`, with q above 0)."""
    if not accept_encoding:
        return False
    anything = False
    for part in accept_encoding.split(","):
        coding, _, parameters = part.partition(";")
        coding = coding.strip().lower()
        weight = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding in ("gzip", "x-gzip"):
            return weight > 0
        if coding == "*":
            anything = weight > 0
    return anything


async def _answer(request: Request, rendered: Rendered) -> Response:
    if rendered.compressible and _accepts_gzip(request.headers.get("accept-encoding")):
        rendered = await rendered.gzipped()
    not_modified = _matches(request.headers.get("if-none-match"), rendered.etag)
    return rendered.response(not_modified=not_modified)


@router.get(
    "/guides",
    response_model=GuideIndexOut | GuidesOut,
    responses=_LIST_RESPONSES,
    openapi_extra=_INDEX_OPENAPI,
    summary="Every guide, with its counts (or, with full=true, its whole list)",
)
async def list_guides(request: Request) -> Response:
    """Every guide with how many resources it lists in each status, and where its list is
    (`/v1/guides/{slug}`). With `full=true`, every guide with its sections and resources in
    order, each with its link's status."""
    cache: GuideCache = request.app.state.guide_cache
    rendered = await cache.get(
        slug=None, include_broken=_include_broken(request), full=_full(request)
    )
    assert rendered is not None  # the all-guides list always renders, empty or not
    return await _answer(request, rendered)


@router.get(
    "/guides/{slug}",
    response_model=GuideOut,
    responses={**_LIST_RESPONSES, 404: {"model": ErrorOut, "description": "No such guide"}},
    openapi_extra=_LIST_OPENAPI,
    summary="One guide's validated resource list",
)
async def get_guide(request: Request, slug: str) -> Response:
    """A guide with its sections and resources in order, each with its link's status.

    Resources whose link is confirmed broken are left out unless `include=all`, and so, at
    once, are those whose latest checks found a gambling, adult, pharmacy, crypto, loans or
    scam site where the resource was (until a check finds the page working again).
    """
    include_broken = _include_broken(request)
    rendered = None
    if len(slug) <= 120 and _SLUG.match(slug):
        cache: GuideCache = request.app.state.guide_cache
        rendered = await cache.get(slug=slug, include_broken=include_broken)
    if rendered is None:
        raise NotFoundError("guide", slug)
    return await _answer(request, rendered)


@router.post(
    "/reports",
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        400: {"model": ErrorOut, "description": "The body is not JSON"},
        404: {"model": ErrorOut, "description": "No such resource in that guide (or retired)"},
        422: {"model": ErrorOut, "description": "Invalid report"},
        429: {"model": ErrorOut, "description": "Too many reports from this address"},
        503: {"model": ErrorOut, "description": "The database is not answering: see Retry-After"},
    },
    summary="Report a broken link",
)
async def create_report(
    report: ReportIn,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    background: BackgroundDep,
) -> ReportOut:
    """A reader reports that a resource's link is broken; that resource alone is rechecked.

    The resource is named by its guide's slug and its `id` from the guide's JSON; no URL is
    taken from the request. At most `CURATOR_REPORT_RATE_LIMIT` reports a minute per address.
    """
    address = request.client.host if request.client else "unknown"
    async with session.begin():
        filed = await file_report(
            session,
            guide=report.guide,
            resource_key=report.resource_id,
            note=report.note,
            contact=report.contact,
            client=client_hash(address, secret=settings.secret_key.get_secret_value()),
            limit=settings.report_rate_limit,
        )
    background.kick()
    return ReportOut.of(filed)
