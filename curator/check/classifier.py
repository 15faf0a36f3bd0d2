"""From facts to a verdict: an ordered tuple of small named rules, first match wins.

`classify` is pure: no I/O, no clock, no database. Everything it needs arrives as values:
the fetcher's facts, the catalog's expectation, the host's random-path baseline, what a video
host said, the facts of a meta refresh's target, and the link's last good page (history).
The run decides what else to fetch with `refresh_target` and `wants_baseline`, then classifies
again with the extra facts.

The order matters: failures to get any answer first, then refusals and error statuses (bot
walls, whatever status they answer with, before anything the page shows), then what the page
shows: a parked domain before anything else, a video's state, an empty or error page, a page
taken over by another site, a soft 404, expectations, and last a move. A video host's own
word that a video is gone outranks what its page looks like, except an age check.
"""

from __future__ import annotations

from curator.check import evidence as ev
from curator.check import urls
from curator.check.case import Case, Rule, decide
from curator.check.facts import Expectation, Facts, Outcome, SiteBaseline, Snapshot, VideoFacts
from curator.check.media_rules import (
    media_gated,
    media_region_blocked,
    media_removed,
    video_unavailable,
)
from curator.check.page_rules import (
    app_shell_like_random_path,
    expectation_missing,
    moved_permanently,
    ok,
    section_missing,
    soft_404_empty,
    soft_404_error_page,
    soft_404_error_page_forwarding,
    soft_404_home_redirect,
    soft_404_like_random_path,
)
from curator.check.parking_rules import (
    parked_domain,
    parked_lander,
    parked_link_directory,
    parked_platform,
    parked_redirect,
    parked_scam,
    parked_takeover,
)
from curator.check.response_rules import (
    blocked_address,
    bot_wall,
    consent_wall,
    dns_failure,
    dns_nxdomain,
    gone,
    invalid_url,
    network_failure,
    rate_limited,
    redirect_loop,
    server_error,
    tls_failure,
    unexpected_status,
)
from curator.domain import Verdict


def meta_refresh_to_broken(case: Case) -> Outcome | None:
    """The page forwards readers (meta refresh) to a page that is broken (or parked)."""
    if case.refresh is None:
        return None
    inner = classify(case.refresh, case.expectation, None, case.video, history=case.history)
    if inner.verdict not in (Verdict.BROKEN, Verdict.SOFT_404, Verdict.PARKED, Verdict.INSECURE):
        return None
    target = case.refresh.url
    parked = inner.verdict is Verdict.PARKED
    return decide(
        case,
        Verdict.PARKED if parked else Verdict.BROKEN,
        f"The page forwards readers (meta refresh) to {target}, which is "
        f"{'parked' if parked else 'broken'}: {inner.detail[:1].lower()}{inner.detail[1:]}",
        meta_refresh=target,
        refresh_verdict=inner.verdict.value,
        refresh_evidence=inner.evidence,
    )


def meta_refresh_target(case: Case) -> Outcome | None:
    """The page forwards readers (meta refresh) to a page: that page's verdict decides."""
    if case.refresh is None:
        return None
    inner = classify(case.refresh, case.expectation, None, case.video, history=case.history)
    landing = ev.final_url(case.refresh)
    if urls.is_deep_link(case.facts.url) and urls.is_home(landing):
        return decide(
            case,
            Verdict.SOFT_404,
            f"The page now forwards readers (meta refresh) to the home page of "
            f"{urls.host(landing)} ({landing}): the page it named is gone.",
            meta_refresh=case.refresh.url,
        )
    return decide(
        case,
        inner.verdict,
        f"The page forwards readers (meta refresh) to {case.refresh.url}. {inner.detail}",
        suggested_url=inner.suggested_url,
        meta_refresh=case.refresh.url,
        refresh_verdict=inner.verdict.value,
        refresh_evidence=inner.evidence,
    )


RULES: tuple[Rule, ...] = (
    blocked_address,
    invalid_url,
    dns_nxdomain,
    dns_failure,
    tls_failure,
    redirect_loop,
    network_failure,
    parked_scam,
    parked_platform,
    bot_wall,
    consent_wall,
    rate_limited,
    gone,
    server_error,
    unexpected_status,
    parked_domain,
    parked_lander,
    parked_redirect,
    soft_404_error_page_forwarding,
    meta_refresh_to_broken,
    meta_refresh_target,
    media_region_blocked,
    media_gated,
    video_unavailable,
    media_removed,
    soft_404_empty,
    soft_404_error_page,
    parked_takeover,
    parked_link_directory,
    soft_404_home_redirect,
    app_shell_like_random_path,
    soft_404_like_random_path,
    expectation_missing,
    moved_permanently,
    section_missing,
    ok,
)
_NAMED_RULES = tuple((rule, rule.__name__) for rule in RULES)
_AFTER_BASELINE = frozenset(
    rule.__name__ for rule in RULES[RULES.index(soft_404_like_random_path) + 1 :]
)


def classify(
    facts: Facts,
    expectation: Expectation,
    baseline: SiteBaseline | None = None,
    video: VideoFacts | None = None,
    *,
    refresh: Facts | None = None,
    history: Snapshot | None = None,
) -> Outcome:
    """The verdict of one check: the first rule that matches decides."""
    case = Case(facts, expectation, baseline, video, refresh, history)
    for rule, name in _NAMED_RULES:
        outcome = rule(case)
        if outcome is not None:
            return Outcome(
                verdict=outcome.verdict,
                detail=outcome.detail,
                suggested_url=outcome.suggested_url,
                rule=name,
                evidence=outcome.evidence,
            )
    raise AssertionError("the last rule always decides")  # pragma: no cover


def refresh_target(facts: Facts) -> str | None:
    """The page a successful response forwards to by meta refresh, if the run must fetch it."""
    page = facts.page
    if page is None or page.meta_refresh is None or facts.error is not None:
        return None
    if facts.status is None or not 200 <= facts.status < 300:
        return None
    target = page.meta_refresh
    if urls.same_url(target, ev.final_url(facts)) or not target.startswith(("http://", "https://")):
        return None
    return target


def wants_baseline(facts: Facts, outcome: Outcome) -> bool:
    """True when this outcome could change once the host's random-path baseline is known."""
    return (
        outcome.rule in _AFTER_BASELINE
        and facts.page is not None
        and facts.status is not None
        and 200 <= facts.status < 300
        and urls.is_deep_link(facts.url)
    )


def baseline_tells(baseline: SiteBaseline) -> bool:
    """True when the host's answer to a made-up address can change a verdict: a success. A host
    that answers it honestly (404, an error) or not at all leaves every rule as it was without
    a baseline (see `page_rules.like_random_path`), so there is nothing to classify again."""
    return baseline.error is None and baseline.status is not None and 200 <= baseline.status < 300
