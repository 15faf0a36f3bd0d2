"""Queries over the catalog tables (guides, sections, resources). None of them commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import raiseload, selectinload

from curator.errors import NotFoundError
from curator.store.base import chunks, refresh_loaded
from curator.store.models import Guide, Resource, Section

# The tables, for the statements of a check's path: Core statements on them never need the
# ORM's mapper configuration (about 20 ms a command), nor build ORM objects.
GUIDES = cast(Table, Guide.__table__)
SECTIONS = cast(Table, Section.__table__)
RESOURCES = cast(Table, Resource.__table__)


CATALOG_LOCK_KEY = 0x637572737963  # "cursyc": PostgreSQL's advisory lock of catalog syncs


async def lock_catalog(session: AsyncSession) -> None:
    """Hold the catalog until the transaction ends, so syncs started at once (two `curator
    sync` or `check` of one file, a sync beside a check) take turns: each reads what the one
    before it wrote, and none adds a guide or resource another has just added.

    On PostgreSQL a transaction-level advisory lock (under READ COMMITTED two syncs would read
    the same stored rows and insert the same new ones); on SQLite the write transaction a sync
    runs in (BEGIN IMMEDIATE) already holds the one write lock."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CATALOG_LOCK_KEY})


def _with_children() -> tuple[object, ...]:
    return (
        selectinload(Guide.sections),
        selectinload(Guide.resources).selectinload(Resource.section),
    )


async def guide_by_slug(session: AsyncSession, *, slug: str) -> Guide | None:
    """The guide with `slug`, its sections and resources loaded, or None."""
    result = await session.execute(
        select(Guide).where(Guide.slug == slug).options(*_with_children())  # type: ignore[arg-type]
    )
    return result.scalar_one_or_none()


async def require_guide(session: AsyncSession, *, slug: str) -> Guide:
    """The guide with `slug`, its own fields only (`all_guides`), or NotFoundError."""
    result = await session.execute(select(Guide).where(Guide.slug == slug).options(*_alone()))
    guide = result.scalar_one_or_none()
    if guide is None:
        raise NotFoundError("guide", slug)
    return guide


async def all_guides(session: AsyncSession) -> Sequence[Guide]:
    """Every guide, by slug, its own fields only: its sections and resources are not loaded
    (reading them raises), so a report or an email about a directory of 50,000 links does not
    hold every resource to learn its guides' titles, editors and review dates."""
    result = await session.execute(select(Guide).order_by(Guide.slug).options(*_alone()))
    return result.scalars().all()


def _alone() -> tuple[Any, ...]:
    return (raiseload(Guide.sections), raiseload(Guide.resources))


async def any_active_resource(session: AsyncSession) -> bool:
    """Whether any guide lists a resource that is not retired (one row read at most)."""
    found = await session.execute(
        select(RESOURCES.c.id).where(RESOURCES.c.retired_at.is_(None)).limit(1)
    )
    return found.first() is not None


async def guide_titles(session: AsyncSession) -> list[tuple[str, str]]:
    """Every guide's slug and title, by slug (no sections or resources loaded)."""
    result = await session.execute(select(Guide.slug, Guide.title).order_by(Guide.slug))
    return [(slug, title) for slug, title in result.tuples()]


def _in_catalog_order() -> Any:
    return (
        select(Resource)
        .join(Guide, Resource.guide_id == Guide.id)
        .outerjoin(Section, Resource.section_id == Section.id)
        .where(Resource.retired_at.is_(None))
        .options(selectinload(Resource.guide), selectinload(Resource.section))
        .order_by(Guide.slug, Section.position, Resource.position, Resource.id)
    )


async def active_resources(
    session: AsyncSession, *, guide_slug: str | None = None
) -> Sequence[Resource]:
    """Resources not retired, in guide, section and list order, with guide and section loaded."""
    query = _in_catalog_order()
    if guide_slug is not None:
        query = query.where(Guide.slug == guide_slug)
    return (await session.execute(query)).scalars().all()


async def active_resource_urls(
    session: AsyncSession, *, guide_slugs: Collection[str] | None = None
) -> list[tuple[int, str]]:
    """The id and URL of every resource not retired of these guides (of every guide when
    None), in `active_resources`' order (a check's selection and plan, and the order its
    results are printed in: no resource objects are built)."""
    r, g = RESOURCES.c, GUIDES.c
    query = _live_in_order(select(r.id, r.url).join(GUIDES, r.guide_id == g.id))
    if guide_slugs is not None:
        query = query.where(g.slug.in_(list(guide_slugs)))
    return [(resource_id, url) for resource_id, url in (await session.execute(query)).tuples()]


def _live_in_order(query: Any) -> Any:
    """`query` (of resources joined to their guides) kept to the resources not retired, in
    `active_resources`' order: by guide, section, then the resource's place."""
    r, g, s = RESOURCES.c, GUIDES.c, SECTIONS.c
    return (
        query.outerjoin(SECTIONS, r.section_id == s.id)
        .where(r.retired_at.is_(None))
        .order_by(g.slug, s.position, r.position, r.id)
    )


async def resources_by_id(session: AsyncSession, *, ids: Collection[int]) -> list[Resource]:
    """The live resources among `ids`, in catalog order, with guide and section loaded (a
    query per chunk of ids)."""
    found: list[Resource] = []
    for chunk in chunks(sorted(set(ids))):
        query = _in_catalog_order().where(Resource.id.in_(chunk))
        found.extend((await session.execute(query)).scalars())
    return sorted(
        found,
        key=lambda r: (
            r.guide.slug,
            r.section.position if r.section is not None else -1,
            r.position,
            r.id,
        ),
    )


def _run_columns() -> Any:
    """What a check run needs of a resource, as plain columns."""
    r, g = RESOURCES.c, GUIDES.c
    return select(
        r.id,
        g.slug.label("guide_slug"),
        r.key,
        r.title,
        r.url,
        r.kind,
        r.expect_text,
        r.phone,
        r.description,
    ).join(GUIDES, r.guide_id == g.id)


async def live_resource_rows(
    session: AsyncSession, *, guide_slug: str | None = None
) -> Sequence[Row[Any]]:
    """What a check run needs of each resource not retired, in `active_resources`' order, as
    plain rows (no ORM objects, no `synced` snapshot): id, guide_slug, key, title, url, kind,
    expect_text, phone, description."""
    query = _live_in_order(_run_columns())
    if guide_slug is not None:
        query = query.where(GUIDES.c.slug == guide_slug)
    return (await session.execute(query)).all()


async def resource_rows(session: AsyncSession, *, ids: Collection[int]) -> dict[int, Row[Any]]:
    """`live_resource_rows`' columns of the resources `ids` (retired since or not), by id (a
    query per chunk of ids)."""
    found: dict[int, Row[Any]] = {}
    for chunk in chunks(sorted(set(ids))):
        for row in await session.execute(_run_columns().where(RESOURCES.c.id.in_(chunk))):
            found[row.id] = row
    return found


async def resource_by_id(session: AsyncSession, *, resource_id: int) -> Resource | None:
    """The resource with this id (retired or not), with guide and section loaded."""
    result = await session.execute(
        select(Resource)
        .where(Resource.id == resource_id)
        .options(selectinload(Resource.guide), selectinload(Resource.section))
    )
    return result.scalar_one_or_none()


async def live_resource_by_key(
    session: AsyncSession, *, guide_slug: str, key: str
) -> Resource | None:
    """The resource `key` of guide `guide_slug`, unless it is retired."""
    result = await session.execute(
        select(Resource)
        .join(Guide, Resource.guide_id == Guide.id)
        .where(Guide.slug == guide_slug, Resource.key == key, Resource.retired_at.is_(None))
    )
    return result.scalar_one_or_none()


async def review_dates_by_url(
    session: AsyncSession, *, urls: Collection[str]
) -> dict[str, date | None]:
    """For each URL, the latest `last_reviewed` among the guides that list it (not retired)."""
    dates: dict[str, date | None] = {url: None for url in urls}
    for chunk in chunks(list(urls)):
        result = await session.execute(
            select(Resource.url, func.max(Guide.last_reviewed))
            .join(Guide, Resource.guide_id == Guide.id)
            .where(Resource.url.in_(chunk), Resource.retired_at.is_(None))
            .group_by(Resource.url)
        )
        for url, reviewed in result.all():
            dates[url] = reviewed
    return dates


# --- sync: the catalog tables as plain rows, written in bulk ------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogRows:
    """The stored rows of some guides: plain dicts, in position order."""

    guides: list[dict[str, Any]]
    sections: list[dict[str, Any]]
    resources: list[dict[str, Any]]
    _by_guide: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, rows in (("sections", self.sections), ("resources", self.resources)):
            for row in rows:
                self._by_guide.setdefault((name, row["guide_id"]), []).append(row)

    def guide(self, slug: str) -> dict[str, Any] | None:
        """The stored guide with this slug, if there is one."""
        return next((g for g in self.guides if g["slug"] == slug), None)

    def sections_of(self, guide_id: int) -> list[dict[str, Any]]:
        """A guide's sections, in position order."""
        return self._by_guide.get(("sections", guide_id), [])

    def resources_of(self, guide_id: int) -> list[dict[str, Any]]:
        """A guide's resources (retired ones too), in position order."""
        return self._by_guide.get(("resources", guide_id), [])


async def catalog_rows(session: AsyncSession, *, slugs: Sequence[str]) -> CatalogRows:
    """The guides with these slugs and all their sections and resources: three queries."""
    guides: list[dict[str, Any]] = []
    for chunk in chunks(list(slugs)):
        result = await session.execute(select(GUIDES).where(GUIDES.c.slug.in_(chunk)))
        guides.extend(dict(row) for row in result.mappings())
    ids = [g["id"] for g in guides]
    sections: list[dict[str, Any]] = []
    resources: list[dict[str, Any]] = []
    for chunk in chunks(ids):
        s = SECTIONS.c
        result = await session.execute(
            select(SECTIONS).where(s.guide_id.in_(chunk)).order_by(s.guide_id, s.position, s.id)
        )
        sections.extend(dict(row) for row in result.mappings())
        r = RESOURCES.c
        result = await session.execute(
            select(*(c for c in RESOURCES.columns if c.name not in _NOT_SYNCED))
            .where(r.guide_id.in_(chunk))
            .order_by(r.guide_id, r.position, r.id)
        )
        resources.extend(dict(row) for row in result.mappings())
    return CatalogRows(guides, sections, resources)


# Resource columns sync neither reads nor writes.
_NOT_SYNCED = frozenset({"created_at", "updated_at", "snoozed_until", "snooze_reason"})


async def insert_rows(
    session: AsyncSession,
    model: type[Guide | Section | Resource],
    *,
    rows: Sequence[dict[str, Any]],
) -> None:
    """Insert catalog rows in bulk (one executemany; every dict has the same keys, None sent
    as NULL)."""
    if rows:
        await session.execute(insert(_table(model)), list(rows))


async def insert_rows_returning_ids(
    session: AsyncSession, model: type[Guide | Section], *, rows: Sequence[dict[str, Any]]
) -> list[int]:
    """Insert a few catalog rows; their new ids, in the order given.

    (SQLite cannot batch an insert that returns ids in order: this is for guides and sections,
    which are few, not for resources.)
    """
    if not rows:
        return []
    table = _table(model)
    result = await session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), list(rows)
    )
    return [row[0] for row in result]


async def update_rows(
    session: AsyncSession,
    model: type[Guide | Section | Resource],
    *,
    rows: Sequence[dict[str, Any]],
) -> None:
    """Update catalog rows in bulk by id (each dict has `id` and the same other keys)."""
    if not rows:
        return
    table = _table(model)
    columns = [name for name in rows[0] if name != "id"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("key_id"))
        .values({name: bindparam(f"new_{name}") for name in columns})
    )
    await session.execute(
        statement,
        [{"key_id": row["id"], **{f"new_{name}": row[name] for name in columns}} for row in rows],
    )
    # Objects of these rows that this session already holds get the new values too.
    await refresh_loaded(session, model, ids=[row["id"] for row in rows], names=columns)


def _table(model: type[Guide | Section | Resource]) -> Table:
    return cast(Table, model.__table__)


async def guide_sources(session: AsyncSession) -> dict[str, str | None]:
    """Every guide's slug and the catalog file it was last synced from."""
    result = await session.execute(select(Guide.slug, Guide.source_file))
    return {slug: source for slug, source in result.tuples()}
