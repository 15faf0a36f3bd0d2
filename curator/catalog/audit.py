"""Does a guide's published page still list what the catalog lists?

For each guide with a `source_url`, the audit reads the published page (through the checker's
safe fetcher), extracts its resource list as the importer does, and compares addresses
(normalised): links on the page that the catalog lacks, and catalog resources the page no
longer shows. The result is a value; the CLI and the refresh report render it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from curator.catalog.importer import parse_guide
from curator.catalog.matching import LinkEntry, pair_links
from curator.catalog.pages import PageReader, PublishedPage
from curator.catalog.schema import GuideSpec
from curator.errors import PageError


class AuditStatus(StrEnum):
    """Whether a guide's page could be compared with its catalog entry."""

    COMPARED = "compared"
    """The page was read and its resource list compared."""
    UNREADABLE = "unreadable"
    """The page could not be fetched (error, non-2xx status, not HTML): nothing compared."""
    NO_RESOURCES = "no_resources"
    """The page was read but shows no resource links at all (a login or consent wall, a
    different page): not taken as every resource having gone."""


@dataclass(frozen=True, slots=True)
class PageLink:
    """A link of the page's resource list that the catalog lacks."""

    section: str
    title: str
    url: str
    kind: str
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class CatalogLink:
    """A resource of the catalog that the page no longer shows."""

    section: str
    key: str
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class GuideAudit:
    """One guide's page compared with its catalog entry."""

    guide: str
    title: str
    source_url: str
    status: AuditStatus
    page_url: str | None = None
    """The address the page was finally read from (after redirects)."""
    detail: str | None = None
    """Why the page could not be compared, when it could not."""
    on_page: int = 0
    in_catalog: int = 0
    matched: int = 0
    not_in_catalog: tuple[PageLink, ...] = ()
    not_on_page: tuple[CatalogLink, ...] = ()

    @property
    def drift(self) -> bool:
        """True when the page and the catalog list different resources."""
        return bool(self.not_in_catalog or self.not_on_page)


@dataclass(frozen=True, slots=True)
class AuditReport:
    """Every audited guide, and the guides that have no published page to compare."""

    guides: tuple[GuideAudit, ...]
    without_page: tuple[str, ...] = ()

    @property
    def drift(self) -> bool:
        """True when any guide's page and catalog entry differ."""
        return any(g.drift for g in self.guides)

    @property
    def inconclusive(self) -> tuple[GuideAudit, ...]:
        """The guides whose page could not be compared."""
        return tuple(g for g in self.guides if g.status is not AuditStatus.COMPARED)

    def guide(self, slug: str) -> GuideAudit | None:
        """The audit of one guide, if it was audited."""
        return next((g for g in self.guides if g.guide == slug), None)


def compare(guide: GuideSpec, page: GuideSpec, *, page_url: str | None = None) -> GuideAudit:
    """The differences between a guide's catalog entry and the guide its page shows (pure)."""
    source_url = guide.source_url or page.source_url or ""
    published = page.all_resources()
    listed = guide.all_resources()
    if not published:
        return GuideAudit(
            guide.slug,
            guide.title,
            source_url,
            AuditStatus.NO_RESOURCES,
            page_url=page_url,
            detail="the page shows no resource links (is it the guide's page?)",
            in_catalog=len(listed),
        )
    pairing = pair_links(
        [LinkEntry(s.title, r.key, r.title, r.url) for s, r in published],
        [LinkEntry(s.title, r.key, r.title, r.url) for s, r in listed],
    )
    return GuideAudit(
        guide.slug,
        guide.title,
        source_url,
        AuditStatus.COMPARED,
        page_url=page_url,
        on_page=len(published),
        in_catalog=len(listed),
        matched=len(pairing.pairs),
        not_in_catalog=tuple(
            PageLink(s.title, r.title, r.url, r.kind.value, r.phone)
            for s, r in (published[i] for i in pairing.page_only)
        ),
        not_on_page=tuple(
            CatalogLink(s.title, r.key, r.title, r.url)
            for s, r in (listed[i] for i in pairing.catalog_only)
        ),
    )


async def audit_guide(guide: GuideSpec, read: PageReader) -> GuideAudit:
    """Read one guide's published page and compare it with the guide (needs a source_url)."""
    if guide.source_url is None:
        raise ValueError(f"guide {guide.slug!r} has no source_url to audit")
    try:
        page: PublishedPage = await read(guide.source_url)
    except PageError as exc:
        return GuideAudit(
            guide.slug,
            guide.title,
            guide.source_url,
            AuditStatus.UNREADABLE,
            detail=exc.problem,
            in_catalog=len(guide.all_resources()),
        )
    shown = parse_guide(page.html, url=page.url)
    return compare(guide, shown, page_url=page.url)


async def audit_guides(guides: Sequence[GuideSpec], read: PageReader) -> AuditReport:
    """Audit every guide that has a published page, concurrently; list the ones without."""
    with_page = [g for g in guides if g.source_url]
    audits = await asyncio.gather(*(audit_guide(g, read) for g in with_page))
    return AuditReport(tuple(audits), tuple(g.slug for g in guides if not g.source_url))
