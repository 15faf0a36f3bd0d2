"""Queries behind the public resource list: what a website may show, and a cheap data version.

None of them commits. The list is the catalog's live resources in order, each as its standing
(curator.standing) publishes it: a resource confirmed broken is left out unless asked for, and
so at once is one whose latest checks found a site harmful to readers where it was (any other
failure not confirmed yet hides nothing), and one snoozed as a false positive stays
listed, a confirmed broken verdict published as `ok`, until its snooze ends.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.types import NullType

from curator.domain import Group, ResourceKind, Verdict, group_of, next_review_due
from curator.standing import standing_of
from curator.store.base import chunks, utcnow
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
    decided: Decided = field(default_factory=dict)
    """How each resource row with no snooze was published: `known` for the next build."""


Decided = dict[tuple[Any, ...], tuple[bool, "PublicResource"]]
"""Resource rows with no snooze (as `PublicRows.stored` holds them) and how each is
published: whether readers see it, and as what. With no snooze a row's standing depends on its
values alone, so a row read again unchanged after a write is not worked out again."""


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
    stored: Sequence[tuple[Any, ...]]
    """The live resources in order, each its id then `_RESOURCE_COLUMNS` and `LINK_COLUMNS`
    as the database driver gives them (no conversion: what tells a row read again unchanged)."""
    typed: Mapping[int, tuple[Any, ...]]
    """By resource id, `_RESOURCE_COLUMNS` then `LINK_COLUMNS` as values: every stored row's,
    or those of the rows not known (`public_rows`) and the snoozed ones."""


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
_COLUMNS = (*_RESOURCE_COLUMNS, *LINK_COLUMNS)
# As the driver gives them: converting 10,000 rows' times and enums costs more than building
# the lists, and a row read again unchanged needs none of it.
_AS_STORED = tuple(type_coerce(column, NullType()) for column in _COLUMNS)
_SECTION, _SNOOZED = 1 + 8, 1 + 9
"""Where a stored row holds its section id and its snooze's end."""
RETYPE_ALL_SHARE = 4
"""More than one row in this many unknown: read them all typed in one query, not by id."""


async def public_rows(
    session: AsyncSession, *, slug: str | None = None, known: Container[Any] | None = None
) -> PublicRows:
    """Read what every guide's published list (or the one with `slug`) is made of, in plain
    rows through the session's connection (the ORM's handling of 10,000 rows cost more than
    building the lists from them). Every resource row is read as stored; only the rows not in
    `known` (and the snoozed ones) are read again as values, by id, unless most are (then all
    of them at once): a few queries whatever the catalog's size."""
    connection = await session.connection()
    guide_query = select(*_GUIDE_COLUMNS).order_by(Guide.slug)
    if slug is not None:
        guide_query = guide_query.where(Guide.slug == slug)
    guides = tuple(tuple(row) for row in (await connection.execute(guide_query)).all())
    if not guides:
        return PublicRows((), (), (), {})
    guide_ids = [guide[0] for guide in guides]
    sections = (
        await connection.execute(
            select(Section.id, Section.guide_id, Section.title)
            .where(Section.guide_id.in_(guide_ids), Section.retired_at.is_(None))
            .order_by(Section.guide_id, Section.position, Section.id)
        )
    ).all()
    live = (
        select(Resource.id)
        .outerjoin(LinkState, LinkState.url == Resource.url)
        .where(Resource.guide_id.in_(guide_ids), Resource.retired_at.is_(None))
    )
    stored = [
        tuple(row)
        for row in (
            await connection.execute(
                live.add_columns(*_AS_STORED).order_by(Resource.position, Resource.id)
            )
        ).all()
    ]
    unknown = [
        row[0] for row in stored if known is None or row[_SNOOZED] is not None or row not in known
    ]
    typed: dict[int, tuple[Any, ...]] = {}
    if len(unknown) * RETYPE_ALL_SHARE > len(stored):
        found = await connection.execute(live.add_columns(*_COLUMNS))
        typed.update((row[0], tuple(row[1:])) for row in found.all())
    else:
        for ids in chunks(unknown):
            found = await connection.execute(
                live.add_columns(*_COLUMNS).where(Resource.id.in_(ids))
            )
            typed.update((row[0], tuple(row[1:])) for row in found.all())
    return PublicRows(guides, tuple(tuple(row) for row in sections), stored, typed)


async def published(
    session: AsyncSession, *, slug: str | None = None, include_broken: bool = False, now: datetime
) -> Published:
    """The published lists of every guide (or the one with `slug`) as of `now`, in catalog
    order, each resource as its standing publishes it (see `published_of`)."""
    rows = await public_rows(session, slug=slug)
    return published_of(rows, include_broken=include_broken, now=now)


def published_of(
    rows: PublicRows,
    *,
    include_broken: bool = False,
    now: datetime,
    known: Decided | None = None,
) -> Published:
    """The published lists made of `rows` as of `now`, each resource as its standing
    publishes it (a row in `known` as it says). Pure: no I/O.

    Retired resources and sections never appear; sections left with nothing to show are
    dropped. Confirmed-broken resources appear only with `include_broken`.
    """
    if not rows.guides:
        return Published([], None)
    known = known or {}
    decided: Decided = {}
    by_section: dict[int, list[PublicResource]] = {}
    changes_at: datetime | None = None
    for row in rows.stored:
        made = known.get(row) if row[_SNOOZED] is None else None
        if made is None:
            values = rows.typed.get(row[0])
            if values is None:
                continue  # retired or removed between the two reads
            made = _public(values, now=now)
            snoozed_until = values[9]
            if snoozed_until is None:
                decided[row] = made
            elif snoozed_until > now:
                changes_at = min(changes_at or snoozed_until, snoozed_until)
        else:
            decided[row] = made
        public, resource = made
        if (public or include_broken) and row[_SECTION] is not None:
            by_section.setdefault(row[_SECTION], []).append(resource)
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
        decided,
    )


def _public(values: tuple[Any, ...], *, now: datetime) -> tuple[bool, PublicResource]:
    """Whether readers see a resource (its `PublicRows.typed` values), and as what."""
    key, title, url, kind, description, phone, audience, region = values[:8]
    snoozed_until, snooze_reason = values[9:11]
    link = link_of_columns(values[11:])
    standing = standing_of(link, now=now, snoozed_until=snoozed_until, snooze_reason=snooze_reason)
    return standing.public, PublicResource(
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
