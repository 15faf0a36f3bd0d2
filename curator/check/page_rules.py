"""Rules for pages that arrived: is it still the resource, or a parked, error or moved page?

Each rule is a small pure function of a `Case`, returning an `Outcome` or None; their order
lives in `curator.check.classifier.RULES`.
"""

from __future__ import annotations

from curator.check import evidence as ev
from curator.check import urls
from curator.check.case import Case, decide, reason
from curator.check.expect import (
    has_readable_text,
    missing_phone,
    missing_texts,
    normal,
    quote,
    shows_any_expected_word,
)
from curator.check.facts import Outcome
from curator.check.quirks import ERROR_PAGES, PARKING, first_match, label
from curator.check.text import similarity
from curator.domain import Verdict

SIMILAR = 0.90
"""Fingerprint similarity above which a page with the baseline's title is the baseline."""
NEAR_IDENTICAL = 0.97
"""Fingerprint similarity above which a page is the baseline whatever its title."""


def parked_domain(case: Case) -> Outcome | None:
    """A parking or for-sale page (Sedo, Dan.com, Afternic, GoDaddy, HugeDomains…)."""
    if not case.success:
        return None
    page = case.facts.page
    signature = first_match(PARKING, ev.parts(page, case.final), short_page=ev.is_short(page))
    if signature is None:
        return None
    return decide(
        case,
        Verdict.PARKED,
        f"The domain {urls.host(case.final)} is parked or for sale "
        f"({signature.label} page): the resource is no longer there.",
        signature=signature.name,
    )


def parked_redirect(case: Case) -> Outcome | None:
    """A permanent redirect to an unrelated domain whose page shows none of the expected words."""
    if not case.success or case.facts.page is None or not ev.any_permanent(case.facts):
        return None
    if urls.registrable_domain(urls.host(case.facts.url)) == urls.registrable_domain(
        urls.host(case.final)
    ):
        return None
    shown = shows_any_expected_word(case.facts.page, case.expectation)
    if shown is None or shown:
        return None
    return decide(
        case,
        Verdict.PARKED,
        f"The address now redirects permanently to an unrelated site ({urls.host(case.final)}) "
        "that shows none of the resource's words: the domain may belong to someone else now.",
    )


def soft_404_home_redirect(case: Case) -> Outcome | None:
    """A deep link redirected to a site's home page: the page it named is gone."""
    if not case.success or not ev.redirected(case.facts):
        return None
    if not urls.is_deep_link(case.facts.url) or not urls.is_home(case.final):
        return None
    return decide(
        case,
        Verdict.SOFT_404,
        f"The page now redirects to the home page of {urls.host(case.final)} ({case.final}): "
        "the page it named is gone.",
    )


def soft_404_error_page(case: Case) -> Outcome | None:
    """An error page ("Page not found", "Page introuvable"…) served with a success status."""
    page = case.facts.page
    if not case.success or page is None:
        return None
    signature = first_match(ERROR_PAGES, ev.parts(page, case.final), short_page=ev.is_short(page))
    if signature is None:
        return None
    return decide(
        case,
        Verdict.SOFT_404,
        f"The page now says {quote(signature.shown)} "
        f"({reason(case.status or 200)}): the site serves its error page.",
        signature=signature.name,
        language=signature.signature.language,
    )


def soft_404_like_random_path(case: Case) -> Outcome | None:
    """The page is indistinguishable from what the site returns for a made-up address."""
    baseline, page = case.baseline, case.facts.page
    if baseline is None or page is None or not case.success:
        return None
    if baseline.status is None or not 200 <= baseline.status < 300:
        return None  # the site answers made-up addresses honestly: this page is real
    if not urls.is_deep_link(case.facts.url):
        return None
    same_landing = (
        baseline.final_url is not None
        and baseline.final_url != baseline.probe_url
        and urls.same_url(baseline.final_url, case.final)
        and not urls.same_url(case.final, case.facts.url)
    )
    if same_landing:
        return decide(
            case,
            Verdict.SOFT_404,
            f"The page now sends readers where {urls.host(case.final)} sends made-up addresses "
            f"({case.final}): the page it named is probably gone.",
            baseline_url=baseline.probe_url,
        )
    score = _similarity(page.fingerprint, baseline.fingerprint, page.text, baseline.text_sample)
    same_title = normal(page.title or "") == normal(baseline.title or "")
    if not (score >= NEAR_IDENTICAL or (score >= SIMILAR and same_title)):
        return None
    return decide(
        case,
        Verdict.SOFT_404,
        f"The page looks the same as what {urls.host(case.final)} returns for a made-up address "
        f"(similarity {score:.2f}): the page it named is probably gone.",
        similarity=round(score, 3),
        baseline_url=baseline.probe_url,
        baseline_title=baseline.title,
    )


def _similarity(fingerprint: str | None, other: str | None, text: str, sample: str) -> float:
    if fingerprint and other:
        return similarity(fingerprint, other)
    if sample:
        return 1.0 if normal(text).startswith(normal(sample)) else 0.0
    return 0.0


def video_unavailable(case: Case) -> Outcome | None:
    """The video host says the video is removed or private."""
    video = case.video
    if video is None or video.available:
        return None
    host = label(video.provider)
    status = f", oEmbed HTTP {video.status}" if video.status is not None else ""
    return decide(
        case,
        Verdict.CHANGED,
        f"The {host} video is {video.detail or 'no longer available'}{status}.",
        video={"provider": video.provider, "status": video.status, "detail": video.detail},
    )


def expectation_missing(case: Case) -> Outcome | None:
    """An expected text, or the helpline's phone number, is no longer on the page."""
    page = case.facts.page
    if not case.success or page is None or not has_readable_text(page):
        return None
    texts = missing_texts(page, case.expectation.expect_text)
    phone = missing_phone(page, case.expectation.phone)
    if not texts and phone is None:
        return None
    found = f" (numbers on it: {', '.join(phone[:3])})" if phone else ""
    number = f"the helpline number {case.expectation.phone}"
    if texts and phone is not None:
        said = f"The page no longer shows {', '.join(quote(t) for t in texts)} or {number}{found}"
    elif texts:
        said = f"The page no longer shows {', '.join(quote(t) for t in texts)}"
    else:
        said = f"The page no longer shows {number}{found}"
    cap = " (only the start of a long page was read)" if page.truncated else ""
    return decide(
        case,
        Verdict.CHANGED,
        said + cap + ".",
        missing_text=list(texts) or None,
        missing_phone=case.expectation.phone if phone is not None else None,
        phones_found=phone or None,
    )


def moved_permanently(case: Case) -> Outcome | None:
    """A 301/308 chain to a working page: the link should be updated to its target."""
    target = ev.permanent_target(case.facts)
    if target is None or not case.success:
        return None
    old, new = urls.host(case.facts.url), urls.host(target)
    if urls.is_https_upgrade(case.facts.url, target):
        detail = f"Moved to the secure address {target}: update the link."
    elif urls.registrable_domain(old) != urls.registrable_domain(new):
        detail = (
            f"Moved permanently to another domain ({new}) that still shows the resource: "
            f"update the link to {target}."
        )
    else:
        detail = f"Moved permanently to {target}: update the link."
    return decide(case, Verdict.MOVED, detail, suggested_url=target)


def ok(case: Case) -> Outcome | None:
    """Reachable, real content, expectations met (temporary redirects included)."""
    page = case.facts.page
    status = reason(case.status or 200)
    if ev.redirected(case.facts):
        detail = f"Works ({status}) after a temporary redirect to {case.final}."
    else:
        detail = f"Works ({status})."
    if (
        page is not None
        and not has_readable_text(page)
        and (case.expectation.expect_text or case.expectation.phone)
    ):
        kind = page.content_type or "this kind of file"
        detail += f" Its expected text cannot be read from {kind}."
    return decide(case, Verdict.OK, detail)
