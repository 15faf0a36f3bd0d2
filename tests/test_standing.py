"""A resource's standing, from link states made by the real confirmation code (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from curator import labels
from curator.check.facts import Outcome
from curator.domain import Group, Need, State, Verdict
from curator.standing import counts_as_broken, standing_of
from tests.factories import TAKEOVER, link_after

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
OK, MOVED, BROKEN, PARKED = Verdict.OK, Verdict.MOVED, Verdict.BROKEN, Verdict.PARKED
TRANSIENT, UNVERIFIABLE = Verdict.TRANSIENT, Verdict.UNVERIFIABLE


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


@dataclass(frozen=True)
class Case:
    checks: tuple[tuple[float, Verdict], ...]
    state: State
    verdict: Verdict | None
    confirmed: bool
    public: bool
    public_verdict: Verdict | None
    group: Group
    needs: tuple[Need, ...]
    readers: str


CASES = {
    "never-checked": Case(
        (),
        State.NEVER_CHECKED,
        None,
        False,
        True,
        None,
        Group.UNKNOWN,
        (),
        "Published: not checked yet",
    ),
    "working": Case(
        ((0, OK),), State.WORKING, OK, True, True, OK, Group.WORKING, (), "Published: working"
    ),
    "used-to-work-fails-once": Case(
        ((0, OK), (1, BROKEN)),
        State.FAILING,
        BROKEN,
        False,
        True,
        OK,
        Group.UNKNOWN,
        (Need.FAILING,),
        "Still published: failing, not confirmed yet (1 failed check since 2 Dec)",
    ),
    "never-worked-fails-twice": Case(
        ((0, TRANSIENT), (0.01, TRANSIENT)),
        State.FAILING,
        TRANSIENT,
        False,
        True,
        None,
        Group.UNKNOWN,
        (Need.FAILING,),
        "Still published: failing, not confirmed yet (2 failed checks since 1 Dec)",
    ),
    "confirmed-broken": Case(
        ((0, OK), (1, PARKED), (2, PARKED), (4, PARKED)),
        State.BROKEN,
        PARKED,
        True,
        False,
        None,
        Group.BROKEN,
        (Need.BROKEN,),
        "Hidden from readers since 5 Dec (confirmed broken)",
    ),
    "moved": Case(
        ((0, MOVED),),
        State.MOVED,
        MOVED,
        True,
        True,
        MOVED,
        Group.UPDATE,
        (Need.MOVED,),
        "Published: moved: update the address",
    ),
    "bot-wall-on-a-working-link": Case(
        ((0, OK), (1, UNVERIFIABLE)),
        State.UNVERIFIABLE,
        UNVERIFIABLE,
        False,
        True,
        OK,
        Group.UNKNOWN,
        (Need.UNVERIFIABLE,),
        "Published: refuses automated checks",
    ),
    "back-to-working": Case(
        ((0, OK), (1, BROKEN), (2, BROKEN), (4, BROKEN), (5, OK)),
        State.WORKING,
        OK,
        True,
        True,
        OK,
        Group.WORKING,
        (),
        "Published: working",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_standing_of_a_link_as_confirmation_left_it(case: Case) -> None:
    link = link_after([(at(d), v) for d, v in case.checks])
    now = at(case.checks[-1][0] + 0.1) if case.checks else T0
    standing = standing_of(link, now=now)
    assert standing.state is case.state
    assert standing.verdict is case.verdict
    assert standing.confirmed is case.confirmed
    assert standing.public is case.public
    assert standing.public_verdict is case.public_verdict
    assert standing.group is case.group
    assert standing.needs == case.needs
    assert standing.label == labels.STATES[case.state].label
    assert standing.readers == case.readers
    assert standing.hidden_since == (at(4) if case.state is State.BROKEN else None)


def test_a_snoozed_false_positive_stays_published_as_it_was_and_is_no_problem() -> None:
    link = link_after([(at(0), OK), (at(1), BROKEN), (at(2), BROKEN), (at(4), BROKEN)])
    snoozed = standing_of(link, now=at(5), snoozed_until=at(10), snooze_reason="works for us")
    assert snoozed.state is State.SNOOZED and snoozed.checker_state is State.BROKEN
    assert (
        snoozed.public and snoozed.public_verdict is OK and snoozed.public_status is Group.WORKING
    )
    assert not snoozed.needs_editor and not snoozed.broken
    assert (snoozed.snoozed_until, snoozed.snooze_reason) == (at(10), "works for us")
    assert snoozed.readers == "Published as working: snoozed as a false positive until 11 Dec"
    assert not counts_as_broken(BROKEN, snoozed)

    ended = standing_of(link, now=at(11), snoozed_until=at(10), snooze_reason="works for us")
    assert ended.state is State.BROKEN and not ended.public
    assert ended.snoozed_until is None
    assert ended.hidden_since == at(10)  # published until the snooze ended
    assert counts_as_broken(BROKEN, ended)


def test_readers_reports_make_any_live_resource_need_an_editor() -> None:
    link = link_after([(at(0), OK)])
    reported = standing_of(link, now=at(1), open_reports=2)
    assert reported.state is State.WORKING
    assert reported.needs == (Need.READER_REPORTS,)
    assert reported.why == labels.NEEDS[Need.READER_REPORTS]
    retired = standing_of(link, now=at(1), open_reports=2, retired_at=at(0.5))
    assert retired.state is State.RETIRED and not retired.needs_editor and not retired.public
    assert retired.hidden_since == at(0.5)


@pytest.mark.parametrize(
    ("verdict", "fails"),
    [(OK, False), (MOVED, False), (TRANSIENT, False), (UNVERIFIABLE, False), (BROKEN, True)],
    ids=lambda v: str(v),
)
def test_a_runs_broken_verdict_fails_the_check_unless_snoozed(
    verdict: Verdict, fails: bool
) -> None:
    working = standing_of(link_after([(at(0), OK)]), now=at(1))
    assert counts_as_broken(verdict, working) is fails
    assert counts_as_broken(verdict, None) is fails
    snoozed = standing_of(link_after([(at(0), OK)]), now=at(1), snoozed_until=at(3))
    assert counts_as_broken(verdict, snoozed) is False


def test_every_verdict_group_state_and_need_has_words_and_every_group_colours() -> None:
    assert set(labels.VERDICT_LABELS) == set(Verdict)
    assert set(labels.GROUPS) == set(Group)
    assert set(labels.STATES) == set(State)
    assert set(labels.NEEDS) == set(Need)
    assert all(
        w.colour.startswith("#") and w.background.startswith("#") for w in labels.GROUPS.values()
    )


def test_confirmed_since_is_kept_while_the_group_stays() -> None:
    link = link_after(
        [(at(0), OK), (at(1), BROKEN), (at(2), BROKEN), (at(4), BROKEN), (at(6), PARKED)]
    )
    assert link is not None
    assert link.verdict is PARKED
    assert link.confirmed_since == at(4)  # broken → parked is still the broken group


PLUMBER = Outcome(
    PARKED, "The page now reads as another site", rule="parked_takeover", evidence={"trade": None}
)
UNSAFE_WORDS = "Hidden from readers since 2 Dec (unsafe: now a harmful site)"


@dataclass(frozen=True)
class UnsafeCase:
    checks: tuple[tuple[float, Verdict | Outcome], ...]
    state: State
    public: bool
    hidden_since: float | None
    needs: tuple[Need, ...]
    readers: str


UNSAFE_CASES = {
    "a-casino-once-is-hidden-at-once": UnsafeCase(
        ((0, OK), (1, TAKEOVER)), State.UNSAFE, False, 1, (Need.UNSAFE,), UNSAFE_WORDS
    ),
    "a-casino-on-a-link-never-seen-working": UnsafeCase(
        ((1, TAKEOVER),), State.UNSAFE, False, 1, (Need.UNSAFE,), UNSAFE_WORDS
    ),
    "then-a-timeout-keeps-it-hidden": UnsafeCase(
        ((0, OK), (1, TAKEOVER), (2, TRANSIENT)), State.UNSAFE, False, 1, (Need.UNSAFE,),
        UNSAFE_WORDS,
    ),
    "confirmed-it-is-broken-hidden-since-the-casino-was-found": UnsafeCase(
        ((0, OK), (1, TAKEOVER), (2, TAKEOVER), (4, TAKEOVER)), State.BROKEN, False, 1,
        (Need.BROKEN,), "Hidden from readers since 2 Dec (confirmed broken)",
    ),
    "working-again-is-published-at-once": UnsafeCase(
        ((0, OK), (1, TAKEOVER), (2, OK)), State.WORKING, True, None, (), "Published: working"
    ),
    "a-plumber-waits-for-confirmation": UnsafeCase(
        ((0, OK), (1, PLUMBER)), State.FAILING, True, None, (Need.FAILING,),
        "Still published: failing, not confirmed yet (1 failed check since 2 Dec)",
    ),
    "a-404-waits-for-confirmation": UnsafeCase(
        ((0, OK), (1, BROKEN)), State.FAILING, True, None, (Need.FAILING,),
        "Still published: failing, not confirmed yet (1 failed check since 2 Dec)",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", UNSAFE_CASES.values(), ids=UNSAFE_CASES.keys())
def test_a_site_harmful_to_readers_hides_the_resource_at_once(case: UnsafeCase) -> None:
    link = link_after([(at(d), v) for d, v in case.checks])
    standing = standing_of(link, now=at(case.checks[-1][0] + 0.1))
    assert standing.state is case.state
    assert standing.public is case.public
    assert standing.hidden_since == (at(case.hidden_since) if case.hidden_since else None)
    assert standing.needs == case.needs
    assert standing.readers == case.readers
    assert standing.label == labels.STATES[case.state].label
    if case.state is State.UNSAFE:
        assert standing.verdict is not None and not standing.confirmed
        assert standing.group is Group.BROKEN and standing.public_status is Group.BROKEN
        assert standing.public_verdict is None
        assert standing.why == labels.NEEDS[Need.UNSAFE]
        assert not standing.broken  # not confirmed: the report counts it apart
        assert counts_as_broken(PARKED, standing)


def test_a_snoozed_false_positive_stays_published_though_unsafe_and_a_retired_one_out() -> None:
    link = link_after([(at(0), OK), (at(1), TAKEOVER)])
    snoozed = standing_of(link, now=at(2), snoozed_until=at(10), snooze_reason="it is the charity")
    assert snoozed.state is State.SNOOZED and snoozed.checker_state is State.UNSAFE
    assert snoozed.public and snoozed.public_verdict is OK and not snoozed.needs_editor
    assert not counts_as_broken(PARKED, snoozed)

    ended = standing_of(link, now=at(11), snoozed_until=at(10))
    assert ended.state is State.UNSAFE and not ended.public
    assert ended.hidden_since == at(10)  # published until the snooze ended

    retired = standing_of(link, now=at(2), retired_at=at(1.5))
    assert retired.state is State.RETIRED and not retired.public and not retired.needs_editor
