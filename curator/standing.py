"""A resource's standing: one model, computed in one place.

`standing_of(link, ...)` is pure. From what confirmation believes about the resource's link
(`curator.check.state.advance` decides it; the store keeps it in `link_states`), its snooze,
its retirement and its open readers' reports, it says: which state the resource is in, which
verdict editors are shown and whether that verdict is confirmed, whether readers see the
resource (and since when they no longer do), whether it needs an editor and why, and the
words for all of it (from `curator.labels`). The editor API, the dashboard, the refresh
report, `curator check`'s exit code and the public list all read a `Standing`; none of them
decides these things again.

The rules, in order:

- Retired: off the list, nothing to do.
- Snoozed (`snoozed_until` after now): an editor called the failure a false positive. The
  resource stays published; a confirmed broken verdict is published as `ok` (what readers saw
  before the failure: the editor vouches that the page works) and counts as working, in the
  report's counts and in `curator check`'s exit code, until the snooze ends. When it ends, the
  resource is what its link says again (hidden from then on if it is confirmed broken).
- Confirmed broken (the confirmed verdict is in the broken group): hidden from readers since
  the failure was confirmed (or since a check found a site harmful to readers there, when
  that came first).
- Unsafe (checks found a site harmful to readers where the resource was: a take-over by a
  gambling, adult, pharmacy, crypto or loans site, or a scam page, as
  `curator.check.parking_rules.harms_readers` defines it, and no check has found the page
  working since): hidden from readers at once, before the failure is confirmed, and needing
  an editor first of all. The harm is not symmetric: a false alarm costs a resource a day off
  the list, a missed one sends readers, children among them, to a porn or betting site for
  the days confirmation takes. A check that finds the page working publishes it again.
- Failing, not confirmed yet (a failure streak is open): still published with the confirmed
  verdict it had before (unknown for a link never seen working), shown to editors with the
  latest check's verdict.
- Unverifiable (the latest check, or the only one ever, met a bot wall or a login): published,
  no evidence either way.
- Moved, working: published as they are. Never checked: published, status unknown.

Open readers' reports make any live resource need an editor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from curator import labels
from curator.domain import Group, Need, State, Verdict, group_of


@dataclass(frozen=True, slots=True)
class Link:
    """What confirmation believes about a URL (the `link_states` row's decided values)."""

    verdict: Verdict | None = None
    """The confirmed verdict; None before any evidence."""
    last_verdict: Verdict | None = None
    """The latest check's verdict."""
    first_failure_at: datetime | None = None
    consecutive_failures: int = 0
    unsafe_since: datetime | None = None
    """Since when checks have found a site harmful to readers at the URL, with no working
    check since (None: they have not)."""
    last_checked_at: datetime | None = None
    last_ok_at: datetime | None = None
    confirmed_since: datetime | None = None
    """When the confirmed verdict entered its group (for a broken one: when it was confirmed)."""


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a resource stands, for editors and readers alike."""

    state: State
    checker_state: State
    """What the link alone says (a snoozed or retired resource's underlying state)."""
    verdict: Verdict | None
    """The verdict editors are shown: the confirmed one, or the latest check's while a
    failure is not confirmed (or the latest check refused automated checks)."""
    confirmed: bool
    """`verdict` is the one confirmation believes, not only the latest check's."""
    group: Group
    public: bool
    """Readers see the resource on its guide's public list."""
    public_verdict: Verdict | None
    """The verdict the public list gives (None: status unknown)."""
    hidden_since: datetime | None
    """When readers stopped seeing it (unsafe, confirmed broken, or retired)."""
    failing_since: datetime | None
    failures: int
    """Consecutive failed checks."""
    last_checked_at: datetime | None
    last_ok_at: datetime | None
    snoozed_until: datetime | None
    """The end of an active snooze (None when not snoozed now)."""
    snooze_reason: str | None
    retired_at: datetime | None
    needs: tuple[Need, ...]
    """Why an editor should look, most pressing first (empty: nothing to do)."""
    open_reports: int
    label: str
    """The state in words ("failing, not confirmed yet")."""
    as_of: datetime
    """The moment the standing was worked out for."""

    @property
    def readers(self) -> str:
        """What readers see, in a sentence ("Hidden from readers since 3 Dec (confirmed
        broken)"); worked out when read, since most standings are never shown in words."""
        return readers_sentence(self, now=self.as_of)

    @property
    def readers_since(self) -> datetime | None:
        """The moment `readers` says "since" of, if any (see `readers_since`)."""
        return readers_since(self)

    @property
    def needs_editor(self) -> bool:
        """Something for an editor to do."""
        return bool(self.needs)

    @property
    def why(self) -> str:
        """Why an editor should look, in words (empty when nothing to do)."""
        return "; ".join(labels.NEEDS[need] for need in self.needs)

    @property
    def public_status(self) -> Group:
        """The status the public list gives: the published verdict's group (hidden: broken)."""
        if not self.public:
            return Group.BROKEN
        return group_of(self.public_verdict) if self.public_verdict is not None else Group.UNKNOWN

    @property
    def snoozed(self) -> bool:
        """Snoozed as a false positive now."""
        return self.state is State.SNOOZED

    @property
    def broken(self) -> bool:
        """Counts as broken: confirmed broken and not snoozed (the report's broken counts)."""
        return self.state is State.BROKEN


def checker_state(link: Link | None) -> State:
    """What the link alone says, before snooze and retirement."""
    if link is None or (link.verdict is None and link.last_verdict is None):
        return State.NEVER_CHECKED
    if link.verdict is not None and group_of(link.verdict) is Group.BROKEN:
        return State.BROKEN
    if link.unsafe_since is not None:
        return State.UNSAFE
    if link.consecutive_failures > 0:
        return State.FAILING
    if Verdict.UNVERIFIABLE in (link.last_verdict, link.verdict):
        return State.UNVERIFIABLE
    if link.verdict is Verdict.MOVED:
        return State.MOVED
    if link.verdict is Verdict.OK:
        return State.WORKING
    return State.NEVER_CHECKED


_STATE_GROUP: dict[State, Group] = {
    State.UNSAFE: Group.BROKEN,
    State.BROKEN: Group.BROKEN,
    State.FAILING: Group.UNKNOWN,
    State.UNVERIFIABLE: Group.UNKNOWN,
    State.MOVED: Group.UPDATE,
    State.WORKING: Group.WORKING,
    State.NEVER_CHECKED: Group.UNKNOWN,
}

_NEED_OF: dict[State, Need] = {
    State.UNSAFE: Need.UNSAFE,
    State.BROKEN: Need.BROKEN,
    State.FAILING: Need.FAILING,
    State.MOVED: Need.MOVED,
    State.UNVERIFIABLE: Need.UNVERIFIABLE,
}


_HIDDEN = frozenset({State.RETIRED, State.BROKEN, State.UNSAFE})
"""The states readers do not see."""


def standing_of(
    link: Link | None,
    *,
    now: datetime,
    snoozed_until: datetime | None = None,
    snooze_reason: str | None = None,
    retired_at: datetime | None = None,
    open_reports: int = 0,
) -> Standing:
    """A resource's standing as of `now` (see the module's rules)."""
    underlying = checker_state(link)
    snoozed = snoozed_until is not None and snoozed_until > now
    if retired_at is not None:
        state = State.RETIRED
    elif snoozed:
        state = State.SNOOZED
    else:
        state = underlying

    confirmed_verdict = link.verdict if link is not None else None
    if underlying in (State.FAILING, State.UNSAFE) or (
        underlying is State.UNVERIFIABLE and link is not None and link.last_verdict is not None
    ):
        assert link is not None
        verdict = link.last_verdict
    else:
        verdict = confirmed_verdict
    confirmed = verdict is not None and verdict is confirmed_verdict

    public = state not in _HIDDEN
    public_verdict = confirmed_verdict if public else None
    if state is State.SNOOZED and underlying is State.BROKEN:
        public_verdict = Verdict.OK  # the editor vouches for the page: as before the failure

    hidden_since: datetime | None = None
    if state is State.RETIRED:
        hidden_since = retired_at
    elif state in _HIDDEN:
        assert link is not None
        hidden_since = link.unsafe_since
        if state is State.BROKEN:
            confirmed_at = link.confirmed_since or link.first_failure_at or link.last_checked_at
            if hidden_since is None or (confirmed_at is not None and confirmed_at < hidden_since):
                hidden_since = confirmed_at
        if snoozed_until is not None and hidden_since is not None and snoozed_until > hidden_since:
            hidden_since = snoozed_until  # published while snoozed, hidden when it ended

    if state is State.SNOOZED:
        group = group_of(public_verdict) if public_verdict is not None else Group.UNKNOWN
    elif state is State.RETIRED:
        group = group_of(confirmed_verdict) if confirmed_verdict is not None else Group.UNKNOWN
    else:
        group = _STATE_GROUP[state]

    needs: list[Need] = []
    if state in _NEED_OF:
        needs.append(_NEED_OF[state])
    if open_reports and state is not State.RETIRED:
        needs.append(Need.READER_REPORTS)

    failures = link.consecutive_failures if link is not None else 0
    failing_since = link.first_failure_at if link is not None and failures else None
    return Standing(
        state=state,
        checker_state=underlying,
        verdict=verdict,
        confirmed=confirmed,
        group=group,
        public=public,
        public_verdict=public_verdict,
        hidden_since=hidden_since,
        failing_since=failing_since,
        failures=failures,
        last_checked_at=link.last_checked_at if link is not None else None,
        last_ok_at=link.last_ok_at if link is not None else None,
        snoozed_until=snoozed_until if snoozed else None,
        snooze_reason=snooze_reason if snoozed else None,
        retired_at=retired_at,
        needs=tuple(needs),
        open_reports=open_reports,
        label=labels.state_label(state),
        as_of=now,
    )


def readers_since(standing: Standing) -> datetime | None:
    """The moment the readers' sentence says "since" of (None: it says none): when readers
    stopped seeing the resource, or for a failure not confirmed yet its first failed check. A
    view that would show the same moment beside the sentence says it once."""
    if standing.state in (State.BROKEN, State.UNSAFE):
        return standing.hidden_since
    if standing.state is State.RETIRED:
        return standing.retired_at
    if standing.state is State.FAILING:
        return standing.failing_since
    return None


def readers_sentence(standing: Standing, *, now: datetime) -> str:
    """What readers see, in words editors read on the dashboard and in the editor API."""
    state = standing.state
    label = labels.state_label(state)
    since = readers_since(standing)
    when = f" since {labels.day(since, now=now)}" if since is not None else ""
    if state in (State.BROKEN, State.UNSAFE):
        return f"Hidden from readers{when} ({label})"
    if state is State.RETIRED:
        return f"Off the list{when} ({label})"
    if state is State.FAILING:
        return f"Still published: {label} ({labels.checks(standing.failures)}{when})"
    if state is State.SNOOZED:
        assert standing.snoozed_until is not None
        until = labels.day(standing.snoozed_until, now=now)
        if standing.public_verdict is None:
            return f"Published: {label} until {until}"
        shown = labels.verdict_label(standing.public_verdict)
        return f"Published as {shown}: {label} until {until}"
    return f"Published: {label}"


def counts_as_broken(verdict: Verdict, standing: Standing | None) -> bool:
    """Whether one run's verdict of a resource fails `curator check` (exit 1): any
    broken-group verdict, confirmed or not, unless the resource is snoozed as a false
    positive (or retired)."""
    if group_of(verdict) is not Group.BROKEN:
        return False
    return standing is None or standing.state not in (State.SNOOZED, State.RETIRED)


class ReadsStanding:
    """What a view of a resource says about where it stands, read from its `standing`.

    Views that carry a `Standing` (the store's problems, the dashboard's) take these from here
    rather than each copying them.
    """

    __slots__ = ()
    standing: Standing

    @property
    def verdict(self) -> Verdict | None:
        """The verdict editors are shown (see `Standing.verdict`)."""
        return self.standing.verdict

    @property
    def label(self) -> str:
        """The state in words."""
        return self.standing.label

    @property
    def readers(self) -> str:
        """What readers see, in a sentence."""
        return self.standing.readers

    @property
    def since(self) -> datetime | None:
        """The first failure of the current streak."""
        return self.standing.failing_since

    @property
    def readers_say_since(self) -> bool:
        """`readers` already says since when the streak began (a failure not confirmed yet):
        a view leaves out its own "Failing since" rather than say it twice."""
        return self.since is not None and self.since == self.standing.readers_since

    @property
    def consecutive_failures(self) -> int:
        """Failed checks in a row."""
        return self.standing.failures

    @property
    def last_checked_at(self) -> datetime | None:
        """The latest check."""
        return self.standing.last_checked_at

    @property
    def last_ok_at(self) -> datetime | None:
        """The latest check that found the link working."""
        return self.standing.last_ok_at

    @property
    def retired_at(self) -> datetime | None:
        """When it was retired (None while live)."""
        return self.standing.retired_at

    @property
    def snoozed_until(self) -> datetime | None:
        """The end of its snooze (None when not snoozed now)."""
        return self.standing.snoozed_until

    @property
    def snooze_reason(self) -> str | None:
        """Why an editor called it a false positive."""
        return self.standing.snooze_reason
