"""Every resource of the catalog, working ones too, a page at a time; nothing here writes.

The editors' resources list (API and dashboard) reads this: resources in guide and key order,
searchable by text (title, URL, key) and filterable by guide, each with its standing
(curator.standing), as the problems list tells it. A page costs the same few queries whatever
the catalog's size: the page's rows with their guide, section and link state in one, their
open readers' reports counted in another, and the matching total in a third. The cursor is
the last row's `guide/key`, so a page never skips or repeats a resource while others are
added or retired.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import Group, ResourceKind, State, Verdict
from curator.standing import Standing
from curator.store.base import utcnow
from curator.store.models import Guide, LinkState, Resource, Section
from curator.store.standings import open_report_counts, standing_of_row

PAGE_MAX = 500
"""Resources one page holds at most."""
QUERY_MAX = 200
"""Characters a search text may have."""
CURSOR_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$"
"""A cursor (and a resource address) is `guide-slug/resource-key`."""
_CURSOR = re.compile(CURSOR_PATTERN)


@dataclass(frozen=True, slots=True)
class ResourceAddress:
    """A resource named by its guide's slug and its catalog id (key) in that guide."""

    guide: str
    key: str

    @classmethod
    def parse(cls, text: str) -> ResourceAddress | None:
        """`guide/key` as an address; None when it is not one."""
        if not _CURSOR.match(text):
            return None
        guide, key = text.split("/", 1)
        return cls(guide, key)

    def __str__(self) -> str:
        return f"{self.guide}/{self.key}"


@dataclass(frozen=True, slots=True)
class ResourceSummary:
    """One resource as the editors' list shows it."""

    resource_id: int
    guide: str
    guide_title: str
    key: str
    title: str
    url: str
    section: str | None
    kind: ResourceKind
    audience: str | None
    region: str | None
    notes: str | None
    retired_at: datetime | None
    snoozed_until: datetime | None
    snooze_reason: str | None
    standing: Standing
    since: datetime | None
    detail: str | None
    open_reports: int

    @property
    def address(self) -> ResourceAddress:
        """The resource's `guide/key`."""
        return ResourceAddress(self.guide, self.key)

    @property
    def status(self) -> Group:
        """The group editors file it under (see `Standing.group`)."""
        return self.standing.group

    @property
    def verdict(self) -> Verdict | None:
        """The verdict shown: the confirmed one, or the latest while failing unconfirmed."""
        return self.standing.verdict

    @property
    def pending(self) -> bool:
        """The latest checks fail, not confirmed yet."""
        return self.standing.checker_state is State.FAILING

    @property
    def last_checked_at(self) -> datetime | None:
        """The latest check."""
        return self.standing.last_checked_at

    @property
    def last_ok_at(self) -> datetime | None:
        """The latest check that found the link working."""
        return self.standing.last_ok_at

    @property
    def consecutive_failures(self) -> int:
        """Failed checks in a row."""
        return self.standing.failures


@dataclass(frozen=True, slots=True)
class ResourcePage:
    """A page of the list, how many resources match in all, and the cursor of the next page."""

    resources: tuple[ResourceSummary, ...]
    total: int
    next_after: ResourceAddress | None


def _filtered(query: Select[Any], *, guide_slug: str | None, text: str | None) -> Select[Any]:
    if guide_slug is not None:
        query = query.where(Guide.slug == guide_slug)
    if text:
        query = query.where(
            or_(
                Resource.title.icontains(text, autoescape=True),
                Resource.url.icontains(text, autoescape=True),
                Resource.key.icontains(text, autoescape=True),
            )
        )
    return query


async def resource_page(
    session: AsyncSession,
    *,
    guide_slug: str | None = None,
    text: str | None = None,
    after: ResourceAddress | None = None,
    limit: int = 100,
    resource_id: int | None = None,
    now: datetime | None = None,
) -> ResourcePage:
    """Resources matching `text` (in title, URL or key, any case) of one guide or all, in
    guide and key order, from just after `after`; retired ones too, marked as such. Their
    standings are as of `now` (the current time by default)."""
    now = now or utcnow()
    limit = max(1, min(limit, PAGE_MAX))
    text = text.strip()[:QUERY_MAX] if text else None
    query = _filtered(
        select(Resource, Guide.slug, Guide.title, Section.title, LinkState)
        .join(Guide, Resource.guide_id == Guide.id)
        .outerjoin(Section, Resource.section_id == Section.id)
        .outerjoin(LinkState, LinkState.url == Resource.url),
        guide_slug=guide_slug,
        text=text,
    )
    if resource_id is not None:
        query = query.where(Resource.id == resource_id)
    if after is not None:
        query = query.where(
            or_(Guide.slug > after.guide, and_(Guide.slug == after.guide, Resource.key > after.key))
        )
    rows: Sequence[Any] = (
        await session.execute(query.order_by(Guide.slug, Resource.key).limit(limit + 1))
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    counts = await open_report_counts(session, resource_ids=[r[0].id for r in rows])
    total_query = _filtered(
        select(func.count(Resource.id)).join(Guide, Resource.guide_id == Guide.id),
        guide_slug=guide_slug,
        text=text,
    )
    if resource_id is not None:
        total_query = total_query.where(Resource.id == resource_id)
    total = int((await session.execute(total_query)).scalar_one())
    found = tuple(
        _summary(resource, slug, guide_title, section, state, counts.get(resource.id, 0), now)
        for resource, slug, guide_title, section, state in rows
    )
    next_after = found[-1].address if more and found else None
    return ResourcePage(found, total, next_after)


async def resource_summary(session: AsyncSession, *, resource_id: int) -> ResourceSummary | None:
    """One resource as the list shows it, or None."""
    page = await resource_page(session, resource_id=resource_id, limit=1)
    return page.resources[0] if page.resources else None


async def resource_id_at(session: AsyncSession, *, address: ResourceAddress) -> int | None:
    """The numeric id of the resource at `guide/key` (retired or not), or None."""
    result = await session.execute(
        select(Resource.id)
        .join(Guide, Resource.guide_id == Guide.id)
        .where(Guide.slug == address.guide, Resource.key == address.key)
    )
    return result.scalar_one_or_none()


def _summary(
    resource: Resource,
    guide: str,
    guide_title: str,
    section: str | None,
    state: LinkState | None,
    open_reports: int,
    now: datetime,
) -> ResourceSummary:
    return ResourceSummary(
        resource_id=resource.id,
        guide=guide,
        guide_title=guide_title,
        key=resource.key,
        title=resource.title,
        url=resource.url,
        section=section,
        kind=resource.kind,
        audience=resource.audience,
        region=resource.region,
        notes=resource.notes,
        retired_at=resource.retired_at,
        snoozed_until=resource.snoozed_until,
        snooze_reason=resource.snooze_reason,
        standing=standing_of_row(resource, state, now=now, open_reports=open_reports),
        since=state.first_failure_at if state is not None else None,
        detail=state.detail if state is not None else None,
        open_reports=open_reports,
    )
