"""Rules for pages that arrived: is it still the resource, an error page, or a moved page?

Each rule is a small pure function of a `Case`, returning an `Outcome` or None; their order
lives in `curator.check.classifier.RULES`. (Parked domains: `parking_rules`; videos:
`media_rules`.)
"""

from __future__ import annotations

from curator.check import evidence as ev
from curator.check import lander, urls
from curator.check.case import Case, decide, reason
from curator.check.expect import (
    has_readable_text,
    missing_phone,
    missing_texts,
    normal,
    quote,
)
from curator.check.facts import Outcome, Page
from curator.check.quirks import Parts, Where
from curator.check.signatures import ERROR_PAGES, WEAK_ERROR
from curator.check.text import similarity
from curator.domain import Verdict

SIMILAR = 0.90
"""Fingerprint similarity above which a page with the baseline's title is the baseline."""
NEAR_IDENTICAL = 0.97
"""Fingerprint similarity above which a page is the baseline whatever its title."""


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


def soft_404_empty(case: Case) -> Outcome | None:
    """A success status with nothing in it: no body, only whitespace, or an empty document."""
    view = case.view
    if not case.success or view is None:
        return None
    page = view.page
    empty_document = (
        page.markup_sample.strip() != ""
        and not (page.title or page.text or page.headings)
        and page.scripts == 0
        and page.media == 0
        and page.meta_refresh is None
        and not page.truncated
    )
    if not (page.blank or empty_document):
        return None
    what = "an empty body" if page.blank else "an empty page (no title, no text)"
    return decide(
        case,
        Verdict.SOFT_404,
        f"The address answers {reason(case.status or 200)} with {what}: the page it named is "
        "not there.",
    )


def soft_404_error_page(case: Case) -> Outcome | None:
    """An error page ("Page not found", "Page introuvable"…) served with a success status.

    A page whose title names the resource is the resource, even when it speaks of errors
    (a guide to "404 pages"): its error words count only outside that part of the title.
    """
    view = case.view
    if not case.success or view is None:
        return None
    parts = case.parts(text=view.short)
    naming = view.title_naming(case.resource_words)
    if naming is not None:
        rest = view.title.replace(naming, " ")
        parts = _without(parts, title=rest)
    found = ERROR_PAGES.first(parts, short_page=view.short and naming is None)
    if found is None:
        return None
    return decide(
        case,
        Verdict.SOFT_404,
        f"The page now says {quote(view.shown(found))} "
        f"({reason(case.status or 200)}): the site serves its error page.",
        signature=found.name,
        language=found.signature.language,
    )


def soft_404_error_page_forwarding(case: Case) -> Outcome | None:
    """An error page that sends readers on by meta refresh (to the home page, a search): its
    own words say the page is gone, whatever the page it forwards to shows."""
    if case.refresh is None:
        return None
    return soft_404_error_page(case)


def _without(parts: Parts, *, title: str) -> Parts:
    """`parts` with another title and no visible text."""
    return parts.replacing({Where.TITLE: (title,), Where.TEXT: ()})


def app_shell_like_random_path(case: Case) -> Outcome | None:
    """An app shell (scripts, no text yet) equal to what the host returns for a made-up
    address, and not naming the resource: the host ignores the path, nothing more is known."""
    baseline, view = case.baseline, case.view
    if baseline is None or view is None or not lander.script_only(view):
        return None
    likeness = like_random_path(case)
    if likeness is None or likeness == SAME_LANDING or case.shows_resource is True:
        return None  # a shell naming the resource is `ok`; one sent elsewhere, a soft 404
    if WEAK_ERROR.first(case.parts(text=False)) is not None:
        return None  # it says it is an error page: see `soft_404_like_random_path`
    return decide(
        case,
        Verdict.UNVERIFIABLE,
        f"{urls.host(case.final)} answers every address with the same app shell (a page its "
        "scripts draw, with no text of its own), so curator cannot tell whether the page it "
        "named is still there; a person should look.",
        similarity=round(likeness, 3),
        baseline_url=baseline.probe_url,
        app_shell=True,
    )


def soft_404_like_random_path(case: Case) -> Outcome | None:
    """The page is what the site returns for a made-up address, and looks like an error page
    or has nothing of the resource: gone (a path-ignoring site showing the resource is not)."""
    baseline = case.baseline
    likeness = like_random_path(case)
    if baseline is None or likeness is None:
        return None
    if likeness == SAME_LANDING:
        return decide(
            case,
            Verdict.SOFT_404,
            f"The page now sends readers where {urls.host(case.final)} sends made-up addresses "
            f"({case.final}): the page it named is probably gone.",
            baseline_url=baseline.probe_url,
        )
    cue = WEAK_ERROR.first(case.parts(text=False))
    if cue is not None:
        why = f"and says {quote(case.view.shown(cue)) if case.view else cue.shown}"
    elif case.shows_resource is not True:
        why = "and shows nothing of the resource"
    else:
        return None  # the host answers every address with the resource: see `ok`
    return decide(
        case,
        Verdict.SOFT_404,
        f"The page looks the same as what {urls.host(case.final)} returns for a made-up address "
        f"(similarity {likeness:.2f}) {why}: the page it named is probably gone.",
        similarity=round(likeness, 3),
        baseline_url=baseline.probe_url,
        baseline_title=baseline.title,
    )


SAME_LANDING = 2.0
"""`like_random_path` for a page reached where made-up addresses are redirected to."""


def like_random_path(case: Case) -> float | None:
    """How alike the page and the host's answer to a made-up address are (`SAME_LANDING` when
    both were redirected to the same place); None when they are not alike or cannot be."""
    baseline, page = case.baseline, case.facts.page
    if baseline is None or page is None or not case.success:
        return None
    if baseline.status is None or not 200 <= baseline.status < 300:
        return None  # the site answers made-up addresses honestly: this page is real
    if not urls.is_deep_link(case.facts.url):
        return None
    if (
        baseline.final_url is not None
        and baseline.final_url != baseline.probe_url
        and urls.same_url(baseline.final_url, case.final)
        and not urls.same_url(case.final, case.facts.url)
    ):
        return SAME_LANDING
    same_title = normal(page.title or "") == normal(baseline.title or "")
    if not page.text and not baseline.text_sample:
        return 1.0 if same_title else None  # two pages drawn by scripts: the title tells
    score = _similarity(page.fingerprint, baseline.fingerprint, page.text, baseline.text_sample)
    if score >= NEAR_IDENTICAL or (score >= SIMILAR and same_title):
        return score
    return None


def _similarity(fingerprint: str | None, other: str | None, text: str, sample: str) -> float:
    if fingerprint and other:
        return similarity(fingerprint, other)
    if sample:
        return 1.0 if normal(text).startswith(normal(sample)) else 0.0
    return 0.0


def expectation_missing(case: Case) -> Outcome | None:
    """An expected text, or the helpline's phone number, is no longer on the page."""
    page = case.facts.page
    if not case.success or page is None or not has_readable_text(page):
        return None
    if case.view is not None and lander.script_only(case.view):
        return None  # an app shell: its text is drawn by scripts, curator cannot read it
    texts = missing_texts(page, case.expectation.expect_text)
    phone = missing_phone(page, case.expectation.phone)
    if not texts and phone is None:
        return None
    if page.read_in_part:
        return None  # it may sit in the part not read: no evidence (`ok` says so)
    found = f" (numbers on it: {', '.join(phone[:3])})" if phone else ""
    number = f"the helpline number {case.expectation.phone}"
    if texts and phone is not None:
        said = f"The page no longer shows {', '.join(quote(t) for t in texts)} or {number}{found}"
    elif texts:
        said = f"The page no longer shows {', '.join(quote(t) for t in texts)}"
    else:
        said = f"The page no longer shows {number}{found}"
    return decide(
        case,
        Verdict.CHANGED,
        said + ".",
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


def _misses(case: Case, page: Page) -> bool:
    """True when the page, as read, lacks an expected text or the phone number."""
    expectation = case.expectation
    return bool(missing_texts(page, expectation.expect_text)) or (
        missing_phone(page, expectation.phone) is not None
    )


def section_missing(case: Case) -> Outcome | None:
    """The page works, but the section its link's fragment names (`#reporting`) is no
    longer on it: readers land at its top. The page itself is the address to keep (or the
    section's new anchor, which only an editor can tell)."""
    page = case.facts.page
    if not case.success or page is None or page.section_found is not False:
        return None
    address, _, fragment = case.facts.url.partition("#")
    final = case.final
    if not (urls.same_url(address, final) or urls.is_https_upgrade(address, final)):
        return None  # a temporary redirect elsewhere (a log-in, a notice): not the page linked
    return decide(
        case,
        Verdict.MOVED,
        f"Works ({reason(case.status or 200)}), but the section it links to (#{fragment}) is "
        f"no longer on the page, so readers land at its top: link to the page itself, or to "
        f"the section's new anchor.",
        suggested_url=address,
        missing_section=f"#{fragment}",
    )


def ok(case: Case) -> Outcome | None:
    """Reachable, real content, expectations met (temporary redirects included)."""
    page = case.facts.page
    status = reason(case.status or 200)
    if ev.redirected(case.facts):
        detail = f"Works ({status}) after a temporary redirect to {case.final}."
    else:
        detail = f"Works ({status})."
    if like_random_path(case) is not None:
        detail += (
            f" {urls.host(case.final)} answers every address with this same page, so curator "
            "cannot tell more than that it shows the resource."
        )
    expects = bool(case.expectation.expect_text or case.expectation.phone)
    if page is not None and expects and not has_readable_text(page):
        kind = page.content_type or "this kind of file"
        detail += f" Its expected text cannot be read from {kind}."
    elif expects and case.view is not None and lander.script_only(case.view):
        detail += " Its text is drawn by scripts, so its expected text could not be checked."
    elif expects and page is not None and page.read_in_part and _misses(case, page):
        detail += (
            " Its expected text is not in the part of this long page curator reads, so it "
            "could not be checked further down."
        )
    return decide(case, Verdict.OK, detail)
