"""What a page says: charset, title, headings, visible text, refresh and canonical links,
and a fingerprint of the visible text that survives small edits.

Pure functions of bytes; nothing here touches the network. Malformed markup and
undecodable bytes are normal input: they are replaced or ignored, never raised.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from curator.check.facts import Page

MAX_TEXT_CHARS = 50_000
MAX_MARKUP_CHARS = 8_192
MAX_TITLE_CHARS = 300
MAX_HEADINGS = 20
MAX_HEADING_CHARS = 200
SHINGLE_WORDS = 3
MAX_SHINGLES = 5_000

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})

# Removed before reading the visible text: code, navigation and page chrome.
_INVISIBLE = ("script", "style", "noscript", "nav", "header", "footer", "template", "svg")
_BLOCKS = frozenset(
    "address article aside blockquote br dd details dialog div dl dt fieldset figcaption "
    "figure form h1 h2 h3 h4 h5 h6 hr li main ol p pre section summary table tbody td tfoot "
    "th thead tr ul option button label title".split()
)
_BIT_OF_BYTE = tuple(bytes((value >> bit) & 1 for value in range(256)) for bit in range(8))
"""For each bit 0-7, a translation table mapping a byte to 1 when that bit is set, else 0."""
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]{1,40})""", re.IGNORECASE
)
_REFRESH_URL = re.compile(r"""^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(['"]?)(.*?)\1\s*$""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def media_type(content_type: str | None) -> str | None:
    """The bare media type of a Content-Type value, lower-cased (`text/html`)."""
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def is_parsable(content_type: str | None, data: bytes) -> bool:
    """True for HTML and plain text (or an untyped body that looks like HTML)."""
    kind = media_type(content_type)
    if kind is None:
        return _looks_like_html(data)
    return kind in HTML_TYPES or kind in TEXT_TYPES


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<title"))


def _charset_param(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _known(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # As browsers do: these labels mean windows-1252, a superset.
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def decode(data: bytes, content_type: str | None) -> str:
    """Bytes to text: BOM, then the header's charset, then <meta>, then UTF-8 or cp1252."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    declared = _known(_charset_param(content_type))
    if declared is None:
        match = _META_CHARSET.search(data[:4096])
        declared = _known(match.group(1).decode("ascii")) if match else None
        if declared is not None and declared.startswith("utf-16"):
            declared = "utf-8"  # a <meta> that is readable as ASCII cannot mean UTF-16
    if declared is not None:
        return data.decode(declared, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def collapse(text: str, limit: int) -> str:
    """Whitespace collapsed to single spaces, trimmed, cut to `limit` characters."""
    return _SPACE.sub(" ", text).strip()[:limit]


def extract_page(
    data: bytes,
    *,
    content_type: str | None,
    base_url: str,
    bytes_read: int,
    truncated: bool,
) -> Page:
    """Read a (decoded, capped) body into a Page; non-HTML/text bodies keep only their size."""
    if not is_parsable(content_type, data):
        return Page(content_type=content_type, bytes_read=bytes_read, truncated=truncated)
    # NUL is never text; a body of zeros (a decompressed bomb) would otherwise cost the parser
    # tens of bytes per NUL.
    text = decode(data, content_type).replace("\x00", "")
    if media_type(content_type) in TEXT_TYPES:
        visible = collapse(text, MAX_TEXT_CHARS)
        return Page(
            content_type=content_type,
            text=visible,
            bytes_read=bytes_read,
            truncated=truncated,
            fingerprint=fingerprint(visible),
        )
    tree = LexborHTMLParser(text)
    base = _base_url(tree, base_url)
    title_node = tree.css_first("title")
    title = collapse(title_node.text(), MAX_TITLE_CHARS) if title_node is not None else ""
    # Main headings first: a page's h1s, then its h2s (see `Snapshot.heading`).
    nodes = [*tree.css("h1"), *tree.css("h2")]
    headings = tuple(
        h for h in (collapse(n.text(separator=" "), MAX_HEADING_CHARS) for n in nodes) if h
    )[:MAX_HEADINGS]
    refresh = _meta_refresh(tree, base)
    canonical = _canonical(tree, base)
    site_name = _site_name(tree)
    visible = visible_text(tree)
    return Page(
        content_type=content_type,
        title=title or None,
        headings=headings,
        text=visible,
        meta_refresh=refresh,
        canonical=canonical,
        site_name=site_name,
        bytes_read=bytes_read,
        truncated=truncated,
        fingerprint=fingerprint(visible),
        markup_sample=text[:MAX_MARKUP_CHARS],
    )


def visible_text(tree: LexborHTMLParser) -> str:
    """The page's visible text: scripts, styles, navigation and chrome removed, collapsed."""
    for node in tree.css("[hidden]"):
        node.decompose()
    tree.strip_tags(list(_INVISIBLE))
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return ""
    parts: list[str] = []
    size = 0
    for node in root.traverse(include_text=True):
        tag = node.tag
        if tag in _BLOCKS:
            parts.append(" ")
        elif tag == "-text":
            previous = node.prev
            if previous is not None and previous.tag in _BLOCKS:
                parts.append(" ")
            content = node.text_content or ""
            parts.append(content)
            size += len(content)
            if size > MAX_TEXT_CHARS * 2:
                break
    return collapse("".join(parts), MAX_TEXT_CHARS)


def _absolute(base: str, target: str) -> str | None:
    target = target.strip()
    if not target:
        return None
    joined = urljoin(base, target)
    return joined if urlsplit(joined).scheme in ("http", "https") else None


def _base_url(tree: LexborHTMLParser, url: str) -> str:
    node = tree.css_first("base[href]")
    href = node.attributes.get("href") if node is not None else None
    return (_absolute(url, href) or url) if href else url


def _meta_refresh(tree: LexborHTMLParser, base: str) -> str | None:
    for node in tree.css("meta[http-equiv]"):
        attrs = node.attributes
        if (attrs.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        match = _REFRESH_URL.match(attrs.get("content") or "")
        if match and match.group(2):
            return _absolute(base, match.group(2))
    return None


def _canonical(tree: LexborHTMLParser, base: str) -> str | None:
    for node in tree.css("link[rel][href]"):
        attrs = node.attributes
        if "canonical" in (attrs.get("rel") or "").lower().split():
            return _absolute(base, attrs.get("href") or "")
    return None


def _site_name(tree: LexborHTMLParser) -> str | None:
    for selector in ('meta[property="og:site_name"]', 'meta[name="application-name"]'):
        node = tree.css_first(selector)
        content = node.attributes.get("content") if node is not None else None
        if content and content.strip():
            return collapse(content, MAX_TITLE_CHARS)
    return None


def fingerprint(text: str) -> str | None:
    """A 64-bit simhash (16 hex digits) of the text's word shingles; None for no words."""
    words = _WORD.findall(text.lower())
    if not words:
        return None
    width = min(SHINGLE_WORDS, len(words))
    count = min(len(words) - width + 1, MAX_SHINGLES)
    digests = b"".join(
        hashlib.blake2b(" ".join(words[i : i + width]).encode(), digest_size=8).digest()
        for i in range(count)
    )
    # A bit of the simhash is set when most shingle hashes have it set. Counted a column at
    # a time in C (slice, translate to 0/1, count) rather than 64 Python steps per shingle.
    result = 0
    for position in range(8):
        column = digests[position::8]
        for bit in range(8):
            if 2 * column.translate(_BIT_OF_BYTE[bit]).count(1) > count:
                result |= 1 << ((7 - position) * 8 + bit)
    return f"{result:016x}"


def similarity(a: str, b: str) -> float:
    """How alike two fingerprints are: 1.0 identical, about 0.5 unrelated."""
    distance = (int(a, 16) ^ int(b, 16)).bit_count()
    return 1.0 - distance / 64
