"""Queries that take a set of URLs (or of domains) bind a bounded number of values whatever its
size: 70,000 URLs, more than PostgreSQL's 65,535 bound parameters and SQLite's 32,766, on
SQLite and PostgreSQL. Rows exist for every 70th URL (inserted in bulk; nothing is fetched),
so each query is asked about 70,000 and finds those 1,000."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import RunStatus, RunTrigger, Verdict
from curator.runs.records import snapshots
from curator.store import checks as q
from curator.store import link_states, registrations, runs
from curator.store.base import chunks
from curator.store.models import Check, DomainRegistration, LinkState, Run

URLS = 70_000
EVERY = 70
STORED = URLS // EVERY
T0 = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


def url_of(i: int) -> str:
    return f"https://site{i}.example/page-{i}"


async def bulk(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in chunks(rows, 2_000):
        await session.execute(insert(model), list(chunk))


@pytest.fixture
async def run_id(session: AsyncSession) -> int:
    """A completed run with a check of every EVERY-th of URLS addresses (with a certificate),
    and a link state and a domain registration for each."""
    urls = [url_of(i) for i in range(0, URLS, EVERY)]
    async with session.begin():
        run = Run(
            trigger=RunTrigger.CLI,
            status=RunStatus.COMPLETED,
            started_at=T0,
            total_urls=STORED,
            checked_urls=STORED,
        )
        session.add(run)
        await session.flush()
        found = run.id
        await bulk(
            session,
            Check,
            [
                {
                    "run_id": found,
                    "url": url,
                    "checked_at": T0 + timedelta(milliseconds=i),
                    "verdict": Verdict.OK,
                    "detail": "Reachable.",
                    "status_code": 200,
                    "hops": [{"url": url, "status": 200}],
                    "evidence": {},
                    "cert_expires_at": T0 + timedelta(days=90),
                    "cert_issuer": "Test CA",
                }
                for i, url in enumerate(urls)
            ],
        )
        await bulk(
            session,
            LinkState,
            [
                {"url": url, "verdict": Verdict.OK, "last_checked_at": T0, "snapshot_at": T0}
                | {"snapshot_title": "Advice", "snapshot_text": "Advice and support."}
                for url in urls
            ],
        )
        await bulk(
            session,
            DomainRegistration,
            [
                {"domain": f"site{i}.example", "statuses": [], "status_since": {}}
                | {"name_servers": [], "next_lookup_at": T0 + timedelta(days=1)}
                for i in range(0, URLS, EVERY)
            ],
        )
    return found


async def test_queries_over_70000_urls(session: AsyncSession, run_id: int) -> None:
    urls = [url_of(i) for i in range(URLS)]
    stored = {url_of(i) for i in range(0, URLS, EVERY)}
    domains = [f"site{i}.example" for i in range(URLS)]
    async with session.begin():
        states = await link_states.link_states(session, urls=urls, for_update=True)
        assert set(states) == stored
        assert set(await snapshots(session, urls=urls)) == stored
        assert set(await q.latest_checks(session, urls=urls)) == stored
        points = await q.check_points(session, urls=urls)
        assert {url for url, found in points.items() if found} == stored
        assert set(await registrations.latest_certificates(session, urls=urls)) == stored
        found = await registrations.registrations(session, domains=domains)
        assert len(found) == STORED
        due = await registrations.due_domains(session, domains=domains, now=T0)
        assert len(due) == URLS - STORED
        # A run's checks, a page at a time: every URL once.
        seen: list[str] = []
        after = None
        while page := await runs.checked_urls_page(session, run_ids=[run_id], after=after):
            seen += page
            after = page[-1]
        assert set(seen) == stored and len(seen) == STORED
        ids = 0
        after_id = 0
        while rows := await runs.check_ids_page(session, run_id=run_id, after_id=after_id):
            ids += len(rows)
            after_id = rows[-1].id
        assert ids == STORED
