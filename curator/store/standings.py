"""Resources' standings in bulk: the read model every view of "where does it stand" reads.

Each resource's standing is `curator.standing.standing_of` of its link-state row, snooze,
retirement and open readers' reports. Loading them costs a bounded number of queries whatever
the catalog's size (resources with their link states, their guides and sections, and one
count of open reports per chunk of resources), never a query per resource. Nothing here
writes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from curator.standing import Link, Standing, standing_of
from curator.store.base import chunks
from curator.store.models import Guide, LinkState, ReaderReport, Resource


@dataclass(frozen=True, slots=True)
class ResourceStanding:
    """A resource (its guide and section loaded), its link's row and its standing."""

    resource: Resource
    link: LinkState | None
    standing: Standing


def link_of(row: LinkState | None) -> Link | None:
    """The decided values of a link-state row (None for a URL never checked)."""
    if row is None:
        return None
    return Link(
        verdict=row.verdict,
        last_verdict=row.last_verdict,
        first_failure_at=row.first_failure_at,
        consecutive_failures=row.consecutive_failures or 0,
        unsafe_since=row.unsafe_since,
        last_checked_at=row.last_checked_at,
        last_ok_at=row.last_ok_at,
        confirmed_since=row.confirmed_since,
    )


LINK_COLUMNS = (
    LinkState.id,
    LinkState.verdict,
    LinkState.last_verdict,
    LinkState.first_failure_at,
    LinkState.consecutive_failures,
    LinkState.unsafe_since,
    LinkState.last_checked_at,
    LinkState.last_ok_at,
    LinkState.confirmed_since,
)
"""A link-state row's decided values as plain columns, in `Link`'s order after the row's id.
A query may select the first six only (what a state, group and verdict are decided from)."""
DECIDING = 6


def link_of_columns(values: Sequence[Any]) -> Link | None:
    """The decided values of `LINK_COLUMNS` (or their first `DECIDING`) read by a query; None
    when the outer join found no link-state row."""
    if values[0] is None:
        return None
    verdict, last_verdict, first_failure_at, failures, unsafe_since, *times = values[1:]
    return Link(verdict, last_verdict, first_failure_at, failures or 0, unsafe_since, *times)


def standing_of_row(
    resource: Resource, link: LinkState | None, *, now: datetime, open_reports: int = 0
) -> Standing:
    """The standing of a resource row with its link-state row."""
    return standing_of(
        link_of(link),
        now=now,
        snoozed_until=resource.snoozed_until,
        snooze_reason=resource.snooze_reason,
        retired_at=resource.retired_at,
        open_reports=open_reports,
    )


async def open_report_counts(
    session: AsyncSession, *, resource_ids: Sequence[int]
) -> dict[int, int]:
    """How many unresolved readers' reports each resource has (absent: none)."""
    counts: dict[int, int] = {}
    for chunk in chunks(list(resource_ids)):
        query = (
            select(ReaderReport.resource_id, func.count())
            .where(ReaderReport.resource_id.in_(chunk), ReaderReport.resolved_at.is_(None))
            .group_by(ReaderReport.resource_id)
        )
        counts.update((rid, int(n)) for rid, n in (await session.execute(query)).all())
    return counts


async def standings(
    session: AsyncSession,
    *,
    now: datetime,
    guide_slug: str | None = None,
    resource_ids: Collection[int] | None = None,
    include_retired: bool = False,
) -> list[ResourceStanding]:
    """The standing of every live resource (of one guide, or of `resource_ids`), in catalog
    order: guide, position, id. Retired ones too with `include_retired`."""
    query = (
        select(Resource, LinkState)
        .join(Guide, Resource.guide_id == Guide.id)
        .outerjoin(LinkState, LinkState.url == Resource.url)
        .options(selectinload(Resource.guide), selectinload(Resource.section))
        .order_by(Guide.slug, Resource.position, Resource.id)
    )
    if not include_retired:
        query = query.where(Resource.retired_at.is_(None))
    if guide_slug is not None:
        query = query.where(Guide.slug == guide_slug)
    rows: list[tuple[Resource, LinkState | None]] = []
    if resource_ids is None:
        rows = [(r, s) for r, s in (await session.execute(query)).all()]
    else:
        for chunk in chunks(sorted(set(resource_ids))):
            found = await session.execute(query.where(Resource.id.in_(chunk)))
            rows.extend((r, s) for r, s in found.all())
        rows.sort(key=lambda row: (row[0].guide.slug, row[0].position, row[0].id))
    reports = await open_report_counts(session, resource_ids=[r.id for r, _ in rows])
    return [
        ResourceStanding(
            resource,
            state,
            standing_of_row(resource, state, now=now, open_reports=reports.get(resource.id, 0)),
        )
        for resource, state in rows
    ]
