"""What a run checks: catalogued resources, grouped by URL so each URL is fetched once.

Two resources listing the same address share one fetch and one verdict (the link state is
per URL), so their expectations are merged: every expected text of either must be on the
page; the first phone number given counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from curator.check.facts import Expectation
from curator.domain import ResourceKind
from curator.store.catalog import active_resources
from curator.store.models import Resource


@dataclass(frozen=True, slots=True)
class Target:
    """One catalogued resource a run checks."""

    resource_id: int
    guide_slug: str
    key: str
    title: str
    url: str
    expectation: Expectation

    @classmethod
    def of(cls, resource: Resource) -> Target:
        """The target of a resource row (its guide loaded)."""
        return cls(
            resource_id=resource.id,
            guide_slug=resource.guide.slug,
            key=resource.key,
            title=resource.title,
            url=resource.url,
            expectation=Expectation(
                title=resource.title,
                kind=resource.kind.value,
                expect_text=tuple(resource.expect_text or ()),
                phone=resource.phone,
                description=resource.description,
            ),
        )


async def select_targets(
    session: AsyncSession,
    *,
    guide_slug: str | None = None,
    resource_ids: Sequence[int] | None = None,
    urls: Sequence[str] | None = None,
) -> list[Target]:
    """Active resources in catalog order, narrowed by guide, resource ids and URLs."""
    resources = await active_resources(session, guide_slug=guide_slug)
    wanted_ids = set(resource_ids) if resource_ids is not None else None
    wanted_urls = set(urls) if urls is not None else None
    return [
        Target.of(r)
        for r in resources
        if (wanted_ids is None or r.id in wanted_ids)
        and (wanted_urls is None or r.url in wanted_urls)
    ]


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
