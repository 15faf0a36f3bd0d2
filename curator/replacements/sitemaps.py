"""Reading a site's sitemaps: `Sitemap:` lines of robots.txt, XML sitemaps and sitemap indexes
(gzip'd or not), plain-text sitemaps, and RSS/Atom feeds used as sitemaps.

Pure functions of bytes, every one bounded: a gzip'd file is inflated to at most `max_bytes`,
at most `max_urls` addresses are kept, and XML is read by expat with entity declarations and
external entities refused outright (a sitemap needs neither), so a billion-laughs or external
entity file yields nothing at all rather than a blown-up document. Malformed files keep what
was read before the fault.
"""

from __future__ import annotations

import xml.parsers.expat as expat
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urljoin, urlsplit

from curator.check.body import BoundedDecoder, DecodingError

MAX_LOCATION_CHARS = 2048
"""Longer "addresses" are not addresses: skipped."""
MAX_ROBOTS_SITEMAPS = 20
_CHUNK = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_ROOTS = {
    "urlset": "urlset",
    "sitemapindex": "index",
    "rss": "feed",
    "rdf": "feed",
    "RDF": "feed",
    "feed": "feed",
}


class SitemapKind(StrEnum):
    """What a sitemap file turned out to be."""

    URLSET = "urlset"
    """A list of pages."""
    INDEX = "index"
    """A list of further sitemaps."""
    TEXT = "text"
    """A plain-text sitemap: one address a line."""
    FEED = "feed"
    """An RSS or Atom feed (allowed as a sitemap by the protocol)."""
    NONE = "none"
    """Not a sitemap (an HTML page, an error page, a refused or unreadable file)."""


@dataclass(frozen=True, slots=True)
class SitemapFile:
    """The addresses one sitemap file lists, and whether a bound or a fault cut it short."""

    kind: SitemapKind
    locations: tuple[str, ...] = ()
    truncated: bool = False
    """A bound (bytes or addresses) stopped reading: there may be more."""
    problem: str | None = None
    """Why the file could not be read (fully), for the search's notes."""


def sitemaps_in_robots(
    text: str, robots_url: str, *, limit: int = MAX_ROBOTS_SITEMAPS
) -> list[str]:
    """The sitemap addresses a robots.txt declares (`Sitemap:` lines), absolute, in order."""
    found: dict[str, None] = {}
    for line in text.splitlines():
        field, sep, value = line.split("#", 1)[0].partition(":")
        if not sep or field.strip().lower() != "sitemap":
            continue
        location = _http_url(urljoin(robots_url, value.strip()))
        if location is not None:
            found[location] = None
            if len(found) >= limit:
                break
    return list(found)


def parse_sitemap(data: bytes, *, max_urls: int, max_bytes: int) -> SitemapFile:
    """The addresses a sitemap file lists (at most `max_urls`), inflating gzip to `max_bytes`."""
    truncated = False
    if data.startswith(_GZIP_MAGIC):
        try:
            data, truncated = _gunzip(data, max_bytes)
        except DecodingError as exc:
            return SitemapFile(SitemapKind.NONE, problem=str(exc))
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        found = _XMLReader(max_urls).read(data)
    else:
        found = _read_text(data, max_urls)
    if truncated and not found.truncated:
        return SitemapFile(found.kind, found.locations, True, found.problem)
    return found


def _gunzip(data: bytes, max_bytes: int) -> tuple[bytes, bool]:
    decoder = BoundedDecoder(["gzip"], max_bytes)
    for start in range(0, len(data), _CHUNK):
        decoder.feed(data[start : start + _CHUNK])
        if decoder.full:
            return decoder.take(), True
    decoder.finish()
    return decoder.take(), decoder.full


def _http_url(value: str) -> str | None:
    value = value.strip()
    if not value or len(value) > MAX_LOCATION_CHARS or any(c.isspace() for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return value


def _read_text(data: bytes, max_urls: int) -> SitemapFile:
    locations: list[str] = []
    text = data.decode("utf-8-sig", errors="replace")
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        location = _http_url(line)
        if location is None:
            # A text sitemap is nothing but addresses: anything else is some other file.
            if not locations:
                return SitemapFile(SitemapKind.NONE, problem="neither XML nor a list of addresses")
            continue
        locations.append(location)
        if len(locations) >= max_urls:
            return SitemapFile(SitemapKind.TEXT, tuple(locations), truncated=True)
    if not locations:
        return SitemapFile(SitemapKind.NONE, problem="empty")
    return SitemapFile(SitemapKind.TEXT, tuple(locations))


class _Refused(Exception):
    """The file declares entities or asks for external ones: hostile or useless, refused."""


class _Enough(Exception):
    """`max_urls` addresses have been read."""


class _NotASitemap(Exception):
    """The root element is not a sitemap's, an index's or a feed's."""


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


class _XMLReader:
    """Streams a sitemap through expat, keeping the text of <loc> (and feeds' links)."""

    def __init__(self, max_urls: int) -> None:
        self._max = max_urls
        self._kind: str | None = None
        self._stack: list[str] = []
        self._text: list[str] | None = None
        self._size = 0
        self.locations: dict[str, None] = {}
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.EntityDeclHandler = self._refuse
        parser.UnparsedEntityDeclHandler = self._refuse
        parser.ExternalEntityRefHandler = self._refuse
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        self._parser = parser

    def read(self, data: bytes) -> SitemapFile:
        """Parse `data`, keeping what was read before any fault or bound."""
        try:
            for start in range(0, len(data), _CHUNK):
                self._parser.Parse(data[start : start + _CHUNK], False)
            self._parser.Parse(b"", True)
        except _Refused:
            return SitemapFile(SitemapKind.NONE, problem="declares XML entities (refused)")
        except _NotASitemap:
            return SitemapFile(SitemapKind.NONE, problem=f"a <{self._stack[0]}> document")
        except _Enough:
            return SitemapFile(self._found_kind(), tuple(self.locations), truncated=True)
        except expat.ExpatError as exc:
            problem = f"not well-formed XML ({expat.errors.messages.get(exc.code, exc)})"
            if not self.locations:
                return SitemapFile(SitemapKind.NONE, problem=problem)
            return SitemapFile(self._found_kind(), tuple(self.locations), True, problem)
        if self._kind is None:
            return SitemapFile(SitemapKind.NONE, problem="no root element")
        return SitemapFile(self._found_kind(), tuple(self.locations))

    def _found_kind(self) -> SitemapKind:
        return SitemapKind(self._kind) if self._kind is not None else SitemapKind.NONE

    def _refuse(self, *args: object) -> int:
        raise _Refused

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        local = _local(name)
        if not self._stack:
            self._kind = _ROOTS.get(local)
            if self._kind is None:
                self._stack.append(local)
                raise _NotASitemap
        parent = self._stack[-1] if self._stack else ""
        self._stack.append(local)
        if local == "loc" and parent in ("url", "sitemap"):
            self._text, self._size = [], 0
        elif local == "link" and parent == "item":
            self._text, self._size = [], 0
        elif local == "link" and parent == "entry":
            rel = attributes.get("rel", "alternate")
            href = attributes.get("href")
            if href and rel == "alternate":
                self._keep(href)

    def _data(self, text: str) -> None:
        if self._text is not None and self._size <= MAX_LOCATION_CHARS:
            self._text.append(text)
            self._size += len(text)

    def _end(self, name: str) -> None:
        self._stack.pop()
        if self._text is not None and _local(name) in ("loc", "link"):
            text, self._text = "".join(self._text), None
            self._keep(text)

    def _keep(self, text: str) -> None:
        location = _http_url(text)
        if location is None:
            return
        self.locations[location] = None
        if len(self.locations) >= self._max:
            raise _Enough
