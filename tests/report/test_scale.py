"""The refresh report costs a bounded number of queries whatever a guide's size, and writes
every link's review baseline in bulk; on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from curator.check.state import ConfirmPolicy
from curator.domain import RunStatus, RunTrigger, Verdict
from curator.report import build
from curator.report.build import build_report
from curator.runs.settle import apply_states
from curator.settings import Settings
from curator.store.models import Check, Guide, LinkState, Resource, Run, Section
from curator.store.standings import standings

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
BEFORE_REVIEW = datetime(2026, 4, 1, 3, 0, tzinfo=UTC)
AFTER_REVIEW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
REVIEWED = date(2026, 5, 1)


async def seed_guide(session: AsyncSession, slug: str, size: int) -> list[str]:
    """A guide of `size` resources, each checked before and after its guide's last review."""
    guide = Guide(slug=slug, title=slug.title(), last_reviewed=REVIEWED, editors=[])
    section = Section(guide=guide, title="Help", position=0)
    urls = [f"https://{slug}{i % 7}.example/page-{i}" for i in range(size)]
    session.add_all(
        Resource(guide=guide, section=section, key=f"r{i}", title=f"Page {i}", url=url, position=i)
        for i, url in enumerate(urls)
    )
    checks: list[Check] = []
    for started, print_ in ((BEFORE_REVIEW, "0f" * 8), (AFTER_REVIEW, "f0" * 8)):
        run = Run(
            trigger=RunTrigger.SCHEDULE,
            status=RunStatus.COMPLETED,
            started_at=started,
            finished_at=started + timedelta(hours=1),
            total_urls=size,
            checked_urls=size,
        )
        checks += [
            Check(
                run=run,
                url=url,
                checked_at=started + timedelta(minutes=1),
                verdict=Verdict.OK,
                detail="Reachable.",
                status_code=200,
                final_url=url,
                hops=[{"url": url, "status": 200}],
                evidence={"rule": "ok"},
                fingerprint=print_,
                title=f"Page {i}",
                text_sample="Advice and support.",
            )
            for i, url in enumerate(urls)
        ]
    session.add_all(checks)
    await session.flush()
    await apply_states(session, checks, ConfirmPolicy())
    return urls


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_a_report_costs_the_same_queries_for_4_links_or_60(
    engine: AsyncEngine, session: AsyncSession, settings: Settings
) -> None:
    counted: dict[int, int] = {}
    for slug, size in (("small", 4), ("large", 60)):
        async with session.begin():
            urls = await seed_guide(session, slug, size)
        async with session.begin():
            with statements(engine) as sent:
                report = await build_report(session, settings, now=NOW, guide=slug)
        counted[size] = len(sent)
        assert report.guides[0].counts.links == size
        async with session.begin():
            baselines = (
                await session.execute(
                    select(LinkState.baseline_fingerprint).where(LinkState.url.in_(urls))
                )
            ).scalars()
            # The page as the editors approved it: the first check after their review.
            assert set(baselines) == {"f0" * 8}
    assert counted[60] == counted[4]


async def test_a_report_of_every_guide_holds_one_guides_resources_at_a_time(
    session: AsyncSession, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory of 50,000 links is reported a guide at a time: the guides are read
    without their resources, and each guide's are let go before the next one's are read."""
    async with session.begin():
        for slug in ("alpha", "beta", "gamma"):
            await seed_guide(session, slug, 30)
    session.expunge_all()
    held: list[int] = []

    async def counting(*args: Any, **kwargs: Any) -> Any:
        gc.collect()
        held.append(sum(isinstance(o, Resource) for o in session.identity_map.values()))
        return await standings(*args, **kwargs)

    monkeypatch.setattr(build, "standings", counting)
    async with session.begin():
        report = await build_report(session, settings, now=NOW)
    assert [g.counts.links for g in report.guides] == [30, 30, 30]
    assert held == [0, 0, 0]
