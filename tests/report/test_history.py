"""Pure readings of check history: confirmation, streaks, baselines, review dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from curator.check.state import ConfirmPolicy
from curator.domain import Verdict, next_review_due
from curator.report.history import (
    baseline_point,
    is_broken,
    last_harm,
    replay,
    until,
)
from curator.store.checks import CheckPoint

T0 = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
POLICY = ConfirmPolicy(failures=3, days=3.0)
V = Verdict


def points(*verdicts: Verdict, fingerprints: tuple[str | None, ...] = ()) -> list[CheckPoint]:
    """One check a day from T0, with the given verdicts (and fingerprints)."""
    prints = fingerprints or (None,) * len(verdicts)
    return [
        CheckPoint(i + 1, "https://a.example/", T0 + timedelta(days=i), v, f)
        for i, (v, f) in enumerate(zip(verdicts, prints, strict=True))
    ]


@pytest.mark.parametrize(
    ("verdicts", "confirmed", "failing"),
    [
        ((), None, 0),
        ((V.OK,), V.OK, 0),
        ((V.BROKEN,), None, 1),
        ((V.OK, V.BROKEN, V.BROKEN, V.BROKEN), V.OK, 3),  # 3 failures over 2 days only
        ((V.OK, V.BROKEN, V.BROKEN, V.BROKEN, V.BROKEN), V.BROKEN, 4),
        ((V.PARKED, V.PARKED, V.PARKED, V.PARKED, V.OK), V.OK, 0),
        ((V.TRANSIENT,) * 4, V.BROKEN, 4),
        ((V.TRANSIENT, V.TRANSIENT, V.OK, V.TRANSIENT, V.TRANSIENT), V.OK, 2),
        ((V.SOFT_404, V.UNVERIFIABLE, V.SOFT_404, V.SOFT_404, V.SOFT_404), V.SOFT_404, 4),
        ((V.UNVERIFIABLE, V.UNVERIFIABLE), V.UNVERIFIABLE, 0),
        ((V.OK, V.UNVERIFIABLE), V.OK, 0),
        ((V.BROKEN,) * 4 + (V.MOVED,), V.MOVED, 0),
    ],
    ids=[
        "never-checked",
        "ok",
        "one-404-is-not-proof",
        "three-404s-too-soon",
        "404s-over-the-span",
        "recovered",
        "transients-become-broken",
        "ok-restarts-the-streak",
        "unverifiable-neither-counts-nor-ends",
        "never-seen-unverifiable",
        "unverifiable-keeps-ok",
        "moved-works",
    ],
)
def test_replay_is_the_checkers_own_confirmation(
    verdicts: tuple[Verdict, ...], confirmed: Verdict | None, failing: int
) -> None:
    status = replay(points(*verdicts), POLICY)
    assert (status.verdict, status.consecutive_failures) == (confirmed, failing)
    assert is_broken(status.verdict) is (confirmed is not None and confirmed in _BROKEN)


_BROKEN = {V.BROKEN, V.SOFT_404, V.PARKED, V.CHANGED, V.INSECURE}


def test_until_keeps_only_checks_before_the_instant() -> None:
    history = points(V.OK, V.OK, V.OK)
    assert [p.check_id for p in until(history, T0 + timedelta(days=1))] == [1]
    assert until(history, None) == history


@pytest.mark.parametrize(
    ("reviewed", "expected"),
    [
        (None, 2),  # the first fingerprint ever seen
        (date(2026, 6, 3), 3),  # the first on or after the review day
        (date(2026, 6, 2), 3),  # check 2 (06-02 03:00) has no fingerprint
        (date(2026, 7, 1), 4),  # nothing after the review yet: the last before it
    ],
    ids=["no-review", "first-after-review", "skips-unprinted", "latest-before-review"],
)
def test_baseline_point(reviewed: date | None, expected: int) -> None:
    history = points(V.BROKEN, V.OK, V.OK, V.OK, fingerprints=(None, "aa", "bb", "cc"))
    history[1] = CheckPoint(2, history[1].url, T0 - timedelta(days=1), V.OK, "aa")
    history.sort(key=lambda p: p.checked_at)
    chosen = baseline_point(history, reviewed)
    assert chosen is not None and chosen.check_id == expected


def test_baseline_point_without_fingerprints_is_none() -> None:
    assert baseline_point(points(V.BROKEN, V.TRANSIENT), date(2026, 1, 1)) is None


def test_an_error_page_is_never_the_baseline() -> None:
    history = points(V.BROKEN, V.SOFT_404, V.MOVED, fingerprints=("404", "home", "moved"))
    chosen = baseline_point(history, None)
    assert chosen is not None and chosen.fingerprint == "moved"
    assert baseline_point(history[:2], None) is None


@pytest.mark.parametrize(
    ("every", "last", "due"),
    [
        ("6 months", date(2025, 11, 1), date(2026, 5, 1)),
        ("6 months", date(2025, 8, 31), date(2026, 2, 28)),
        ("1 year", date(2024, 2, 29), date(2025, 2, 28)),
        ("12 weeks", date(2026, 1, 1), date(2026, 3, 26)),
        (None, date(2026, 1, 1), None),
        ("6 months", None, None),
    ],
    ids=["six-months", "month-end-clamps", "leap-day", "weeks", "no-interval", "never"],
)
def test_next_review(every: str | None, last: date | None, due: date | None) -> None:
    assert next_review_due(every, last) == due


def test_replay_remembers_a_harmful_site_as_confirmation_did() -> None:
    found = {"rule": "parked_takeover", "trade": "gambling", "terms": ["casino"]}
    history = [
        CheckPoint(1, "https://a.example/", T0, V.OK, None),
        CheckPoint(2, "https://a.example/", T0 + timedelta(days=1), V.PARKED, None, found),
        CheckPoint(3, "https://a.example/", T0 + timedelta(days=2), V.TRANSIENT, None),
    ]
    assert replay(history, POLICY).unsafe_since == T0 + timedelta(days=1)
    assert last_harm(history) == history[1]
    # A parked page that harms nobody (for sale) is no harm; a working check ends one.
    parked = {"rule": "parked_for_sale"}
    plain = [CheckPoint(1, "https://a.example/", T0, V.PARKED, None, parked)]
    assert replay(plain, POLICY).unsafe_since is None and last_harm(plain) is None
    ended = [*history, CheckPoint(4, "https://a.example/", T0 + timedelta(days=3), V.OK, None)]
    assert replay(ended, POLICY).unsafe_since is None
