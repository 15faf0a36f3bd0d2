"""Ranking a site's addresses by how likely each is to be where a lost page went, before any
of them is fetched: by the words of its address (its last segment above all) and of the link
that pointed to it, against the old address and the old page's title.

Pure and cheap: a sitemap of tens of thousands of addresses is ranked in milliseconds, and only
the few best are ever fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from curator.check.urls import is_home, same_url
from curator.suggestions import SuggestionSource

STOP_WORDS = frozenset(
    """a an and are as at be by can do for from has have how i if in into is it its me my no
    not of on or our that the their them there these they this to us was we what when where
    which who why will with you your www html htm shtml php aspx asp jsp cfm index default
    page pages home en gb""".split()
)
"""Words that say nothing about which page an address is."""
ASSET_SUFFIXES = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".css", ".js", ".xml", ".gz",
    ".json", ".rss", ".atom", ".zip", ".mp3", ".mp4", ".woff", ".woff2", ".ttf",
)  # fmt: skip
_WORD = re.compile(r"[^\W_]+")
_EXTENSION = re.compile(r"\.[a-z0-9]{1,6}$", re.IGNORECASE)


def stem(word: str) -> str:
    """A word's bare form, crudely: plurals and -ing/-ed endings off ("scams" → "scam",
    "stories" → "story", "reporting" → "report")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed") and not word.endswith("eed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> tuple[str, ...]:
    """The meaningful words of a text, lower-cased and stemmed, in order."""
    return tuple(
        stem(w)
        for w in _WORD.findall(text.lower())
        if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())
    )


def name_words(text: str) -> tuple[str, ...]:
    """Every word of a name (a title, a heading), lower-cased and stemmed: in names the small
    words count ("What to do" is not "Do")."""
    return tuple(stem(w) for w in _WORD.findall(text.lower()))


def path_segments(url: str) -> list[str]:
    """The words-bearing segments of an address's path, extensions dropped, decoded."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return []
    segments = [_EXTENSION.sub("", unquote(s)) for s in path.split("/") if s]
    return [s for s in segments if words(s)]


def slug_words(url: str) -> frozenset[str]:
    """The meaningful words of an address's last two meaningful path segments: its "slug"
    and the segment above it, which often names the topic ("/scams/how-to-report")."""
    return frozenset(w for s in path_segments(url)[-2:] for w in words(s))


def address_words(url: str) -> frozenset[str]:
    """The words of an address's whole path and query."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return frozenset()
    return frozenset(words(unquote(f"{parts.path} {parts.query}")))


def tail_words(url: str) -> frozenset[str]:
    """Every word of an address's last two path segments (extensions dropped): what a site
    restructure most often keeps of a page's address."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return frozenset()
    segments = [_EXTENSION.sub("", unquote(s)) for s in path.split("/") if s][-2:]
    return frozenset(w for s in segments for w in name_words(s.replace("-", " ")))


def address_likeness(old: str, new: str) -> float:
    """How alike two addresses' last two path segments are, 0 to 1 (words, not letters)."""
    return round(dice(tail_words(old), tail_words(new)), 3)


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """How alike two sets of words are: 2|a∩b| / (|a|+|b|), 0.0 when either is empty."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def coverage(wanted: frozenset[str], found: frozenset[str]) -> float:
    """The share of `wanted` words that are in `found` (0.0 when nothing is wanted)."""
    return len(wanted & found) / len(wanted) if wanted else 0.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """An address on the site that might be where the page went, and where it was found."""

    url: str
    source: SuggestionSource
    found_in: str
    """The sitemap that lists it, or the page that links to it."""
    text: str = ""
    """The words of the link to it (site links only)."""
    slug: frozenset[str] = frozenset()
    path: frozenset[str] = frozenset()

    @classmethod
    def of(cls, url: str, source: SuggestionSource, found_in: str, text: str = "") -> Candidate:
        """A candidate with its address's words worked out once."""
        return cls(url, source, found_in, text, slug_words(url), address_words(url))


@dataclass(frozen=True, slots=True)
class Clues:
    """What the ranking knows of the lost page: its old address and its title's words."""

    url: str
    slug: frozenset[str]
    path: frozenset[str]
    title: frozenset[str]

    @classmethod
    def of(cls, url: str, *titles: str | None, ignore: frozenset[str] = frozenset()) -> Clues:
        """Clues from the old address and the old page's title and heading (or the catalog's),
        leaving out the `ignore` words (the site's name, which every page's title carries)."""
        title: frozenset[str] = frozenset()
        for text in titles:
            if text:
                title |= frozenset(words(text))
        return cls(url, slug_words(url), address_words(url), (title - ignore) or title)


@dataclass(frozen=True, slots=True)
class Ranked:
    """A candidate and its score (0 to 1) before fetching."""

    candidate: Candidate
    score: float


def score(clues: Clues, candidate: Candidate) -> float:
    """How likely `candidate` is the lost page, judged by addresses and link words alone."""
    text = frozenset(words(candidate.text)) if candidate.text else frozenset()
    by_slug = dice(clues.slug, candidate.slug)
    by_title = coverage(clues.title, candidate.path | text)
    by_link = dice(clues.title, text)
    best = max(by_slug, by_title, by_link)
    mean = (by_slug + by_title + by_link) / 3
    # A page moved within its own section keeps its section's words.
    section = dice(clues.path - clues.slug, candidate.path - candidate.slug)
    return round(0.7 * best + 0.3 * mean + 0.1 * section, 4)


def eligible(clues: Clues, url: str) -> bool:
    """False for the old address itself, its parents and the home page (sections, not the
    page), and files that are not pages."""
    if same_url(url, clues.url) or is_home(url):
        return False
    try:
        path = urlsplit(url).path.lower()
        old = urlsplit(clues.url).path.lower()
    except ValueError:
        return False
    if old.startswith(path.rstrip("/") + "/"):
        return False
    return not path.endswith(ASSET_SUFFIXES)


def rank(clues: Clues, candidates: Iterable[Candidate], *, limit: int) -> list[Ranked]:
    """The `limit` most likely candidates with a score above zero, best first (each address
    once; ties go to the shorter address)."""
    best: dict[str, Ranked] = {}
    for candidate in candidates:
        if not (candidate.slug or candidate.path or candidate.text):
            continue
        value = score(clues, candidate)
        if value <= 0:
            continue
        seen = best.get(candidate.url)
        if (seen is None or value > seen.score) and eligible(clues, candidate.url):
            best[candidate.url] = Ranked(candidate, value)
    ordered = sorted(best.values(), key=lambda r: (-r.score, len(r.candidate.url), r.candidate.url))
    return ordered[:limit]
