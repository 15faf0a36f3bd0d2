"""Confirmation over time: one check is not proof (pure, no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from curator.check.facts import SNAPSHOT_TEXT_CHARS, Outcome, Page, Snapshot
from curator.check.state import ConfirmPolicy, LinkStatus, advance, is_failure
from curator.domain import Verdict
from curator.settings import Settings

T0 = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
POLICY = ConfirmPolicy(failures=3, days=3)
OK, MOVED, BROKEN = Verdict.OK, Verdict.MOVED, Verdict.BROKEN
TRANSIENT, UNVERIFIABLE = Verdict.TRANSIENT, Verdict.UNVERIFIABLE
PARKED, SOFT_404, CHANGED = Verdict.PARKED, Verdict.SOFT_404, Verdict.CHANGED


def outcome(verdict: Verdict) -> Outcome:
    suggested = "https://new.example/" if verdict is MOVED else None
    return Outcome(verdict=verdict, detail=f"{verdict} detail", suggested_url=suggested)


@dataclass(frozen=True)
class Story:
    start: LinkStatus
    checks: tuple[tuple[float, Verdict], ...]
    """(days after T0, verdict of that check)"""
    confirmed: Verdict | None
    streak: int


CONFIRMED_OK = LinkStatus(verdict=OK, last_verdict=OK, last_ok_at=T0, last_checked_at=T0)
NEW = LinkStatus()

STORIES = {
    "ok-is-believed-at-once": Story(NEW, ((0, OK),), OK, 0),
    "moved-is-believed-at-once": Story(NEW, ((0, MOVED),), MOVED, 0),
    "one-404-is-not-proof": Story(CONFIRMED_OK, ((1, BROKEN),), OK, 1),
    "three-404s-in-one-day-are-not-enough": Story(
        CONFIRMED_OK, ((1, BROKEN), (1.1, BROKEN), (1.2, BROKEN)), OK, 3
    ),
    "three-404s-over-three-days-confirm": Story(
        CONFIRMED_OK, ((1, BROKEN), (2, BROKEN), (4, BROKEN)), BROKEN, 3
    ),
    "two-failures-over-a-week-are-not-enough": Story(
        CONFIRMED_OK, ((1, BROKEN), (8, BROKEN)), OK, 2
    ),
    "transients-persisting-become-broken": Story(
        CONFIRMED_OK, ((1, TRANSIENT), (2, TRANSIENT), (4, TRANSIENT)), BROKEN, 3
    ),
    "confirmed-parked-stays-parked": Story(
        CONFIRMED_OK, ((1, PARKED), (2, PARKED), (4, PARKED)), PARKED, 3
    ),
    "mixed-failures-confirm-the-latest-definitive": Story(
        CONFIRMED_OK, ((1, TRANSIENT), (2, BROKEN), (4, SOFT_404)), SOFT_404, 3
    ),
    "mixed-ending-transient-confirms-broken": Story(
        CONFIRMED_OK, ((1, CHANGED), (2, BROKEN), (4, TRANSIENT)), BROKEN, 3
    ),
    "a-success-clears-the-streak": Story(
        CONFIRMED_OK, ((1, BROKEN), (2, BROKEN), (3, OK), (4, BROKEN)), OK, 1
    ),
    "a-success-after-confirmation-restores": Story(
        CONFIRMED_OK, ((1, BROKEN), (2, BROKEN), (4, BROKEN), (5, MOVED)), MOVED, 0
    ),
    "confirmed-broken-updates-to-the-next-failure": Story(
        CONFIRMED_OK, ((1, BROKEN), (2, BROKEN), (4, BROKEN), (5, PARKED)), PARKED, 4
    ),
    "unverifiable-neither-counts-nor-clears": Story(
        CONFIRMED_OK, ((1, BROKEN), (2, UNVERIFIABLE), (3, BROKEN), (4, BROKEN)), BROKEN, 3
    ),
    "unverifiable-keeps-the-confirmed-verdict": Story(
        CONFIRMED_OK, ((1, UNVERIFIABLE), (5, UNVERIFIABLE), (9, UNVERIFIABLE)), OK, 0
    ),
    "unverifiable-on-a-new-url-is-what-is-known": Story(NEW, ((0, UNVERIFIABLE),), UNVERIFIABLE, 0),
    "a-new-url-failing-has-no-confirmed-verdict": Story(NEW, ((0, BROKEN),), None, 1),
}


@pytest.mark.parametrize("story", list(STORIES.values()), ids=list(STORIES))
def test_stories(story: Story) -> None:
    state = story.start
    for days, verdict in story.checks:
        state = advance(state, outcome(verdict), T0 + timedelta(days=days), POLICY)
    last_day, last_verdict = story.checks[-1]
    assert state.verdict == story.confirmed
    assert state.consecutive_failures == story.streak
    assert state.last_verdict is last_verdict
    assert state.detail == f"{last_verdict} detail"
    assert state.last_checked_at == T0 + timedelta(days=last_day)


def test_streak_remembers_its_first_failure_and_the_last_success() -> None:
    state = advance(CONFIRMED_OK, outcome(BROKEN), T0 + timedelta(days=1), POLICY)
    state = advance(state, outcome(TRANSIENT), T0 + timedelta(days=2), POLICY)
    assert state.first_failure_at == T0 + timedelta(days=1)
    assert state.last_ok_at == T0
    assert state.pending and state.failing
    cleared = advance(state, outcome(MOVED), T0 + timedelta(days=3), POLICY)
    assert cleared.first_failure_at is None and not cleared.failing
    assert cleared.last_ok_at == T0 + timedelta(days=3)
    assert cleared.suggested_url == "https://new.example/"


def test_immediate_policy_confirms_the_first_failure() -> None:
    state = advance(CONFIRMED_OK, outcome(PARKED), T0, ConfirmPolicy(failures=1, days=0))
    assert state.verdict is PARKED and not state.pending


def test_policy_comes_from_settings() -> None:
    policy = Settings(confirm_failures=5, confirm_days=7.5).confirm_policy()
    assert policy == ConfirmPolicy(failures=5, days=7.5)


@pytest.mark.parametrize(
    ("verdict", "counts"),
    [(v, v not in (OK, MOVED, UNVERIFIABLE)) for v in Verdict],
    ids=[v.value for v in Verdict],
)
def test_which_verdicts_count_as_failures(verdict: Verdict, counts: bool) -> None:
    assert is_failure(verdict) is counts


RICH = Snapshot(title="Revenge Porn Helpline", heading="Get help", text="We support adults.")
BARE = Snapshot(title="Revenge Porn Helpline")


@pytest.mark.parametrize(
    ("checks", "kept"),
    [
        (((OK, RICH),), RICH),
        (((OK, RICH), (MOVED, RICH)), RICH),
        (((OK, RICH), (BROKEN, None), (PARKED, None)), RICH),
        (((OK, RICH), (OK, BARE)), RICH),
        (((OK, BARE),), BARE),
        (((OK, BARE), (OK, RICH)), RICH),
        (((UNVERIFIABLE, RICH),), None),
        (((BROKEN, RICH),), None),
    ],
    ids=[
        "a-working-page-is-remembered",
        "a-move-renews-it",
        "failures-keep-the-last-good-page",
        "a-page-without-text-keeps-the-richer-snapshot",
        "a-title-only-page-is-better-than-nothing",
        "text-replaces-a-title-only-snapshot",
        "an-unverifiable-page-is-not-a-good-page",
        "a-failing-page-is-never-remembered",
    ],
)
def test_snapshot_is_the_last_good_page(
    checks: tuple[tuple[Verdict, Snapshot | None], ...], kept: Snapshot | None
) -> None:
    state = NEW
    for day, (verdict, snapshot) in enumerate(checks):
        now = T0 + timedelta(days=day)
        state = advance(state, outcome(verdict), now, POLICY, snapshot=snapshot)
    assert state.snapshot == kept
    assert (state.snapshot_at is None) == (kept is None)


def test_snapshot_of_a_page() -> None:
    page = Page(
        title="Revenge Porn Helpline",
        headings=("Get help now", "Our services"),
        site_name="RPH",
        text="word " * 500,
        fingerprint="00ff00ff00ff00ff",
    )
    snapshot = Snapshot.of(page)
    assert snapshot is not None
    assert (snapshot.title, snapshot.heading, snapshot.site_name) == (
        "Revenge Porn Helpline",
        "Get help now",
        "RPH",
    )
    assert len(snapshot.text) == SNAPSHOT_TEXT_CHARS
    assert snapshot.fingerprint == "00ff00ff00ff00ff"
    assert Snapshot.of(Page(content_type="application/pdf")) is None
    assert Snapshot.of(None) is None


CASINO = Outcome(
    PARKED,
    "The page now shows a gambling site",
    rule="parked_takeover",
    evidence={"trade": "gambling", "terms": ["casino", "free spins", "jackpot"]},
)
PLUMBER = Outcome(
    PARKED, "The page now reads as another site", rule="parked_takeover", evidence={"trade": None}
)
SCAM = Outcome(PARKED, "A scam page", rule="parked_scam", evidence={"scam": "push"})

UNSAFE_STORIES = {
    "a-casino-is-remembered-at-once": ((CASINO,), 0),
    "a-scam-is-remembered-at-once": ((SCAM,), 0),
    "from-the-first-harmful-check-on": ((CASINO, CASINO, SCAM), 0),
    "after-a-404-since-the-casino": ((outcome(BROKEN), CASINO), 1),
    "a-plumber-is-not-harmful": ((PLUMBER,), None),
    "a-working-check-clears-it": ((CASINO, outcome(OK)), None),
    "a-moved-check-clears-it": ((CASINO, outcome(MOVED)), None),
    "a-bot-wall-keeps-it": ((CASINO, outcome(UNVERIFIABLE)), 0),
    "a-timeout-keeps-it": ((CASINO, outcome(TRANSIENT)), 0),
    "a-404-keeps-it": ((CASINO, outcome(BROKEN)), 0),
    "confirmed-keeps-it": ((CASINO, CASINO, CASINO, CASINO), 0),
}


@pytest.mark.parametrize(
    ("checks", "since"), list(UNSAFE_STORIES.values()), ids=list(UNSAFE_STORIES)
)
def test_a_site_harmful_to_readers_is_remembered_until_a_working_check(
    checks: tuple[Outcome, ...], since: int | None
) -> None:
    """`unsafe_since` is the day of the check from which on checks found a harmful site (index
    into `checks`), or None; confirmation itself is unchanged."""
    state = CONFIRMED_OK
    for day, check in enumerate(checks, start=1):
        state = advance(state, check, T0 + timedelta(days=2 * day), POLICY)
    expected = T0 + timedelta(days=2 * (since + 1)) if since is not None else None
    assert state.unsafe_since == expected
    if since is not None and len(checks) < POLICY.failures:
        assert state.verdict is OK  # not confirmed: the standing hides it, not confirmation
