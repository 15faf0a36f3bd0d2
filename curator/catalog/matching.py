"""Which link on a published page is which resource of the catalog.

Import and audit both compare a page's links with a guide's resources. A resource's identity
on the page is its address, compared in a normalised form; a guide may list one address twice
(two videos on one organisation's page), so the pairing is one-to-one and prefers a resource
of the same section, then of the same title.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus, urlencode

import httpx

from curator.catalog.schema import slugify

# Query parameters that say how a reader arrived, not which page it is.
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
    }
)


def is_tracking(name: str) -> bool:
    """True for a query parameter that only says how a reader arrived (utm_source, fbclid)."""
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def without_tracking(url: str) -> str:
    """The URL less its tracking parameters; everything else exactly as written."""
    head, hash_mark, fragment = url.partition("#")
    base, question, query = head.partition("?")
    if not question:
        return url
    kept = [p for p in query.split("&") if p and not is_tracking(unquote_plus(p.split("=")[0]))]
    rebuilt = base + ("?" + "&".join(kept) if kept else "")
    return rebuilt + hash_mark + fragment


def normalise_url(url: str) -> str:
    """A URL's identity for comparing a page with the catalog.

    Scheme, `www.`, the host's case, a default port, a trailing slash, the fragment and
    tracking parameters (utm_…, fbclid, …) make no difference.
    """
    text = url.strip()
    try:
        parsed = httpx.URL(text)
    except httpx.InvalidURL:
        return text
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return text
    host = parsed.host.lower().removeprefix("www.")
    if parsed.port is not None:
        host = f"{host}:{parsed.port}"
    raw_path, _, raw_query = parsed.raw_path.decode("ascii").partition("?")
    path = raw_path.rstrip("/") or "/"
    pairs = [
        (name, value)
        for name, value in parse_qsl(raw_query, keep_blank_values=True)
        if not is_tracking(name)
    ]
    query = f"?{urlencode(pairs)}" if pairs else ""
    return f"{host}{path}{query}"


@dataclass(frozen=True, slots=True)
class LinkEntry:
    """One link of a page, or one resource of the catalog, as the pairing sees it."""

    section: str
    key: str
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Pairing:
    """Which page links are which catalog resources, by index, and what is left on each side."""

    pairs: tuple[tuple[int, int], ...]
    """(page index, catalog index), in page order."""
    page_only: tuple[int, ...]
    catalog_only: tuple[int, ...]


def _same_text(a: str, b: str) -> bool:
    return slugify(a) == slugify(b)


Rule = Callable[[LinkEntry, LinkEntry], bool]


def _rules(by_key: bool) -> list[Rule]:
    def url(p: LinkEntry, c: LinkEntry) -> bool:
        return normalise_url(p.url) == normalise_url(c.url)

    def section(p: LinkEntry, c: LinkEntry) -> bool:
        return _same_text(p.section, c.section)

    def title(p: LinkEntry, c: LinkEntry) -> bool:
        return p.key == c.key or _same_text(p.title, c.title)

    rules: list[Rule] = [
        lambda p, c: url(p, c) and section(p, c) and title(p, c),
        lambda p, c: url(p, c) and section(p, c),
        lambda p, c: url(p, c) and title(p, c),
        url,
    ]
    if by_key:
        rules += [lambda p, c: title(p, c) and section(p, c), title]
    return rules


def pair_links(
    page: Sequence[LinkEntry], catalog: Sequence[LinkEntry], *, by_key: bool = False
) -> Pairing:
    """Pair page links with catalog resources one-to-one; closer matches are paired first.

    Pairs share a normalised address; with `by_key`, a link whose address matches nothing may
    pair with a resource of the same id or title.
    """
    page_free = list(range(len(page)))
    catalog_free = list(range(len(catalog)))
    pairs: list[tuple[int, int]] = []
    for rule in _rules(by_key):
        for p in list(page_free):
            match = next((c for c in catalog_free if rule(page[p], catalog[c])), None)
            if match is not None:
                pairs.append((p, match))
                page_free.remove(p)
                catalog_free.remove(match)
    return Pairing(tuple(sorted(pairs)), tuple(page_free), tuple(catalog_free))


_KEY_LENGTH = 60


def unique_key(title: str, used: set[str]) -> str:
    """A resource id from a title, unique among `used` (and added to it).

    The slug of the title's first 60 characters (whole words), suffixed -2, -3, … if taken.
    """
    base = slugify(title) or "resource"
    if len(base) > _KEY_LENGTH:
        base = base[: _KEY_LENGTH + 1].rsplit("-", 1)[0]
    key, n = base, 1
    while key in used:
        n += 1
        suffix = f"-{n}"
        key = base[: 120 - len(suffix)].rstrip("-") + suffix
    used.add(key)
    return key
