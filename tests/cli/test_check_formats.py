"""The formats `curator check` prints, written a part at a time: JUnit's bytes are those of
ElementTree's whole tree, indented, whatever the rows (suites, escapes, none at all)."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree

import pytest

from curator.cli.check_output import Row, junit
from curator.domain import Group, Verdict


def whole_tree(rows: Sequence[Row], *, name: str, summary: str) -> str:
    """JUnit XML as one ElementTree built whole, indented and written (what `junit` wrote
    before it was written a test case at a time)."""
    suites: dict[str, list[Row]] = {}
    for row in rows:
        suite = row.resource.split("/", 1)[0] if row.resource != row.url else name
        suites.setdefault(suite, []).append(row)

    def counts(element: ElementTree.Element, rows: Sequence[Row]) -> None:
        element.set("tests", str(len(rows)))
        element.set("failures", str(sum(r.group is Group.BROKEN for r in rows)))
        element.set("errors", "0")
        element.set("skipped", str(sum(r.group is Group.UNKNOWN for r in rows)))
        element.set("time", f"{sum(r.seconds or 0 for r in rows):.3f}")

    root = ElementTree.Element("testsuites", name=name)
    counts(root, rows)
    for suite_name, members in suites.items():
        element = ElementTree.SubElement(root, "testsuite", name=suite_name)
        counts(element, members)
        for row in members:
            case = ElementTree.SubElement(
                element,
                "testcase",
                classname=suite_name,
                name=f"{row.resource} {row.url}" if row.resource != row.url else row.url,
                time=f"{row.seconds or 0:.3f}",
            )
            text = "\n".join(p for p in (row.url, row.title, row.detail, row.fix or "") if p)
            one_line = " ".join(row.detail.split())
            if row.group is Group.BROKEN:
                failure = ElementTree.SubElement(
                    case, "failure", type=row.verdict.value, message=one_line
                )
                failure.text = text
            elif row.group is Group.UNKNOWN:
                ElementTree.SubElement(case, "skipped", message=f"{row.verdict.value}: {one_line}")
            else:
                ElementTree.SubElement(case, "system-out").text = f"{row.verdict.value}: {text}"
    ElementTree.SubElement(root, "system-out").text = summary
    ElementTree.indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(root, encoding="unicode")
        + "\n"
    )


def row(verdict: Verdict, resource: str, url: str, **extra: object) -> Row:
    values: dict[str, object] = {"title": 'A <title> & "more"', "detail": "HTTP 404\n  gone"}
    return Row(verdict=verdict, resource=resource, url=url, **(values | extra))  # type: ignore[arg-type]


CATALOGUED = [
    row(Verdict.OK, "b-guide/one", "https://a.example/1?x=1&y=2", seconds=0.1),
    row(Verdict.BROKEN, "b-guide/two", "https://a.example/2", fix="→ https://a.example/3"),
    row(Verdict.TRANSIENT, "a-guide/three", "https://b.example/", seconds=0.2, detail=""),
    row(Verdict.MOVED, "b-guide/four", "https://c.example/é", seconds=1 / 3),
    row(Verdict.SOFT_404, "a-guide/five", "https://d.example/", title="", fix="possibly → x"),
]
AD_HOC = [
    row(Verdict.OK, "https://a.example/", "https://a.example/", title=""),
    row(Verdict.UNVERIFIABLE, "https://b.example/", "https://b.example/", seconds=2.5),
]


@pytest.mark.parametrize(
    "rows", [[], CATALOGUED, AD_HOC, CATALOGUED[:1]], ids=["none", "catalog", "ad-hoc", "one"]
)
def test_junit_is_what_the_whole_tree_would_write(rows: list[Row]) -> None:
    summary = 'Run 3 completed: 5 checked <&> "done"\nsecond line'
    assert junit(rows, name="curator", summary=summary) == whole_tree(
        rows, name="curator", summary=summary
    )
