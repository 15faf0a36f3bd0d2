"""A link to a section of a page (`…/advice#reporting`): the page works, but is the section
still on it? Looked for in the final page's markup (ids and `<a name>`), never guessed where
a page marks no sections at all (its anchors may be drawn by scripts)."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest

from curator.check.classifier import classify
from curator.check.text import extract_page, section_of
from curator.domain import Verdict
from curator.settings import Settings
from tests.check.examples import HELPLINE, URL, chain, facts, page, read
from tests.corpus.manifests import CORPUS, load
from tests.sites import Response, Sites, redirect


@pytest.mark.parametrize(
    ("url", "section"),
    [
        ("https://x.example/advice#reporting", "reporting"),
        ("https://x.example/advice#What-To-Do", "What-To-Do"),
        ("https://x.example/advice#caf%C3%A9", "café"),
        ("https://x.example/advice#help:~:text=call%20us", "help"),
        ("https://x.example/advice", None),
        ("https://x.example/advice#", None),
        ("https://x.example/advice#top", None),  # the top of any page
        ("https://x.example/app#/help", None),  # a script's route
        ("https://x.example/app#!help", None),
        ("https://x.example/advice#:~:text=call%20us", None),  # a text fragment
        ("https://x.example/advice#tab=2", None),  # state a script reads
    ],
)
def test_which_fragments_name_a_section(url: str, section: str | None) -> None:
    assert section_of(url) == section


def found(markup: str, section: str) -> bool | None:
    return read(
        f"<!doctype html><html><body>{markup}</body></html>".encode(), section=section
    ).section_found


@pytest.mark.parametrize(
    ("markup", "section", "expected"),
    [
        ('<h2 id="reporting">Reporting</h2>', "reporting", True),
        ("<h2 id=Reporting>Reporting</h2>", "reporting", True),  # letter case aside
        ("<a name='reporting'></a><h2>Reporting</h2>", "reporting", True),
        ('<section id="caf&eacute;"><h2 id="x">Café</h2></section>', "café", True),
        ('<div id="a b"></div><h2 id="x">A</h2>', "a b", True),
        ('<h2 id="what-to-do">What to do</h2>', "reporting", False),
        ('<h2 id="reporting-2">Reporting</h2>', "reporting", False),
        # No heading with an id and no link anchor: the page's sections, if any, are marked
        # by its scripts: curator cannot tell.
        ("<h2>Reporting</h2><div id='app'></div>", "reporting", None),
    ],
)
def test_a_section_is_found_by_its_id_or_anchor(
    markup: str, section: str, expected: bool | None
) -> None:
    assert found(markup, section) is expected


def test_a_page_read_only_in_part_cannot_tell() -> None:
    data = b'<html><body><h2 id="a">A</h2><p>text</p></body></html>'
    assert read(data, truncated=True, section="reporting").section_found is None


def test_real_pages_find_the_sections_their_own_links_name() -> None:
    """Every corpus page that works, with the in-page links its authors wrote (a table of
    contents, footnotes, skip links): each section found is there, and one not found is not in
    the markup by any spelling of an id or name."""
    corpus = load(CORPUS)
    asked = hits = 0
    for entry in corpus.entries:
        if entry.expect is not Verdict.OK:
            continue
        data = corpus.page(entry.file)
        document = data.decode("utf-8", "replace")
        fragments = {
            section
            for target in re.findall(r"""<a\s[^<>]*?href\s*=\s*["']#([^"'#]+)["']""", document)
            if (section := section_of("https://x.example/#" + html.unescape(target)))
        }
        for section in sorted(fragments)[:4]:
            page_ = extract_page(
                data,
                content_type=dict(entry.served_headers()).get("content-type", "text/html"),
                base_url=entry.url,
                bytes_read=len(data),
                truncated=False,
                section=section,
            )
            asked += 1
            hits += page_.section_found is not False
            if page_.section_found is False:
                lowered = html.unescape(document).lower()
                for attribute in ("id", "name"):
                    for quote in ('"', "'"):
                        assert f"{attribute}={quote}{section.lower()}{quote}" not in lowered
    # Measured: 195 links (up to 4 a page) on the corpus's working pages, 180 found (or on
    # pages that mark no sections); the rest are skip links, footnotes and pop-ups whose
    # targets the saved pages do not have (with every link of a page: 328, 312).
    assert asked >= 150 and hits / asked >= 0.9


def test_a_missing_section_asks_to_link_to_the_page_itself() -> None:
    url = URL + "#reporting"
    gone = replace(page(), section_found=False)
    outcome = classify(facts(url, body=gone), HELPLINE)
    assert (outcome.verdict, outcome.rule) == (Verdict.MOVED, "section_missing")
    assert outcome.suggested_url == URL
    assert outcome.evidence["missing_section"] == "#reporting"
    assert outcome.detail == (
        "Works (HTTP 200 OK), but the section it links to (#reporting) is no longer on the "
        "page, so readers land at its top: link to the page itself, or to the section's new "
        "anchor."
    )
    for known in (True, None):
        kept = classify(facts(url, body=replace(page(), section_found=known)), HELPLINE)
        assert kept.verdict is Verdict.OK


def test_a_section_is_judged_only_on_the_page_linked() -> None:
    """After a temporary redirect elsewhere (a log-in, a notice) the page read is not the one
    linked: its sections say nothing of the link's. The same page with a slash added, or over
    https, is."""
    gone = replace(page(), section_found=False)
    elsewhere = facts(URL + "#reporting", hops=chain((URL, 302), (URL + "-notice", 200)), body=gone)
    assert classify(elsewhere, HELPLINE).verdict is Verdict.OK
    plain = URL.replace("https://", "http://")
    for final in (plain + "/", URL):
        same = facts(plain + "#reporting", hops=chain((plain, 302), (final, 200)), body=gone)
        assert classify(same, HELPLINE).rule == "section_missing"


async def test_the_fetcher_looks_for_the_section_on_the_final_page(
    sites: Sites, fetch_settings: Settings
) -> None:
    article = (
        "<!doctype html><html><head><title>Sextortion advice</title></head><body>"
        '<h1>Sextortion</h1><h2 id="what-to-do">What to do</h2><p>Do not pay.</p></body></html>'
    )
    site = await sites.add(
        "advice.test",
        {"/advice": Response(status=200, body=article), "/old": redirect("/advice", 302)},
    )
    async with sites.fetcher(fetch_settings) as fetcher:
        there = await fetcher.fetch(site.url("/old") + "#what-to-do")
        gone = await fetcher.fetch(site.url("/advice") + "#reporting")
        none = await fetcher.fetch(site.url("/advice"))
    assert there.page is not None and there.page.section_found is True
    assert gone.page is not None and gone.page.section_found is False
    assert none.page is not None and none.page.section_found is None
    # The fragment is the browser's: never sent.
    assert all("#" not in request.target for request in site.requests)
