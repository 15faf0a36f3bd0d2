"""Fetcher.fetch_document: the facts and the page's HTML, for import and audit."""

from __future__ import annotations

import pytest

from curator.check.facts import ErrorKind
from curator.settings import Settings
from tests.sites import Response, Sites, page, redirect

GUIDE = "<!doctype html><html><head><title>Guide</title></head><body><h1>Guide</h1>"


async def test_html_after_a_redirect_decoded_by_its_charset(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add(
        "hub.test",
        routes={
            "/old": redirect("/guide/", 301),
            "/guide/": Response(
                body=(GUIDE + "<p>Don’t pay</p>").encode("cp1252"),
                content_type="text/html; charset=windows-1252",
                gzip=True,
            ),
        },
    )
    async with sites.fetcher(fetch_settings) as fetcher:
        facts, html = await fetcher.fetch_document(site.url("/old"))
    assert (facts.status, facts.final_url) == (200, site.url("/guide/"))
    assert html is not None and "<p>Don’t pay</p>" in html


@pytest.mark.parametrize(
    ("response", "is_html"),
    [
        (Response(body=b"%PDF-1.7", content_type="application/pdf"), False),
        (Response(body=b"plain words", content_type="text/plain"), False),
        (Response(body=GUIDE.encode(), content_type=None), True),
        (Response(body=b"\x89PNG\r\n", content_type=None), False),
        (page("Not Found", "No such page.", status=404), True),
    ],
    ids=["pdf", "plain-text", "untyped-html", "untyped-binary", "html-404"],
)
async def test_only_html_bodies_are_returned(
    sites: Sites, fetch_settings: Settings, response: Response, is_html: bool
) -> None:
    site = await sites.add("hub.test", routes={"/": response})
    async with sites.fetcher(fetch_settings) as fetcher:
        facts, html = await fetcher.fetch_document(site.url("/"))
    assert facts.error is None
    assert (html is not None) is is_html


async def test_the_body_cap_applies(sites: Sites, fetch_settings: Settings) -> None:
    big = GUIDE + "<p>" + "x" * (fetch_settings.max_body_bytes * 2) + "</p>"
    site = await sites.add("hub.test", routes={"/": Response(body=big)})
    async with sites.fetcher(fetch_settings) as fetcher:
        facts, html = await fetcher.fetch_document(site.url("/"))
    assert facts.page is not None and facts.page.truncated
    assert html is not None and len(html) <= fetch_settings.max_body_bytes


async def test_a_refused_address_gives_facts_and_no_html(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("hub.test", routes={"/": page("Guide", "text")})
    strict = fetch_settings.model_copy(update={"allow_private_addresses": False})
    async with sites.fetcher(strict) as fetcher:
        facts, html = await fetcher.fetch_document(site.url("/"))
    assert (facts.error, html) == (ErrorKind.BLOCKED_ADDRESS, None)
    assert site.hits("/") == 0
