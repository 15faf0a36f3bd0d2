"""Queries over the catalog tables (guides, sections, resources). None of them commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from curator.errors import NotFoundError
from curator.store.models import Guide, Resource, Section


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
    """The guide with `slug`, or NotFoundError."""
    guide = await guide_by_slug(session, slug=slug)
    if guide is None:
        raise NotFoundError("guide", slug)
    return guide


async def all_guides(session: AsyncSession) -> Sequence[Guide]:
    """Every guide, by slug, with sections and resources loaded."""
    result = await session.execute(
        select(Guide).order_by(Guide.slug).options(*_with_children())  # type: ignore[arg-type]
    )
    return result.scalars().all()


async def active_resources(
    session: AsyncSession, *, guide_slug: str | None = None
) -> Sequence[Resource]:
    """Resources not retired, in guide, section and list order, with guide and section loaded."""
    query = (
        select(Resource)
        .join(Guide, Resource.guide_id == Guide.id)
        .outerjoin(Section, Resource.section_id == Section.id)
        .where(Resource.retired_at.is_(None))
        .options(selectinload(Resource.guide), selectinload(Resource.section))
        .order_by(Guide.slug, Section.position, Resource.position, Resource.id)
    )
    if guide_slug is not None:
        query = query.where(Guide.slug == guide_slug)
    return (await session.execute(query)).scalars().all()


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
    if not urls:
        return {}
    result = await session.execute(
        select(Resource.url, func.max(Guide.last_reviewed))
        .join(Guide, Resource.guide_id == Guide.id)
        .where(Resource.url.in_(list(urls)), Resource.retired_at.is_(None))
        .group_by(Resource.url)
    )
    dates: dict[str, date | None] = {url: None for url in urls}
    for url, reviewed in result.all():
        dates[url] = reviewed
    return dates
