"""What curator believes about a URL over time: one check is not proof.

`advance(state, outcome, now, policy)` is pure; the store keeps its result in `link_states`.

The policy, in full:

- A working or update verdict (`ok`, `moved`) is believed at once: it becomes the confirmed
  verdict and clears the failure streak.
- A failure (the broken group: `broken`, `soft_404`, `parked`, `changed`, `insecure`; and
  `transient`) extends the streak. It is confirmed only once the streak is `failures` checks
  long *and* spans at least `days` days since its first failure; until then the confirmed
  verdict stays what it was, so the public list keeps the resource. Definitive verdicts wait
  too: a 404 during a site's botched deployment, a parking page during a registrar's
  hiccup or an error page served for an hour look exactly like the real thing, and taking a
  safeguarding resource off a public list is the costlier mistake. Once confirmed, a
  broken-group verdict is kept as itself (editors need to know *parked*, not just broken);
  a confirmed run of `transient` failures becomes `broken`.
- `unverifiable` (bot walls, logins, 999) is no evidence either way: it neither extends nor
  clears the streak and leaves the confirmed verdict alone, except that a URL never seen
  before is confirmed `unverifiable` (the best that is known). This deliberately differs
  from escalating unknowns to `broken`: a site that always shows a bot wall would otherwise
  drop off the public list while working for every reader.
- A check that finds a site harmful to readers where the resource was (a take-over by a
  gambling, adult, pharmacy, crypto or loans site, or a scam page:
  `curator.check.parking_rules.harms_readers`) is remembered at once as `unsafe_since`,
  whatever the streak: the resource's standing hides it from readers then, not days later,
  since sending a child to a porn or betting site is far costlier than a day off the list.
  Only a working or update verdict clears it; `unverifiable`, `transient` and other failures
  (the same owner's site down, behind a bot wall or answering 404) keep it.
- A working or update verdict also renews the link's snapshot (its last good page) when the
  page has text to remember; a page without text keeps the older, richer snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from curator.check.facts import Outcome, Snapshot
from curator.check.parking_rules import harms_readers
from curator.domain import Group, Verdict, group_of


@dataclass(frozen=True, slots=True)
class ConfirmPolicy:
    """When a failure becomes the confirmed verdict: this many checks over this many days."""

    failures: int = 3
    days: float = 3.0

    def confirms(self, streak: int, first_failure_at: datetime, now: datetime) -> bool:
        """True when a failure streak is long enough, over a long enough time, to believe."""
        return streak >= self.failures and now - first_failure_at >= timedelta(days=self.days)


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """One URL's state, as the `link_states` row keeps it."""

    verdict: Verdict | None = None
    """The confirmed verdict (what the public list goes by); None before any evidence."""
    last_verdict: Verdict | None = None
    detail: str | None = None
    """The latest check's detail."""
    suggested_url: str | None = None
    """The latest check's suggestion."""
    first_failure_at: datetime | None = None
    consecutive_failures: int = 0
    last_ok_at: datetime | None = None
    last_checked_at: datetime | None = None
    confirmed_since: datetime | None = None
    """When the confirmed verdict entered its group: for a broken one, when readers lost it."""
    snapshot: Snapshot | None = None
    """The last good page (see `Snapshot`)."""
    snapshot_at: datetime | None = None
    unsafe_since: datetime | None = None
    """Since when checks have found a site harmful to readers where the resource was (see
    `harms_readers`), with no working check since; None otherwise."""

    @property
    def failing(self) -> bool:
        """True while a failure streak is open (confirmed or not)."""
        return self.consecutive_failures > 0

    @property
    def pending(self) -> bool:
        """True when the latest checks failed but the failure is not confirmed yet."""
        return self.failing and (self.verdict is None or group_of(self.verdict) is not Group.BROKEN)


def is_failure(verdict: Verdict) -> bool:
    """True for the verdicts a failure streak counts: the broken group and `transient`."""
    return group_of(verdict) is Group.BROKEN or verdict is Verdict.TRANSIENT


def advance(
    state: LinkStatus,
    outcome: Outcome,
    now: datetime,
    policy: ConfirmPolicy,
    *,
    snapshot: Snapshot | None = None,
) -> LinkStatus:
    """The state after one more check of the URL (see the module's policy); `snapshot` is
    what the checked page looked like."""
    # One copy of the state, whatever the verdict (a run settles thousands of states).
    seen: dict[str, Any] = {
        "last_verdict": outcome.verdict,
        "detail": outcome.detail,
        "suggested_url": outcome.suggested_url,
        "last_checked_at": now,
    }
    group = group_of(outcome.verdict)
    if group in (Group.WORKING, Group.UPDATE):
        if snapshot is not None and (snapshot.text or state.snapshot is None):
            seen.update(snapshot=snapshot, snapshot_at=now)
        return replace(
            state,
            **seen,
            verdict=outcome.verdict,
            confirmed_since=_since(state, outcome.verdict, now),
            first_failure_at=None,
            consecutive_failures=0,
            last_ok_at=now,
            unsafe_since=None,
        )
    if outcome.verdict is Verdict.UNVERIFIABLE:
        believed = state.verdict or Verdict.UNVERIFIABLE
        since = _since(state, believed, now)
        return replace(state, **seen, verdict=believed, confirmed_since=since)
    if harms_readers(outcome):
        seen["unsafe_since"] = state.unsafe_since or now
    streak = state.consecutive_failures + 1
    first = state.first_failure_at or now
    confirmed = state.verdict
    if policy.confirms(streak, first, now):
        confirmed = outcome.verdict if group is Group.BROKEN else Verdict.BROKEN
    return replace(
        state,
        **seen,
        verdict=confirmed,
        confirmed_since=_since(state, confirmed, now),
        first_failure_at=first,
        consecutive_failures=streak,
    )


def _since(state: LinkStatus, confirmed: Verdict | None, now: datetime) -> datetime | None:
    """When the confirmed verdict entered its group: kept while the group stays, `now` when
    it changes."""
    if confirmed is None:
        return None
    if state.verdict is not None and group_of(state.verdict) is group_of(confirmed):
        return state.confirmed_since or now
    return now
