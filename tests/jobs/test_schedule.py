"""Due-ness as pure functions: cron expressions, job states and a given time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from curator.errors import SettingsError
from curator.settings import Settings
from jobs.schedule import cron_trigger, is_due, next_due, planned_due

MONDAY_3AM = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


@dataclass(frozen=True)
class State:
    next_due_at: datetime | None


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("0 3 * * mon", MONDAY_3AM - timedelta(seconds=1), MONDAY_3AM),
        ("0 3 * * mon", MONDAY_3AM, MONDAY_3AM + timedelta(days=7)),
        ("0 3 * * mon", MONDAY_3AM + timedelta(microseconds=1), MONDAY_3AM + timedelta(days=7)),
        ("0 3 * * 1", MONDAY_3AM, MONDAY_3AM + timedelta(days=7)),
        ("0 3 * * 0", MONDAY_3AM, MONDAY_3AM + timedelta(days=6)),
        ("0 3 * * 7", MONDAY_3AM, MONDAY_3AM + timedelta(days=6)),
        ("0 3 * * 1-5", MONDAY_3AM, MONDAY_3AM + timedelta(days=1)),
        ("0 3 * * 5-7", MONDAY_3AM, MONDAY_3AM + timedelta(days=4)),
        ("0 3 * * 0,6", MONDAY_3AM, MONDAY_3AM + timedelta(days=5)),
        ("0 3 * * */3", MONDAY_3AM, MONDAY_3AM + timedelta(days=2)),
        ("0 6 * * *", MONDAY_3AM, MONDAY_3AM + timedelta(hours=3)),
        ("*/15 * * * *", MONDAY_3AM, MONDAY_3AM + timedelta(minutes=15)),
        ("0 0 1 */6 *", MONDAY_3AM, datetime(2026, 7, 1, tzinfo=UTC)),
    ],
    ids=[
        "just-before",
        "exactly-at-is-not-after",
        "just-after",
        "numeric-monday-is-crontab-monday",
        "0-is-sunday",
        "7-is-sunday",
        "weekday-range",
        "range-to-7",
        "list",
        "step",
        "daily",
        "every-quarter-hour",
        "six-monthly",
    ],
)
def test_next_due_reads_standard_crontab(
    expression: str, after: datetime, expected: datetime
) -> None:
    assert next_due(expression, after) == expected


def test_next_due_follows_the_time_zone_across_daylight_saving() -> None:
    # 03:00 in London is 02:00 UTC in summer and 03:00 UTC in winter.
    summer = next_due("0 3 * * *", datetime(2026, 7, 1, tzinfo=UTC), "Europe/London")
    winter = next_due("0 3 * * *", datetime(2026, 12, 1, tzinfo=UTC), "Europe/London")
    assert (summer.hour, winter.hour) == (2, 3)
    assert summer.tzinfo is UTC


@pytest.mark.parametrize(
    ("expression", "timezone", "message"),
    [
        ("0 3 * *", "UTC", "has 4 fields"),
        ("0 25 * * *", "UTC", "0 25 * * *"),
        ("0 3 * * 8", "UTC", "is not 0-7"),
        ("0 3 * * 5-1", "UTC", "runs backwards"),
        ("0 3 * * mon", "Mars/Olympus", "not an IANA time zone"),
    ],
    ids=["four-fields", "hour-25", "weekday-8", "backwards-range", "unknown-zone"],
)
def test_a_bad_schedule_says_what_is_wrong(expression: str, timezone: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        cron_trigger(expression, timezone)


def test_next_due_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="naive"):
        next_due("0 3 * * *", datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("state", "due"),
    [
        (None, True),
        (State(None), True),
        (State(MONDAY_3AM - timedelta(days=30)), True),
        (State(MONDAY_3AM), True),
        (State(MONDAY_3AM + timedelta(seconds=1)), False),
    ],
    ids=["never-planned", "no-due-time", "long-overdue", "due-now", "not-yet"],
)
def test_is_due(state: State | None, due: bool) -> None:
    assert is_due(state, MONDAY_3AM) is due


def test_planned_due_never_started_is_due_now() -> None:
    assert planned_due("0 3 * * mon", stored=None, last_started_at=None, now=MONDAY_3AM) == (
        MONDAY_3AM
    )


def test_planned_due_keeps_an_unchanged_plan() -> None:
    started = MONDAY_3AM
    stored = next_due("0 3 * * mon", started)
    now = started + timedelta(days=2)
    assert planned_due("0 3 * * mon", stored=stored, last_started_at=started, now=now) == stored


def test_planned_due_a_tighter_schedule_takes_effect_at_once() -> None:
    started = MONDAY_3AM
    stored = next_due("0 3 * * mon", started)
    now = started + timedelta(days=2)
    # Switched to daily: due the day after the last start, i.e. already overdue.
    planned = planned_due("0 3 * * *", stored=stored, last_started_at=started, now=now)
    assert planned == started + timedelta(days=1)
    assert is_due(State(planned), now)


def test_planned_due_a_looser_schedule_never_postpones_planned_work() -> None:
    started = MONDAY_3AM
    stored = next_due("0 3 * * mon", started)
    planned = planned_due("0 3 1 * *", stored=stored, last_started_at=started, now=started)
    assert planned == stored


@pytest.mark.parametrize(
    "overrides",
    [{"full_check_cron": "0 3 * *"}, {"confirm_check_cron": "61 * * * *"}, {"timezone": "Nowhere"}],
    ids=["full-check", "confirm-check", "timezone"],
)
def test_settings_refuse_a_schedule_that_cannot_run(overrides: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        Settings(**overrides)  # type: ignore[arg-type]
