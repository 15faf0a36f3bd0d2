"""Building checks for the classifier's tables: pages, chains, facts, and one example's
expected verdict, rule, detail and evidence."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from curator.check.classifier import classify
from curator.check.facts import (
    ErrorKind,
    Expectation,
    Facts,
    Hop,
    Page,
    SiteBaseline,
    Snapshot,
    VideoFacts,
)
from curator.check.text import extract_page, fingerprint
from curator.domain import Verdict

URL = "https://helpline.example.org/support/sextortion"
HOME = "https://helpline.example.org/"
HELPLINE = Expectation(title="Revenge Porn Helpline", kind="helpline", phone="0345 6000 459")
PLAIN = Expectation(title="Get Safe Online")
REAL_TEXT = (
    "Revenge Porn Helpline. If you are being threatened with the sharing of intimate images, "
    "call us on 0345 6000 459. We are open Monday to Friday, 10am to 4pm. "
    + "We support adults in the UK who experience intimate image abuse. "
    * 5
)
CATCH_ALL_TEXT = (
    "Welcome to our site. Sorry, we could not match that address. Browse our topics below: "
    "news, events, contact, about us, careers, donate, volunteer, shop, newsletter."
)


def page(
    text: str = REAL_TEXT,
    *,
    title: str | None = "Revenge Porn Helpline",
    headings: tuple[str, ...] = (),
    markup: str = "",
    meta_refresh: str | None = None,
    content_type: str | None = "text/html; charset=utf-8",
    truncated: bool = False,
    links: tuple[str, ...] = (),
    scripts: int = 0,
    media: int = 0,
    player: tuple[tuple[str, str], ...] = (),
    site_name: str | None = None,
    chrome: str = "",
    dialled: tuple[str, ...] = (),
) -> Page:
    return Page(
        dialled=dialled,
        content_type=content_type,
        title=title,
        headings=headings,
        text=text,
        chrome=chrome,
        meta_refresh=meta_refresh,
        truncated=truncated,
        fingerprint=fingerprint(text),
        markup_sample=markup or f"<html><title>{title or ''}</title><body>{text}</body></html>",
        bytes_read=len(text) + len(markup) + 40,
        links=links,
        scripts=scripts,
        media=media,
        player=player,
        site_name=site_name,
    )


def chain(*steps: tuple[str, int | None]) -> tuple[Hop, ...]:
    """Hops from (url, status) pairs; each redirect's Location is the next URL."""
    hops = []
    for i, (url, status) in enumerate(steps):
        location = steps[i + 1][0] if i + 1 < len(steps) else None
        hops.append(Hop(url=url, status=status, location=location))
    return tuple(hops)


def facts(
    url: str = URL,
    status: int | None = 200,
    *,
    body: Page | None = None,
    hops: tuple[Hop, ...] | None = None,
    error: ErrorKind | None = None,
    detail: str | None = None,
    headers: tuple[tuple[str, str], ...] = (),
    attempts: int = 1,
) -> Facts:
    if hops is None:
        hops = (Hop(url=url, status=status),)
    final = hops[-1].url if hops else url
    return Facts(
        url=url,
        hops=hops,
        status=status,
        final_url=final if status is not None else None,
        headers=headers,
        page=body if body is not None else (page() if status is not None else None),
        error=error,
        error_detail=detail,
        attempts=attempts,
    )


@dataclass
class Example:
    facts: Facts
    verdict: Verdict
    rule: str
    expectation: Expectation = HELPLINE
    baseline: SiteBaseline | None = None
    video: VideoFacts | None = None
    refresh: Facts | None = None
    history: Snapshot | None = None
    detail: str = ""
    suggested: str | None = None
    evidence: dict[str, object] = field(default_factory=dict)


def check(example: Example) -> None:
    outcome = classify(
        example.facts,
        example.expectation,
        example.baseline,
        example.video,
        refresh=example.refresh,
        history=example.history,
    )
    assert (outcome.verdict, outcome.rule) == (example.verdict, example.rule), outcome.detail
    assert example.detail in outcome.detail
    assert outcome.suggested_url == example.suggested
    for key, value in example.evidence.items():
        assert outcome.evidence.get(key) == value, (key, outcome.evidence)
    assert outcome.detail.endswith((".", ")")) and "\n" not in outcome.detail


def table(cases: dict[str, Example]) -> pytest.MarkDecorator:
    """A test run once per named example."""
    return pytest.mark.parametrize("example", list(cases.values()), ids=list(cases))


def baseline_like(page_: Page, *, host: str = "helpline.example.org") -> SiteBaseline:
    """What a host that answers every address with `page_` gives the random-path probe."""
    probe = f"https://{host}/curator-probe-1f3a"
    return SiteBaseline(
        host=host,
        probe_url=probe,
        status=200,
        final_url=probe,
        title=page_.title,
        fingerprint=page_.fingerprint,
        text_sample=page_.text[:1000],
        headings=page_.headings,
    )


def read(data: bytes, *, truncated: bool = False, section: str | None = None) -> Page:
    """The Page curator reads from an HTML body, as the fetcher would."""
    return extract_page(
        data,
        content_type="text/html; charset=utf-8",
        base_url="https://x.example/",
        bytes_read=len(data),
        truncated=truncated,
        section=section,
    )
