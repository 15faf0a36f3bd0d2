"""Suggestions (the contract of DESIGN.md): where a link's page is now, how curator found it and
how sure it is.

    suggestion: {url, source: redirect | sitemap | site-links | archive,
                 confidence: confident | possible, evidence}

Only a `confident` suggestion becomes a check's `suggested_url` (what the accept-suggestion
action takes); a `possible` one is shown to editors as a lead to follow, never as the button.
`evidence` is a small JSON object whose `summary` is the sentence editors read
("same title, 94 % of the text").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class SuggestionSource(StrEnum):
    """How curator found the suggested address."""

    REDIRECT = "redirect"
    """The old address redirects there permanently."""
    SITEMAP = "sitemap"
    """Listed in the site's own sitemap, and its page matches the old one."""
    SITE_LINKS = "site-links"
    """Linked from the site's home page or the old address's parent pages, and it matches."""
    ARCHIVE = "archive"
    """An archived copy of the old page (a web archive), when the site offers nothing."""


class Confidence(StrEnum):
    """How sure curator is that the suggestion is the same page."""

    CONFIDENT = "confident"
    """Same page beyond reasonable doubt: offered as the accept action."""
    POSSIBLE = "possible"
    """A lead worth a look; never offered as the accept action."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Where a link's page is now, how it was found and how sure curator is."""

    url: str
    source: SuggestionSource
    confidence: Confidence
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @property
    def confident(self) -> bool:
        """True when the suggestion may be accepted as the resource's new address."""
        return self.confidence is Confidence.CONFIDENT

    @property
    def summary(self) -> str:
        """The evidence in one phrase, for editors ("same title, 94 % of the text")."""
        value = self.evidence.get("summary")
        return value if isinstance(value, str) else ""

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON object."""
        return {
            "url": self.url,
            "source": self.source.value,
            "confidence": self.confidence.value,
            "evidence": dict(self.evidence),
        }

    @classmethod
    def from_json(cls, value: object) -> Suggestion | None:
        """A stored suggestion read back; None for anything that is not one."""
        if not isinstance(value, Mapping):
            return None
        url, source, confidence = value.get("url"), value.get("source"), value.get("confidence")
        evidence = value.get("evidence")
        if not isinstance(url, str) or not url:
            return None
        if not isinstance(source, str) or not isinstance(confidence, str):
            return None
        try:
            return cls(
                url=url,
                source=SuggestionSource(source),
                confidence=Confidence(confidence),
                evidence=dict(evidence) if isinstance(evidence, Mapping) else {},
            )
        except ValueError:
            return None


def suggested_url(suggestion: Suggestion | None) -> str | None:
    """The address the accept action may take: a confident suggestion's URL, else None."""
    return suggestion.url if suggestion is not None and suggestion.confident else None
