"""The ground floor: curator's domain values, which every layer may import.

Every vocabulary curator stores is a `StrEnum` here, stored by value: verdicts and their
groups, resource kinds, run statuses and triggers, job statuses, editors' actions, recheck
reasons and mail kinds. Review intervals and "when is a guide's next review due" are computed
here once. Nothing in this module imports anything else of curator's.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

# --- verdicts (the contract of DESIGN.md) ------------------------------------------------------


class Verdict(StrEnum):
    """How one check of a URL ended; exactly one per check."""

    OK = "ok"
    """Reachable, real content, expectations met."""
    MOVED = "moved"
    """Works, but at an address that should change: a permanent redirect's target, or the page
    itself when the section its fragment names is gone; update the URL to `suggested_url`."""
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


# --- a resource's standing (see curator.standing) ----------------------------------------------


class State(StrEnum):
    """Where a resource stands, as editors and readers see it: one per resource."""

    NEVER_CHECKED = "never_checked"
    """No conclusive check of its link yet: published, status unknown."""
    WORKING = "working"
    """The link works (`ok`)."""
    MOVED = "moved"
    """The link works through a permanent redirect: the address should change."""
    UNVERIFIABLE = "unverifiable"
    """The site refuses automated checks: no evidence either way; published."""
    FAILING = "failing"
    """The latest checks failed, not (yet) long enough to be confirmed: still published."""
    UNSAFE = "unsafe"
    """The latest checks found a site harmful to readers where the resource was (a gambling,
    adult, pharmacy, crypto or loans site, or a scam): hidden from readers at once, before
    the failure is confirmed, until a check finds the page working again."""
    BROKEN = "broken"
    """A broken-group verdict confirmed over several checks: hidden from readers."""
    SNOOZED = "snoozed"
    """An editor called its failure a false positive until a date: published, not a problem."""
    RETIRED = "retired"
    """Taken off its guide's list (its history stays)."""


class Need(StrEnum):
    """Why a resource needs an editor."""

    UNSAFE = "unsafe"
    BROKEN = "broken"
    FAILING = "failing"
    MOVED = "moved"
    UNVERIFIABLE = "unverifiable"
    READER_REPORTS = "reader_reports"


# --- the catalog ---------------------------------------------------------------------------------


class ResourceKind(StrEnum):
    """What a resource is; decides which expectations apply."""

    WEBPAGE = "webpage"
    VIDEO = "video"
    HELPLINE = "helpline"
    DOCUMENT = "document"


# --- runs and scheduled jobs -------------------------------------------------------------------


class RunStatus(StrEnum):
    """Where a check run stands."""

    RUNNING = "running"
    COMPLETED = "completed"
    INCONCLUSIVE = "inconclusive"
    INTERRUPTED = "interrupted"
    FAILED = "failed"


class RunTrigger(StrEnum):
    """Who or what started a check run (runs.trigger)."""

    CLI = "cli"
    """`curator check` on a terminal or in CI."""
    SCHEDULE = "schedule"
    """The scheduler's full check of every guide."""
    CONFIRM = "confirm"
    """The scheduler's daily recheck of failing links."""
    RECHECK = "recheck"
    """Queued rechecks of single resources (readers' reports, editors)."""
    EDITOR = "editor"
    """An editor's "run now" (API or dashboard)."""
    API = "api"
    """A run started through the API by another tool."""
    RESUME = "resume"
    """A run resumed by hand from an interrupted one."""


class JobStatus(StrEnum):
    """How a scheduled job's latest run ended (job_states.last_status)."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    SKIPPED = "skipped"
    INCONCLUSIVE = "inconclusive"
    """A run's network looked down: nothing concluded; the job is due again soon."""


class CheckJob(StrEnum):
    """The scheduled jobs that start check runs: their ids in `job_states`."""

    FULL_CHECK = "full_check"
    """Every active resource of every guide (CURATOR_FULL_CHECK_CRON)."""
    CONFIRM_CHECK = "confirm_check"
    """The links whose latest checks failed, confirmed or cleared (CURATOR_CONFIRM_CHECK_CRON)."""


# --- editors' work -----------------------------------------------------------------------------


class ActionKind(StrEnum):
    """What an editor did (editor_actions.action)."""

    ACCEPT_SUGGESTION = "accept_suggestion"
    EDIT = "edit"
    SNOOZE = "snooze"
    RETIRE = "retire"
    RESTORE = "restore"
    END_SNOOZE = "end_snooze"
    RECHECK = "recheck"
    START_RUN = "start_run"
    CLOSE_REPORTS = "close_reports"


class RecheckReason(StrEnum):
    """Why a recheck was asked for (recheck_requests.reason)."""

    REPORT = "report"
    EDITOR = "editor"
    EDIT = "edit"


class MailKind(StrEnum):
    """Which email a delivery is (mail_deliveries.kind)."""

    REFRESH = "refresh"
    """A guide's refresh report after a full run."""
    REVIEW = "review"
    """A reminder that a guide's review is due."""
    DOMAIN_ALERT = "domain_alert"
    """A listed resource's domain entered registry hold or its redemption period."""


# --- review intervals --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Interval:
    """A review interval such as "6 months"."""

    count: int
    unit: str  # day | week | month | year

    def after(self, start: date) -> date:
        """The date one interval after `start` (month ends clamp: 31 Aug + 6 months = 28 Feb)."""
        if self.unit in ("day", "week"):
            return start + timedelta(days=self.count * (7 if self.unit == "week" else 1))
        months = self.count * (12 if self.unit == "year" else 1)
        year, month0 = divmod(start.month - 1 + months, 12)
        year += start.year
        day = min(start.day, calendar.monthrange(year, month0 + 1)[1])
        return date(year, month0 + 1, day)


_INTERVAL = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$", re.IGNORECASE)


def parse_interval(value: str) -> Interval:
    """ "6 months" → Interval(6, "month"); a ValueError for anything else."""
    match = _INTERVAL.match(value) if isinstance(value, str) else None
    if not match or int(match.group(1)) == 0:
        raise ValueError('not a review interval such as "6 months", "1 year", "12 weeks"')
    return Interval(int(match.group(1)), match.group(2).lower())


def next_review_due(review_every: str | None, last_reviewed: date | None) -> date | None:
    """When a guide's next review falls due; None without an interval, a last review, or
    with an interval that cannot be read (the catalog validates it on the way in)."""
    if not review_every or last_reviewed is None:
        return None
    try:
        return parse_interval(review_every).after(last_reviewed)
    except ValueError:
        return None
