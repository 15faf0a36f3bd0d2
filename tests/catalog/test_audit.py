"""The audit: a guide's published page compared with its catalog entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.catalog import GuideSpec, load_catalog
from curator.catalog.audit import AuditStatus, CatalogLink, PageLink, audit_guides, compare
from curator.catalog.importer import parse_guide
from curator.catalog.pages import FetcherPageReader, PublishedPage
from curator.check.fetcher import Fetcher
from curator.errors import PageError
from curator.settings import Settings
from tests.catalog.site import Response, hub_site

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "sextortion-guide.html"
PATH = "/sextortion-guide-and-resources/"
CEOP = (
    '<li><a href="https://www.ceop.police.uk/Safety-Centre/">CEOP Safety Centre</a> – report '
    "online sexual abuse of a child.</li>"
)
BBC_ITEM = (
    '<li>From the <a href="https://www.bbc.co.uk/news/topics/sextortion" target="_blank" '
    'rel="noreferrer noopener">BBC topics page</a> &#8211; a number of informative articles on '
    "various aspects of sextortion.</li>\n"
)


def _page(*, add_ceop: bool = False, drop_bbc: bool = False) -> str:
    html = FIXTURE.read_text(encoding="utf-8")
    if drop_bbc:
        assert html.count(BBC_ITEM) == 1
        html = html.replace(BBC_ITEM, "")
    if add_ceop:
        end = "how to prevent it.</li>"
        assert html.count(end) == 1
        html = html.replace(end, end + "\n" + CEOP)
    return html


def _guide(shipped_catalog: Path, source_url: str) -> GuideSpec:
    (guide,) = load_catalog(shipped_catalog).guides
    return guide.model_copy(update={"source_url": source_url})


class Pages:
    """A PageReader over pages held in memory."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = pages
        self.read: list[str] = []

    async def __call__(self, url: str) -> PublishedPage:
        self.read.append(url)
        if url not in self.pages:
            raise PageError(url, "answered HTTP 404")
        return PublishedPage(self.pages[url], url)


URL = "https://safeguardinghub.example/sextortion-guide-and-resources/"


def test_the_published_guide_agrees_with_the_shipped_catalog(shipped_catalog: Path) -> None:
    audit = compare(_guide(shipped_catalog, URL), parse_guide(_page()))
    assert audit.status is AuditStatus.COMPARED
    assert (audit.on_page, audit.in_catalog, audit.matched) == (9, 9, 9)
    assert not audit.drift


def test_a_link_added_to_the_page_and_a_resource_removed_from_it(shipped_catalog: Path) -> None:
    audit = compare(_guide(shipped_catalog, URL), parse_guide(_page(add_ceop=True, drop_bbc=True)))
    assert audit.drift
    assert audit.not_in_catalog == (
        PageLink(
            "Other useful links",
            "CEOP Safety Centre",
            "https://www.ceop.police.uk/Safety-Centre/",
            "webpage",
        ),
    )
    assert audit.not_on_page == (
        CatalogLink(
            "Other useful links",
            "bbc-sextortion-topic",
            "BBC – sextortion topic page",
            "https://www.bbc.co.uk/news/topics/sextortion",
        ),
    )
    assert audit.matched == 8


def test_one_of_two_resources_sharing_an_address_gone_from_the_page(
    shipped_catalog: Path,
) -> None:
    # The NCA's page is listed twice (a police video, a useful link); the page drops one.
    html = _page().replace(
        '<li><a href="https://www.nationalcrimeagency.gov.uk/sextortion" target="_blank" '
        'rel="noreferrer noopener">Sextortion and what to do about it</a>',
        "<li>Sextortion and what to do about it",
    )
    audit = compare(_guide(shipped_catalog, URL), parse_guide(html))
    assert [c.key for c in audit.not_on_page] == ["sextortion-what-to-do-video"]
    assert audit.not_in_catalog == ()


async def test_audit_guides_reads_each_published_page_once(shipped_catalog: Path) -> None:
    with_page = _guide(shipped_catalog, URL)
    gone = with_page.model_copy(update={"slug": "gone", "source_url": "https://hub.example/x"})
    without = with_page.model_copy(update={"slug": "draft", "source_url": None})
    reader = Pages({URL: _page(drop_bbc=True)})

    report = await audit_guides([with_page, gone, without], reader)

    assert sorted(reader.read) == sorted([URL, "https://hub.example/x"])
    assert report.without_page == ("draft",)
    assert report.drift
    first = report.guide("sextortion")
    assert first is not None and [c.key for c in first.not_on_page] == ["bbc-sextortion-topic"]
    unreadable = report.guide("gone")
    assert unreadable is not None
    assert (unreadable.status, unreadable.detail, unreadable.drift) == (
        AuditStatus.UNREADABLE,
        "answered HTTP 404",
        False,
    )
    assert report.inconclusive == (unreadable,)


async def test_a_page_with_no_resource_links_is_not_taken_for_every_link_gone(
    shipped_catalog: Path,
) -> None:
    consent_wall = "<html><body><main><h1>Before you continue</h1><p>Accept cookies.</p></main>"
    report = await audit_guides([_guide(shipped_catalog, URL)], Pages({URL: consent_wall}))
    (audit,) = report.guides
    assert audit.status is AuditStatus.NO_RESOURCES
    assert not audit.drift and audit.not_on_page == ()
    assert report.inconclusive == (audit,)


@pytest.fixture
def fetch_settings() -> Settings:
    """Settings for fetching from the test site on loopback."""
    return Settings(
        allow_private_addresses=True,
        per_host_interval=0.0,
        retries=0,
        connect_timeout=2.0,
        read_timeout=2.0,
        url_deadline=5.0,
    )


async def test_audit_through_the_safe_fetcher_from_a_loopback_site(
    shipped_catalog: Path, fetch_settings: Settings
) -> None:
    with hub_site() as site:
        url = site.publish(PATH, _page())
        guide = _guide(shipped_catalog, url)
        async with Fetcher(fetch_settings.fetch_policy()) as fetcher:
            read = FetcherPageReader(fetcher)
            before = await audit_guides([guide], read)
            site.publish(PATH, _page(add_ceop=True, drop_bbc=True))
            after = await audit_guides([guide], read)
            site.pages[PATH] = Response(b"%PDF-1.4", content_type="application/pdf")
            not_html = await audit_guides([guide], read)

    (agree,) = before.guides
    assert (agree.status, agree.page_url, agree.matched, agree.drift) == (
        AuditStatus.COMPARED,
        url,
        9,
        False,
    )
    (drifted,) = after.guides
    assert [p.url for p in drifted.not_in_catalog] == ["https://www.ceop.police.uk/Safety-Centre/"]
    assert [c.key for c in drifted.not_on_page] == ["bbc-sextortion-topic"]
    (refused,) = not_html.guides
    assert refused.status is AuditStatus.UNREADABLE
    assert refused.detail is not None and "not an HTML page" in refused.detail


async def test_the_fetcher_refuses_a_private_address_unless_allowed(
    shipped_catalog: Path, fetch_settings: Settings
) -> None:
    strict = fetch_settings.model_copy(update={"allow_private_addresses": False})
    with hub_site() as site:
        url = site.publish(PATH, _page())
        async with Fetcher(strict.fetch_policy()) as fetcher:
            report = await audit_guides([_guide(shipped_catalog, url)], FetcherPageReader(fetcher))
        assert site.requests == []
    (audit,) = report.guides
    assert audit.status is AuditStatus.UNREADABLE
