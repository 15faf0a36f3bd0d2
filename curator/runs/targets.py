"""What a run checks: catalogued resources, grouped by URL so each URL is fetched once.

Two resources listing the same address share one fetch and one verdict (the link state is
per URL), so their expectations are merged: every expected text of either must be on the
page; the first phone number given counts.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from curator.check.facts import Expectation
from curator.check.politeness import spread_by_host
from curator.domain import ResourceKind
from curator.store.catalog import active_resource_urls, live_resource_rows, resource_rows


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


class Plan:
    """A run's URLs, in the order the workers take them, each with the ids of the resources
    listing it: held compactly (the URLs as one text, the ids in arrays), since a run of
    50,000 links holds its plan from start to end."""

    def __init__(self) -> None:
        self._text = ""
        self._ends = array("q")
        self._first = array("q")
        """The id of the first resource listing each URL."""
        self._more: dict[int, tuple[int, ...]] = {}
        """Every id of a URL listed more than once, by its position."""

    @classmethod
    def of(cls, listed: Iterable[tuple[int, str]]) -> Plan:
        """The plan of resources (id, URL) in catalog order: each URL once, with its resources'
        ids in that order; the URLs in the order to start them (`spread_by_host`)."""
        plan = cls()
        at: dict[str, int] = {}
        more: dict[int, list[int]] = {}
        for resource_id, url in listed:
            position = at.setdefault(url, len(at))
            if position == len(plan._first):
                plan._first.append(resource_id)
            else:
                more.setdefault(position, [plan._first[position]]).append(resource_id)
        # Taken in the catalog's order, where a site's links come together, every worker would
        # wait on one host's limit: each host's links are spread over the run.
        order = spread_by_host(at)
        first = plan._first
        plan._first = array("q", (first[at[url]] for url in order))
        plan._more = {
            position: tuple(more[at[url]]) for position, url in enumerate(order) if at[url] in more
        }
        plan._text = "".join(order)
        plan._ends = array("q", accumulate(len(url) for url in order))
        return plan

    def __len__(self) -> int:
        return len(self._ends)

    def url(self, position: int) -> str:
        """The URL the run takes `position`-th (0-based)."""
        start = self._ends[position - 1] if position else 0
        return self._text[start : self._ends[position]]

    def ids(self, position: int) -> tuple[int, ...]:
        """The ids of the resources listing that URL, in catalog order."""
        return self._more.get(position) or (self._first[position],)

    def urls(self) -> list[str]:
        """Every URL, in order."""
        return [self.url(i) for i in range(len(self))]


async def plan_urls(
    session: AsyncSession,
    *,
    guide_slug: str | None = None,
    resource_ids: Sequence[int] | None = None,
    urls: Sequence[str] | None = None,
) -> Plan:
    """`select_targets`' resources as a run plans them: each URL, in the order it first
    appears, with the ids of the resources listing it. Nothing more of a resource is read:
    a run reads its targets a page of URLs at a time (`targets_of`)."""
    slugs = [guide_slug] if guide_slug is not None else None
    rows = await active_resource_urls(session, guide_slugs=slugs)
    wanted_ids = set(resource_ids) if resource_ids is not None else None
    wanted_urls = set(urls) if urls is not None else None
    return Plan.of(
        (resource_id, url)
        for resource_id, url in rows
        if (wanted_ids is None or resource_id in wanted_ids)
        and (wanted_urls is None or url in wanted_urls)
    )


async def targets_of(
    session: AsyncSession, plan: Plan, positions: Sequence[int]
) -> dict[str, tuple[Target, ...]]:
    """The targets of the URLs at `positions` of a run's plan, by URL: each resource as it
    is now (retired since or not), listing the URL it was planned with."""
    rows = await resource_rows(session, ids=[i for p in positions for i in plan.ids(p)])
    return {
        plan.url(p): tuple(_target(rows[i], plan.url(p)) for i in plan.ids(p) if i in rows)
        for p in positions
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
