"""Is this page the one that went missing? Comparing fetched pages with the lost page, and how
sure that makes curator.

The lost page is a `Reference`: the page as curator last saw it working (title, main heading,
a sample of its text) or, when it never worked, the catalog's title and description. A
candidate page is compared on its title, its headings and its text, with the site's own chrome
left out: title parts every page of the site carries ("| Charity name"), and text its
template repeats (the home page's, the not-found page's, and what most candidates share).

Pure: no I/O, no clock. Thresholds are deliberately strict for `confident`; the bench
(`python -m bench.replacements`) holds them to "never a wrong page as confident".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from curator.check.facts import Page, Snapshot
from curator.labels import date_label
from curator.replacements.ranking import address_likeness, coverage, dice, name_words, words
from curator.suggestions import Confidence

SHINGLE_WORDS = 3
MIN_SHINGLES = 12
"""A reference text with fewer distinct shingles (after the chrome) says too little."""
MIN_DESCRIPTION_WORDS = 4
TEMPLATE_SHARE = 0.5
"""Text that at least this share of the candidates (three or more) repeat is template."""
AMBIGUOUS_MARGIN = 0.15
"""A runner-up this close to the best match makes the best one merely possible."""
MAX_HEADINGS = 3
AGREEING = 0.8
"""With only the catalog to go by, a page's title and heading must both say the same."""
T = TypeVar("T")
_SEPARATORS = re.compile(r"\s+[|\-–—·•»:~]{1,2}\s+|\s*[|»·•]\s*")
_TEXT_WORD = re.compile(r"[^\W_]+")


class ReferenceOrigin(StrEnum):
    """What curator knows of the lost page."""

    LAST_GOOD_PAGE = "last_good_page"
    """The page as curator last saw it working."""
    CATALOG = "catalog"
    """Only the catalog's title and description: the link never worked while checked."""


@dataclass(frozen=True, slots=True)
class Reference:
    """The lost page, as candidates are compared with it."""

    origin: ReferenceOrigin
    title: str | None = None
    heading: str | None = None
    text: str = ""
    """A sample of the page's visible text (or the catalog's description)."""
    seen_at: datetime | None = None
    """When the page was last seen working (LAST_GOOD_PAGE only)."""
    expected: bool = False
    """The catalog asks for texts or a phone number, which every candidate had to show."""
    site_name: str | None = None
    """The site's own name as the page gave it: title chrome, whatever the site's home says."""

    @classmethod
    def from_catalog(
        cls, title: str, description: str | None, *, expected: bool = False
    ) -> Reference:
        """The lost page as the catalog describes it."""
        return cls(ReferenceOrigin.CATALOG, title, None, description or "", None, expected)

    @classmethod
    def from_page(
        cls,
        *,
        title: str | None,
        heading: str | None,
        text: str,
        seen_at: datetime | None = None,
        expected: bool = False,
    ) -> Reference:
        """The lost page as curator last saw it working."""
        return cls(ReferenceOrigin.LAST_GOOD_PAGE, title, heading, text, seen_at, expected)

    @classmethod
    def from_snapshot(
        cls, snapshot: Snapshot, *, seen_at: datetime | None = None, expected: bool = False
    ) -> Reference:
        """The lost page as the link's snapshot of its last good page keeps it."""
        return cls(
            ReferenceOrigin.LAST_GOOD_PAGE,
            snapshot.title,
            snapshot.heading,
            snapshot.text,
            seen_at,
            expected,
            snapshot.site_name,
        )

    @property
    def described_as(self) -> str:
        """What the candidates were compared with, in words."""
        if self.origin is ReferenceOrigin.CATALOG:
            return "the catalog's title and description (the link never worked while checked)"
        when = f" on {date_label(self.seen_at.date())}" if self.seen_at is not None else ""
        return f"the page as last seen working{when}"


def shingles(text: str) -> frozenset[int]:
    """Hashes of the text's runs of three words (lower-cased), for containment."""
    tokens = _TEXT_WORD.findall(text.lower())
    if len(tokens) < SHINGLE_WORDS:
        return frozenset({hash(tuple(tokens))}) if tokens else frozenset()
    return frozenset(
        hash(tuple(tokens[i : i + SHINGLE_WORDS])) for i in range(len(tokens) - SHINGLE_WORDS + 1)
    )


def title_parts(title: str | None) -> tuple[tuple[str, ...], ...]:
    """A title's parts between separators ("Advice | Charity" → advice; charity), as words."""
    if not title:
        return ()
    parts = (name_words(p) for p in _SEPARATORS.split(title))
    return tuple(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class SiteChrome:
    """What every page of a site carries and so says nothing about which page it is."""

    title_parts: frozenset[tuple[str, ...]] = frozenset()
    headings: frozenset[tuple[str, ...]] = frozenset()
    shingles: frozenset[int] = frozenset()
    name: frozenset[str] = frozenset()
    """The words of the site's name: title parts its home and not-found pages share."""

    @classmethod
    def of(
        cls, site: Sequence[Page], others: Iterable[Page] = (), candidates: Sequence[Page] = ()
    ) -> SiteChrome:
        """Chrome learnt from the site's own pages (`site`: home, not-found; `others`: the old
        address's parents), and from what most fetched candidates repeat."""
        parts: set[tuple[str, ...]] = set()
        headings: set[tuple[str, ...]] = set()
        common: set[int] = set()
        for page in [*site, *others]:
            parts.update(title_parts(page.title))
            headings.update(name_words(h) for h in page.headings)
            common |= shingles(page.text)
        shared: dict[tuple[str, ...], int] = {}
        for page in site:
            for part in set(title_parts(page.title)):
                shared[part] = shared.get(part, 0) + 1
        name = frozenset(w for part, count in shared.items() if count >= 2 for w in part)
        if len(candidates) >= 3:
            counts: dict[int, int] = {}
            for page in candidates:
                for value in shingles(page.text):
                    counts[value] = counts.get(value, 0) + 1
            needed = max(2, int(len(candidates) * TEMPLATE_SHARE + 0.5))
            common |= {value for value, count in counts.items() if count >= needed}
        return cls(frozenset(parts), frozenset(headings), frozenset(common), name)


@dataclass(frozen=True, slots=True)
class Comparison:
    """How a candidate page compares with the lost page."""

    title: float = 0.0
    """Words shared by the titles (their parts that are not site chrome), 0 to 1."""
    same_title: bool = False
    heading: float = 0.0
    same_heading: bool = False
    text: float | None = None
    """The share of the lost page's text found on the candidate; None when too little is
    known of it."""
    description: float | None = None
    """The share of the catalog description's words on the candidate (catalog only)."""
    address: float = 0.0
    """How alike the old and the new address are (their last two segments' words)."""

    @property
    def naming(self) -> float:
        """The better of the title and heading matches."""
        return max(self.title, self.heading)

    @property
    def weight(self) -> float:
        """One figure to order candidates by (content first, then naming)."""
        content = self.text if self.text is not None else (self.description or 0.0)
        return content + 0.5 * self.naming


def _kept(
    parts: Iterable[tuple[str, ...]], chrome: frozenset[tuple[str, ...]]
) -> list[tuple[str, ...]]:
    return [p for p in parts if p not in chrome]


def _naming(
    wanted: tuple[tuple[str, ...], ...], found: tuple[tuple[str, ...], ...]
) -> tuple[float, bool]:
    """How alike two names are (best part against part, or all their words), and whether
    they are the same words."""
    if not wanted or not found:
        return 0.0, False
    best = max(dice(frozenset(a), frozenset(b)) for a in wanted for b in found)
    whole = dice(frozenset(w for p in wanted for w in p), frozenset(w for p in found for w in p))
    score = max(best, whole)
    return round(score, 3), score >= 1.0


def compare(
    reference: Reference, page: Page, chrome: SiteChrome, *, old_url: str, url: str
) -> Comparison:
    """How `page` (at `url`) compares with the lost page (at `old_url`), the site's chrome
    left out."""
    address = address_likeness(old_url, url)
    chrome_parts = chrome.title_parts | set(title_parts(reference.site_name))
    wanted_title = tuple(_kept(title_parts(reference.title), chrome_parts))
    found_title = tuple(_kept(title_parts(page.title), chrome_parts))
    found_headings = tuple(h for h in (name_words(x) for x in page.headings[:MAX_HEADINGS]) if h)
    found_headings = tuple(h for h in found_headings if h not in chrome.headings)
    if reference.origin is ReferenceOrigin.CATALOG:
        # Editors often name the organisation in a resource's title ("Charity: advice").
        wanted_title = tuple(tuple(w for w in p if w not in chrome.name) or p for p in wanted_title)
        # The catalog's title may be the page's title or its heading.
        title, same_title = _naming(wanted_title, found_title)
        heading, same_heading = _naming(wanted_title, found_headings)
        described = frozenset(words(reference.text))
        description = None
        if len(described) >= MIN_DESCRIPTION_WORDS:
            on_page = frozenset(words(f"{page.title or ''} {' '.join(page.headings)} {page.text}"))
            description = round(coverage(described, on_page), 3)
        return Comparison(title, same_title, heading, same_heading, None, description, address)
    title, same_title = _naming(wanted_title, found_title)
    wanted_heading = tuple(
        h for h in (name_words(reference.heading or ""),) if h and h not in chrome.headings
    )
    heading, same_heading = _naming(wanted_heading, found_headings)
    lost = shingles(reference.text) - chrome.shingles
    text = None
    if len(lost) >= MIN_SHINGLES:
        text = round(len(lost & shingles(page.text)) / len(lost), 3)
    return Comparison(title, same_title, heading, same_heading, text, None, address)


def strength(reference: Reference, comparison: Comparison) -> Confidence | None:
    """How sure a comparison alone makes curator: confident, possible, or not a match."""
    c = comparison
    if reference.origin is ReferenceOrigin.CATALOG:
        # Title and heading must agree: a tag or listing page is often titled like the page.
        named = (c.same_title and c.heading >= AGREEING) or (c.same_heading and c.title >= AGREEING)
        if named and c.description is not None and c.description >= 0.5:
            return Confidence.CONFIDENT
        if named and c.description is None and reference.expected:
            return Confidence.CONFIDENT
        described = c.description is None or c.description >= 0.5
        if c.same_title or c.same_heading or (c.naming >= 0.7 and described):
            return Confidence.POSSIBLE
        return None
    if c.text is not None:
        if c.text >= 0.75 or (c.text >= 0.6 and max(c.naming, c.address) >= 0.5):
            return Confidence.CONFIDENT
        if c.text >= 0.3 or c.same_title or c.same_heading:
            return Confidence.POSSIBLE
        return None
    if c.same_title and c.same_heading:
        return Confidence.CONFIDENT
    if c.naming >= 0.5:
        return Confidence.POSSIBLE
    return None


@dataclass(frozen=True, slots=True)
class Judgement(Generic[T]):
    """The best match among the candidates, and how sure curator is of it."""

    best: T
    comparison: Comparison
    confidence: Confidence
    runner_up: T | None = None
    """A second page matching nearly as well (why a match is only possible)."""


def judge(reference: Reference, compared: Sequence[tuple[T, Comparison]]) -> Judgement[T] | None:
    """The best-matching candidate and its confidence; None when nothing matches.

    A confident match needs to stand alone: when a second page is nearly as good a match
    (the same page under two addresses aside, which the search merges first), the best is
    only possible.
    """
    rated = [(item, c, strength(reference, c)) for item, c in compared]
    matches = [(item, c, s) for item, c, s in rated if s is not None]
    if not matches:
        return None
    order = {Confidence.CONFIDENT: 0, Confidence.POSSIBLE: 1}
    matches.sort(key=lambda m: (order[m[2]], -m[1].weight))
    best, comparison, confidence = matches[0]
    runner_up = None
    if confidence is Confidence.CONFIDENT:
        for item, other, other_strength in matches[1:]:
            if other_strength is Confidence.CONFIDENT and (
                other.weight >= comparison.weight - AMBIGUOUS_MARGIN
            ):
                confidence, runner_up = Confidence.POSSIBLE, item
                break
    return Judgement(best, comparison, confidence, runner_up)


def _percent(value: float) -> str:
    return f"{int(value * 100)} %"


def summary(reference: Reference, comparison: Comparison) -> str:
    """The comparison in one phrase for editors ("same title, 94 % of the text")."""
    c = comparison
    if reference.origin is ReferenceOrigin.CATALOG:
        if c.same_title:
            naming = "the catalog's title"
        elif c.same_heading:
            naming = "the catalog's title as its heading"
        elif c.naming > 0:
            naming = f"a title like the catalog's ({_percent(c.naming)})"
        else:
            naming = "a title unlike the catalog's"
        parts = [naming]
        if c.description is not None:
            parts.append(f"{_percent(c.description)} of the description's words")
        return ", ".join(parts)
    if c.same_title:
        naming = "same title"
    elif c.same_heading:
        naming = "same heading"
    elif c.title >= c.heading and c.title > 0:
        naming = f"similar title ({_percent(c.title)})"
    elif c.heading > 0:
        naming = f"similar heading ({_percent(c.heading)})"
    else:
        naming = "a different title"
    if c.text is None:
        return naming
    return f"{naming}, {_percent(c.text)} of the text"
