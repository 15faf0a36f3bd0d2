"""When scheduled work is due: pure functions of a cron expression, a job's state and a time.

What is due lives in the database (`job_states.next_due_at`), never in the scheduler's memory,
so a restart cannot lose or repeat work. These functions decide; `curator/store/job_states.py`
records; `jobs/` only wires them to a clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from curator.errors import SettingsError

# Standard crontab numbers weekdays from Sunday (0 and 7); APScheduler 3.x numbers them from
# Monday. Numbers are translated to names, which both read the same way.
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


class HasNextDue(Protocol):
    """Anything that records when a job is next due (a `JobState` row, a test double)."""

    @property
    def next_due_at(self) -> datetime | None: ...


def zone(name: str) -> ZoneInfo:
    """The time zone called `name`, or SettingsError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"timezone {name!r} is not an IANA time zone name") from exc


def cron_trigger(expression: str, timezone: str = "UTC") -> CronTrigger:
    """An APScheduler trigger for a standard five-field crontab line in `timezone`."""
    fields = expression.split()
    if len(fields) != 5:
        raise SettingsError(
            f"cron expression {expression!r} has {len(fields)} fields; "
            "expected 5: minute hour day-of-month month day-of-week"
        )
    minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=_weekday_names(weekday),
            timezone=zone(timezone),
        )
    except ValueError as exc:
        raise SettingsError(f"cron expression {expression!r}: {exc}") from exc


def _weekday_names(field: str) -> str:
    """A crontab day-of-week field with numbers (0 or 7 = Sunday) written as names."""
    if not any(ch.isdigit() for ch in field):
        return field
    days: list[int] = []
    for part in field.split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"day-of-week step {step_text!r} must be at least 1")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first_text, last_text = span.split("-", 1)
            first, last = _weekday_number(first_text), _weekday_number(last_text)
        else:
            first = _weekday_number(span)
            last = first if not step_text else 6
        if first > last:
            raise ValueError(f"day-of-week range {span!r} runs backwards")
        days.extend(range(first, last + 1, step))
    names = dict.fromkeys(_WEEKDAYS[day] for day in days)
    return ",".join(names)


def _weekday_number(text: str) -> int:
    text = text.strip().lower()
    if text.isdigit():
        number = int(text)
        if not 0 <= number <= 7:
            raise ValueError(f"day of week {text!r} is not 0-7")
        return number
    if text in _WEEKDAYS:
        return _WEEKDAYS.index(text)
    raise ValueError(f"day of week {text!r} is not a number 0-7 or a name such as mon")


def next_due(expression: str, after: datetime, timezone: str = "UTC") -> datetime:
    """The first time strictly after `after` that the cron expression names, in UTC."""
    if after.tzinfo is None:
        raise ValueError(f"naive datetime {after!r}: give an aware UTC time")
    trigger = cron_trigger(expression, timezone)
    fire = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
    if fire is None:  # pragma: no cover - a crontab line without an end date always fires again
        raise SettingsError(f"cron expression {expression!r} never fires after {after}")
    return fire.astimezone(UTC)  # type: ignore[no-any-return]


def is_due(state: HasNextDue | None, now: datetime) -> bool:
    """True when a job is due at `now`: it never ran, or its due time has come."""
    if state is None or state.next_due_at is None:
        return True
    return state.next_due_at <= now


def planned_due(
    expression: str,
    *,
    stored: datetime | None,
    last_started_at: datetime | None,
    now: datetime,
    timezone: str = "UTC",
) -> datetime:
    """When a job is due, given its stored plan and (possibly changed) cron expression.

    A job that never started is due `now`. Otherwise the earlier of the stored plan and the
    schedule's next time after the last start: a changed schedule takes effect at once, and
    work already planned is never pushed later.
    """
    if last_started_at is None:
        return now if stored is None else min(stored, now)
    scheduled = next_due(expression, last_started_at, timezone)
    return scheduled if stored is None else min(stored, scheduled)
