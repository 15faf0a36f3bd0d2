"""Verdicts (the contract of DESIGN.md) and the groups editors and websites see."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """How one check of a URL ended; exactly one per check."""

    OK = "ok"
    """Reachable, real content, expectations met."""
    MOVED = "moved"
    """Works through a permanent redirect: update the URL to `suggested_url`."""
    BROKEN = "broken"
    """Definitively gone: 404/410, no such domain, redirect loop, confirmed failure."""
    SOFT_404 = "soft_404"
    """A success status on what is really an error page or the site's home page."""
    PARKED = "parked"
    """The domain is parked, for sale, or now belongs to someone unrelated."""
    CHANGED = "changed"
    """Reachable, but the expected text (a helpline number) or the video is gone."""
    INSECURE = "insecure"
    """TLS failure: self-signed, expired, wrong host."""
    TRANSIENT = "transient"
    """Timeout, reset, 5xx, DNS server failure: not yet confirmed."""
    UNVERIFIABLE = "unverifiable"
    """The site refuses automated checks: not evidence of a broken link."""


class Group(StrEnum):
    """What a verdict means for a reader of the list."""

    WORKING = "working"
    UPDATE = "update"
    BROKEN = "broken"
    UNKNOWN = "unknown"


GROUP_OF: dict[Verdict, Group] = {
    Verdict.OK: Group.WORKING,
    Verdict.MOVED: Group.UPDATE,
    Verdict.BROKEN: Group.BROKEN,
    Verdict.SOFT_404: Group.BROKEN,
    Verdict.PARKED: Group.BROKEN,
    Verdict.CHANGED: Group.BROKEN,
    Verdict.INSECURE: Group.BROKEN,
    Verdict.TRANSIENT: Group.UNKNOWN,
    Verdict.UNVERIFIABLE: Group.UNKNOWN,
}

# Most severe first: how editors' problem lists are ordered.
SEVERITY: tuple[Verdict, ...] = (
    Verdict.PARKED,
    Verdict.BROKEN,
    Verdict.CHANGED,
    Verdict.SOFT_404,
    Verdict.INSECURE,
    Verdict.MOVED,
    Verdict.TRANSIENT,
    Verdict.UNVERIFIABLE,
    Verdict.OK,
)


def group_of(verdict: Verdict) -> Group:
    """The group a verdict belongs to."""
    return GROUP_OF[verdict]


def severity_rank(verdict: Verdict) -> int:
    """0 for the most severe verdict; used to order problem lists."""
    return SEVERITY.index(verdict)
