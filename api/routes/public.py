"""Public routes, no authentication: the validated resource lists and readers' reports."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request, Response, status

from api.deps import BackgroundDep, GuideCacheDep, SessionDep, SettingsDep
from api.publishing import Rendered
from api.schemas import ErrorOut, GuideOut, GuidesOut, ReportIn, ReportOut
from curator.catalog.schema import SLUG_PATTERN
from curator.errors import NotFoundError
from curator.reader_reports import client_hash, file_report
from curator.settings import Settings

router = APIRouter(prefix="/v1", tags=["public"])

_SLUG = re.compile(SLUG_PATTERN)

Include = Annotated[
    Literal["listed", "all"],
    Query(
        description="'all' also lists resources whose link is confirmed broken "
        "(left out by default)"
    ),
]
IfNoneMatch = Annotated[
    str | None,
    Header(description="an ETag from an earlier answer: 304 with no body if unchanged"),
]

_LIST_RESPONSES: dict[int | str, dict[str, object]] = {
    304: {"description": "Not modified: the ETag given in If-None-Match is current"},
    422: {"model": ErrorOut, "description": "Invalid query"},
}


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


def _answer(rendered: Rendered, if_none_match: str | None, settings: Settings) -> Response:
    headers = {
        "ETag": rendered.etag,
        "Cache-Control": f"public, max-age={settings.cache_max_age}",
    }
    if _matches(if_none_match, rendered.etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(content=rendered.body, media_type="application/json", headers=headers)


@router.get(
    "/guides",
    response_model=GuidesOut,
    responses=_LIST_RESPONSES,
    summary="Every guide's validated resource list",
)
async def list_guides(
    cache: GuideCacheDep,
    settings: SettingsDep,
    include: Include = "listed",
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Every guide with its sections and resources in order, each with its link's status."""
    rendered = await cache.get(slug=None, include_broken=include == "all")
    assert rendered is not None  # the all-guides list always renders, empty or not
    return _answer(rendered, if_none_match, settings)


@router.get(
    "/guides/{slug}",
    response_model=GuideOut,
    responses={**_LIST_RESPONSES, 404: {"model": ErrorOut, "description": "No such guide"}},
    summary="One guide's validated resource list",
)
async def get_guide(
    slug: str,
    cache: GuideCacheDep,
    settings: SettingsDep,
    include: Include = "listed",
    if_none_match: IfNoneMatch = None,
) -> Response:
    """A guide with its sections and resources in order, each with its link's status.

    Resources whose link is confirmed broken are left out unless `include=all`.
    """
    rendered = None
    if len(slug) <= 120 and _SLUG.match(slug):
        rendered = await cache.get(slug=slug, include_broken=include == "all")
    if rendered is None:
        raise NotFoundError("guide", slug)
    return _answer(rendered, if_none_match, settings)


@router.post(
    "/reports",
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        400: {"model": ErrorOut, "description": "The body is not JSON"},
        404: {"model": ErrorOut, "description": "No such resource in that guide (or retired)"},
        422: {"model": ErrorOut, "description": "Invalid report"},
        429: {"model": ErrorOut, "description": "Too many reports from this address"},
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
