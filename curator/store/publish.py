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


async def published(
    session: AsyncSession, *, slug: str | None = None, include_broken: bool = False, now: datetime
) -> Published:
    """The published lists of every guide (or the one with `slug`) as of `now`, in catalog
    order, each resource as its standing publishes it.

    Retired resources and sections never appear; sections left with nothing to show are
    dropped. Confirmed-broken resources appear only with `include_broken`.
    """
    guide_query = select(Guide).order_by(Guide.slug)
    if slug is not None:
        guide_query = guide_query.where(Guide.slug == slug)
    guides: Sequence[Guide] = (await session.execute(guide_query)).scalars().all()
    if not guides:
        return Published([], None)
    guide_ids = [g.id for g in guides]
    sections = (
        (
            await session.execute(
                select(Section)
                .where(Section.guide_id.in_(guide_ids), Section.retired_at.is_(None))
                .order_by(Section.guide_id, Section.position, Section.id)
            )
        )
        .scalars()
        .all()
    )
    # Plain rows, not objects: building a Resource and a LinkState object for each of 10,000
    # resources cost most of a whole list's render.
    rows = (
        await session.execute(
            select(
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
                *LINK_COLUMNS,
            )
            .outerjoin(LinkState, LinkState.url == Resource.url)
            .where(Resource.guide_id.in_(guide_ids), Resource.retired_at.is_(None))
            .order_by(Resource.position, Resource.id)
        )
    ).tuples()
    by_section: dict[int, list[PublicResource]] = {}
    changes_at: datetime | None = None
    for row in rows:
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
    for section in sections:
        listed = by_section.get(section.id)
        if listed:
            sections_of.setdefault(section.guide_id, []).append(
                PublicSection(section.title, tuple(listed))
            )
    return Published(
        [
            PublicGuide(
                slug=guide.slug,
                title=guide.title,
                source_url=guide.source_url,
                last_reviewed=guide.last_reviewed,
                next_review_due=next_review_due(guide.review_every, guide.last_reviewed),
                sections=tuple(sections_of.get(guide.id, ())),
            )
            for guide in guides
        ],
        changes_at,
    )
