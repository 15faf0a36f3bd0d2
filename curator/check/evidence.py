"""Reading the fetcher's facts for the rules: the redirect chain, the page's parts, evidence.

Small pure helpers shared by the classifier's rules, so each rule stays a few lines.
"""

from __future__ import annotations

from curator.check.facts import Facts

PERMANENT = frozenset({301, 308})
REDIRECT = frozenset({301, 302, 303, 307, 308})


def final_url(facts: Facts) -> str:
    """Where the fetch ended: the final URL, else the last hop's, else the original."""
    if facts.final_url:
        return facts.final_url
    if facts.hops:
        return facts.hops[-1].url
    return facts.url


def redirected(facts: Facts) -> bool:
    """True when at least one hop was a redirect."""
    return any(h.status in REDIRECT and h.location for h in facts.hops)


def any_permanent(facts: Facts) -> bool:
    """True when any hop of the chain was a permanent redirect (301/308)."""
    return any(h.status in PERMANENT and h.location for h in facts.hops)


def permanent_target(facts: Facts) -> str | None:
    """Where the leading run of permanent redirects points: the address to update to.

    A -301-> B -302-> C suggests B (C is only where B sends readers today); a chain that
    starts with a temporary redirect suggests nothing: the catalogued address is the one the
    site itself keeps pointing from.
    """
    target: str | None = None
    for hop in facts.hops:
        if hop.status in PERMANENT and hop.location:
            target = hop.location
            continue
        break
    return target


def base(facts: Facts) -> dict[str, object]:
    """The evidence every outcome carries: status, where it ended, the hops, the title."""
    evidence: dict[str, object] = {
        "status": facts.status,
        "final_url": final_url(facts),
        "hops": [
            {"url": h.url, "status": h.status, "address": h.address, "location": h.location}
            for h in facts.hops
        ],
        "attempts": facts.attempts,
    }
    if facts.error is not None:
        evidence["error"] = facts.error.value
        if facts.error_detail:
            evidence["error_detail"] = facts.error_detail
    if facts.page is not None and facts.page.title:
        evidence["title"] = facts.page.title
    if facts.page is not None and facts.page.parse_limit:
        evidence["parse_limit"] = facts.page.parse_limit
    return evidence
