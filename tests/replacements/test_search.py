"""The search on real loopback sites: sitemaps and indexes, site links, look-alikes, sites with
no sitemap, and hostile sitemaps that must end within bounds with no suggestion."""

from __future__ import annotations

import gzip
import time
from collections.abc import AsyncIterator

import pytest

from curator.check.facts import Expectation
from curator.check.policy import SearchLimits
from curator.replacements.matching import Reference
from curator.replacements.search import Finder, parent_pages, same_site
from curator.settings import Settings
from curator.suggestions import Confidence, SuggestionSource
from tests.sites import (
    Drip,
    GzipBomb,
    Hang,
    Request,
    Response,
    Site,
    Sites,
    StreamedBody,
    page,
)

LOST = [
    "If someone is threatening to share intimate images of you unless you pay, you are not alone.",
    "Do not pay and stop all contact with the person who is blackmailing you.",
    "Keep the evidence: take screenshots of the messages and the profile before you block it.",
    "Report it to the police and to the platform where it happened, as soon as you can.",
    "Our advisers can help you to get images removed and to plan what to do next.",
]
OTHER = [
    "Online scams often begin with a message that seems to come from a bank or a delivery firm.",
    "Never share a one-time passcode, and check the sender's address before you click a link.",
    "If you have lost money, call your bank straight away and report the fraud to the police.",
]
TEMPLATE = "Our helpline is open every day on 0800 123 4567. Calls are free and confidential."
TITLE = "Sextortion: what to do | Open Door"
HISTORY = Reference.from_page(title=TITLE, heading="Sextortion: what to do", text=" ".join(LOST))
CATALOG = Reference.from_catalog(
    "Sextortion: what to do",
    "What to do when someone threatens to share intimate images of you unless you pay.",
)
EXPECT = Expectation(title="Sextortion: what to do")
OLD = "/advice/sextortion/what-to-do"
NEW = "/help/sextortion-what-to-do"
PAGES = {
    "/": page("Open Door | Home", "Welcome to Open Door.", TEMPLATE),
    NEW: page(TITLE, *LOST, TEMPLATE, headings=["Sextortion: what to do"]),
    "/news/2026/sextortion-what-to-do-campaign": page(
        "We launch a sextortion campaign | Open Door", "Today we launched a campaign.",
        *LOST[:1], *OTHER, TEMPLATE, headings=["We launch a sextortion campaign"],
    ),
    "/help/scams-what-to-do": page(
        "Online scams: what to do | Open Door", *OTHER, TEMPLATE, headings=["Online scams"]
    ),
    "/tag/sextortion": page(TITLE, LOST[0], OTHER[0], TEMPLATE, headings=["Sextortion"]),
}  # fmt: skip


def sitemap(site: Site, *paths: str, index: bool = False) -> str:
    tag, item = ("sitemapindex", "sitemap") if index else ("urlset", "url")
    locs = "".join(f"<{item}><loc>{site.url(p)}</loc></{item}>" for p in paths)
    return f'<?xml version="1.0"?><{tag} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</{tag}>'


def xml(body: str | bytes) -> Response:
    return Response(body=body, content_type="application/xml")


@pytest.fixture
def settings(fetch_settings: Settings) -> Settings:
    return fetch_settings


@pytest.fixture
async def finder(sites: Sites, settings: Settings) -> AsyncIterator[Finder]:
    async with sites.fetcher(settings) as fetcher:
        finder = Finder(fetcher, SearchLimits(deadline=8.0, fetch_deadline=2.0))
        try:
            yield finder
        finally:
            await finder.aclose()


async def charity(sites: Sites, **extra: Response) -> Site:
    routes = {**PAGES, **extra}
    return await sites.add("opendoor.test", routes)


async def test_a_yoast_style_index_leads_to_the_moved_page(sites: Sites, finder: Finder) -> None:
    site = await charity(sites)
    site.route(
        "/sitemap_index.xml",
        xml(sitemap(site, "/post-sitemap.xml", "/page-sitemap.xml", index=True)),
    )
    site.route("/post-sitemap.xml", xml(sitemap(site, "/news/2026/sextortion-what-to-do-campaign")))
    site.route(
        "/page-sitemap.xml", xml(sitemap(site, NEW, "/help/scams-what-to-do", "/tag/sextortion"))
    )
    result = await finder.find(site.url(OLD), reference=HISTORY, expectation=EXPECT)
    suggestion = result.suggestion
    assert suggestion is not None
    assert suggestion.url == site.url(NEW)
    assert suggestion.source is SuggestionSource.SITEMAP
    assert suggestion.confidence is Confidence.CONFIDENT
    assert suggestion.summary == "same title, 100 % of the text"
    assert suggestion.evidence["found_in"] == site.url("/page-sitemap.xml")
    assert result.fetched <= 6


async def test_robots_txt_declares_a_gzip_d_sitemap(sites: Sites, finder: Finder) -> None:
    site = await charity(sites)
    site.route(
        "/robots.txt",
        Response(body=f"Sitemap: {site.url('/maps/all.xml.gz')}\n", content_type="text/plain"),
    )
    body = gzip.compress(sitemap(site, *PAGES).encode())
    site.route("/maps/all.xml.gz", Response(body=body, content_type="application/x-gzip"))
    result = await finder.find(site.url(OLD), reference=CATALOG, expectation=EXPECT)
    assert result.suggestion is not None
    assert (result.suggestion.url, result.suggestion.confidence) == (
        site.url(NEW),
        Confidence.CONFIDENT,
    )
    assert site.hits("/sitemap.xml") == 0  # declared: the usual places are not probed


async def test_with_no_sitemap_the_parent_page_links_to_it(sites: Sites, finder: Finder) -> None:
    site = await charity(sites)
    site.route("/advice/", Response(body=(
        "<html><head><title>Advice | Open Door</title></head><body><main><h1>Advice</h1>"
        f'<a href="/help/scams-what-to-do">Online scams</a>'
        f'<a href="{NEW}">Sextortion: what to do</a>'
        "</main></body></html>"
    )))  # fmt: skip
    result = await finder.find(site.url(OLD), reference=HISTORY, expectation=EXPECT)
    assert result.suggestion is not None
    assert result.suggestion.url == site.url(NEW)
    assert result.suggestion.source is SuggestionSource.SITE_LINKS
    assert result.suggestion.confident
    assert result.suggestion.evidence["found_in"] == site.url("/advice/")
    assert "no sitemap found" in result.notes


async def test_a_page_gone_for_good_gets_no_confident_look_alike(
    sites: Sites, finder: Finder
) -> None:
    routes = {p: r for p, r in PAGES.items() if p != NEW}
    site = await sites.add("opendoor.test", routes)
    site.route("/sitemap.xml", xml(sitemap(site, *routes)))
    for reference in (HISTORY, CATALOG):
        result = await finder.find(site.url(OLD), reference=reference, expectation=EXPECT)
        assert result.suggestion is None or not result.suggestion.confident


async def test_candidates_must_work_as_the_checker_would_have_them(
    sites: Sites, finder: Finder
) -> None:
    site = await charity(sites)
    site.route(NEW, page(TITLE, *LOST, "Page not found", headings=["Page not found"]))
    site.route("/sitemap.xml", xml(sitemap(site, *PAGES)))
    result = await finder.find(site.url(OLD), reference=HISTORY, expectation=EXPECT)
    assert result.suggestion is None or result.suggestion.url != site.url(NEW)
    site.route(NEW, PAGES[NEW])
    wants_phone = Expectation(title="Sextortion", phone="0800 999 999")
    other = await finder.find(site.url(OLD + "/"), reference=HISTORY, expectation=wants_phone)
    assert other.suggestion is None


async def test_a_host_s_sitemaps_are_read_once_per_run(sites: Sites, finder: Finder) -> None:
    site = await charity(sites)
    site.route("/sitemap.xml", xml(sitemap(site, *PAGES)))
    first = await finder.find(site.url(OLD), reference=HISTORY, expectation=EXPECT)
    second = await finder.find(
        site.url("/advice/sextortion"), reference=CATALOG, expectation=EXPECT
    )
    assert first.suggestion is not None and second.suggestion is not None
    assert site.hits("/robots.txt") == site.hits("/sitemap.xml") == site.hits("/") == 1
    assert site.hits(NEW) == 1


async def test_addresses_on_other_hosts_are_never_fetched(sites: Sites, finder: Finder) -> None:
    site = await charity(sites)
    elsewhere = await sites.add("elsewhere.test", {"/sextortion": PAGES[NEW]})
    away = f"<url><loc>{elsewhere.url('/sextortion')}</loc></url></urlset>"
    site.route(
        "/sitemap.xml", xml(sitemap(site, "/help/scams-what-to-do").replace("</urlset>", away))
    )
    site.route(
        "/robots.txt",
        Response(
            body=f"Sitemap: {elsewhere.url('/sitemap.xml')}\nSitemap: {site.url('/sitemap.xml')}",
            content_type="text/plain",
        ),
    )
    result = await finder.find(site.url(OLD), reference=HISTORY, expectation=EXPECT)
    assert result.suggestion is None or "elsewhere" not in result.suggestion.url
    assert elsewhere.requests == []


def endless(request: Request) -> Response:
    """Every index names a new, deeper index."""
    n = int(request.path.removeprefix("/sitemap-").removesuffix(".xml") or 0)
    host = request.headers["host"]
    return xml(
        f"<sitemapindex><sitemap><loc>http://{host}/sitemap-{n + 1}.xml</loc></sitemap>"
        f"<sitemap><loc>http://{host}/sitemap-{n + 1000}.xml</loc></sitemap></sitemapindex>"
    )


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a0 "ha">'
    + b"".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">'.encode() for i in range(1, 10))
    + b"]><urlset><url><loc>http://opendoor.test/&a9;</loc></url></urlset>"
)
HOSTILE = {
    "billion-laughs": lambda site: xml(BILLION_LAUGHS),
    "gzip-bomb": lambda site: GzipBomb(size=512 * 1024**2),
    "endless-body": lambda site: StreamedBody(size=None, content_type="application/xml"),
    "slow-drip": lambda site: Drip(interval=0.2),
    "hang": lambda site: Hang(),
    "not-xml": lambda site: Response(body=b"\x00\xff" * 50_000, content_type="application/xml"),
}  # fmt: skip


@pytest.mark.parametrize("kind", [*HOSTILE, "endless-index"])
async def test_hostile_sitemaps_end_within_bounds(
    sites: Sites, settings: Settings, kind: str
) -> None:
    routes = {p: r for p, r in PAGES.items() if p != NEW}
    fallback = endless if kind == "endless-index" else Response(status=404)
    site = await sites.add("opendoor.test", routes, fallback=fallback)
    if kind != "endless-index":
        site.route("/sitemap.xml", HOSTILE[kind](site))
    else:
        site.route(
            "/sitemap.xml",
            endless(Request("GET", "/sitemap-0.xml", {"host": f"opendoor.test:{site.port}"})),
        )
    limits = SearchLimits(
        deadline=3.0, fetch_deadline=1.0, sitemap_files=6, sitemap_bytes=256 * 1024
    )
    async with sites.fetcher(settings) as fetcher:
        finder = Finder(fetcher, limits)
        started = time.monotonic()
        try:
            result = await finder.find(site.url(OLD), reference=HISTORY, expectation=EXPECT)
        finally:
            await finder.aclose()
    assert time.monotonic() - started < limits.deadline + 2
    assert result.suggestion is None or not result.suggestion.confident
    if kind == "endless-index":
        assert (
            sum(1 for r in site.requests if r.path.startswith("/sitemap")) <= limits.sitemap_files
        )


def test_parent_pages_nearest_first() -> None:
    assert parent_pages("https://a.test/x/y/z/page.html", "https://a.test", 2) == [
        "https://a.test/x/y/z/",
        "https://a.test/x/y/",
    ]
    assert parent_pages("https://a.test/page", "https://a.test", 3) == []


@pytest.mark.parametrize(
    ("url", "same"),
    [("https://www.a.test/x", True), ("http://a.test:8080/x", True), ("https://b.a.test/x", False),
     ("https://a.test.evil.test/", False), ("not a url", False)],
)  # fmt: skip
def test_same_site(url: str, same: bool) -> None:
    assert same_site(url, "https://a.test") is same
