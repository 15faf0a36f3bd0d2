"""How `curator check` prints its results: a table on a terminal, one line per result
elsewhere (never cut to a width), Markdown, JUnit XML for CI systems, or JSON.

Each format is written a group (or a guide) at a time from its parts here (`plain_heading`,
`plain_line`, `markdown_heading`, `markdown_line`, `JunitWriter`), so a run's results can be
printed as they are read back from the store, a page at a time, given their counts first
(`Counts`); `plain_lines`, `markdown` and `junit` print a list of rows with the same parts.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from json.encoder import encode_basestring as encode_string
from typing import TYPE_CHECKING, Any

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


def printed_groups(counts: Counter[Group], *, quiet: bool) -> list[Group]:
    """The groups a listing prints, worst first: those with results (only the problems when
    `quiet`)."""
    return [
        group
        for group in GROUP_ORDER
        if counts[group] and not (quiet and group not in PROBLEM_GROUPS)
    ]


def print_table(console: Console, rows: Sequence[Row], *, quiet: bool) -> None:
    """Results grouped worst first as rich tables (for a terminal)."""
    for group, members in grouped(rows, quiet=quiet):
        print_group_table(console, group, members)


def print_group_table(console: Console, group: Group, members: Sequence[Row]) -> None:
    """One group's results as a rich table (for a terminal)."""
    from rich.table import Table

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


def plain_heading(group: Group, count: int) -> str:
    """The line that starts a group's results in the plain listing."""
    return f"{GROUP_TITLE[group]} ({count})"


def plain_line(row: Row) -> str:
    """One result in the plain listing: one line, nothing cut."""
    where = row.resource if row.resource == row.url else f"{row.resource} {row.url}"
    fix = f" {row.fix}" if row.fix else ""
    return f"{row.verdict.value:<12} {where}: {_one_line(row.detail)}{fix}"


def plain_lines(rows: Sequence[Row], *, quiet: bool) -> list[str]:
    """Results grouped worst first, one line per result, nothing cut (CI logs, pipes, files);
    groups apart by an empty line."""
    lines: list[str] = []
    for group, members in grouped(rows, quiet=quiet):
        if lines:
            lines.append("")
        lines.append(plain_heading(group, len(members)))
        lines.extend(plain_line(row) for row in members)
    return lines


def markdown_heading(group: Group, count: int) -> list[str]:
    """The lines that start a group's table in Markdown."""
    return [
        f"## {GROUP_TITLE[group]} ({count})\n",
        "| verdict | resource | address | detail |",
        "|---|---|---|---|",
    ]


def markdown_line(row: Row) -> str:
    """One result as a row of a Markdown table (read by people, as a pull request's comment or
    a job's summary: the verdict in the words the table and the dashboard use)."""
    detail = row.detail + (f" {row.fix}" if row.fix else "")
    verdict = _cell(verdict_label(row.verdict))
    return f"| {verdict} | {_cell(row.resource)} | <{_cell(row.url)}> | {_cell(detail)} |"


def markdown(rows: Sequence[Row], *, summary: str, quiet: bool) -> str:
    """Results as Markdown: a heading and a table per group, then the run's summary."""
    parts: list[str] = []
    for group, members in grouped(rows, quiet=quiet):
        parts.extend(markdown_heading(group, len(members)))
        parts.extend(markdown_line(row) for row in members)
        parts.append("")
    parts.append(summary)
    return "\n".join(parts) + "\n"


@dataclass
class Counts:
    """How many results a listing has (in all, per group) and, for JUnit, per test suite,
    with their failures, skips and time: counted as the rows go by, in the order printed."""

    name: str = "curator"
    """The JUnit test suites' name, and the suite of ad-hoc addresses."""
    total: JunitCounts = field(default_factory=lambda: JunitCounts())
    groups: Counter[Group] = field(default_factory=Counter)
    suites: dict[str, JunitCounts] = field(default_factory=dict)

    def add(self, row: Row) -> None:
        """Count one more result."""
        self.total.add(row)
        self.groups[row.group] += 1
        suite = suite_of(row, self.name)
        if suite not in self.suites:
            self.suites[suite] = JunitCounts()
        self.suites[suite].add(row)


@dataclass
class JunitCounts:
    """A JUnit element's counts: tests, failures, skipped, and their time summed in order."""

    tests: int = 0
    failures: int = 0
    skipped: int = 0
    time: float = 0

    def add(self, row: Row) -> None:
        """Count one more test case."""
        self.tests += 1
        self.failures += row.group is Group.BROKEN
        self.skipped += row.group is Group.UNKNOWN
        self.time += row.seconds or 0

    def set_on(self, element: Element) -> None:
        """The counts as the element's attributes."""
        element.set("tests", str(self.tests))
        element.set("failures", str(self.failures))
        element.set("errors", "0")
        element.set("skipped", str(self.skipped))
        element.set("time", f"{self.time:.3f}")


def suite_of(row: Row, name: str) -> str:
    """The JUnit test suite of a result: its guide, or `name` for an ad-hoc address."""
    return row.resource.split("/", 1)[0] if row.resource != row.url else name


class JunitWriter:
    """JUnit XML written a test case at a time, given the counts (`Counts`) first: a test case
    per resource, a failure per broken one, the unknown ones skipped; one test suite per guide
    (or one for ad-hoc addresses). The bytes are ElementTree's, indented by
    `ElementTree.indent`, as if the whole tree had been built; each suite's cases come
    together (a guide's resources are listed together)."""

    def __init__(self, write: Callable[[str], object], counts: Counts) -> None:
        self.write = write
        self.counts = counts
        self.suite: str | None = None

    def start(self) -> None:
        """The declaration and the opening of the test suites."""
        from xml.etree import ElementTree

        root = ElementTree.Element("testsuites", name=self.counts.name)
        self.counts.total.set_on(root)
        self.write('<?xml version="1.0" encoding="UTF-8"?>\n' + _opening(root))

    def add(self, row: Row) -> None:
        """One test case (opening its suite when it is the suite's first)."""
        from xml.etree import ElementTree

        suite = suite_of(row, self.counts.name)
        if suite != self.suite:
            if self.suite is not None:
                self.write("\n  </testsuite>")
            element = ElementTree.Element("testsuite", name=suite)
            self.counts.suites[suite].set_on(element)
            self.write("\n  " + _opening(element))
            self.suite = suite
        case = ElementTree.Element(
            "testcase",
            classname=suite,
            name=f"{row.resource} {row.url}" if row.resource != row.url else row.url,
            time=f"{row.seconds or 0:.3f}",
        )
        text = "\n".join(part for part in (row.url, row.title, row.detail, row.fix or "") if part)
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
        ElementTree.indent(case, level=2)
        self.write("\n    " + ElementTree.tostring(case, encoding="unicode"))

    def finish(self, summary: str) -> None:
        """The run's summary, and the end of the test suites."""
        from xml.etree import ElementTree

        if self.suite is not None:
            self.write("\n  </testsuite>")
        out = ElementTree.Element("system-out")
        out.text = summary
        self.write("\n  " + ElementTree.tostring(out, encoding="unicode") + "\n</testsuites>\n")


def _opening(element: Element) -> str:
    """An element's start tag, as ElementTree writes it (attributes in the order set)."""
    from xml.etree import ElementTree

    empty = ElementTree.tostring(element, encoding="unicode")  # `<name attributes />`
    return empty.removesuffix(" />") + ">"


def junit(rows: Sequence[Row], *, name: str, summary: str) -> str:
    """Results as JUnit XML (`JunitWriter`), as one text."""
    counts = Counts(name=name)
    for row in rows:
        counts.add(row)
    parts: list[str] = []
    writer = JunitWriter(parts.append, counts)
    writer.start()
    # Suites in the order of their first case, each with all its cases.
    by_suite: dict[str, list[Row]] = {}
    for row in rows:
        by_suite.setdefault(suite_of(row, name), []).append(row)
    for members in by_suite.values():
        for row in members:
            writer.add(row)
    writer.finish(summary)
    return "".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")


class JsonResults:
    """An object as `json.dumps(obj, ensure_ascii=False, indent=2)` writes it, byte for byte,
    whose last member, `"results"`, is a list of objects given one at a time (`add`): the text
    of 50,000 results, or their dictionaries, are never in memory at once.

    A result's members are written by `member`: strings, numbers and nulls by the C encoder,
    not by the json module's indenting encoder, which is pure Python (about three quarters of
    the time a result took to print); only a nested object or list goes through it."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self.write = write
        self.encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
        self.compact = json.JSONEncoder(ensure_ascii=False)
        self.written = 0

    def start(self, head: Mapping[str, Any]) -> None:
        """The object's members before the results, and the opening of the results."""
        if not head:
            self.write('{\n  "results": [')
            return
        text = self.encoder.encode(dict(head))
        self.write(text[: -len("\n}")] + ',\n  "results": [')

    def add(self, result: Mapping[str, Any]) -> None:
        """One result."""
        member = self.member
        text = ",\n      ".join(
            f"{encode_string(name)}: {member(value)}" for name, value in result.items()
        )
        self.write((",\n" if self.written else "\n") + "    {\n      " + text + "\n    }")
        self.written += 1

    def member(self, value: Any) -> str:
        """A result's member's value as the indenting encoder writes it at a result's depth."""
        kind = type(value)
        if kind is str:
            return encode_string(value)
        if value is None:
            return "null"
        if kind is int:
            return int.__repr__(value)
        if isinstance(value, dict | list | tuple) and value:
            # Strings in JSON hold no raw line break, so each line is indented as a whole.
            return self.encoder.encode(value).replace("\n", "\n      ")
        return self.compact.encode(value)  # booleans, floats, empty containers, subclasses

    def finish(self) -> None:
        """The end of the results and of the object."""
        self.write("\n  ]\n}\n" if self.written else "]\n}\n")
