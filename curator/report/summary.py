"""The refresh report's first lines, in words: one per guide, one for the whole report."""

from __future__ import annotations

from collections.abc import Sequence

from curator.domain import State
from curator.labels import NOT_CHECKED, date_label, plural, state_label
from curator.registration.warnings import WarningKind, WatchPolicy, watch_line
from curator.report.model import Counts, GuideReport, ReviewDue, Section, WatchItem


def watch_summary(items: Sequence[WatchItem], policy: WatchPolicy) -> str:
    """ "Watch: 2 domains expire within 30 days, 1 domain on registry hold" (each domain or
    host counted once per kind); empty without warnings."""
    keys: dict[WarningKind, set[str]] = {}
    for item in items:
        key = str(item.data.get("domain") or item.data.get("host") or item.resource.url)
        keys.setdefault(item.kind, set()).add(key)
    return watch_line(keys, policy)


def guide_summary(
    counts: Counts,
    review: ReviewDue | None,
    watch: str = "",
    *,
    first: bool = False,
    inconclusive_runs: int = 0,
) -> str:
    """A guide's first line: "3 broken (1 new), 2 moved, review due 2026-12-01"; with nothing
    to say, whether its links work, and for a `first` report (the guide never had one) that
    no change is confirmed yet; with no link checked, whether runs were inconclusive."""
    parts: list[str] = []
    if counts.unsafe:
        parts.append(f"{counts.unsafe} {state_label(State.UNSAFE)}")
    if counts.broken:
        new = f" ({counts.newly_broken} new)" if 0 < counts.newly_broken < counts.broken else ""
        parts.append(f"{counts.broken} broken{new}")
    if counts.moved:
        parts.append(f"{counts.moved} moved")
    if counts.fixed:
        parts.append(f"{counts.fixed} fixed")
    if counts.unverifiable:
        parts.append(f"{counts.unverifiable} unverifiable")
    if counts.failing:
        parts.append(f"{counts.failing} {state_label(State.FAILING)}")
    if counts.reader_reports:
        parts.append(plural(counts.reader_reports, "reader's report", "readers' reports"))
    if counts.content_changes:
        parts.append(plural(counts.content_changes, "page", "pages") + " changed")
    if review is not None:
        if review.due is None:
            parts.append("review due (never reviewed)")
        elif review.overdue:
            parts.append(f"review overdue since {date_label(review.due)}")
        else:
            parts.append(f"review due {date_label(review.due)}")
    if watch:
        parts.append(watch[0].lower() + watch[1:])
    if parts:
        return ", ".join(parts)
    if counts.unchecked == counts.links:
        if inconclusive_runs:
            runs = plural(inconclusive_runs, "run was", "runs were")
            return f"no conclusive check yet: {runs} inconclusive (network down)"
        return f"{plural(counts.links, 'link')} {NOT_CHECKED}"
    works = (
        "the one checked link works"
        if counts.working == 1
        else f"all {counts.working} checked links work"
    )
    if first:
        return f"no confirmed changes yet: {works}"
    return f"{works}; nothing to do"


def overall_summary(guides: Sequence[GuideReport], policy: WatchPolicy | None = None) -> str:
    """The report's first line: "1 unsafe: now a harmful site, 3 broken, 2 moved, 1 guide due
    for review" (unsafe links first, as in each guide's line, and only when there are some)."""
    unsafe = sum(g.counts.unsafe for g in guides)
    broken = sum(g.counts.broken for g in guides)
    moved = sum(g.counts.moved for g in guides)
    reviews = sum(1 for g in guides if g.review is not None)
    parts = [f"{unsafe} {state_label(State.UNSAFE)}"] if unsafe else []
    parts += [f"{broken} broken", f"{moved} moved"]
    if reviews:
        parts.append(plural(reviews, "guide") + " due for review")
    reports = sum(g.counts.reader_reports for g in guides)
    if reports:
        parts.append(plural(reports, "reader's report", "readers' reports"))
    changed = sum(g.counts.content_changes for g in guides)
    if changed:
        parts.append(plural(changed, "page", "pages") + " changed")
    watch = watch_summary(
        [i for g in guides for i in g.items(Section.WATCH) if isinstance(i, WatchItem)],
        policy or WatchPolicy(),
    )
    if watch:
        parts.append(watch[0].lower() + watch[1:])
    return ", ".join(parts)
