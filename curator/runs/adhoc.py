"""Ad-hoc checks: any addresses, or the links of a file, checked as a run checks them, with no
catalog and nothing stored (`curator check URL…`, `curator check --links FILE`).

The verdicts are the checker's own (the same fetch, rules and barrier as a run); an address
has no catalog entry, so nothing is expected of its page beyond being a real, working page. As
in a run, when every host failed at DNS or connect the checker's own network looks down and
the check is inconclusive.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from curator.check.checker import Checker
from curator.check.facts import Expectation, Facts, Outcome
from curator.check.outage import Attempt, network_down
from curator.check.politeness import spread_by_host
from curator.domain import Group, Verdict, group_of
from curator.runs.pipeline import check_url
from curator.runs.summaries import completed_summary, down_summary

_URL = re.compile(r"""https?://[^\s<>"'`()\[\]{}|\\^]+(?:\([^\s<>"'`()]*\)[^\s<>"'`()\[\]{}]*)*""")
_HREF = re.compile(r"""(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_TRAILING = ".,;:!?*_~'\""


@dataclass(frozen=True, slots=True)
class AddressResult:
    """One address's check, as its report prints it: the facts without the page or the
    response's headers, the outcome without its evidence."""

    url: str
    facts: Facts
    outcome: Outcome
    position: int
    planned: int

    @property
    def verdict(self) -> Verdict:
        """The check's verdict."""
        return self.outcome.verdict

    @property
    def group(self) -> Group:
        """The verdict's group."""
        return group_of(self.outcome.verdict)


@dataclass(frozen=True, slots=True)
class AddressReport:
    """Every address's check, in the order given, and what they add up to."""

    results: tuple[AddressResult, ...]
    inconclusive: bool
    summary: str

    @property
    def broken_found(self) -> bool:
        """True when any address ended in a broken-group verdict."""
        return any(r.group is Group.BROKEN for r in self.results)

    @property
    def counts(self) -> dict[str, int]:
        """How many addresses ended in each verdict."""
        return dict(Counter(r.verdict.value for r in self.results))


async def check_addresses(
    checker: Checker,
    urls: Sequence[str],
    *,
    on_result: Callable[[AddressResult], None] | None = None,
) -> AddressReport:
    """Check each address once (in parallel, within the checker's politeness); store nothing."""
    unique = list(dict.fromkeys(urls))
    sweep = checker.sweep()
    # Taken a host's links at a time, every worker would wait on one host's limit.
    queue = spread_by_host(unique)
    queue.reverse()
    by_url: dict[str, AddressResult] = {}

    async def worker() -> None:
        while queue:
            url = queue.pop()
            facts, outcome = await check_url(sweep, url, Expectation(title=""))
            sweep.done(url)
            # What the report prints (the status, the chain's hops, the error, the verdict and
            # its detail), not the page nor the verdict's evidence: a list of 50,000 addresses
            # is not held in memory page by page.
            kept = replace(facts, headers=(), page=None)
            result = AddressResult(
                url, kept, replace(outcome, evidence={}), len(by_url) + 1, len(unique)
            )
            by_url[url] = result
            if on_result is not None:
                on_result(result)

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(max(1, checker.concurrency), len(queue))):
                group.create_task(worker())
    finally:
        sweep.cancel()
    results = tuple(by_url[u] for u in unique)
    attempts = [Attempt.of(r.facts) for r in results]
    down = network_down(attempts)
    counts = dict(Counter(r.verdict.value for r in results))
    summary = (
        down_summary(len({a.host for a in attempts}), stored=False)
        if down
        else completed_summary(counts, len(unique))
    )
    return AddressReport(results=results, inconclusive=down, summary=summary)


def links_in(path: Path) -> list[str]:
    """The http(s) addresses a file links to, in order, each once: a list of links (one a line,
    `#` comments), a Markdown file (its links and bare addresses) or an HTML page (its `href`
    and `src` attributes)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    found: Iterable[str]
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        found = (next(g for g in m.groups() if g is not None) for m in _HREF.finditer(text))
        found = (u.strip() for u in found if u.strip().lower().startswith(("http://", "https://")))
    else:
        lines = (line for line in text.splitlines() if not line.lstrip().startswith("#"))
        found = (m.group(0) for line in lines for m in _URL.finditer(line))
    return list(dict.fromkeys(_trimmed(u) for u in found))


def _trimmed(url: str) -> str:
    """An address as written in prose: without the punctuation that ends its sentence."""
    url = url.replace("&amp;", "&")
    while url and url[-1] in _TRAILING:
        url = url[:-1]
    if url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url
