"""A stored run's results read back a page at a time, for output.

`curator check` keeps no record of each result while its run goes (`execute_run(...,
keep_results=False)`): it prints them afterwards from what the run stored, a page of
resources at a time, so printing 50,000 results holds one page of them.

    async for page in stored_results(sessions, run_id=run_id, resource_ids=ids):
        for resource, result in page:
            ...

A result read back says what the run's report would have (`curator.runs.execute.CheckResult`
with the facts it keeps: status, final address, error, attempts, time, certificate; the
verdict, detail, rule and suggestion); the resource is the one `resource_ids` names.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.check.facts import Certificate, ErrorKind, Facts, Outcome
from curator.domain import Verdict
from curator.runs.execute import CheckResult
from curator.store import runs
from curator.store.engine import retrying
from curator.suggestions import Suggestion


@dataclass(frozen=True, slots=True)
class Listed:
    """A catalogued resource as a run's output names it."""

    resource_id: int
    guide_slug: str
    key: str
    title: str
    url: str


async def stored_results(
    sessions: async_sessionmaker[AsyncSession],
    *,
    run_id: int,
    resource_ids: Sequence[int],
    verdicts: Collection[Verdict] | None = None,
    page: int = runs.RUN_PAGE,
) -> AsyncIterator[list[tuple[Listed, CheckResult]]]:
    """The run's result for each of `resource_ids`, in their order, a page at a time (those
    whose URL the run did not check left out; with `verdicts`, only results of those)."""
    for start in range(0, len(resource_ids), page):
        chunk = resource_ids[start : start + page]
        rows = await retrying(
            partial(_page, sessions, run_id=run_id, resource_ids=chunk, verdicts=verdicts)
        )
        by_id = {row[0]: row for row in rows}  # by resource_id
        found = [by_id[i] for i in chunk if i in by_id]
        if found:
            yield [result_of(row) for row in found]


async def _page(
    sessions: async_sessionmaker[AsyncSession],
    *,
    run_id: int,
    resource_ids: Sequence[int],
    verdicts: Collection[Verdict] | None,
) -> Sequence[Row[Any]]:
    async with sessions() as session:
        return await runs.results_page(
            session, run_id=run_id, resource_ids=resource_ids, verdicts=verdicts
        )


def result_of(row: Row[Any]) -> tuple[Listed, CheckResult]:
    """A row of `curator.store.runs.results_page` as the resource and the run's result (the
    row unpacked in the query's order: reading a row's fields by name costs more, a page of
    results at a time)."""
    (
        resource_id,
        guide_slug,
        key,
        title,
        url,
        check_id,
        checked_at,
        verdict,
        detail,
        status_code,
        final_url,
        suggested_url,
        elapsed_ms,
        error_kind,
        attempts,
        rule,
        suggestion,
        cert_expires_at,
        cert_issuer,
    ) = row
    certificate = None
    if cert_expires_at is not None:
        # The certificate came with the final response, from the final address's host.
        host = httpx.URL(final_url).host if final_url else ""
        certificate = Certificate(host=host.lower(), expires_at=cert_expires_at, issuer=cert_issuer)
    facts = Facts(
        url=url,
        status=status_code,
        final_url=final_url,
        error=ErrorKind(error_kind) if error_kind else None,
        attempts=attempts,
        elapsed_ms=elapsed_ms if elapsed_ms is not None else 0,
        certificate=certificate,
    )
    result = CheckResult(
        url=url,
        facts=facts,
        outcome=Outcome(verdict, detail, suggested_url, rule=rule or ""),
        targets=(),
        check_id=check_id,
        checked_at=checked_at,
        position=0,
        planned=0,
        suggestion=Suggestion.from_json(suggestion),
    )
    return Listed(resource_id, guide_slug, key, title, url), result
