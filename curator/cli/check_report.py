"""`curator check`'s report of a stored run: its results read back from the store a page at a
time (`curator.runs.results`) and printed in the chosen format, with counts only in memory.

A table, the plain listing and Markdown print the results grouped worst first, with each
group's count in its heading: one pass over the run's results counts them (and decides the
exit code), then one pass per printed group reads only that group's. JUnit counts first too
(a suite's counts are attributes of its opening tag), then writes every result in catalog
order; JSON is written as the results are read. On a terminal a group's table is built whole
(rich lays a table out from all its rows).
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from curator.cli.check_output import (
    Counts,
    Format,
    JsonResults,
    JunitWriter,
    Row,
    markdown_heading,
    markdown_line,
    plain_heading,
    plain_line,
    print_group_table,
    printed_groups,
)
from curator.domain import Group, Verdict, group_of

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from curator.runs.execute import CheckResult, RunReport
    from curator.runs.results import Listed

Page = list[tuple["Listed", "CheckResult"]]


class Named(Protocol):
    """A catalogued resource as the output names it (a run's `Target`, or a `Listed` one)."""

    @property
    def guide_slug(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def url(self) -> str: ...


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def result_json(target: Named, result: CheckResult) -> dict[str, Any]:
    """One resource's result as `--format json` prints it."""
    facts, outcome = result.facts, result.outcome
    return {
        "guide": target.guide_slug,
        "resource": target.key,
        "title": target.title,
        "url": target.url,
        "verdict": outcome.verdict.value,
        "group": result.group.value,
        "status_code": facts.status,
        "final_url": facts.final_url,
        "suggested_url": outcome.suggested_url,
        "suggestion": result.suggestion.to_json() if result.suggestion is not None else None,
        "detail": outcome.detail,
        "elapsed_ms": facts.elapsed_ms,
        "rule": outcome.rule,
        "error": facts.error.value if facts.error is not None else None,
        "attempts": facts.attempts,
        "checked_at": _iso(result.checked_at),
        "check_id": result.check_id,
        "certificate": (
            {
                "host": facts.certificate.host,
                "expires_at": _iso(facts.certificate.expires_at),
                "issuer": facts.certificate.issuer,
            }
            if facts.certificate is not None
            else None
        ),
    }


def as_json(report: RunReport, *, results: bool = True) -> dict[str, Any]:
    """The object `curator check --format json` prints: the run and one result per resource
    (those the report kept)."""
    return {
        "run": {
            "id": report.run_id,
            "status": report.status.value,
            "trigger": report.trigger,
            "started_at": _iso(report.started_at),
            "finished_at": _iso(report.finished_at),
            "planned_urls": report.planned,
            "counts": dict(report.counts),
            "summary": report.summary,
            "states_changed": report.states_changed,
        },
    } | ({"results": [result_json(t, r) for t, r in report.by_resource()]} if results else {})


class JsonWriter:
    """`as_json(report)` on stdout, as `json.dumps(..., ensure_ascii=False, indent=2)` writes
    it, one result at a time (`curator.cli.check_output.JsonResults`)."""

    def __init__(self, report: RunReport, write: Callable[[str], object] = sys.stdout.write):
        self.report = report
        self.results = JsonResults(write)

    def start(self) -> None:
        """The run, and the opening of the results."""
        self.results.start(as_json(self.report, results=False))

    def add(self, target: Named, result: CheckResult) -> None:
        """One result."""
        self.results.add(result_json(target, result))

    def finish(self) -> None:
        """The end of the results and of the object."""
        self.results.finish()


def write_json(report: RunReport, pairs: Iterable[tuple[Named, CheckResult]] | None = None) -> None:
    """`as_json(report)` on stdout a result at a time (`JsonWriter`): the report's own results,
    or `pairs`."""
    writer = JsonWriter(report, sys.stdout.write)
    writer.start()
    for target, result in report.by_resource() if pairs is None else pairs:
        writer.add(target, result)
    writer.finish()


def row_of(target: Named, result: CheckResult) -> Row:
    """One resource's result as the table, Markdown and JUnit formats print it."""
    fix = None
    if result.outcome.suggested_url:
        fix = f"→ {result.outcome.suggested_url}"
    elif result.suggestion is not None:
        fix = f"possibly → {result.suggestion.url} ({result.suggestion.summary})"
    return Row(
        verdict=result.verdict,
        resource=f"{target.guide_slug}/{target.key}",
        title=target.title,
        url=target.url,
        detail=result.outcome.detail,
        fix=fix,
        seconds=(result.facts.elapsed_ms or 0) / 1000,
    )


GROUP_VERDICTS = {group: frozenset(v for v in Verdict if group_of(v) is group) for group in Group}


class StoredRun:
    """A finished run's results read back a page at a time, for printing; whether the check
    fails (exit 1) is decided from the pages as they are read (`fails`)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        report: RunReport,
        resource_ids: Sequence[int],
        *,
        now: datetime,
        page: int | None = None,
    ) -> None:
        self.sessions = sessions
        self.page = page
        """Resources a page holds (None: `curator.store.runs.RUN_PAGE`)."""
        self.report = report
        self.resource_ids = resource_ids
        """The run's resources, in catalog order."""
        self.now = now
        self.fails = False
        """Whether some resource got a broken-group verdict and is not snoozed as a false
        positive (curator.standing.counts_as_broken), of the pages judged so far."""

    async def pages(self, group: Group | None = None) -> AsyncIterator[Page]:
        """The results in catalog order, a page at a time (only a group's, given one)."""
        from curator.runs.results import stored_results

        async for page in stored_results(
            self.sessions,
            run_id=self.report.run_id,
            resource_ids=self.resource_ids,
            verdicts=GROUP_VERDICTS[group] if group is not None else None,
            **({"page": self.page} if self.page is not None else {}),
        ):
            yield page

    async def judge(self, page: Page) -> None:
        """Read the standings of the page's resources with a broken verdict, until one fails
        the check."""
        if self.fails:
            return
        broken = [target.resource_id for target, result in page if result.group is Group.BROKEN]
        if not broken:
            return
        from curator.standing import counts_as_broken
        from curator.store.standings import standings

        async with self.sessions() as session:
            found = {
                s.resource.id: s.standing
                for s in await standings(session, now=self.now, resource_ids=broken)
            }
        self.fails = any(
            counts_as_broken(result.verdict, found.get(target.resource_id))
            for target, result in page
        )

    async def count(self, name: str = "curator") -> Counts:
        """Every result counted (and judged)."""
        counts = Counts(name=name)
        async for page in self.pages():
            await self.judge(page)
            for target, result in page:
                counts.add(row_of(target, result))
        return counts


async def print_stored(
    run: StoredRun, output: Format, *, quiet: bool, terminal: Console | None
) -> None:
    """The run in the chosen format on stdout, read back a page at a time (as
    `curator.cli.check_cmds.print_report` prints a report that kept its results); a rich table
    on `terminal` when given."""
    report = run.report
    write = sys.stdout.write
    if output is Format.JSON:
        writer = JsonWriter(report, write)
        writer.start()
        async for page in run.pages():
            await run.judge(page)
            for target, result in page:
                writer.add(target, result)
        writer.finish()
        return
    counts = await run.count()
    summary = f"Run {report.run_id} {report.status.value}: {report.summary}"
    if output is Format.JUNIT:
        junit = JunitWriter(write, counts)
        junit.start()
        async for page in run.pages():
            for target, result in page:
                junit.add(row_of(target, result))
        junit.finish(summary)
        return
    # An inconclusive run: every address failed alike; one summary says it, not a row each.
    groups = [] if report.inconclusive else printed_groups(counts.groups, quiet=quiet)
    for index, group in enumerate(groups):
        rows = (row_of(t, r) async for page in run.pages(group) for t, r in page)
        if output is Format.MARKDOWN:
            write("".join(line + "\n" for line in markdown_heading(group, counts.groups[group])))
            async for row in rows:
                write(markdown_line(row) + "\n")
            write("\n")
        elif terminal is not None:
            print_group_table(terminal, group, [row async for row in rows])
        else:
            write(("\n" if index else "") + plain_heading(group, counts.groups[group]) + "\n")
            async for row in rows:
                write(plain_line(row) + "\n")
    if output is Format.MARKDOWN:
        write(summary + "\n")
    elif not quiet or report.inconclusive:
        write(summary + "\n")
