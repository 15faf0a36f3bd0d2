"""Ranking a site's addresses before fetching any: words of the address and of the link."""

from __future__ import annotations

import pytest

from curator.replacements.ranking import (
    Candidate,
    Clues,
    address_likeness,
    eligible,
    rank,
    slug_words,
    stem,
    words,
)
from curator.suggestions import SuggestionSource

SITE = "https://charity.test"


@pytest.mark.parametrize(
    ("word", "bare"),
    [("scams", "scam"), ("stories", "story"), ("reporting", "report"), ("reported", "report"),
     ("address", "address"), ("status", "status"), ("crisis", "crisis"), ("sing", "sing"),
     ("need", "need")],
)  # fmt: skip
def test_stem(word: str, bare: str) -> None:
    assert stem(word) == bare


def test_words_drop_what_says_nothing() -> None:
    assert words("What to do about Scams | index.html") == ("about", "scam")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{SITE}/advice/scams/how-to-report-them.html", {"scam", "report"}),
        (f"{SITE}/advice/online-scams", {"advice", "online", "scam"}),
        (f"{SITE}/advice/scams/index.php", {"advice", "scam"}),
        (f"{SITE}/", set()),
    ],
    ids=["nested", "flat", "index-page", "home"],
)
def test_slug_words(url: str, expected: set[str]) -> None:
    assert slug_words(url) == expected


def test_address_likeness_counts_the_small_words_of_the_tail() -> None:
    old = f"{SITE}/support/scams/what-to-do"
    assert address_likeness(old, f"{SITE}/help/scams/what-to-do") == 1.0
    assert address_likeness(old, f"{SITE}/tag/scams") < 0.5


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        (f"{SITE}/support/scams/what-to-do", False),
        (f"{SITE}/support/scams/what-to-do/", False),
        (f"{SITE}/support/scams/", False),
        (f"{SITE}/support", False),
        (f"{SITE}/", False),
        (f"{SITE}/index.html", False),
        (f"{SITE}/images/scams.png", False),
        (f"{SITE}/sitemap-scams.xml", False),
        (f"{SITE}/support/scams-what-to-do", True),
        (f"{SITE}/support/scams/what-to-do-next", True),
    ],
    ids=["itself", "itself-slash", "parent", "grandparent", "home", "home-index", "image",
         "sitemap", "elsewhere", "longer-name"],
)  # fmt: skip
def test_eligible(url: str, ok: bool) -> None:
    clues = Clues.of(f"{SITE}/support/scams/what-to-do", "Scams: what to do")
    assert eligible(clues, url) is ok


def listed(*paths: str) -> list[Candidate]:
    return [
        Candidate.of(f"{SITE}{p}", SuggestionSource.SITEMAP, f"{SITE}/sitemap.xml") for p in paths
    ]


def test_the_moved_page_ranks_above_pages_sharing_some_of_its_words() -> None:
    clues = Clues.of(f"{SITE}/advice/romance-fraud/what-to-do", "Romance fraud: what to do")
    ranked = rank(
        clues,
        listed(
            "/about", "/news/2025/fraud-figures-published", "/advice/online-fraud/what-to-do",
            "/advice/romance-scams-and-you", "/help/romance-fraud/what-to-do", "/contact",
        ),
        limit=3,
    )  # fmt: skip
    assert ranked[0].candidate.url == f"{SITE}/help/romance-fraud/what-to-do"
    assert len(ranked) == 3
    assert all(r.score > 0 for r in ranked)


def test_a_link_s_words_rank_a_renamed_address() -> None:
    clues = Clues.of(f"{SITE}/advice/sextortion", "Sextortion: help when you are blackmailed")
    linked = Candidate.of(
        f"{SITE}/support/p/1234", SuggestionSource.SITE_LINKS, f"{SITE}/support/",
        "Sextortion: help when you are blackmailed",
    )  # fmt: skip
    ranked = rank(clues, [*listed("/support/p/99", "/news/blackmail-case"), linked], limit=2)
    assert ranked[0].candidate is linked


def test_each_address_once_with_its_best_score_and_nothing_unrelated() -> None:
    clues = Clues.of(f"{SITE}/advice/scams", "Scams")
    twice = [
        *listed("/help/scams", "/about-us"),
        Candidate.of(f"{SITE}/help/scams", SuggestionSource.SITE_LINKS, f"{SITE}/", "Scams"),
    ]
    ranked = rank(clues, twice, limit=10)
    assert [r.candidate.url for r in ranked] == [f"{SITE}/help/scams"]


def test_site_name_words_can_be_ignored() -> None:
    clues = Clues.of(
        f"{SITE}/a", "Scams | Open Door Trust", ignore=frozenset({"open", "door", "trust"})
    )
    assert clues.title == {"scam"}
    assert Clues.of(f"{SITE}/a", "Open Door", ignore=frozenset({"open", "door"})).title == {
        "open",
        "door",
    }
