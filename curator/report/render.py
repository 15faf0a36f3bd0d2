"""Renderers of the refresh report value: text, HTML (email-safe), Markdown and JSON.

They read only the `RefreshReport` value; the Jinja2 templates live in curator/report/templates/.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, datetime
from enum import Enum, StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from curator import labels
from curator.domain import Verdict, group_of
from curator.labels import colours, verdict_label
from curator.report.model import SECTIONS, GuideReport, RefreshReport


class Format(StrEnum):
    """The formats `curator report --format` offers."""

    TEXT = "text"
    HTML = "html"
    MARKDOWN = "markdown"
    JSON = "json"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def markdown_escape(text: object) -> str:
    """Text that Markdown prints as itself."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def _days(count: int | None) -> str:
    if count is None:
        return ""
    return "less than a day" if count == 0 else f"{count} day{'s' if count != 1 else ''}"


def _status(code: int | None) -> str:
    return "no response" if code is None else f"HTTP {code}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The templates' Jinja2 environment (HTML templates autoescaped)."""
    env = Environment(
        loader=PackageLoader("curator.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["label"] = verdict_label
    env.filters["md"] = markdown_escape
    env.filters["days"] = _days
    env.filters["status"] = _status
    env.filters["percent"] = lambda value: f"{round(float(value) * 100)}%"
    env.globals["SECTIONS"] = SECTIONS
    env.globals["colours"] = lambda verdict: colours(group_of(Verdict(verdict)))
    return env


def _context(report: RefreshReport, **extra: Any) -> dict[str, Any]:
    zone = ZoneInfo(report.timezone)

    # Dates and times as the dashboard and the API's messages word them ("3 Dec 2026, 14:02
    # GMT"), in the report's time zone: one way to say when, whatever editors read it in.
    def when(moment: datetime | None) -> str:
        if moment is None:
            return "unknown"
        return labels.moment_label(moment, zone)

    def day(moment: datetime | date | None) -> str:
        if moment is None:
            return "unknown"
        if isinstance(moment, datetime):
            return labels.date_label(moment.astimezone(zone).date())
        return labels.date_label(moment)

    return {"report": report, "when": when, "day": day, **extra}


def render(report: RefreshReport, fmt: Format | str) -> str:
    """The report in one of the formats."""
    match Format(fmt):
        case Format.TEXT:
            return render_text(report)
        case Format.HTML:
            return render_html(report)
        case Format.MARKDOWN:
            return render_markdown(report)
        case Format.JSON:
            return render_json(report)


def render_text(report: RefreshReport) -> str:
    """Plain text that stands on its own (the email's text part)."""
    return environment().get_template("report.txt.j2").render(_context(report))


def render_html(report: RefreshReport) -> str:
    """An HTML email: inline styles, tables for layout, no scripts."""
    return environment().get_template("report.html.j2").render(_context(report))


def render_markdown(report: RefreshReport) -> str:
    """Markdown, e.g. for an issue or a chat message."""
    return environment().get_template("report.md.j2").render(_context(report))


def render_review_text(report: RefreshReport, guide: GuideReport) -> str:
    """A review reminder for one guide, as plain text."""
    template = environment().get_template("review.txt.j2")
    return template.render(_context(report, guide=guide))


def render_review_html(report: RefreshReport, guide: GuideReport) -> str:
    """A review reminder for one guide, as an HTML email."""
    template = environment().get_template("review.html.j2")
    return template.render(_context(report, guide=guide))


def to_data(value: Any) -> Any:
    """The report value as JSON-ready data (dates in ISO 8601, enums by value)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {}
        for f in dataclasses.fields(value):
            if isinstance(value, GuideReport) and f.name == "sections":
                # Each section under its own key, as before sections were data.
                data.update({s.kind.value: to_data(s.items) for s in value.sections})
            else:
                data[f.name] = to_data(getattr(value, f.name))
        for name in ("group", "has_news", "needs_sending", "overdue"):
            if hasattr(type(value), name) and isinstance(getattr(type(value), name), property):
                data[name] = to_data(getattr(value, name))
        return data
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    return value


def render_json(report: RefreshReport) -> str:
    """The whole value as a JSON object."""
    return json.dumps(to_data(report), indent=2, ensure_ascii=False) + "\n"
