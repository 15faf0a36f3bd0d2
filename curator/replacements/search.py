"""The search for where a broken link's page went, on the site that still answers for it.

    finder = Finder(fetcher, settings.search_limits())
    result = await finder.find(url, final_url=..., reference=..., expectation=...)

Where it looks, in order, every request through the checker's guarded fetcher (address guard,
deadline, body cap, per-host politeness):

1. the sitemaps the site declares in robots.txt or keeps at the usual places (`/sitemap.xml`,
   `/sitemap_index.xml`, WordPress's `/wp-sitemap.xml`, `/sitemap.xml.gz`), indexes followed;
2. the old address's parent pages and the home page, and their links.

Addresses are ranked by their words and their links' words against the old address and title
(`ranking`); only the few best are fetched, checked as the checker checks any page (a page
that is an error page, or misses the catalog's expected texts, is no replacement) and compared
with the old page (`matching`).

Per host and per run, robots.txt, the sitemaps, the home page and the not-found baseline are
fetched once and shared by every search on that host. Every search is bounded in time
(`SearchLimits.deadline`) and in pages fetched; the sitemaps in files, addresses and bytes.
A search never raises for what a site does: it ends with a suggestion or none, and notes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from curator.check.classifier import classify
from curator.check.evidence import final_url as final_of
from curator.check.facts import Expectation, Facts, Page, SiteBaseline
from curator.check.fetcher import Fetcher, origin
from curator.check.policy import SearchLimits
from curator.check.text import decode
from curator.check.urls import is_home, same_url
from curator.domain import Verdict
from curator.replacements.links import page_links
from curator.replacements.matching import (
    Comparison,
    Reference,
    SiteChrome,
    compare,
    judge,
    summary,
)
from curator.replacements.ranking import Candidate, Clues, Ranked, rank, words
from curator.replacements.sitemaps import SitemapKind, parse_sitemap, sitemaps_in_robots
from curator.suggestions import Suggestion, SuggestionSource

log = logging.getLogger(__name__)

WELL_KNOWN_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/wp-sitemap.xml", "/sitemap.xml.gz")
"""Where sites keep a sitemap they do not declare: the protocol's usual name, Yoast's and
Rank Math's index, WordPress's own, and a gzip'd one."""
MAX_INDEX_DEPTH = 2
"""An index of indexes is followed; deeper nesting is not (endless indexes end here)."""
MIN_RANK = 0.15
"""Candidates ranked lower are not worth a request."""
_FIRST_PASS = 3
_LOW_PRIORITY = ("user", "author", "tag", "categor", "taxonom", "image", "video", "attachment")
_HIGH_PRIORITY = ("page", "post", "article", "content", "news", "guid", "advice", "help")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SearchResult:
    """How a search ended: a suggestion or none, and what it did, in words."""

    suggestion: Suggestion | None
    notes: tuple[str, ...] = ()
    fetched: int = 0
    """Candidate pages fetched for this link."""
    compared: tuple[tuple[str, Comparison], ...] = ()
    """Every working candidate page and how it compared (evidence, and the bench's)."""


@dataclass(frozen=True, slots=True)
class _SiteMap:
    """What a host's sitemaps list, as candidates, and how reading them went."""

    candidates: tuple[Candidate, ...] = ()
    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Fetched:
    facts: Facts
    html: str | None


@dataclass(frozen=True, slots=True)
class _Compared:
    candidate: Candidate
    url: str
    """Where the candidate's page answered (after redirects)."""
    page: Page


@dataclass
class _Search:
    """One link's search in progress."""

    url: str
    site: str
    reference: Reference
    expectation: Expectation
    clues: Clues
    notes: list[str] = field(default_factory=list)
    tried: set[str] = field(default_factory=set)
    compared: list[_Compared] = field(default_factory=list)
    considered: int = 0
    rated: list[tuple[str, Comparison]] = field(default_factory=list)
    site_pages: list[Page] = field(default_factory=list)
    """The home and not-found pages: what the site's chrome is learnt from."""
    other_pages: list[Page] = field(default_factory=list)
    """The old address's parent pages (their text is template too)."""


def same_site(url: str, site: str) -> bool:
    """True when `url` is on the host of `site` (a `www.` twin included)."""
    try:
        a, b = urlsplit(url).hostname or "", urlsplit(site).hostname or ""
    except ValueError:
        return False
    return bool(a) and a.removeprefix("www.") == b.removeprefix("www.")


def parent_pages(url: str, site: str, limit: int) -> list[str]:
    """The old address's parent paths on `site`, nearest first ("/a/b/c" → /a/b/, /a/)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return []
    segments = [s for s in path.split("/") if s]
    parents = [f"{site}/{'/'.join(segments[:n])}/" for n in range(len(segments) - 1, 0, -1)]
    return parents[:limit]


def _sitemap_priority(url: str) -> int:
    name = urlsplit(url).path.lower()
    if any(word in name for word in _HIGH_PRIORITY):
        return 0
    if any(word in name for word in _LOW_PRIORITY):
        return 2
    return 1


def _baseline_page(baseline: SiteBaseline | None) -> Page | None:
    if baseline is None or baseline.error is not None:
        return None
    return Page(title=baseline.title, headings=baseline.headings, text=baseline.text_sample)


class Finder:
    """Searches sites for moved pages, sharing what it reads of each host for a run."""

    def __init__(self, fetcher: Fetcher, limits: SearchLimits | None = None) -> None:
        self._fetcher = fetcher
        self._limits = limits or SearchLimits()
        self._sitemaps: dict[str, asyncio.Task[_SiteMap]] = {}
        self._pages: dict[str, asyncio.Task[_Fetched]] = {}

    async def aclose(self) -> None:
        """Cancel what is still being read for searches that gave up."""
        tasks = [*self._sitemaps.values(), *self._pages.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def find(
        self,
        url: str,
        *,
        reference: Reference,
        expectation: Expectation,
        final_url: str | None = None,
    ) -> SearchResult:
        """Where the page of `url` went on its site: a suggestion (or none), within limits."""
        site = origin(final_url or url)
        search = _Search(
            url=url,
            site=site,
            reference=reference,
            expectation=expectation,
            clues=Clues.of(url, reference.title, reference.heading),
        )
        try:
            async with asyncio.timeout(self._limits.deadline) as timeout:
                suggestion = await self._search(search)
        except TimeoutError:
            if not timeout.expired():
                raise
            search.notes.append(f"stopped at the search's {self._limits.deadline:g} s deadline")
            suggestion = None
        return SearchResult(suggestion, tuple(search.notes), len(search.tried), tuple(search.rated))

    async def _search(self, search: _Search) -> Suggestion | None:
        site = search.site
        sitemap, home, baseline = await asyncio.gather(
            self._shared(self._sitemaps, site, lambda: self._read_sitemaps(site)),
            self._page(f"{site}/"),
            self._fetcher.probe(site),
        )
        search.notes.extend(sitemap.notes)
        search.site_pages = [p for p in (_page_of(home), _baseline_page(baseline)) if p is not None]
        search.clues = Clues.of(
            search.url,
            search.reference.title,
            search.reference.heading,
            # Ranking only orders requests: any word of the home page's title may go.
            ignore=frozenset(w for p in search.site_pages for w in words(p.title or "")),
        )
        listed = [c for c in sitemap.candidates if same_site(c.url, site)]
        first = rank(search.clues, listed, limit=_FIRST_PASS)
        search.considered = len(listed)
        await self._try(search, first, baseline)
        judged = self._judge(search)
        if judged is not None and judged.confident:
            return judged
        linked, parents = await self._linked(search, home)
        search.other_pages = parents
        everything = rank(
            search.clues, [*listed, *linked], limit=self._limits.pages + len(search.tried)
        )
        search.considered = len({c.url for c in [*listed, *linked]})
        more = [r for r in everything if r.candidate.url not in search.tried]
        await self._try(search, more[: self._limits.pages - len(search.tried)], baseline)
        return self._judge(search)

    async def _linked(self, search: _Search, home: _Fetched) -> tuple[list[Candidate], list[Page]]:
        """Candidates linked from the old address's parent pages and the home page."""
        parents = parent_pages(search.url, search.site, self._limits.parents)
        fetched = await asyncio.gather(*(self._page(p) for p in parents))
        candidates: list[Candidate] = []
        pages: list[Page] = []
        for where, got in [*zip(parents, fetched, strict=True), (f"{search.site}/", home)]:
            if got.html is None or got.facts.status is None or not 200 <= got.facts.status < 300:
                continue
            if where != f"{search.site}/" and got.facts.page is not None:
                pages.append(got.facts.page)
            base = final_of(got.facts)
            links = await asyncio.to_thread(page_links, got.html, base)
            candidates += [
                Candidate.of(link.url, SuggestionSource.SITE_LINKS, where, link.text)
                for link in links
                if same_site(link.url, search.site)
            ]
        return candidates, pages

    async def _try(
        self, search: _Search, ranked: Sequence[Ranked], baseline: SiteBaseline | None
    ) -> None:
        """Fetch the ranked candidates worth a request and keep those that are working pages."""
        chosen = [r for r in ranked if r.score >= MIN_RANK and r.candidate.url not in search.tried][
            : max(0, self._limits.pages - len(search.tried))
        ]
        search.tried.update(r.candidate.url for r in chosen)
        fetched = await asyncio.gather(*(self._page(r.candidate.url) for r in chosen))
        for ranked_, got in zip(chosen, fetched, strict=True):
            kept = self._working(search, ranked_.candidate, got, baseline)
            if kept is not None and all(not same_url(kept.url, c.url) for c in search.compared):
                search.compared.append(kept)

    def _working(
        self,
        search: _Search,
        candidate: Candidate,
        got: _Fetched,
        baseline: SiteBaseline | None,
    ) -> _Compared | None:
        """The candidate as a working page of the same site, or None."""
        facts = got.facts
        page = facts.page
        if facts.error is not None or page is None or got.html is None:
            return None
        landed = final_of(facts)
        if not same_site(landed, search.site) or same_url(landed, search.url):
            return None
        if is_home(landed):
            return None
        outcome = classify(facts, search.expectation, baseline)
        if outcome.verdict not in (Verdict.OK, Verdict.MOVED):
            return None
        return _Compared(candidate, landed, page)

    def _judge(self, search: _Search) -> Suggestion | None:
        if not search.compared:
            return None
        chrome = SiteChrome.of(
            search.site_pages, search.other_pages, [c.page for c in search.compared]
        )
        rated: list[tuple[_Compared, Comparison]] = [
            (c, compare(search.reference, c.page, chrome, old_url=search.url, url=c.url))
            for c in search.compared
        ]
        search.rated = [(c.url, comparison) for c, comparison in rated]
        judgement = judge(search.reference, rated)
        if judgement is None:
            return None
        best, comparison = judgement.best, judgement.comparison
        evidence: dict[str, Any] = {
            "summary": summary(search.reference, comparison),
            "compared_with": search.reference.described_as,
            "found_in": best.candidate.found_in,
            "page_title": best.page.title,
            "title": comparison.title,
            "heading": comparison.heading,
            "text": comparison.text,
            "candidates": max(search.considered, len(search.tried)),
            "fetched": len(search.tried),
        }
        if comparison.description is not None:
            evidence["description"] = comparison.description
        if judgement.runner_up is not None:
            evidence["summary"] += "; another page matches nearly as well"
            evidence["runner_up"] = judgement.runner_up.url
        return Suggestion(best.url, best.candidate.source, judgement.confidence, evidence)

    # --- what is read once per host or address -----------------------------------------------

    async def _shared(
        self, cache: dict[str, asyncio.Task[T]], key: str, start: Callable[[], Awaitable[T]]
    ) -> T:
        """One task per key for the run, whoever asks first; a caller that gives up leaves
        it running for the others."""
        task = cache.get(key)
        if task is None:
            task = cache[key] = asyncio.ensure_future(start())
        return await asyncio.shield(task)

    async def _page(self, url: str) -> _Fetched:
        return await self._shared(self._pages, url, lambda: self._fetch_page(url))

    async def _fetch_page(self, url: str) -> _Fetched:
        facts, html = await self._fetcher.fetch_document(
            url, deadline=self._limits.fetch_deadline, retry=False
        )
        return _Fetched(facts, html)

    async def _read_sitemaps(self, site: str) -> _SiteMap:
        """The candidates a host's sitemaps list, read within the limits (partial on expiry)."""
        reader = _SitemapReader(self._fetcher, self._limits, site)
        try:
            async with asyncio.timeout(self._limits.deadline) as timeout:
                await reader.read()
        except TimeoutError:
            if not timeout.expired():
                raise
            reader.notes.append(f"sitemaps: stopped reading at {self._limits.deadline:g} s")
        candidates = await asyncio.to_thread(reader.candidates)
        return _SiteMap(tuple(candidates), tuple(reader.files), tuple(reader.notes))


def _page_of(fetched: _Fetched) -> Page | None:
    status = fetched.facts.status
    if fetched.facts.error is not None or status is None or not 200 <= status < 300:
        return None
    return fetched.facts.page


@dataclass
class _Entry:
    url: str
    depth: int
    probe: bool
    """One of the usual places, tried because robots.txt declares no sitemap."""


class _SitemapReader:
    """Reads one host's sitemaps breadth-first within the limits, keeping what it finds."""

    def __init__(self, fetcher: Fetcher, limits: SearchLimits, site: str) -> None:
        self._fetcher = fetcher
        self._limits = limits
        self._site = site
        self.found: dict[str, str] = {}
        """Each listed address and the sitemap file that lists it."""
        self.files: list[str] = []
        self.notes: list[str] = []

    async def read(self) -> None:
        """Fetch robots.txt, then sitemap files until none is left or a limit is reached."""
        limits = self._limits
        declared = await self._declared()
        queue = [_Entry(u, 0, False) for u in declared] or [
            _Entry(f"{self._site}{path}", 0, True) for path in WELL_KNOWN_SITEMAPS
        ]
        seen: set[str] = set()
        requests = 0
        while queue and requests < limits.sitemap_files:
            entry = queue.pop(0)
            if entry.url in seen or not same_site(entry.url, self._site):
                continue
            seen.add(entry.url)
            requests += 1
            facts, data = await self._fetcher.fetch_file(
                entry.url, max_bytes=limits.sitemap_bytes, deadline=limits.fetch_deadline
            )
            if data is None or facts.status != 200:
                continue
            room = limits.sitemap_urls - len(self.found)
            parsed = await asyncio.to_thread(
                parse_sitemap, data, max_urls=max(room, 1), max_bytes=limits.sitemap_bytes
            )
            if parsed.problem is not None and not entry.probe:
                self.notes.append(f"sitemap {entry.url}: {parsed.problem}")
            if parsed.kind is SitemapKind.NONE:
                continue
            self.files.append(entry.url)
            if entry.probe:
                queue = [e for e in queue if not e.probe]
            if parsed.kind is SitemapKind.INDEX:
                if entry.depth + 1 > MAX_INDEX_DEPTH:
                    self.notes.append(f"sitemap {entry.url}: indexes nested too deep, not followed")
                    continue
                children = sorted(parsed.locations, key=_sitemap_priority)
                queue += [_Entry(c, entry.depth + 1, False) for c in children if c not in seen]
                continue
            for location in parsed.locations:
                self.found.setdefault(location, entry.url)
            if len(self.found) >= limits.sitemap_urls:
                self.notes.append(f"sitemaps: stopped at {limits.sitemap_urls} addresses")
                break
        if queue and requests >= limits.sitemap_files:
            self.notes.append(f"sitemaps: stopped at {limits.sitemap_files} files")
        if not self.files:
            self.notes.append("no sitemap found")

    async def _declared(self) -> list[str]:
        robots = f"{self._site}/robots.txt"
        facts, data = await self._fetcher.fetch_file(
            robots, max_bytes=self._limits.robots_bytes, deadline=self._limits.fetch_deadline
        )
        if data is None or facts.status != 200:
            return []
        content_type = facts.page.content_type if facts.page is not None else None
        return sitemaps_in_robots(decode(data, content_type), robots)

    def candidates(self) -> list[Candidate]:
        """Every listed address as a candidate (CPU work: called off the event loop)."""
        return [
            Candidate.of(url, SuggestionSource.SITEMAP, sitemap)
            for url, sitemap in self.found.items()
        ]
