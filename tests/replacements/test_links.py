"""A page's links, absolute and once each, with their words."""

from __future__ import annotations

from curator.replacements.links import Link, page_links


def test_links_are_absolute_distinct_and_keep_their_longest_text() -> None:
    html = (
        '<nav><a href="/help/">Help</a></nav><main>'
        '<a href="scams#top">Scams</a> <a href="/advice/scams">Scams: <b>what to do</b></a>'
        '<a href="https://other.test/x" title="Elsewhere"></a>'
        '<a href="#section">skip</a><a href="mailto:a@b.test">mail</a>'
        '<a href="tel:0800">call</a><a href="javascript:void(0)">js</a>'
        '<a href="ftp://charity.test/f">ftp</a><a href="http://[bad">bad</a></main>'
    )
    assert page_links(html, "https://charity.test/advice/old") == (
        Link("https://charity.test/help/", "Help"),
        Link("https://charity.test/advice/scams", "Scams: what to do"),
        Link("https://other.test/x", "Elsewhere"),
    )


def test_base_href_is_honoured() -> None:
    html = '<head><base href="https://charity.test/en/"></head><a href="help">Help</a>'
    assert page_links(html, "https://charity.test/") == (
        Link("https://charity.test/en/help", "Help"),
    )


def test_links_are_capped() -> None:
    html = "".join(f'<a href="/p{i}">{i}</a>' for i in range(50))
    assert len(page_links(html, "https://charity.test/", limit=10)) == 10
