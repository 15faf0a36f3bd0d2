"""Crontab lines read and checked without a scheduler (curator.cron)."""

from __future__ import annotations

import pytest

from curator.cron import CronSpec, parse_cron
from curator.errors import SettingsError


@pytest.mark.parametrize(
    ("expression", "spec"),
    [
        ("0 3 * * mon", CronSpec("0", "3", "*", "*", "mon")),
        ("0 3 * * 1-5", CronSpec("0", "3", "*", "*", "mon,tue,wed,thu,fri")),
        ("0 3 * * 0,7", CronSpec("0", "3", "*", "*", "sun")),
        ("*/15 * * * *", CronSpec("*/15", "*", "*", "*", "*")),
        ("0 0 1 jan,jul *", CronSpec("0", "0", "1", "jan,jul", "*")),
        ("0 9 * * sat-sun", CronSpec("0", "9", "*", "*", "sat-sun")),
    ],
    ids=["weekday-name", "weekday-range", "both-sundays", "step", "month-names", "weekend"],
)
def test_standard_lines_are_read(expression: str, spec: CronSpec) -> None:
    assert parse_cron(expression) == spec


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 3 * *", "has 4 fields"),
        ("61 * * * *", "minute '61' is not 0-59"),
        ("0 3 L * *", "day 'l' is not 1-31"),
        ("0 3 * * 8", "is not 0-7"),
        ("0 3 * * fri-mon", "runs backwards"),
        ("0 3 * * funday", "is not a number 0-7 or a name"),
        ("0 3 */0 * *", "step '0' must be"),
    ],
    ids=["four-fields", "minute-61", "last-day", "weekday-8", "backwards", "bad-name", "zero-step"],
)
def test_a_bad_line_says_what_is_wrong(expression: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        parse_cron(expression)
