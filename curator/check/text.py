"""What a page says: charset, title, headings, visible text, refresh and canonical links,
and a fingerprint of the visible text that survives small edits.

Pure functions of bytes; nothing here touches the network. Malformed markup and
undecodable bytes are normal input: they are replaced or ignored, never raised.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser
from selectolax.lexbor import LexborNode as Node

from curator.check.facts import Page
from curator.check.markup import CHECK_EVERY, Budget, bound
from curator.check.quirks import PLAYER_FIELDS

MAX_TEXT_CHARS = 50_000
MARKUP_HEAD_CHARS = 24_576
MARKUP_TAIL_CHARS = 8_192
"""The markup sample: the start of the body and its end (challenge scripts sit at either)."""
MAX_LINKS = 100
MAX_PLAYER_CHARS = 200
MAX_TITLE_CHARS = 300
MAX_HEADINGS = 20
MAX_HEADING_CHARS = 200
SHINGLE_WORDS = 3
MAX_SHINGLES = 5_000

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})

# Removed before reading the visible text: code, then the page's chrome (read apart).
_CODE = tuple(
    (tag, f"<{tag}".encode()) for tag in ("script", "style", "noscript", "template", "svg")
)
_CHROME = tuple((tag, f"<{tag}".encode()) for tag in ("nav", "header", "footer"))
"""(tag, its opening as the markup's names show it: see `_names`)."""
MAX_CHROME_CHARS = 5_000
"""Characters of a page's header and navigation read (menus can list hundreds of links)."""
MAX_CHROME_NODES = 40
MAX_FOOTERS = 3
MAX_FOOTER_CHARS = 5_000
"""The page's last footers, read apart from its menus, up to this many characters."""
MAX_HIDDEN = 2_000
_BLOCKS = frozenset(
    "address article aside blockquote br dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main ol p pre section summary table tbody "
    "td tfoot th thead tr ul option button label title".split()
)
# An <a> tag's attributes are read up to the next "<" as well as ">": a page of unclosed
# "<a " would otherwise have each one read to the end of the page (quadratic: minutes).
_LINK = re.compile(r"""<[aA]\s[^<>]*?\b[hH][rR][eE][fF]\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_DIALLED = re.compile(
    r"""<[aA]\s[^<>]*?\b[hH][rR][eE][fF]\s*=\s*["']?\s*(?:tel|sms|callto):([^"'\s>]*)""", re.I
)
MAX_DIALLED = 50
UNBUDGETED_BYTES = 64 * 1024
"""Bodies up to this size are read without a CPU budget (see `extract_page`)."""
_COUNTED_TAGS = re.compile(rb"<(script|img|iframe|frame|embed|object|video|audio|canvas)")
"""Scripts and media elements, counted in one scan of the markup's names (see `_names`)."""
_WORD = re.compile(r"\w+")
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]{1,40})""", re.IGNORECASE
)
_REFRESH_URL = re.compile(r"""^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(['"]?)(.*?)\1\s*$""", re.I)
_NOT_CHARSETS = frozenset({"undefined", "idna", "punycode"})
"""Text codecs Python knows that no page is written in (decoding with them raises)."""
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
        info = codecs.lookup(label)
    except LookupError:
        return None
    name = info.name
    # A page may name any codec Python knows; only text encodings decode a page (rot13,
    # base64, zlib… are bytes-to-bytes and raise, as does "undefined").
    if not info._is_text_encoding or name in _NOT_CHARSETS:
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
        try:
            return data.decode(declared, errors="replace")
        except (LookupError, UnicodeError):
            pass  # a codec that cannot decode arbitrary bytes: read it as undeclared
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def collapse(text: str, limit: int) -> str:
    """Whitespace collapsed to single spaces, trimmed, cut to `limit` characters."""
    # str.split splits at exactly the characters `\s` matches (str.isspace), in a fraction of
    # the time a regular expression takes.
    return " ".join(text.split())[:limit]


def extract_page(
    data: bytes,
    *,
    content_type: str | None,
    base_url: str,
    bytes_read: int,
    truncated: bool,
    fingerprinted: bool = True,
    budget: float | None = None,
    section: str | None = None,
) -> Page:
    """Read a (decoded, capped) body into a Page; non-HTML/text bodies keep only their size.

    Pure and self-contained (bytes in, a Page out), so it runs in a worker thread (see
    `curator.check.fetcher`); bounded in time whatever the page (see `curator.check.markup`).
    With a `budget` (seconds of the thread's CPU), reading the markup and walking its text
    stop once it is spent: the page is what was read by then, and `parse_limit` is "time".
    `fingerprinted=False` skips the fingerprint, which only pages that answered with success
    are compared by. A body of at most `UNBUDGETED_BYTES` is read without looking at the
    clock: bounded as it is, it is read in milliseconds whatever it holds. With a `section`
    (the link's fragment, see `section_of`), `section_found` says whether the page has it.
    """
    spend = Budget(budget) if budget is not None and len(data) > UNBUDGETED_BYTES else None
    if not is_parsable(content_type, data):
        return Page(content_type=content_type, bytes_read=bytes_read, truncated=truncated)
    # NUL is never text; a body of zeros (a decompressed bomb) would otherwise cost the parser
    # tens of bytes per NUL.
    document = decode(data, content_type).replace("\x00", "")
    if media_type(content_type) in TEXT_TYPES:
        visible = collapse(document, MAX_TEXT_CHARS)
        return Page(
            content_type=content_type,
            text=visible,
            text_capped=len(visible) == MAX_TEXT_CHARS,
            bytes_read=bytes_read,
            truncated=truncated,
            fingerprint=fingerprint(visible) if fingerprinted else None,
            markup_sample=_sample(document),
        )
    bounded = bound(document, spend)
    tree = LexborHTMLParser(bounded.markup)
    names = _names(bounded.markup)
    said = _Said.of(tree, base_url, names)
    visible, chrome, capped = _read_text(tree, spend, names)
    counted = Counter(_COUNTED_TAGS.findall(names))
    limit = bounded.limit or ("time" if spend is not None and spend.spent else None)
    return Page(
        content_type=content_type,
        title=said.title or None,
        headings=said.headings,
        text=visible,
        chrome=chrome,
        meta_refresh=said.refresh,
        canonical=said.canonical,
        site_name=said.site_name,
        bytes_read=bytes_read,
        truncated=truncated,
        fingerprint=fingerprint(visible) if fingerprinted else None,
        markup_sample=_sample(document),
        links=_links(bounded.markup),
        dialled=_dialled(bounded.markup, names),
        scripts=counted.pop(b"script", 0),
        media=sum(counted.values()),
        player=_player(document),
        parse_limit=limit,
        text_capped=capped,
        section_found=(
            _section_found(document, names, section)
            if section is not None and not truncated and limit is None
            else None
        ),
    )


_NOT_SECTIONS = ("/", "!", ":~:")
"""Fragments that name no element: a script's route (`#/help`, `#!/help`), a text fragment."""
MAX_SECTION_CHARS = 200
_ANCHORS = re.compile(rb"<h[1-6]\s[^<>]*?\bid\s*=|<a\s[^<>]*?\b(?:name|id)\s*=")
"""A heading with an id, or a link anchor: the page marks its sections in its markup."""
_ID_VALUES = re.compile(r"""\b(?:id|name)\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s"'<>=`]+))""", re.I)
"""An id or name attribute's value (quoted values end at a tag's edge: never quadratic)."""


def section_of(url: str) -> str | None:
    """The section a link's fragment names (`…/advice#reporting` → "reporting", percent-
    escapes decoded); None when it has none or names no element: empty, `#top` (the top of
    any page), a script's route (`#/help`, `#!help`), a text fragment (`#:~:text=…`), or
    state a script reads (`#tab=2`)."""
    _, mark, fragment = url.partition("#")
    if not mark:
        return None
    fragment = unquote(fragment).split(":~:", 1)[0].strip()
    if (
        not fragment
        or fragment.lower() == "top"
        or fragment.startswith(_NOT_SECTIONS)
        or "=" in fragment
        or len(fragment) > MAX_SECTION_CHARS
    ):
        return None
    return fragment


def _section_found(document: str, names: bytes, section: str) -> bool | None:
    """True when the page has an element with id `section`, or an `<a name>` of it (letter
    case aside, HTML escapes undone); None when it has not, but it marks no section in its
    markup at all (its headings' anchors are then drawn by scripts); False otherwise."""
    wanted = section.casefold()
    for match in _ID_VALUES.finditer(document):
        value = match.group(match.lastindex or 1)
        if "&" in value:
            value = html.unescape(value)
        if value.strip().casefold() == wanted:
            return True
    return False if _ANCHORS.search(names) is not None else None


def _names(markup: str) -> bytes:
    """The markup in UTF-8 with its ASCII letters lower-cased: its tag and attribute names as
    the parser reads them (HTML names ignore ASCII case only). Lower-casing the text itself
    costs several times more on a page with any non-ASCII character."""
    return markup.encode("utf-8", "surrogatepass").lower()


def _sample(document: str) -> str:
    """The start and the end of a document (all of it when short)."""
    if len(document) <= MARKUP_HEAD_CHARS + MARKUP_TAIL_CHARS:
        return document
    return document[:MARKUP_HEAD_CHARS] + "\n…\n" + document[-MARKUP_TAIL_CHARS:]


def _links(markup: str) -> tuple[str, ...]:
    """The first MAX_LINKS link targets, as written (entities decoded)."""
    found: list[str] = []
    unescape = html.unescape
    for match in _LINK.finditer(markup):
        target = match.group(match.lastindex or 1) or ""
        found.append((unescape(target) if "&" in target else target).strip())
        if len(found) == MAX_LINKS:
            break
    return tuple(found)


def _dialled(markup: str, names: bytes) -> tuple[str, ...]:
    """The first MAX_DIALLED numbers of `tel:`, `sms:` and `callto:` links, as written
    (percent-escapes decoded, `;ext=…` and other parameters left out)."""
    if b"tel:" not in names and b"sms:" not in names and b"callto:" not in names:
        return ()
    found: list[str] = []
    for match in _DIALLED.finditer(markup):
        target = unquote(html.unescape(match.group(1))).split(";", 1)[0].split("?", 1)[0]
        if target.strip():
            found.append(target.strip())
            if len(found) == MAX_DIALLED:
                break
    return tuple(found)


def _player(document: str) -> tuple[tuple[str, str], ...]:
    """The fields of embedded player data the page holds (see `quirks.PLAYER_FIELDS`)."""
    fields: list[tuple[str, str]] = []
    for field in PLAYER_FIELDS:
        if field.needle not in document:
            continue
        match = field.pattern.search(document)
        if match is not None:
            fields.append((field.name, _json_string(match.group(1))[:MAX_PLAYER_CHARS]))
    return tuple(fields)


def _json_string(raw: str) -> str:
    """A JSON string's content with its escapes undone (as written when it is not valid)."""
    try:
        value = json.loads(f'"{raw}"')
    except ValueError:
        return raw
    return value if isinstance(value, str) else raw


def visible_text(tree: LexborHTMLParser) -> str:
    """The page's visible text: scripts, styles, navigation and chrome removed, collapsed."""
    return _read_text(tree)[0]


def _read_text(
    tree: LexborHTMLParser, budget: Budget | None = None, names: bytes | None = None
) -> tuple[str, str, bool]:
    """(visible text without the page's chrome, the chrome's text, whether the text is only
    the start of a longer one): header, footer and navigation are the same on every page of
    a site, so they are kept apart. Walking stops when `budget` is spent: the text is what
    was read by then.

    With the parsed markup's `names` (see `_names`), elements whose tag or attribute it never
    names are not looked for: an element exists only where the markup names it."""
    if names is None or b"hidden" in names:
        for node in tree.css("[hidden]")[:MAX_HIDDEN]:
            node.decompose()
    code = [tag for tag, opening in _CODE if names is None or opening in names]
    if code:
        tree.strip_tags(code)
    menus = footer = ""
    tags = [tag for tag, opening in _CHROME if names is None or opening in names]
    if tags:
        nodes = _elements(tree, tags, names)
        if names is None or b"<article" in names:
            # An article's own header and footer (its headline, byline, image caption, "filed
            # under") are its content, not the site's chrome.
            nodes = [n for n in nodes if n.tag == "nav" or not _in_article(n)]
        # The page's own footer (its last ones) is read whatever the menus before it hold: a
        # site's helpline number and name sit there, after menus (a list of every country, a
        # header on every teaser) that can fill the menus' share.
        menus = _read_chrome([n for n in nodes if n.tag != "footer"], MAX_CHROME_CHARS, budget)
        footers = [n for n in nodes if n.tag == "footer"][-MAX_FOOTERS:]
        footer = _read_chrome(footers, MAX_FOOTER_CHARS, budget)
        for node in reversed(nodes):  # the nested ones first: each is removed once
            node.decompose()
    root = tree.body if tree.body is not None else tree.root
    walked = _walk(root, MAX_TEXT_CHARS * 2, budget) if root is not None else ""
    text = collapse(walked, MAX_TEXT_CHARS)
    capped = len(walked) > MAX_TEXT_CHARS * 2 or len(text) == MAX_TEXT_CHARS
    return text, collapse(f"{menus} {footer}", MAX_CHROME_CHARS + MAX_FOOTER_CHARS), capped


def _in_article(node: Node) -> bool:
    """True when `node` is inside an <article> element."""
    parent = node.parent
    while parent is not None:
        if parent.tag == "article":
            return True
        parent = parent.parent
    return False


def _read_chrome(nodes: list[Node], limit: int, budget: Budget | None) -> str:
    """The text of the first MAX_CHROME_NODES `nodes`, until `limit` characters are read."""
    said: list[str] = []
    size = 0
    for node in nodes[:MAX_CHROME_NODES]:
        text = _walk(node, limit, budget)
        said.append(text)
        size += len(text)
        if size > limit:
            break
    return " ".join(said)


SMALL_TREE_TAGS = 150
"""A tree of at most this many tags is walked in Python to find elements of a few names
(cheaper than a selector's set-up; past it, the selector's walk in C is)."""


def _elements(tree: LexborHTMLParser, tags: list[str], names: bytes | None) -> list[Node]:
    """The elements of `tags`, in document order (nested ones too), as `tree.css` finds them."""
    if len(tags) == 1:
        return tree.tags(tags[0])
    if names is not None and names.count(b"<") <= SMALL_TREE_TAGS and tree.root is not None:
        wanted = frozenset(tags)
        return [node for node in tree.root.traverse() if node.tag in wanted]
    return tree.css(", ".join(tags))


def _walk(root: Node, limit: int, budget: Budget | None = None) -> str:
    """The text under `root`, a space at each block's edge, stopping after `limit` chars (or
    when `budget` is spent)."""
    parts: list[str] = []
    add = parts.append
    blocks = _BLOCKS
    size = 0
    count = 0
    for node in root.traverse(include_text=True):
        if budget is not None:
            count += 1
            if count % CHECK_EVERY == 0 and budget.over():
                break
        tag = node.tag
        if tag in blocks:
            add(" ")
        elif tag == "-text":
            previous = node.prev
            if previous is not None and previous.tag in blocks:
                add(" ")
            content = node.text_content or ""
            add(content)
            size += len(content)
            if size > limit:
                break
    return "".join(parts)


def _absolute(base: str, target: str) -> str | None:
    target = target.strip()
    if not target:
        return None
    joined = urljoin(base, target)
    return joined if urlsplit(joined).scheme in ("http", "https") else None


_SAID = (
    (b"<base", b"href", "base[href]"),
    (b"<meta", b"http-equiv", "meta[http-equiv]"),
    (b"<meta", b"property", 'meta[property="og:site_name"]'),
    (b"<meta", b"name", 'meta[name="application-name"]'),
    (b"<link", b"href", "link[rel][href]"),
)
"""The elements `_Said` reads besides the title and headings: (the element's opening and an
attribute's name as the markup's names show them, its selector). Those the markup can hold
are found in one walk of the tree (one list of selectors costs about what one does)."""


@dataclass(frozen=True, slots=True)
class _Said:
    """What a page says of itself in its markup: title, headings, refresh, canonical, name."""

    title: str
    headings: tuple[str, ...]
    refresh: str | None
    canonical: str | None
    site_name: str | None

    @classmethod
    def of(cls, tree: LexborHTMLParser, url: str, names: bytes) -> _Said:
        """Read from `tree` (not yet stripped of anything), addresses resolved against `url`
        or the page's own <base>. An element the markup's `names` (see `_names`) never name
        is not looked for: title and headings are found by their tag, without a selector."""
        titles = tree.tags("title") if b"<title" in names else []
        title = titles[0] if titles else None
        h1 = tree.tags("h1") if b"<h1" in names else []
        h2 = tree.tags("h2") if b"<h2" in names else []
        selectors = [query for opening, name, query in _SAID if opening in names and name in names]
        base: str | None = None
        refreshes: list[str] = []
        canonical: str | None = None
        links: list[dict[str, str | None]] = []
        site_name: dict[str, str | None] | None = None
        application: dict[str, str | None] | None = None
        based = False
        for node in tree.css(", ".join(selectors)) if selectors else ():
            tag = node.tag
            if tag == "meta":
                attrs = node.attributes
                if "http-equiv" in attrs:
                    if (attrs.get("http-equiv") or "").strip().lower() == "refresh":
                        refreshes.append(attrs.get("content") or "")
                if site_name is None and attrs.get("property") == "og:site_name":
                    site_name = attrs
                if application is None and attrs.get("name") == "application-name":
                    application = attrs
            elif tag == "link":
                links.append(node.attributes)
            elif tag == "base" and not based:
                based = True  # the first <base href> counts, as browsers read it
                base = node.attributes.get("href")
        if base:
            url = _absolute(url, base) or url
        for attrs in links:
            if "canonical" in (attrs.get("rel") or "").lower().split():
                canonical = _absolute(url, attrs.get("href") or "")
                break
        return cls(
            title=collapse(title.text(), MAX_TITLE_CHARS) if title is not None else "",
            headings=_headings(h1, h2),
            refresh=_meta_refresh(refreshes, url),
            canonical=canonical,
            site_name=_site_name(site_name, application),
        )


def _headings(h1: list[Node], h2: list[Node]) -> tuple[str, ...]:
    """Main headings first: a page's h1s, then its h2s (see `Snapshot.heading`)."""
    headings: list[str] = []
    for node in (*h1[: MAX_HEADINGS * 2], *h2[: MAX_HEADINGS * 2]):
        heading = collapse(node.text(separator=" "), MAX_HEADING_CHARS)
        if heading:
            headings.append(heading)
            if len(headings) == MAX_HEADINGS:
                break
    return tuple(headings)


def _meta_refresh(contents: list[str], base: str) -> str | None:
    """The target of the first refresh that names one."""
    for content in contents:
        match = _REFRESH_URL.match(content)
        if match and match.group(2):
            return _absolute(base, match.group(2))
    return None


def _site_name(*metas: dict[str, str | None] | None) -> str | None:
    """The content of `og:site_name`, else of `application-name` (the first of each)."""
    for attrs in metas:
        content = attrs.get("content") if attrs is not None else None
        if content and content.strip():
            return collapse(content, MAX_TITLE_CHARS)
    return None


_BLAKE2B_64 = hashlib.blake2b(digest_size=8)
"""An empty 64-bit BLAKE2b hasher, copied for each shingle."""


def fingerprint(text: str) -> str | None:
    """A 64-bit simhash (16 hex digits) of the text's word shingles; None for no words."""
    words = _words(text)
    if not words:
        return None
    width = min(SHINGLE_WORDS, len(words))
    runs = zip(*(words[i:] for i in range(width)), strict=False)  # the shorter ones end it
    shingles = list(itertools.islice(map(b" ".join, runs), MAX_SHINGLES))
    count = len(shingles)
    # Each distinct shingle hashed once (a page repeats its menus and phrases); every
    # occurrence still votes. A hasher is copied from one made once (cheaper than making one).
    copy = _BLAKE2B_64.copy
    digest: dict[bytes, bytes] = {}
    for shingle in set(shingles):
        hasher = copy()
        hasher.update(shingle)
        digest[shingle] = hasher.digest()
    digests = b"".join(map(digest.__getitem__, shingles))
    # A bit of the simhash is set when most shingle hashes have it set. Counted a column of
    # bytes at a time in C rather than 64 Python steps per shingle: the column read as one
    # integer, each bit of every byte is a shift, a mask (bit 0 of every byte) and a count.
    ones = int.from_bytes(b"\x01" * count, "little")
    half = count // 2
    result = 0
    for position in range(8):
        column = int.from_bytes(digests[position::8], "little")
        at = (7 - position) * 8
        for bit in range(8):
            if ((column >> bit) & ones).bit_count() > half:
                result |= 1 << (at + bit)
    return f"{result:016x}"


_ASCII_WORD_BYTES = bytes(
    value if value < 128 and (chr(value).isalnum() or value == ord("_")) else ord(" ")
    for value in range(256)
)
"""ASCII word characters (what `\\w` matches in ASCII text) kept, every other byte a space."""


def _words(text: str) -> list[bytes]:
    """The words of `text` (runs of `\\w`), lower-cased, in UTF-8 (as shingles are hashed)."""
    if text.isascii():
        # The same words without a regular expression: bytes kept or made spaces, then split.
        return text.encode("ascii").lower().translate(_ASCII_WORD_BYTES).split()
    found = _WORD.findall(text.lower())
    # A word holds no space, nor does any character's UTF-8: split again after one encoding.
    return " ".join(found).encode("utf-8", "surrogatepass").split(b" ") if found else []


def similarity(a: str, b: str) -> float:
    """How alike two fingerprints are: 1.0 identical, about 0.5 unrelated."""
    distance = (int(a, 16) ^ int(b, 16)).bit_count()
    return 1.0 - distance / 64
