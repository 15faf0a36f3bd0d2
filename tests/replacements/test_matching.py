"""Is this the lost page? Comparisons, confidence, and the phrase editors read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from curator.check.facts import Page, Snapshot
from curator.replacements.matching import (
    Comparison,
    Reference,
    ReferenceOrigin,
    SiteChrome,
    compare,
    judge,
    strength,
    summary,
)
from curator.suggestions import Confidence

SITE = "https://charity.test"
OLD = f"{SITE}/advice/sextortion/what-to-do"
LOST = [
    "If someone is threatening to share intimate images of you unless you pay, you are not alone.",
    "Do not pay and stop all contact with the person who is blackmailing you.",
    "Keep the evidence: take screenshots of the messages and the profile before you block it.",
    "Report it to the police and to the platform where it happened, as soon as you can.",
    "Our advisers can help you to get images removed and to plan what to do next.",
    "Talk to someone you trust, because this is not your fault and help is available.",
]
TEMPLATE = (
    "Our helpline is open every day from 9am to 9pm on 0800 123 4567. Calls are free and "
    "confidential. Safe Harbour Trust is here for you."
)
OTHER = [
    "Online scams often begin with a message that seems to come from a bank or a delivery firm.",
    "Never share a one-time passcode, and check the sender's address before you click a link.",
    "If you have lost money, call your bank straight away and report the fraud to the police.",
    "Scammers change their tricks all the time, so tell friends and family about new ones.",
]


def page(title: str, heading: str | None, *sentences: str) -> Page:
    return Page(title=title, headings=(heading,) if heading else (), text=" ".join(sentences))


HOME = page("Safe Harbour Trust | Home", "Safe Harbour Trust", "Welcome.", TEMPLATE)
NOT_FOUND = page("Page not found | Safe Harbour Trust", "Page not found", "Sorry.", TEMPLATE)
CHROME = SiteChrome.of([HOME, NOT_FOUND])
HISTORY = Reference.from_page(
    title="Sextortion: what to do | Safe Harbour Trust",
    heading="Sextortion: what to do",
    text=" ".join([*LOST, TEMPLATE]),
)
CATALOG = Reference.from_catalog(
    "Safe Harbour Trust: sextortion, what to do",
    "What to do if someone is threatening to share intimate images of you unless you pay.",
)

MOVED = page(
    "Sextortion: what to do | Safe Harbour Trust", "Sextortion: what to do", *LOST, TEMPLATE
)
REWORDED = page(
    "Sextortion: what to do | Safe Harbour Trust", "Sextortion: what to do",
    *LOST[:4], "A new sentence about our services.", "Another about our hours.", TEMPLATE,
)  # fmt: skip
RETITLED = page(
    "Blackmail with intimate images | Safe Harbour Trust", "Blackmail with intimate images",
    *LOST, TEMPLATE,
)  # fmt: skip
PRESS_RELEASE = page(
    "We launch new sextortion advice | Safe Harbour Trust", "We launch new sextortion advice",
    "Today we published new advice on sextortion.", *LOST[:2], *OTHER, TEMPLATE,
)  # fmt: skip
SAME_TEMPLATE = page(
    "Online scams: what to do | Safe Harbour Trust", "Online scams: what to do", *OTHER, TEMPLATE
)
TAG_PAGE = page(
    "Sextortion: what to do | Safe Harbour Trust", "Sextortion", LOST[0], *OTHER[:2], TEMPLATE
)


@pytest.mark.parametrize(
    ("reference", "candidate", "url", "expected"),
    [
        (HISTORY, MOVED, "/help/sextortion-what-to-do", Confidence.CONFIDENT),
        (HISTORY, REWORDED, "/help/sextortion-what-to-do", Confidence.CONFIDENT),
        (HISTORY, RETITLED, "/help/blackmail", Confidence.CONFIDENT),
        (HISTORY, PRESS_RELEASE, "/news/2026/sextortion-what-to-do-advice", Confidence.POSSIBLE),
        (HISTORY, SAME_TEMPLATE, "/help/scams/what-to-do", None),
        (HISTORY, TAG_PAGE, "/tag/sextortion", Confidence.POSSIBLE),
        (CATALOG, MOVED, "/help/sextortion-what-to-do", Confidence.CONFIDENT),
        (CATALOG, RETITLED, "/help/blackmail", None),
        (CATALOG, TAG_PAGE, "/tag/sextortion", Confidence.POSSIBLE),
        (CATALOG, SAME_TEMPLATE, "/help/scams/what-to-do", None),
        (CATALOG, PRESS_RELEASE, "/news/sextortion", None),
    ],
    ids=[
        "history-same-page", "history-reworded", "history-retitled", "history-press-release",
        "history-same-template", "history-tag-page-named-like-it", "catalog-same-page",
        "catalog-retitled", "catalog-tag-page-named-like-it", "catalog-same-template",
        "catalog-press-release",
    ],
)  # fmt: skip
def test_strength(
    reference: Reference, candidate: Page, url: str, expected: Confidence | None
) -> None:
    comparison = compare(reference, candidate, CHROME, old_url=OLD, url=f"{SITE}{url}")
    assert strength(reference, comparison) is expected


def test_template_text_counts_for_nothing() -> None:
    only_template = page("Contact | Safe Harbour Trust", "Contact", "Write to us.", TEMPLATE)
    comparison = compare(HISTORY, only_template, CHROME, old_url=OLD, url=f"{SITE}/contact")
    assert comparison.text == 0.0


def test_text_too_short_to_tell_needs_title_and_heading() -> None:
    short = Reference.from_page(
        title="Sextortion | Safe Harbour Trust", heading="Sextortion", text="Help."
    )
    same = compare(
        short,
        page("Sextortion | Safe Harbour Trust", "Sextortion", "Other words."),
        CHROME,
        old_url=OLD,
        url=f"{SITE}/s",
    )
    assert same.text is None
    assert strength(short, same) is Confidence.CONFIDENT
    titled = compare(
        short,
        page("Sextortion | Safe Harbour Trust", "News", "x"),
        CHROME,
        old_url=OLD,
        url=f"{SITE}/s",
    )
    assert strength(short, titled) is Confidence.POSSIBLE


def test_catalog_without_description_is_confident_only_when_expectations_held() -> None:
    bare = Reference.from_catalog("Sextortion: what to do", None)
    comparison = compare(bare, MOVED, CHROME, old_url=OLD, url=f"{SITE}/help/s")
    assert strength(bare, comparison) is Confidence.POSSIBLE
    expected = Reference.from_catalog("Sextortion: what to do", None, expected=True)
    assert strength(expected, comparison) is Confidence.CONFIDENT


def test_the_snapshot_s_site_name_is_chrome() -> None:
    snapshot = Snapshot(title="Scams — Open Door", heading=None, site_name="Open Door", text="")
    reference = Reference.from_snapshot(snapshot, seen_at=datetime(2026, 5, 1, tzinfo=UTC))
    assert reference.origin is ReferenceOrigin.LAST_GOOD_PAGE
    assert reference.described_as == "the page as last seen working on 1 May 2026"
    other = compare(
        reference, page("News — Open Door", None, "x"), SiteChrome(), old_url=OLD, url=f"{SITE}/n"
    )
    assert other.title == 0.0


def test_a_second_page_nearly_as_good_makes_the_best_only_possible() -> None:
    strong = Comparison(title=1.0, same_title=True, heading=1.0, same_heading=True, text=0.95)
    close = Comparison(title=1.0, same_title=True, heading=1.0, same_heading=True, text=0.9)
    far = Comparison(title=0.5, text=0.62)
    alone = judge(HISTORY, [("a", strong), ("b", far)])
    assert alone is not None and alone.best == "a" and alone.confidence is Confidence.CONFIDENT
    both = judge(HISTORY, [("b", close), ("a", strong)])
    assert both is not None and both.best == "a"
    assert both.confidence is Confidence.POSSIBLE and both.runner_up == "b"
    assert judge(HISTORY, [("x", Comparison(title=0.3, text=0.1))]) is None


@pytest.mark.parametrize(
    ("reference", "comparison", "phrase"),
    [
        (HISTORY, Comparison(1.0, True, text=0.944), "same title, 94 % of the text"),
        (HISTORY, Comparison(0.2, False, 1.0, True, 0.8), "same heading, 80 % of the text"),
        (HISTORY, Comparison(0.75, False, 0.5, text=0.9), "similar title (75 %), 90 % of the text"),
        (HISTORY, Comparison(text=0.9), "a different title, 90 % of the text"),
        (HISTORY, Comparison(title=1.0, same_title=True), "same title"),
        (
            CATALOG,
            Comparison(1.0, True, description=0.8),
            "the catalog's title, 80 % of the description's words",
        ),
        (CATALOG, Comparison(heading=1.0, same_heading=True), "the catalog's title as its heading"),
        (CATALOG, Comparison(title=0.6), "a title like the catalog's (60 %)"),
    ],
    ids=["same-title", "same-heading", "similar-title", "different-title", "no-text",
         "catalog-title", "catalog-heading", "catalog-like"],
)  # fmt: skip
def test_summary(reference: Reference, comparison: Comparison, phrase: str) -> None:
    assert summary(reference, comparison) == phrase
