"""Standings in bulk: a bounded number of queries whatever the catalog's size, and the views
built on them (problems, the snoozed list, the public list and when it changes by the clock);
on SQLite and PostgreSQL. Link states are written as a settled run writes them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import RunStatus, RunTrigger, State, Verdict
from curator.runs.records import state_values
from curator.store import runs
from curator.store.link_states import upsert_link_state
from curator.store.models import Guide, ReaderReport, Resource, Section
from curator.store.problems import problems
from curator.store.publish import published
from curator.store.standings import standings
from tests.factories import create_run, status_after

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=6)
BROKEN_STORY = [(T0, Verdict.OK), (T0 + timedelta(days=1), Verdict.BROKEN)] + [
    (T0 + timedelta(days=d), Verdict.BROKEN) for d in (2, 4)
]


@contextmanager
def counted(session: AsyncSession) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = session.get_bind()

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def catalog(session: AsyncSession, size: int, slug: str = "g") -> list[Resource]:
    """A guide of `size` resources: the first confirmed broken, the rest working."""
    async with session.begin():
        guide = Guide(slug=slug, title="Guide", editors=[])
        section = Section(guide=guide, title="Help", position=0)
        resources = [
            Resource(
                guide=guide,
                section=section,
                key=f"r{i}",
                title=f"R {i}",
                url=f"https://{slug}{i}.example/",
                position=i,
            )
            for i in range(size)
        ]
        session.add_all(resources)
        await session.flush()
        for i, resource in enumerate(resources):
            story = BROKEN_STORY if i == 0 else [(T0, Verdict.OK)]
            await upsert_link_state(
                session,
                url=resource.url,
                values=state_values(status_after(story)),
                check_id=None,
            )
        session.add(ReaderReport(resource_id=resources[-1].id, note="asks me to log in"))
    return resources


async def test_standings_cost_the_same_queries_for_4_resources_and_for_60(
    session: AsyncSession,
) -> None:
    await catalog(session, 4, "small")
    await catalog(session, 60, "large")
    costs = []
    for slug in ("small", "large"):
        async with session.begin():
            with counted(session) as statements:
                found = await standings(session, now=NOW, guide_slug=slug)
            costs.append(len(statements))
        assert [f.standing.state for f in found][:2] == [State.BROKEN, State.WORKING]
        assert found[-1].standing.open_reports == 1 and found[-1].standing.needs_editor
    assert costs[0] == costs[1] <= 5


async def test_a_snooze_keeps_it_published_off_the_problems_until_it_ends(
    session: AsyncSession,
) -> None:
    resources = await catalog(session, 2)
    async with session.begin():
        before = await published(session, now=NOW)
        assert [r.id for s in before.guides[0].sections for r in s.resources] == ["r1"]
        assert before.changes_at is None
        (await session.get(Resource, resources[0].id)).snoozed_until = NOW + timedelta(days=3)  # type: ignore[union-attr]
        await session.flush()
        during = await published(session, now=NOW)
        listed = {r.id: r for s in during.guides[0].sections for r in s.resources}
        assert listed["r0"].verdict is Verdict.OK and listed["r0"].status == "working"
        assert during.changes_at == NOW + timedelta(days=3)
        assert resources[0].id not in {p.resource_id for p in await problems(session, now=NOW)}
        snoozed = await problems(session, now=NOW, snoozed=True)
        assert [p.resource_id for p in snoozed] == [resources[0].id]
        later = NOW + timedelta(days=4)
        after = await published(session, now=later)
        assert [r.id for s in after.guides[0].sections for r in s.resources] == ["r1"]
        assert after.changes_at is None
        found = await problems(session, now=later)
        assert found[0].resource_id == resources[0].id
        assert found[0].standing.hidden_since == NOW + timedelta(days=3)


async def test_inconclusive_runs_are_counted_for_the_guides_they_covered(
    session: AsyncSession,
) -> None:
    async with session.begin():
        for guide_slug, status in (
            (None, RunStatus.INCONCLUSIVE),
            ("g", RunStatus.INCONCLUSIVE),
            ("other", RunStatus.INCONCLUSIVE),
            ("g", RunStatus.COMPLETED),
        ):
            run = await create_run(
                session,
                trigger=RunTrigger.CLI,
                planned_urls=[],
                started_at=T0,
                guide_slug=guide_slug,
            )
            await runs.finish_run(session, run_id=run.id, status=status, counts={}, finished_at=T0)
        assert await runs.inconclusive_runs(session, guide_slug="g") == 2
        assert await runs.inconclusive_runs(session, guide_slug=None) == 3
