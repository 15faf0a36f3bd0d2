"""Queries behind the public resource list: what a website may show, and a cheap data version.

None of them commits. The list is the catalog's live resources in order, each as its standing
(curator.standing) publishes it: a resource confirmed broken is left out unless asked for (a
failure not confirmed yet never hides anything), and one snoozed as a false positive stays
listed, a confirmed broken verdict published as `ok`, until its snooze ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from curator.domain import Group, ResourceKind, Verdict, group_of, next_review_due
from curator.standing import standing_of
from curator.store.base import utcnow
from curator.store.models import DataVersion, Guide, LinkState, Resource, Section
from curator.store.standings import LINK_COLUMNS, link_of_columns

PUBLIC_VERSION = "public"
"""The `data_versions` row the public lists go by."""


@dataclass(frozen=True, slots=True)
class PublicResource:
    """One resource as websites see it."""

    id: str
    title: str
    url: str
    kind: ResourceKind
    description: str | None
    phone: str | None
    audience: str | None
    region: str | None
    verdict: Verdict | None
    last_checked_at: datetime | None
    last_ok_at: datetime | None

    @property
    def status(self) -> Group:
        """The verdict's group; "unknown" for a link never checked."""
        return group_of(self.verdict) if self.verdict is not None else Group.UNKNOWN


@dataclass(frozen=True, slots=True)
class PublicSection:
    """A heading of a guide's list with its resources, in order."""

    title: str
    resources: tuple[PublicResource, ...]


@dataclass(frozen=True, slots=True)
class PublicGuide:
    """A guide and its published list."""

    slug: str
    title: str
    source_url: str | None
    last_reviewed: date | None
    next_review_due: date | None
    sections: tuple[PublicSection, ...]


# Built once: constructing this statement per call costs several times what running it does.
_DATA_VERSION = select(DataVersion.version).where(DataVersion.name == PUBLIC_VERSION)


async def data_version(connection: AsyncConnection | AsyncSession) -> tuple[object, ...]:
    """A value that changes whenever the published lists can change: one row by its key.

    The database raises it on every insert, update and delete of guides, sections, resources
    and link states (triggers, migration 0007), so its cost does not grow with the catalog.
    """
    return ((await connection.execute(_DATA_VERSION)).scalar_one_or_none(),)


async def guide_slugs(session: AsyncSession) -> list[str]:
    """Every guide's slug, in order."""
    return list((await session.execute(select(Guide.slug).order_by(Guide.slug))).scalars())


@dataclass(frozen=True, slots=True)
class Published:
    """The published lists, and the moment they change by the clock alone (a snooze ends)."""

    guides: list[PublicGuide]
    changes_at: datetime | None
    """The earliest end of an active snooze among the listed resources: from then on the
    lists read differently with no write to the database."""


async def published_guides(
    session: AsyncSession,
    *,
    slug: str | None = None,
    include_broken: bool = False,
    now: datetime | None = None,
) -> list[PublicGuide]:
    """The published lists of every guide (or the one with `slug`), in catalog order."""
    return (
        await published(session, slug=slug, include_broken=include_broken, now=now or utcnow())
    ).guides


@dataclass(frozen=True, slots=True)
class PublicRows:
    """What the published lists are made of, as read: plain values, no ORM objects, so a list
    of thousands of resources can be built anywhere (`published_of`), off the event loop too."""

    guides: tuple[tuple[Any, ...], ...]
    """id, slug, title, source URL, last reviewed, review every: in slug order."""
    sections: tuple[tuple[Any, ...], ...]
    """id, guide id, title: the live ones, in order."""
    resources: Sequence[Sequence[Any]]
    """The live resources in order, each `_RESOURCE_COLUMNS` then `LINK_COLUMNS`."""


_GUIDE_COLUMNS = (
    Guide.id,
    Guide.slug,
    Guide.title,
    Guide.source_url,
    Guide.last_reviewed,
    Guide.review_every,
)
_RESOURCE_COLUMNS = (
    Resource.key,
    Resource.title,
    Resource.url,
    Resource.kind,
    Resource.description,
    Resource.phone,
    Resource.audience,
    Resource.region,
    Resource.section_id,
    Resource.snoozed_until,
    Resource.snooze_reason,
)


async def public_rows(session: AsyncSession, *, slug: str | None = None) -> PublicRows:
    """Read what every guide's published list (or the one with `slug`) is made of: three
    queries whatever the catalog's size, as plain rows through the session's connection (the
    ORM's handling of 10,000 rows cost more than building the lists from them)."""
    connection = await session.connection()
    guide_query = select(*_GUIDE_COLUMNS).order_by(Guide.slug)
    if slug is not None:
        guide_query = guide_query.where(Guide.slug == slug)
    guides = tuple(tuple(row) for row in (await connection.execute(guide_query)).all())
    if not guides:
        return PublicRows((), (), ())
    guide_ids = [guide[0] for guide in guides]
    sections = (
        await connection.execute(
            select(Section.id, Section.guide_id, Section.title)
            .where(Section.guide_id.in_(guide_ids), Section.retired_at.is_(None))
            .order_by(Section.guide_id, Section.position, Section.id)
        )
    ).all()
    resources = (
        await connection.execute(
            select(*_RESOURCE_COLUMNS, *LINK_COLUMNS)
            .outerjoin(LinkState, LinkState.url == Resource.url)
            .where(Resource.guide_id.in_(guide_ids), Resource.retired_at.is_(None))
            .order_by(Resource.position, Resource.id)
        )
    ).all()
    return PublicRows(guides, tuple(tuple(row) for row in sections), resources)


async def published(
    session: AsyncSession, *, slug: str | None = None, include_broken: bool = False, now: datetime
) -> Published:
    """The published lists of every guide (or the one with `slug`) as of `now`, in catalog
    order, each resource as its standing publishes it (see `published_of`)."""
    rows = await public_rows(session, slug=slug)
    return published_of(rows, include_broken=include_broken, now=now)


def published_of(rows: PublicRows, *, include_broken: bool = False, now: datetime) -> Published:
    """The published lists made of `rows` as of `now`, each resource as its standing
    publishes it. Pure: no I/O.

    Retired resources and sections never appear; sections left with nothing to show are
    dropped. Confirmed-broken resources appear only with `include_broken`.
    """
    if not rows.guides:
        return Published([], None)
    by_section: dict[int, list[PublicResource]] = {}
    changes_at: datetime | None = None
    for row in rows.resources:
        key, title, url, kind, description, phone, audience, region = row[:8]
        section_id, snoozed_until, snooze_reason = row[8:11]
        link = link_of_columns(row[11:])
        standing = standing_of(
            link, now=now, snoozed_until=snoozed_until, snooze_reason=snooze_reason
        )
        if standing.snoozed_until is not None:
            changes_at = min(changes_at or standing.snoozed_until, standing.snoozed_until)
        if not standing.public and not include_broken:
            continue
        if section_id is None:
            continue
        by_section.setdefault(section_id, []).append(
            PublicResource(
                id=key,
                title=title,
                url=url,
                kind=kind,
                description=description,
                phone=phone,
                audience=audience,
                region=region,
                verdict=standing.public_verdict if standing.public else standing.verdict,
                last_checked_at=link.last_checked_at if link is not None else None,
                last_ok_at=link.last_ok_at if link is not None else None,
            )
        )
    sections_of: dict[int, list[PublicSection]] = {}
    for section_id, guide_id, section_title in rows.sections:
        listed = by_section.get(section_id)
        if listed:
            sections_of.setdefault(guide_id, []).append(PublicSection(section_title, tuple(listed)))
    return Published(
        [
            PublicGuide(
                slug=slug,
                title=title,
                source_url=source_url,
                last_reviewed=last_reviewed,
                next_review_due=next_review_due(review_every, last_reviewed),
                sections=tuple(sections_of.get(guide_id, ())),
            )
            for guide_id, slug, title, source_url, last_reviewed, review_every in rows.guides
        ],
        changes_at,
    )
