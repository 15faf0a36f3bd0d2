"""How `curator check` prints its results: a table on a terminal, one line per result
elsewhere (never cut to a width), Markdown, JUnit XML for CI systems, or JSON."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from rich.markup import escape

from curator.domain import Group, Verdict, group_of
from curator.labels import GROUPS, verdict_label

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from rich.console import Console


class Format(StrEnum):
    """How `curator check` prints its results."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    JUNIT = "junit"


GROUP_ORDER = tuple(GROUPS)
"""Worst first, as the vocabulary lists them."""
GROUP_TITLE = {group: words.title for group, words in GROUPS.items()}
PROBLEM_GROUPS = frozenset({Group.BROKEN, Group.UNKNOWN, Group.UPDATE})
"""What `--quiet` prints: everything an editor may have to act on."""


@dataclass(frozen=True, slots=True)
class Row:
    """One result as every format prints it."""

    verdict: Verdict
    resource: str
    """`guide/id` of a catalogued resource, or the address itself for an ad-hoc check."""
    title: str
    url: str
    detail: str
    fix: str | None = None
    """Where the page is now: "→ URL", or "possibly → URL (evidence)"."""
    seconds: float | None = None

    @property
    def group(self) -> Group:
        """The verdict's group."""
        return group_of(self.verdict)


def grouped(rows: Iterable[Row], *, quiet: bool) -> list[tuple[Group, list[Row]]]:
    """The rows by group, worst first; only the problems when `quiet`."""
    listed = list(rows)
    result = []
    for group in GROUP_ORDER:
        if quiet and group not in PROBLEM_GROUPS:
            continue
        members = [r for r in listed if r.group is group]
        if members:
            result.append((group, members))
    return result


def print_table(console: Console, rows: Sequence[Row], *, quiet: bool) -> None:
    """Results grouped worst first as rich tables (for a terminal)."""
    from rich.table import Table

    for group, members in grouped(rows, quiet=quiet):
        table = Table(title=f"{GROUP_TITLE[group]} ({len(members)})", title_justify="left")
        table.add_column("verdict", no_wrap=True)
        table.add_column("resource")
        table.add_column("url", overflow="fold")
        table.add_column("detail", overflow="fold")
        for row in members:
            colour = GROUPS[row.group].colour
            detail = row.detail + (f"\n{row.fix}" if row.fix else "")
            table.add_row(
                f"[{colour}]{escape(verdict_label(row.verdict))}[/]",
                escape(row.resource),
                escape(row.url),
                escape(detail),
            )
        console.print(table)


def plain_lines(rows: Sequence[Row], *, quiet: bool) -> list[str]:
    """Results grouped worst first, one line per result, nothing cut (CI logs, pipes, files)."""
    lines: list[str] = []
    for group, members in grouped(rows, quiet=quiet):
        if lines:
            lines.append("")
        lines.append(f"{GROUP_TITLE[group]} ({len(members)})")
        for row in members:
            where = row.resource if row.resource == row.url else f"{row.resource} {row.url}"
            fix = f" {row.fix}" if row.fix else ""
            lines.append(f"{row.verdict.value:<12} {where}: {_one_line(row.detail)}{fix}")
    return lines


def markdown(rows: Sequence[Row], *, summary: str, quiet: bool) -> str:
    """Results as Markdown: a heading and a table per group, then the run's summary."""
    parts: list[str] = []
    for group, members in grouped(rows, quiet=quiet):
        parts.append(f"## {GROUP_TITLE[group]} ({len(members)})\n")
        parts.append("| verdict | resource | address | detail |")
        parts.append("|---|---|---|---|")
        for row in members:
            detail = row.detail + (f" {row.fix}" if row.fix else "")
            parts.append(
                f"| {row.verdict.value} | {_cell(row.resource)} | <{_cell(row.url)}> "
                f"| {_cell(detail)} |"
            )
        parts.append("")
    parts.append(summary)
    return "\n".join(parts) + "\n"


def junit(rows: Sequence[Row], *, name: str, summary: str) -> str:
    """Results as JUnit XML: a test case per resource, a failure per broken one, the unknown
    ones skipped; one test suite per guide (or one for ad-hoc addresses)."""
    from xml.etree import ElementTree

    suites: dict[str, list[Row]] = {}
    for row in rows:
        suite = row.resource.split("/", 1)[0] if row.resource != row.url else name
        suites.setdefault(suite, []).append(row)
    root = ElementTree.Element("testsuites", name=name)
    _counts(root, rows)
    for suite_name, members in suites.items():
        element = ElementTree.SubElement(root, "testsuite", name=suite_name)
        _counts(element, members)
        for row in members:
            case = ElementTree.SubElement(
                element,
                "testcase",
                classname=suite_name,
                name=f"{row.resource} {row.url}" if row.resource != row.url else row.url,
                time=f"{row.seconds or 0:.3f}",
            )
            text = "\n".join(
                part for part in (row.url, row.title, row.detail, row.fix or "") if part
            )
            if row.group is Group.BROKEN:
                failure = ElementTree.SubElement(
                    case, "failure", type=row.verdict.value, message=_one_line(row.detail)
                )
                failure.text = text
            elif row.group is Group.UNKNOWN:
                ElementTree.SubElement(
                    case, "skipped", message=f"{row.verdict.value}: {_one_line(row.detail)}"
                )
            else:
                ElementTree.SubElement(case, "system-out").text = f"{row.verdict.value}: {text}"
    ElementTree.SubElement(root, "system-out").text = summary
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _counts(element: Element, rows: Sequence[Row]) -> None:
    element.set("tests", str(len(rows)))
    element.set("failures", str(sum(r.group is Group.BROKEN for r in rows)))
    element.set("errors", "0")
    element.set("skipped", str(sum(r.group is Group.UNKNOWN for r in rows)))
    element.set("time", f"{sum(r.seconds or 0 for r in rows):.3f}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")
