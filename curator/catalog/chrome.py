"""What a published page's chrome looks like, as data: the importer leaves all of it out.

Markers are generic (landmark elements, ARIA roles, the words CMSs and their plugins use in
class names, share buttons' targets), not one site's class names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import httpx
from selectolax.lexbor import LexborNode

CONTENT_SELECTORS = (
    '[itemprop="articleBody"]',
    ".entry-content",
    ".post-content",
    ".article-content",
    ".article-body",
    ".post-body",
    ".page-content",
    "article",
    '[role="main"]',
    "main",
)
"""Where a CMS puts an article's body, most specific first; `<body>` when none is found."""

CHROME_TAGS = frozenset(
    {
        "header",
        "nav",
        "footer",
        "aside",
        "form",
        "button",
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "object",
        "embed",
        "select",
        "textarea",
        "dialog",
    }
)
CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu", "menubar"}
)
# Words of a class or id (split at spaces, "-" and "_") that mark a block as chrome.
CHROME_WORD_PREFIXES = (
    "share",
    "sharing",
    "social",
    "addtoany",
    "comment",
    "respond",
    "sidebar",
    "masthead",
    "colophon",
    "menu",
    "nav",
    "breadcrumb",
    "newsletter",
    "subscribe",
    "cookie",
    "consent",
    "related",
    "popup",
    "modal",
    "advert",
    "sponsor",
    "byline",
)
"""Starts of a word (split at spaces, "-" and "_") of a class or id that mark a block as chrome
wherever they appear: `sharedaddy`, `wp-block-social-links`, `comments-area`, `jp-relatedposts`."""

CHROME_CLASS_PREFIXES = (
    "widget",
    "header",
    "footer",
    "site-header",
    "site-footer",
    "entry-footer",
    "entry-meta",
    "post-meta",
    "cat-links",
    "tags-links",
    "author-",
    "a2a",
    "sd-",
)
CHROME_CLASS_NAMES = frozenset(
    {"ad", "ads", "meta", "tags", "categories", "author", "pagination", "pager", "print"}
)
"""Whole class names (or their starts) of page-level chrome. Matched whole, not as words, so a
page builder's content blocks (`elementor-widget-text-editor`) are not taken for a sidebar's
widgets (`widget widget_text`)."""

SHARE_ENDPOINTS: tuple[tuple[str, str], ...] = (
    ("facebook.com", "/sharer"),
    ("facebook.com", "/share.php"),
    ("facebook.com", "/dialog/"),
    ("twitter.com", "/intent/"),
    ("twitter.com", "/share"),
    ("x.com", "/intent/"),
    ("x.com", "/share"),
    ("linkedin.com", "/shareArticle"),
    ("linkedin.com", "/sharing/"),
    ("linkedin.com", "/cws/share"),
    ("pinterest.com", "/pin/create"),
    ("pinterest.co.uk", "/pin/create"),
    ("reddit.com", "/submit"),
    ("whatsapp.com", "/send"),
    ("wa.me", "/"),
    ("t.me", "/share"),
    ("telegram.me", "/share"),
    ("tumblr.com", "/share"),
    ("tumblr.com", "/widgets/share"),
    ("bsky.app", "/intent/"),
    ("addtoany.com", "/"),
    ("getpocket.com", "/save"),
)
"""(host, path prefix) of share buttons' targets: never a resource, wherever they appear."""

RESOURCES_HEADING = re.compile(
    r"^(?:(?:the|useful|other|more|further|key|additional|external|our|helpful)\s+)*"
    r"(?:resources|links|reading|information|help and support)"
    r"(?:\s+and\s+(?:links|resources|support|further reading|information))?\s*:?$",
    re.IGNORECASE,
)
"""A heading that starts a guide's resource list: "The Resources", "Useful links", …"""

NOT_EDITORIAL_RELS = frozenset({"ugc", "sponsored"})
"""`rel` values of links readers or advertisers placed (comments, adverts): not resources."""


def attr(node: LexborNode, name: str) -> str:
    """An attribute's value, stripped; empty when absent."""
    value = node.attributes.get(name)
    return value.strip() if isinstance(value, str) else ""


def is_chrome(node: LexborNode) -> bool:
    """True for a page's chrome: landmarks, hidden blocks, and blocks named as chrome."""
    if node.tag in CHROME_TAGS:
        return True
    attrs = node.attributes
    if "hidden" in attrs or attr(node, "aria-hidden") == "true":
        return True
    if attr(node, "role") in CHROME_ROLES:
        return True
    names = f"{attr(node, 'class')} {attr(node, 'id')}".lower().split()
    if any(n in CHROME_CLASS_NAMES or n.startswith(CHROME_CLASS_PREFIXES) for n in names):
        return True
    words = (w for n in names for w in re.split(r"[_-]+", n))
    return any(w.startswith(CHROME_WORD_PREFIXES) for w in words if w)


def is_resources_heading(text: str) -> bool:
    """True for a heading that starts a guide's resource list."""
    return RESOURCES_HEADING.match(text) is not None


def bare_host(host: str) -> str:
    """A host name lower-cased, without `www.`."""
    return host.lower().removeprefix("www.")


def host_in(host: str, domains: Iterable[str]) -> bool:
    """True when `host` is one of `domains` or a subdomain of one (`www.` ignored)."""
    bare = bare_host(host)
    return any(bare == d or bare.endswith("." + d) for d in domains)


def is_share_button(url: httpx.URL) -> bool:
    """True for a share button's target (Facebook sharer, Twitter intent, …)."""
    return any(
        host_in(url.host, (host,)) and url.path.startswith(prefix)
        for host, prefix in SHARE_ENDPOINTS
    )
