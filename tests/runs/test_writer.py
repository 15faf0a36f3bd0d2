"""A run's check writer: batches, changes to waiting and stored checks, exact counts, failures;
on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.check.facts import Facts, Hop, Outcome, Page
from curator.domain import RunTrigger, Verdict
from curator.runs.records import check_values
from curator.runs.writer import CheckWriter
from curator.store.engine import session_factory
from curator.store.models import Check, Run
from tests.factories import create_run
from tests.polling import wait_until

T0 = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


@pytest.fixture
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


def row(run_id: int, url: str, verdict: Verdict = Verdict.OK, second: int = 0) -> dict[str, object]:
    facts = Facts(
        url=url,
        hops=(Hop(url=url, status=200, address="203.0.113.9", elapsed_ms=5),),
        status=200,
        final_url=url,
        page=Page(title="A page", text="words"),
        elapsed_ms=5,
    )
    outcome = Outcome(verdict, "detail", rule="ok")
    return check_values(
        run_id=run_id, facts=facts, outcome=outcome, checked_at=T0 + timedelta(seconds=second)
    )


async def new_run(sessions: async_sessionmaker[AsyncSession], urls: list[str]) -> int:
    async with sessions() as session, session.begin():
        run = await create_run(session, trigger=RunTrigger.CLI, planned_urls=urls, started_at=T0)
        return run.id


async def stored(
    sessions: async_sessionmaker[AsyncSession], run_id: int
) -> tuple[Run, list[Check]]:
    async with sessions() as session:
        run = await session.get(Run, run_id)
        checks = (
            (await session.execute(select(Check).where(Check.run_id == run_id).order_by(Check.id)))
            .scalars()
            .all()
        )
    assert run is not None
    return run, list(checks)


async def test_checks_are_written_in_batches_counted_once_and_amended(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    urls = [f"https://site.example/page-{i}" for i in range(7)]
    run_id = await new_run(sessions, urls)
    writer = CheckWriter(
        sessions, run_id, lock=asyncio.Lock(), clock=lambda: T0, batch_rows=3, interval=60
    )
    async with writer:
        for i, url in enumerate(urls[:3]):
            await writer.add(url, row(run_id, url, second=i))
        await writer.flush()  # what the task does once three wait
        assert writer.stored == 3
        await writer.add(urls[3], row(run_id, urls[3], second=3))
        writer.amend(urls[3], {"verdict": Verdict.SOFT_404, "detail": "probed"})  # waiting
        writer.amend(urls[0], {"verdict": Verdict.BROKEN, "detail": "refined"})  # stored
        for i, url in enumerate(urls[4:], start=4):
            await writer.add(url, row(run_id, url, second=i))
    run, checks = await stored(sessions, run_id)
    assert writer.stored == len(urls)
    assert [c.url for c in checks] == urls  # in the order they completed
    assert run.checked_urls == len(urls)
    by_url = {c.url: c for c in checks}
    assert (by_url[urls[0]].verdict, by_url[urls[0]].detail) == (Verdict.BROKEN, "refined")
    assert (by_url[urls[3]].verdict, by_url[urls[3]].detail) == (Verdict.SOFT_404, "probed")
    assert by_url[urls[1]].verdict is Verdict.OK


async def test_the_task_writes_within_its_interval(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    url = "https://site.example/a"
    run_id = await new_run(sessions, [url])
    async with CheckWriter(
        sessions, run_id, lock=asyncio.Lock(), clock=lambda: T0, interval=0.01
    ) as writer:
        await writer.add(url, row(run_id, url))

        async def written() -> bool:
            return writer.stored > 0

        await wait_until(written, within=10, what="the batch written", interval=0.01)
        _, checks = await stored(sessions, run_id)
        assert [c.url for c in checks] == [url]


async def test_a_batch_that_fails_fails_the_run(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    url = "https://site.example/a"
    run_id = await new_run(sessions, [url])
    writer = CheckWriter(sessions, run_id, lock=asyncio.Lock(), clock=lambda: T0, interval=60)
    bad = row(run_id, url)
    bad["verdict"] = "not a verdict"  # refused by the column's enum
    with pytest.raises(Exception, match="not a verdict"):
        async with writer:
            await writer.add(url, bad)
    with pytest.raises(Exception, match="not a verdict"):
        await writer.add("https://site.example/b", row(run_id, "https://site.example/b"))
