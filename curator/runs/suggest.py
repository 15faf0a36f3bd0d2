"""Suggestions for a run's checks: where a link's page is now, and how curator knows.

A permanent redirect names its target (`redirect_suggestion`, stored with the check). For a
link in the broken group whose site still answers, the run searches the site itself
(`curator.replacements`) after the check is stored, so the search holds up neither the run's
other addresses nor its storage, and stores what it found with the check.
"""

from __future__ import annotations

from collections.abc import Sequence

from curator.check.evidence import final_url
from curator.check.facts import Expectation, Facts, Outcome, Snapshot
from curator.check.urls import is_home
from curator.domain import Verdict
from curator.replacements.matching import Reference
from curator.runs.targets import Target
from curator.suggestions import Confidence, Suggestion, SuggestionSource

SEARCHED = frozenset({Verdict.BROKEN, Verdict.SOFT_404})
"""Verdicts worth a search: the page is gone but the site answers (not parked, not insecure)."""


def redirect_suggestion(facts: Facts, outcome: Outcome) -> Suggestion | None:
    """The target of a permanent redirect (or a domain move) as a confident suggestion."""
    if outcome.suggested_url is None:
        return None
    statuses = [h.status for h in facts.hops if h.location is not None and h.status is not None]
    how = f" ({statuses[-1]})" if statuses else ""
    return Suggestion(
        url=outcome.suggested_url,
        source=SuggestionSource.REDIRECT,
        confidence=Confidence.CONFIDENT,
        evidence={"summary": f"the old address now redirects here permanently{how}"},
    )


def wants_search(url: str, facts: Facts, outcome: Outcome) -> bool:
    """True when the page is gone but its site still answers: worth looking for it there."""
    return (
        outcome.verdict in SEARCHED
        and outcome.suggested_url is None
        and facts.error is None
        and facts.status is not None
        and not is_home(url)
    )


def reference_for(
    targets: Sequence[Target], expectation: Expectation, snapshot: Snapshot | None
) -> Reference:
    """What the lost page was: its last good page, or else the catalog's own words."""
    expected = bool(expectation.expect_text or expectation.phone)
    if snapshot is not None and (snapshot.title or snapshot.text):
        return Reference.from_snapshot(snapshot, expected=expected)
    first = targets[0]
    return Reference.from_catalog(first.title, expectation.description, expected=expected)


def search_site(facts: Facts) -> str:
    """The address the search starts from: where the old address's answer came from."""
    return final_url(facts)
