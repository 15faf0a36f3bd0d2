"""What a run checks: a typed selection of the catalog's resources.

Selection.everything()                  every active resource
Selection.guide("sextortion")           one guide's
Selection.resources([12, 13])           these resources (a recheck)
Selection.of_urls(["https://…"])        the resources listing these addresses
Selection.resuming(41)                  what interrupted run 41 did not check
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Selection:
    """Active resources, narrowed by guide, resource ids and URLs; or a run to resume."""

    guide_slug: str | None = None
    resource_ids: tuple[int, ...] | None = None
    urls: tuple[str, ...] | None = None
    resume: int | None = None
    """An interrupted run whose unchecked URLs this run checks."""

    @classmethod
    def everything(cls) -> Selection:
        """Every active resource of every guide."""
        return cls()

    @classmethod
    def guide(cls, slug: str) -> Selection:
        """One guide's active resources."""
        return cls(guide_slug=slug)

    @classmethod
    def resources(cls, ids: Iterable[int], *, guide_slug: str | None = None) -> Selection:
        """These resources (those still active), of `guide_slug` when given."""
        return cls(guide_slug=guide_slug, resource_ids=tuple(ids))

    @classmethod
    def of_urls(cls, urls: Iterable[str]) -> Selection:
        """The active resources listing these addresses."""
        return cls(urls=tuple(urls))

    @classmethod
    def resuming(cls, run_id: int) -> Selection:
        """The URLs interrupted run `run_id` planned and did not check."""
        return cls(resume=run_id)
