"""The links of a page (a site's home page, an old address's parent pages), with their text.

Pure: HTML text in, absolute http(s) addresses out, fragments dropped, each address once (with
the longest text any of its links had), at most `limit` of them in page order. Navigation is
kept on purpose: a section's menu is where a moved page is most often linked from.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from curator.check.markup import bound
from curator.check.text import collapse

MAX_LINKS = 1_000
MAX_LINK_TEXT = 200


@dataclass(frozen=True, slots=True)
class Link:
    """An address a page links to, and the words of the link."""

    url: str
    text: str = ""


def page_links(html: str, base_url: str, *, limit: int = MAX_LINKS) -> tuple[Link, ...]:
    """The distinct http(s) links of `html`, absolute against `base_url` (or its <base>); its
    nesting and tags bounded first, as every page curator parses (`curator.check.markup`)."""
    tree = LexborHTMLParser(bound(html.replace("\x00", "")).markup)
    base = base_url
    node = tree.css_first("base[href]")
    if node is not None:
        base = urljoin(base_url, (node.attributes.get("href") or "").strip()) or base_url
    found: dict[str, str] = {}
    for anchor in tree.css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        try:
            url = urldefrag(urljoin(base, href)).url
            scheme = urlsplit(url).scheme.lower()
        except ValueError:
            continue
        if scheme not in ("http", "https"):
            continue
        text = collapse(
            anchor.text(separator=" ") or anchor.attributes.get("title") or "", MAX_LINK_TEXT
        )
        if url not in found:
            if len(found) >= limit:
                continue
            found[url] = text
        elif len(text) > len(found[url]):
            found[url] = text
    return tuple(Link(url, text) for url, text in found.items())
