"""Signs of a domain lander that no signature names: what parked pages share whoever parks
them. Each sign is weak alone (a small real site may be titled with its domain name, an app
shell is only scripts); `curator.check.parking_rules` counts them together.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from curator.check import urls
from curator.check.signatures import AD_FEED, REDIRECTING_WORDS
from curator.check.view import PageView

SCRIPT_ONLY_WORDS = 10
"""At most this many words of visible text: the page is what its scripts will draw."""
FARM_MIN_LINKS = 4
FARM_SHARE = 0.6
"""A link farm: at least this share of its links go to search or ad redirectors…"""
FARM_WORDS_PER_LINK = 12
"""…with less prose than this per link."""

DIRECTORY_LINKS = 30
DIRECTORY_SITES = 15
DIRECTORY_SHARE = 0.6
DIRECTORY_WORDS_PER_LINK = 6
"""A link directory: at least `DIRECTORY_LINKS` links, most of them (`DIRECTORY_SHARE`) to at
least `DIRECTORY_SITES` other sites, with fewer words than `DIRECTORY_WORDS_PER_LINK` per link
(its text is little more than the links' own)."""

DOMAIN_PARAMETERS = frozenset(
    "domain d dn domainname domain_name domaintocheck fqdn searchterm q query keyword kw".split()
)
"""Parameters through which sales and parking services are told which domain a visitor came
for; others (`utm_source`, `feature`, `ref`) name where a link was shared, not what is sold."""

_BARE_DOMAIN = re.compile(
    r"^\W*(?:www\.)?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,})\W*$"
)
_SEARCH_LINK = re.compile(
    r"[?&](?:q|query|search|searchtext|kw|keyword|keywords|term|terms|k|qs|afdtoken|caf|sq)="
    r"|/(?:search|listing|listings|srp|results|sponsored|ads|click|clk|aclk)(?:[/?.]|$)"
    r"|^\?|^/\?",
    re.IGNORECASE,
)


def bare_domain_title(view: PageView) -> bool:
    """The title (or else the main heading) is just a domain name: a lander's title."""
    text = view.title or (view.headings[0] if view.headings else "")
    return bool(text) and _BARE_DOMAIN.match(text) is not None


def script_only(view: PageView) -> bool:
    """The page has scripts and (almost) no text: what it shows, a script will draw."""
    page = view.page
    return view.words <= SCRIPT_ONLY_WORDS and (page.scripts > 0 or page.meta_refresh is not None)


def ad_feed(view: PageView) -> bool:
    """The page reads like an ad feed: "related searches", or its links are a search farm."""
    if AD_FEED.first(view.parts()) is not None:
        return True
    links = [link for link in view.page.links if link and not link.startswith(("#", "mailto:"))]
    if len(links) < FARM_MIN_LINKS:
        return False
    searches = sum(1 for link in links if _SEARCH_LINK.search(link))
    return searches >= FARM_SHARE * len(links) and view.words < FARM_WORDS_PER_LINK * len(links)


FORWARD_WORDS = 40
"""A page of at most this many words that a script sends elsewhere is only a way through."""


def forwards_to_tracker(view: PageView) -> bool:
    """A short page whose script sends readers to another site's address carrying parameters
    (a click id, a campaign): how traffic-distribution pages pass a lapsed domain's visitors
    on. A site forwarding readers to its new home sends them to a plain address."""
    page = view.page
    if view.words > FORWARD_WORDS or not (page.scripts or page.meta_refresh):
        return False
    start = urls.registrable_domain(urls.host(view.facts.url))
    # A refresh is how sites forward readers too: it counts with the words of a redirect page.
    refresh = (page.meta_refresh,) if page.meta_refresh and says_redirecting(view) else ()
    targets = (*view.script_targets, *refresh)
    return any(
        _tracking(target) and urls.registrable_domain(urls.host(target)) != start
        for target in targets
    )


def _tracking(address: str) -> bool:
    """The address carries parameters other than a campaign's `utm_*` (which a site moving
    to a new home may add): a click id, a sub-id, a visitor's token."""
    return any(
        not key.lower().startswith("utm_")
        for key, _ in parse_qsl(urlsplit(address).query, keep_blank_values=True)
    )


def says_redirecting(view: PageView) -> bool:
    """The page says it is sending readers elsewhere ("You are being redirected…")."""
    return view.short and REDIRECTING_WORDS.first(view.parts(), short_page=True) is not None


def link_directory(view: PageView) -> tuple[int, int] | None:
    """(links, other sites) when the page is a directory of links to other sites with little
    prose, as landers of lapsed domains are (whatever their language); None otherwise."""
    links = [link for link in view.page.links if link and not link.startswith(("#", "mailto:"))]
    if len(links) < DIRECTORY_LINKS or view.words >= DIRECTORY_WORDS_PER_LINK * len(links):
        return None
    own = urls.registrable_domain(urls.host(view.final))
    sites = set()
    outbound = 0
    for link in links:
        if not link.startswith(("http://", "https://", "//")):
            continue
        site = urls.registrable_domain(urls.host(link if "://" in link else "http:" + link))
        if site and site != own:
            outbound += 1
            sites.add(site)
    if outbound < DIRECTORY_SHARE * len(links) or len(sites) < DIRECTORY_SITES:
        return None
    return len(links), len(sites)


def carried_domain(view: PageView) -> str | None:
    """An address of the chain on another site that carries the catalogued domain as a value
    (`?domain=example.org`, `/buy-domain/example.org`): a sales or parking service's page
    about the domain. Returns that address."""
    start = urls.host(view.facts.url)
    names = {start, start.removeprefix("www."), urls.registrable_domain(start)}
    names.discard("")
    label = urls.registrable_domain(start).split(".", 1)[0]
    for address in view.chain:
        if urls.registrable_domain(urls.host(address)) == urls.registrable_domain(start):
            continue
        split = urlsplit(address)
        values = [
            unquote(v).lower().strip()
            for k, v in parse_qsl(split.query)
            if k.lower() in DOMAIN_PARAMETERS
        ]
        segments = [unquote(s).lower() for s in split.path.split("/") if s]
        if names & set(values) or names & set(segments):
            return address
        # HugeDomains-style: the name and its suffix as two parameters (?d=example&e=org).
        if label and label in values and len(label) >= 4:
            return address
    return None


def signs(view: PageView) -> tuple[str, ...]:
    """The lander signs a page shows, named."""
    found = []
    if bare_domain_title(view):
        found.append("its title is just a domain name")
    if script_only(view):
        found.append("it is only scripts, with no text")
    if ad_feed(view):
        found.append("it is a page of ad links")
    if forwards_to_tracker(view):
        found.append("it sends readers on to another site with tracking parameters")
        if says_redirecting(view):
            found.append("it says readers are being redirected")
    return tuple(found)
