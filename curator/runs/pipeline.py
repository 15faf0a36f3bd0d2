"""One URL's check, as a run does it, behind a barrier: whatever goes wrong is that URL's.

    facts, outcome = await check_url(checker.sweep(), url, expectation, history)

Fetch; then the classification with what the facts call for (a meta refresh's target, the
video host's word, the host's random-path baseline). A run stores the first classification
at once (`first_check`) and, when the host's probe may change it, classifies again once the
probe is in (`refine_check`). Every stage runs behind a barrier: an
exception it raises (a bug in curator, never a network failure: the fetcher turns those into
facts) is logged and becomes this URL's check, with the error fact `checker_error` and the
verdict `unverifiable` (it says nothing about the site), so the run goes on with its other
URLs.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from curator.check.checker import Reading, Sweep
from curator.check.facts import ErrorKind, Expectation, Facts, Outcome, Page, Snapshot
from curator.check.politeness import RequestsStopped
from curator.domain import Verdict

log = logging.getLogger(__name__)

CHECKER_ERROR_RULE = "checker_error"
"""The rule name a check that curator failed to finish is stored with."""


def failed(facts: Facts, stage: str, exc: Exception) -> tuple[Facts, Outcome]:
    """The check of a URL whose `stage` raised `exc`: the facts so far, with the error fact."""
    log.error("checking %s failed at the %s stage", facts.url, stage, exc_info=exc)
    what = f"{type(exc).__name__}: {exc}"[:500]
    facts = replace(facts, error=ErrorKind.CHECKER_ERROR, error_detail=f"{stage}: {what}")
    outcome = Outcome(
        Verdict.UNVERIFIABLE,
        f"curator could not finish checking this address (its {stage} failed: {what}). This "
        "says nothing about the site; the error is logged for curator's maintainers.",
        rule=CHECKER_ERROR_RULE,
        evidence={"stage": stage, "exception": type(exc).__name__},
    )
    return facts, outcome


async def check_url(
    sweep: Sweep, url: str, expectation: Expectation, history: Snapshot | None = None
) -> tuple[Facts, Outcome]:
    """Fetch and classify one URL as a run does; never raises for the URL's own trouble."""
    facts, outcome, reading = await first_check(sweep, url, expectation, history)
    if reading is None:
        return facts, outcome
    return await refine_check(sweep, facts, expectation, history, reading)


async def first_check(
    sweep: Sweep, url: str, expectation: Expectation, history: Snapshot | None = None
) -> tuple[Facts, Outcome, Reading | None]:
    """Fetch and classify one URL without waiting for its host's probe: the facts, the outcome,
    and the reading to `refine_check` when the probe may change it (None: it is final)."""
    sweep.expect(url)
    try:
        facts = await sweep.fetch(url)
    except RequestsStopped:
        raise  # not the URL's trouble: the check is not made
    except Exception as exc:
        return (*failed(Facts(url=url, attempts=0), "fetch", exc), None)
    try:
        reading = await sweep.read(facts, expectation, history)
    except RequestsStopped:
        raise
    except Exception as exc:
        return (*failed(facts, "classification", exc), None)
    return facts, reading.outcome, reading if reading.wants_baseline else None


async def refine_check(
    sweep: Sweep,
    facts: Facts,
    expectation: Expectation,
    history: Snapshot | None,
    reading: Reading,
) -> tuple[Facts, Outcome]:
    """The first check classified again with the host's answer to a made-up address."""
    try:
        return facts, await sweep.refine(facts, expectation, history, reading)
    except RequestsStopped:
        raise
    except Exception as exc:
        return failed(facts, "probe", exc)


def kept_facts(facts: Facts) -> Facts:
    """What a run keeps of a URL's facts once its check is stored: every fact a report or the
    CLI shows (status, hops, errors, timings, certificate, the page's title and heading), not
    the page's text, markup, links or the response's headers (the stored check has what
    settling and the history need)."""
    page = facts.page
    lean = None
    if page is not None:
        lean = Page(
            content_type=page.content_type,
            title=page.title,
            headings=page.headings[:1],
            meta_refresh=page.meta_refresh,
            canonical=page.canonical,
            site_name=page.site_name,
            bytes_read=page.bytes_read,
            truncated=page.truncated,
            fingerprint=page.fingerprint,
            scripts=page.scripts,
            media=page.media,
            parse_limit=page.parse_limit,
        )
    return replace(facts, headers=(), page=lean)
