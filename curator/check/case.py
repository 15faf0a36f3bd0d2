"""The inputs every classifier rule sees, and how a rule states its verdict."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TypeVar

from curator.check import evidence as ev
from curator.check.facts import Expectation, Facts, Outcome, SiteBaseline, Snapshot, VideoFacts
from curator.check.lazy import lazy
from curator.check.quirks import Parts
from curator.check.view import PageView, no_page_parts
from curator.domain import Verdict


@dataclass(frozen=True)
class Case:
    """One check's inputs, as every rule sees them; what rules derive from them is worked out
    once, when a rule first asks (see `curator.check.view`)."""

    facts: Facts
    expectation: Expectation
    baseline: SiteBaseline | None = None
    video: VideoFacts | None = None
    refresh: Facts | None = None
    history: Snapshot | None = None
    """The link's last good page, when curator has seen it work."""

    @lazy
    def status(self) -> int | None:
        """The final response's status."""
        return self.facts.status

    @lazy
    def final(self) -> str:
        """The final URL (the original when no response arrived)."""
        return ev.final_url(self.facts)

    @lazy
    def success(self) -> bool:
        """True when the final response has a 2xx status."""
        return self.status is not None and 200 <= self.status < 300

    @lazy
    def view(self) -> PageView | None:
        """The page as rules read it; None when no page arrived."""
        return PageView(self.facts.page, self.facts) if self.facts.page is not None else None

    def parts(self, *, text: bool = True) -> Parts:
        """The lower-cased parts signatures search (see `PageView.parts`)."""
        if self.view is None:
            return self._no_page_parts
        return self.view.parts(text=text)

    @lazy
    def _no_page_parts(self) -> Parts:
        return no_page_parts(self.facts)

    @lazy
    def resource_words(self) -> frozenset[str]:
        """The resource's distinctive words (see `PageView.wanted_words`); none without a page."""
        if self.view is None:
            return frozenset()
        return self.view.wanted_words(self.expectation, self.history)

    @lazy
    def shows_resource(self) -> bool | None:
        """True when the page shows the resource's (or its last good page's) distinctive
        words; None when there is nothing to look for or no page."""
        if self.view is None or not self.resource_words:
            return None
        return self.view.shows_any(self.resource_words)


Rule = Callable[[Case], Outcome | None]
T = TypeVar("T")


def per_case(work: Callable[[Case], T]) -> Callable[[Case], T]:
    """`work` done once per case, on first use: a finding that several rules read (what a
    video's page says of it) is worked out once, as `Case`'s own cached properties are."""
    key = f"{work.__module__}.{work.__qualname__}"

    @functools.wraps(work)
    def once(case: Case) -> T:
        memo = case.__dict__  # where `lazy` keeps a case's findings too
        if key not in memo:
            memo[key] = work(case)
        return memo[key]  # type: ignore[no-any-return]

    return once


@functools.lru_cache(maxsize=256)
def reason(status: int) -> str:
    """A status with its standard phrase ("HTTP 404 Not Found"), for detail lines."""
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def decide(case: Case, verdict: Verdict, detail: str, **extra: object) -> Outcome:
    """An outcome with the base evidence of `case` and the rule's own (None values left out)."""
    suggested = extra.pop("suggested_url", None)
    return Outcome(
        verdict=verdict,
        detail=detail,
        suggested_url=suggested if isinstance(suggested, str) else None,
        evidence=ev.base(case.facts) | {k: v for k, v in extra.items() if v is not None},
    )
