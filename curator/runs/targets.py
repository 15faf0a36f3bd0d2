"""What a run checks: catalogued resources, grouped by URL so each URL is fetched once.

Two resources listing the same address share one fetch and one verdict (the link state is
per URL), so their expectations are merged: every expected text of either must be on the
page; the first phone number given counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from curator.check.facts import Expectation
from curator.domain import ResourceKind
from curator.store.catalog import live_resource_rows, live_resource_urls, resource_rows


@dataclass(frozen=True, slots=True)
class Target:
    """One catalogued resource a run checks."""

    resource_id: int
    guide_slug: str
    key: str
    title: str
    url: str
    expectation: Expectation


async def select_targets(
    session: AsyncSession,
    *,
    guide_slug: str | None = None,
    resource_ids: Sequence[int] | None = None,
    urls: Sequence[str] | None = None,
) -> list[Target]:
    """Active resources in catalog order, narrowed by guide, resource ids and URLs (read as
    plain rows: a run of 50,000 links never holds their ORM objects)."""
    rows = await live_resource_rows(session, guide_slug=guide_slug)
    wanted_ids = set(resource_ids) if resource_ids is not None else None
    wanted_urls = set(urls) if urls is not None else None
    return [
        _target(row, row.url)
        for row in rows
        if (wanted_ids is None or row.id in wanted_ids)
        and (wanted_urls is None or row.url in wanted_urls)
    ]


async def plan_urls(
    session: AsyncSession,
    *,
    guide_slug: str | None = None,
    resource_ids: Sequence[int] | None = None,
    urls: Sequence[str] | None = None,
) -> dict[str, tuple[int, ...]]:
    """`select_targets`' resources as a run plans them: each URL, in the order it first
    appears, with the ids of the resources listing it. Nothing more of a resource is read:
    a run reads its targets a page of URLs at a time (`targets_of`)."""
    rows = await live_resource_urls(session, guide_slug=guide_slug)
    wanted_ids = set(resource_ids) if resource_ids is not None else None
    wanted_urls = set(urls) if urls is not None else None
    plan: dict[str, tuple[int, ...]] = {}
    for resource_id, url in rows:
        if (wanted_ids is None or resource_id in wanted_ids) and (
            wanted_urls is None or url in wanted_urls
        ):
            plan[url] = (*plan[url], resource_id) if url in plan else (resource_id,)
    return plan


async def targets_of(
    session: AsyncSession, plan: Mapping[str, Sequence[int]]
) -> dict[str, tuple[Target, ...]]:
    """The targets of part of a run's plan (`plan_urls`), by URL: each resource as it is now
    (retired since or not), listing the URL it was planned with."""
    rows = await resource_rows(session, ids=[i for ids in plan.values() for i in ids])
    return {
        url: tuple(_target(rows[i], url) for i in ids if i in rows) for url, ids in plan.items()
    }


def _target(row: Row[Any], url: str) -> Target:
    return Target(
        resource_id=row.id,
        guide_slug=row.guide_slug,
        key=row.key,
        title=row.title,
        url=url,
        expectation=Expectation(
            title=row.title,
            kind=row.kind.value,
            expect_text=tuple(row.expect_text or ()),
            phone=row.phone,
            description=row.description,
        ),
    )


def by_url(targets: Sequence[Target]) -> dict[str, tuple[Target, ...]]:
    """Targets grouped by URL, in the order each URL first appears."""
    groups: dict[str, list[Target]] = {}
    for target in targets:
        groups.setdefault(target.url, []).append(target)
    return {url: tuple(group) for url, group in groups.items()}


def merged_expectation(targets: Sequence[Target]) -> Expectation:
    """One expectation for every resource listing a URL (see the module's note)."""
    first = targets[0].expectation
    if len(targets) == 1:
        return first
    expectations = [t.expectation for t in targets]
    titles = list(dict.fromkeys(e.title for e in expectations))
    texts = list(dict.fromkeys(text for e in expectations for text in e.expect_text))
    kinds = {e.kind for e in expectations}
    return Expectation(
        title=" | ".join(titles),
        kind=ResourceKind.VIDEO.value if ResourceKind.VIDEO.value in kinds else first.kind,
        expect_text=tuple(texts),
        phone=next((e.phone for e in expectations if e.phone), None),
        description=first.description,
    )
