"""Crontab lines and time-zone names, read and checked without a scheduler.

`parse_cron` checks a standard five-field crontab line and returns its fields, day-of-week
numbers (0 or 7 = Sunday, as crontab counts) written as names; `jobs/schedule.py` turns a
`CronSpec` into the scheduler's trigger. Settings validate their schedules here, so a bad
CURATOR_FULL_CHECK_CRON is refused before anything starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from curator.errors import SettingsError

# Standard crontab numbers weekdays from Sunday (0 and 7); APScheduler 3.x numbers them from
# Monday. Numbers are translated to names, which both read the same way.
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_RANGES = {"minute": (0, 59), "hour": (0, 23), "day": (1, 31), "month": (1, 12)}


@dataclass(frozen=True, slots=True)
class CronSpec:
    """The five fields of a crontab line, checked; `day_of_week` uses names."""

    minute: str
    hour: str
    day: str
    month: str
    day_of_week: str


def zone(name: str) -> ZoneInfo:
    """The time zone called `name`, or SettingsError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"timezone {name!r} is not an IANA time zone name") from exc


def parse_cron(expression: str) -> CronSpec:
    """The fields of a standard five-field crontab line, or SettingsError saying what is wrong."""
    fields = expression.split()
    if len(fields) != 5:
        raise SettingsError(
            f"cron expression {expression!r} has {len(fields)} fields; "
            "expected 5: minute hour day-of-month month day-of-week"
        )
    minute, hour, day, month, weekday = fields
    try:
        for name, text in zip(_RANGES, (minute, hour, day, month), strict=True):
            _check_field(name, text)
        weekdays = _weekday_names(weekday)
    except ValueError as exc:
        raise SettingsError(f"cron expression {expression!r}: {exc}") from exc
    return CronSpec(minute, hour, day, month, weekdays)


def _check_field(name: str, field: str) -> None:
    """A ValueError unless `field` is a list of `*`, N or N-M, each with an optional /step."""
    low, high = _RANGES[name]
    for part in field.split(","):
        span, _, step_text = part.partition("/")
        if step_text and (not step_text.isdigit() or int(step_text) < 1):
            raise ValueError(f"{name} step {step_text!r} must be a whole number of at least 1")
        if span == "*":
            continue
        first_text, _, last_text = span.partition("-")
        first = _number(name, first_text, low, high)
        last = _number(name, last_text, low, high) if last_text else first
        if first > last:
            raise ValueError(f"{name} range {span!r} runs backwards")


def _number(name: str, text: str, low: int, high: int) -> int:
    text = text.strip().lower()
    if name == "month" and text in _MONTHS:
        return _MONTHS.index(text) + 1
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(f"{name} {text!r} is not {low}-{high}")
    return int(text)


def _weekday_names(field: str) -> str:
    """A crontab day-of-week field with numbers (0 or 7 = Sunday) written as names."""
    if not any(ch.isdigit() for ch in field):
        for part in field.split(","):
            span = part.partition("/")[0]
            if span != "*":
                # Names run Monday to Sunday, as the scheduler reads them: sat-sun is a weekend.
                start, _, end = span.partition("-")
                if _monday_first(start) > _monday_first(end or start):
                    raise ValueError(f"day-of-week range {span!r} runs backwards")
        return field
    days: list[int] = []
    for part in field.split(","):
        span, _, step_text = part.partition("/")
        if step_text and not step_text.isdigit():
            raise ValueError(f"day-of-week step {step_text!r} is not a number")
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


def _monday_first(name: str) -> int:
    return (_weekday_number(name) + 6) % 7


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
