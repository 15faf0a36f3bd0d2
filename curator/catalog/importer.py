"""Reading a published guide page into a `GuideSpec`: its title, address and resource list.

The page is a CMS's article (WordPress-like markup). The importer relies on structure, not on
one site's class names: it reads the article body (schema.org `articleBody`, the common CMS
content containers, `<article>`, `<main>`, else `<body>`), leaves out the chrome (header,
navigation, asides, footers, forms, and blocks whose class or id says share, social, comment,
widget, menu, …), starts the resource list after a heading such as "The Resources", and takes
each later heading (h1–h6, or a paragraph that is all bold) as a section and each outbound link
under it as a resource. Links to the site itself, share buttons and non-web links are not
resources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import httpx
import phonenumbers
from selectolax.lexbor import LexborHTMLParser, LexborNode

from curator import phones
from curator.catalog.chrome import (
    CHROME_ROLES,
    CONTENT_SELECTORS,
    NOT_EDITORIAL_RELS,
    attr,
    bare_host,
    host_in,
    is_chrome,
    is_resources_heading,
    is_share_button,
)
from curator.catalog.kinds import guess_kind
from curator.catalog.matching import unique_key, without_tracking
from curator.catalog.schema import (
    PHONE_REGION,
    GuideSpec,
    ResourceSpec,
    SectionSpec,
    check_http_url,
    check_phone,
    slugify,
)
from curator.domain import ResourceKind

GENERIC_LINK_TEXTS = frozenset(
    {
        "here",
        "click here",
        "link",
        "this link",
        "this",
        "this page",
        "website",
        "this website",
        "read more",
        "more",
        "more information",
        "find out more",
        "download",
        "visit",
        "on this page",
        "this article",
        "this guide",
        "this resource",
        "their website",
        "on their website",
        "our website",
        "on our website",
        "online",
    }
)

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
BLOCK_TAGS = frozenset(
    {"p", "div", "ul", "ol", "li", "dl", "dt", "dd", "table", "tbody", "thead", "tr", "td", "th"}
    | {"section", "article", "main", "blockquote", "figure", "figcaption", "address", "pre"}
    | {"details", "summary", "hr"}
    | HEADINGS
)
_PSEUDO_HEADING_MAX = 100
_WHITESPACE = re.compile(r"\s+")
# A sentence ends at . ! ? (closing quotes allowed) before a capital, a digit or an opening quote.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[A-Z0-9“\"‘'(\[])|\n")
_TITLE_SEPARATOR = re.compile(r"\s+[|–—\-·•»:]\s+")
_LEAD_SEPARATOR = re.compile(r"^[\s–—\-:,;|]+")


# --- the page's parts ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Heading:
    level: int  # 1–6, or 7 for a paragraph that is all bold
    text: str


@dataclass(frozen=True, slots=True)
class _Block:
    nodes: tuple[LexborNode, ...]


@dataclass(slots=True)
class _Anchor:
    start: int
    end: int
    href: str
    label: str  # alt/aria-label/title when the link has no text


@dataclass(slots=True)
class _BlockText:
    text: str = ""
    anchors: list[_Anchor] = field(default_factory=list)


@dataclass(slots=True)
class _Found:
    section: str
    title: str
    url: str
    description: str | None
    link_text: str
    sentence: str
    phone: str | None = None


def _clean(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _element_children(node: LexborNode) -> Iterator[LexborNode]:
    """A node's children, text nodes included."""
    yield from node.iter(include_text=True)


def _has_block_inside(node: LexborNode) -> bool:
    first = True
    for descendant in node.traverse():
        if first:
            first = False
            continue
        if descendant.tag in BLOCK_TAGS:
            return True
    return False


def _pseudo_heading(node: LexborNode) -> _Heading | None:
    """A paragraph that is all bold, short and without links or phone numbers: a heading."""
    if node.tag not in ("p", "div") or node.css_first("a[href]") is not None:
        return None
    text = _clean(node.text())
    if not text or len(text) > _PSEUDO_HEADING_MAX or text.endswith((".", ",", ";")):
        return None
    bold = _clean(" ".join(b.text() for b in node.css("strong, b")))
    if bold != text:
        return None
    if next(iter(phonenumbers.PhoneNumberMatcher(text, PHONE_REGION)), None) is not None:
        return None
    return _Heading(7, text)


def _items(node: LexborNode, out: list[_Heading | _Block]) -> None:
    """The body as a flat sequence of headings and blocks of text, chrome left out."""
    run: list[LexborNode] = []

    def flush() -> None:
        if run:
            out.append(_Block(tuple(run)))
            run.clear()

    for child in _element_children(node):
        tag = child.tag
        if tag == "-text":
            run.append(child)
            continue
        if tag is None or tag.startswith("-") or is_chrome(child):
            continue
        if tag not in BLOCK_TAGS:
            run.append(child)
            continue
        flush()
        if tag in HEADINGS:
            text = _clean(child.text())
            if text:
                out.append(_Heading(int(tag[1]), text))
        elif _has_block_inside(child):
            _items(child, out)
        else:
            out.append(_pseudo_heading(child) or _Block((child,)))
    flush()


def _block_text(nodes: Iterable[LexborNode]) -> _BlockText:
    """A block's visible text, whitespace collapsed, with where each link's text lies."""
    parts: list[str] = []
    length = 0
    anchors: list[_Anchor] = []

    def add(raw: str) -> None:
        nonlocal length
        text = _WHITESPACE.sub(" ", raw)
        if text.startswith(" ") and (not parts or parts[-1].endswith((" ", "\n"))):
            text = text[1:]
        if text:
            parts.append(text)
            length += len(text)

    def walk(node: LexborNode) -> None:
        tag = node.tag
        if tag == "-text":
            add(node.text(deep=False))
            return
        if tag is None or tag.startswith("-") or is_chrome(node):
            return
        if tag == "br":
            parts.append("\n")
            nonlocal length
            length += 1
            return
        href = attr(node, "href") if tag == "a" else ""
        if href and NOT_EDITORIAL_RELS & set(attr(node, "rel").lower().split()):
            href = ""  # readers' and advertisers' links are not the guide's resources
        start = length
        for child in _element_children(node):
            walk(child)
        if href:
            label = attr(node, "aria-label") or attr(node, "title")
            image = node.css_first("img[alt]")
            if image is not None and attr(image, "alt"):
                label = attr(image, "alt")
            anchors.append(_Anchor(start, length, href, label))

    for node in nodes:
        walk(node)
    anchors.sort(key=lambda a: a.start)
    return _BlockText("".join(parts), anchors)


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of `text` that holds [start, end); ends inside the link do not count."""
    bounds = [m.end() for m in _SENTENCE_END.finditer(text)]
    first = max((b for b in bounds if b <= start), default=0)
    last = min((b for b in bounds if b >= end and b > start), default=len(text))
    return _clean(text[first:last])


def _description(sentence: str, link_text: str) -> str | None:
    """The sentence around a link. A link that opens it as a label ("Revenge Porn Helpline –
    a helpline…", "NSPCC Home Office funded…") is left out; a link that is the sentence's
    subject ("Childline is a free…") is kept."""
    if link_text and sentence.casefold().startswith(link_text.casefold()):
        rest = sentence[len(link_text) :]
        after = _LEAD_SEPARATOR.sub("", rest)
        separated = bool(rest[: len(rest) - len(after)].strip())
        continues = not separated and after[:1].islower() or after[:1] in ("'", "’")
        if not continues:
            sentence = after
    sentence = sentence.strip()
    if not sentence or len(sentence) < 3:
        return None
    return sentence[0].upper() + sentence[1:]


# Words around a generic link ("click here", "is here", "see it at") that name nothing.
_FILLER_BEFORE = frozenset(
    {"click", "clicking", "here", "see", "visit", "please", "read", "go", "to", "for", "more"}
    | {"about", "information", "find", "out", "by", "at", "on", "via"}
)
_FILLER_AFTER = frozenset(
    {"here", "is", "are", "can", "be", "found", "available", "at", "on", "from", "via", "see"}
    | {"visit", "click", "clicking", "by", "following", "link", "this", "it", "website", "page"}
)
_TITLE_MAX = 100


def _title_from_sentence(sentence: str, link_text: str) -> str:
    """A title for a link whose own text names nothing ("here"): its sentence, less the link's
    words and the filler around them ("The NSPCC's guidance on sexting is here." → "The
    NSPCC's guidance on sexting"). Empty when nothing is left."""
    words = sentence.split()
    generic = [w.casefold() for w in link_text.split()]
    if generic:
        for start in range(len(words) - len(generic) + 1):
            window = [
                w.casefold().strip(".,;:!?()\"'“”‘’") for w in words[start : start + len(generic)]
            ]
            if window == generic:
                words = words[:start] + words[start + len(generic) :]
                break

    def bare(word: str) -> str:
        return word.casefold().strip(".,;:!?()\"'“”‘’…")

    while words and (bare(words[-1]) in _FILLER_AFTER or not bare(words[-1])):
        words.pop()
    while words and (bare(words[0]) in _FILLER_BEFORE or not bare(words[0])):
        words.pop(0)
    title = " ".join(words).rstrip(".,;:!?–—- ")
    if len(title) > _TITLE_MAX:
        title = title[: _TITLE_MAX - 3].rsplit(" ", 1)[0] + "…"
    return title[:1].upper() + title[1:]


# --- addresses -----------------------------------------------------------------------------------


def _absolute(href: str, base: str | None) -> httpx.URL | None:
    try:
        url = httpx.URL(base).join(href) if base else httpx.URL(href)
    except (httpx.InvalidURL, ValueError, TypeError):
        return None
    if url.scheme not in ("http", "https") or not url.host:
        return None
    return url.copy_with(fragment=None)


def _http_url(value: str | None, base: str | None = None) -> str | None:
    if not value:
        return None
    url = _absolute(value, base)
    if url is None:
        return None
    try:
        return check_http_url(without_tracking(str(url)))
    except ValueError:
        return None


def _slug_of(url: str | None) -> str:
    """A guide's slug from its page's path: `/guides/sextortion-guide/` → sextortion-guide.

    Empty for a page at the site's root, or whose last segment is a number (`?p=123`, dates).
    """
    if not url:
        return ""
    segments = [s for s in httpx.URL(url).path.split("/") if s]
    if not segments:
        return ""
    last = re.sub(r"\.(?:html?|php|aspx?|jsp)$", "", segments[-1], flags=re.IGNORECASE)
    slug = slugify(last)
    return "" if not slug or slug.replace("-", "").isdigit() else slug


# --- the guide's title and address ----------------------------------------------------------------


def _meta(tree: LexborHTMLParser, *names: str) -> str:
    for name in names:
        node = tree.css_first(f'meta[property="{name}"], meta[name="{name}"]')
        if node is not None and attr(node, "content"):
            return _clean(attr(node, "content"))
    return ""


def _without_site_name(title: str, site_name: str) -> str:
    parts = _TITLE_SEPARATOR.split(title)
    if site_name and len(parts) > 1:
        kept = [p for p in parts if p.casefold() != site_name.casefold()]
        if kept and len(kept) < len(parts):
            # Put back the separators between the parts that stay (they belong to the title).
            start = title.find(kept[0])
            end = title.rfind(kept[-1]) + len(kept[-1])
            return title[start:end].strip()
    return title


_CONTENT_LANDMARKS = ("article", "main")
_CHROME_LANDMARKS = ("header", "nav", "aside", "footer")


def _is_page_heading(node: LexborNode) -> bool:
    """An h1 of the article, not the site's name in its banner."""
    parent = node.parent
    while parent is not None and parent.tag != "body":
        if parent.tag in _CONTENT_LANDMARKS or attr(parent, "role") == "main":
            return True
        if parent.tag in _CHROME_LANDMARKS or attr(parent, "role") in CHROME_ROLES:
            return False
        parent = parent.parent
    return True


def _guide_title(tree: LexborHTMLParser) -> str:
    for node in tree.css("h1"):
        if _is_page_heading(node) and _clean(node.text()):
            return _clean(node.text())
    og_title = _meta(tree, "og:title", "twitter:title")
    if og_title:
        return og_title
    site_name = _meta(tree, "og:site_name", "application-name")
    title_node = tree.css_first("title")
    if title_node is not None and _clean(title_node.text()):
        return _without_site_name(_clean(title_node.text()), site_name)
    return ""


def _canonical(tree: LexborHTMLParser, page_url: str | None) -> str | None:
    link = tree.css_first('link[rel="canonical"]')
    canonical = _http_url(attr(link, "href"), page_url) if link is not None else None
    return canonical or _http_url(_meta(tree, "og:url"), page_url) or _http_url(page_url)


def _content_root(tree: LexborHTMLParser) -> LexborNode | None:
    for selector in CONTENT_SELECTORS:
        nodes = tree.css(selector)
        if nodes:
            # Several matches (teasers of other posts): the one with the most text is the body.
            return max(nodes, key=lambda n: len(n.text()))
    return tree.body


# --- the resource list ----------------------------------------------------------------------------


def _resource_list(items: list[_Heading | _Block]) -> tuple[str | None, list[_Heading | _Block]]:
    """The items after the resources heading (up to the next heading as high as it, when the
    sections under it are lower), and the heading's text; the whole body when there is none."""
    start = next(
        (
            i
            for i, item in enumerate(items)
            if isinstance(item, _Heading) and _is_list_heading(item)
        ),
        None,
    )
    if start is None:
        return None, items
    heading = items[start]
    assert isinstance(heading, _Heading)
    rest = items[start + 1 :]
    first_sub = next((item for item in rest if isinstance(item, _Heading)), None)
    if heading.level < 7 and first_sub is not None and first_sub.level > heading.level:
        for i, item in enumerate(rest):
            if isinstance(item, _Heading) and item.level <= heading.level:
                rest = rest[:i]
                break
    return heading.text, rest


def _is_list_heading(heading: _Heading) -> bool:
    return is_resources_heading(heading.text)


@dataclass(slots=True)
class _Reader:
    base: str | None
    site_hosts: tuple[str, ...]
    found: list[_Found] = field(default_factory=list)

    def outbound(self, href: str) -> str | None:
        """The absolute address of a link to another site, or None for anything else."""
        if not href or href.startswith("#"):
            return None
        url = _absolute(href, self.base)
        if url is None or host_in(url.host, self.site_hosts) or is_share_button(url):
            return None
        try:
            return check_http_url(without_tracking(str(url)))
        except ValueError:
            return None

    def read_block(self, section: str, block: _Block) -> list[_Found]:
        """The resources one block links to, each with its sentence and phone number."""
        text = _block_text(block.nodes)
        found: list[_Found] = []
        seen: set[str] = set()
        starts: list[int] = []
        for anchor in text.anchors:
            url = self.outbound(anchor.href)
            if url is None or url in seen:
                continue
            seen.add(url)
            link_text = _clean(text.text[anchor.start : anchor.end]) or anchor.label
            sentence = _sentence(text.text, anchor.start, anchor.end)
            title = link_text
            if _is_generic(title):
                title = _title_from_sentence(sentence, link_text)
            if not title:
                title = bare_host(httpx.URL(url).host)
            found.append(
                _Found(section, title, url, _description(sentence, link_text), link_text, sentence)
            )
            starts.append(anchor.start)
        for start, raw in _numbers(text.text):
            owner = _nearest_before(starts, start)
            if owner is not None and found[owner].phone is None:
                found[owner].phone = _valid_phone(raw)
        return found


def _is_generic(link_text: str) -> bool:
    """'here', 'read more': a link text that names nothing."""
    return not link_text or link_text.casefold().strip(" .:") in GENERIC_LINK_TEXTS


def _nearest_before(starts: list[int], position: int) -> int | None:
    if not starts:
        return None
    before = [i for i, s in enumerate(starts) if s <= position]
    return before[-1] if before else 0


def _valid_phone(raw: str) -> str | None:
    try:
        return check_phone(_clean(raw))
    except ValueError:
        return None


def _numbers(text: str) -> list[tuple[int, str]]:
    """(position, as printed) of the phone numbers in `text`, in order: full numbers, and UK
    short numbers offered to call or text ("call free on 116 123")."""
    full = [(m.start, m.raw_string) for m in phonenumbers.PhoneNumberMatcher(text, PHONE_REGION)]
    return sorted([*full, *phones.offered_short_numbers(text)])


def _phones(block: _Block) -> list[str]:
    text = _block_text(block.nodes).text
    return [p for p in (_valid_phone(raw) for _, raw in _numbers(text)) if p]


def _site_hosts(*urls: str | None) -> tuple[str, ...]:
    hosts = {bare_host(httpx.URL(u).host) for u in urls if u}
    return tuple(sorted(h for h in hosts if h))


def parse_guide(html: str, *, url: str | None = None, slug: str | None = None) -> GuideSpec:
    """The guide a published page shows: its title, address and resource list.

    `url` is where the page was fetched from, if it was; `slug` names the guide (default: the
    slug of its title). Each section of the list holds a resource per outbound link under it.
    """
    tree = LexborHTMLParser(html)
    page_url = _http_url(url)
    base_node = tree.css_first("base[href]")
    base = _http_url(attr(base_node, "href"), page_url) if base_node is not None else None
    source_url = _canonical(tree, page_url)
    title = _guide_title(tree) or "Untitled guide"

    root = _content_root(tree)
    items: list[_Heading | _Block] = []
    if root is not None:
        _items(root, items)
    list_heading, listed = _resource_list(items)

    reader = _Reader(base or page_url or source_url, _site_hosts(page_url, source_url))
    section = list_heading or "Resources"
    last: _Found | None = None
    for item in listed:
        if isinstance(item, _Heading):
            if item.text != title:  # the article's own title heads no section
                section, last = item.text, None
            continue
        found = reader.read_block(section, item)
        if found:
            reader.found.extend(found)
            last = found[-1]
        elif last is not None and last.phone is None:
            # "Tel: …" on its own line under a link belongs to that link.
            phones = _phones(item)
            last.phone = phones[0] if phones else None

    return GuideSpec(
        slug=slug or _slug_of(source_url) or slugify(title) or "guide",
        title=title,
        source_url=source_url,
        sections=_sections(reader.found),
    )


_MARKUP = re.compile(r"<(?:!doctype|html|head|body|p|div|a|li|h[1-6]|br|article|main)\b", re.I)


def why_no_resources(html: str, *, url: str | None = None) -> str:
    """Why `parse_guide` found no resource on a page, as an editor can act on it."""
    if _MARKUP.search(html) is None:
        return (
            "it is plain text, not a web page (a copy saved as text keeps none of the page's "
            "links). Import the published page from its address (curator import https://…) "
            "or from the HTML a browser saves of it"
        )
    tree = LexborHTMLParser(html)
    page_url = _http_url(url)
    hrefs = [attr(a, "href") or "" for a in tree.css("a[href]")]
    if not hrefs:
        return "the page links nowhere (it has no <a href> link)"
    reader = _Reader(page_url, _site_hosts(page_url, _canonical(tree, page_url)))
    outbound = {u for u in map(reader.outbound, hrefs) if u is not None}
    if not outbound:
        return (
            "its one link leads to its own site or is not a web address"
            if len(hrefs) == 1
            else f"its {len(hrefs)} links all lead to its own site or are not web addresses"
        )
    where = (
        "its one link to another site is not"
        if len(outbound) == 1
        else f"none of its {len(outbound)} links to other sites is"
    )
    return f"{where} in the page's article (menus, headers, footers and share buttons are left out)"


def _sections(found: list[_Found]) -> list[SectionSpec]:
    """Resources grouped by section in page order; a link repeated with its title, or as
    'here', is one."""
    order: list[str] = []
    grouped: dict[str, list[ResourceSpec]] = {}
    used: set[str] = set()
    seen: set[tuple[str, str]] = set()
    urls: set[str] = set()
    for item in found:
        identity = (item.url, slugify(item.title))
        if identity in seen or (item.url in urls and _is_generic(item.link_text)):
            continue
        seen.add(identity)
        urls.add(item.url)
        name = next((s for s in order if s.casefold() == item.section.casefold()), item.section)
        if name not in grouped:
            order.append(name)
            grouped[name] = []
        kind = guess_kind(
            item.url, link_text=item.link_text, sentence=item.sentence, phone=bool(item.phone)
        )
        grouped[name].append(
            ResourceSpec(
                id=unique_key(item.title, used),
                title=item.title,
                url=item.url,
                kind=ResourceKind(kind),
                description=item.description,
                phone=item.phone,
            )
        )
    return [SectionSpec(title=name, resources=grouped[name]) for name in order]
