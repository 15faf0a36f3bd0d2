"""A host that stops answering does not hold a run for each of its links: after a few in a row
go unanswered, its other links end at once in the same failure, stored as not asked."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.catalog.load import parse_catalog
from curator.check.facts import ErrorKind
from curator.domain import Verdict
from curator.settings import Settings
from curator.store.engine import session_factory
from curator.sync import sync_catalog
from tests.running import check_run
from tests.sites import Hang, Sites, page


async def test_a_run_stops_asking_a_host_that_left_three_links_unanswered(
    sites: Sites, engine: AsyncEngine, settings: Settings
) -> None:
    dead = await sites.add("dead.test", fallback=Hang())
    advice = page("Advice", "Advice on sextortion for professionals.")
    alive = await sites.add("alive.test", {"/page/0": advice, "/page/1": advice})
    urls = [dead.url(f"/page/{n}") for n in range(8)] + [alive.url(f"/page/{n}") for n in range(2)]
    resources = [{"id": f"r{i}", "title": "Advice", "url": url} for i, url in enumerate(urls)]
    data = {
        "guides": [
            {"slug": "g", "title": "Guide", "sections": [{"title": "S", "resources": resources}]}
        ]
    }
    sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
    async with sessions() as session, session.begin():
        await sync_catalog(session, parse_catalog("test.yaml", data))
    quick = settings.model_copy(
        update={
            "read_timeout": 0.2,
            "retries": 0,
            "per_host_concurrency": 1,
            "video_oembed": False,
            "replacement_search": False,
        }
    )
    async with sites.fetcher(quick) as fetcher:
        report = await check_run(sessions, quick, trigger="cli", fetcher=fetcher)

    asked = [r for r in dead.requests if r.path.startswith("/page/")]
    assert len(asked) == 3
    by_url = {r.url: r for r in report.results}
    dead_results = [by_url[u] for u in urls[:8]]
    assert all(r.facts.error is ErrorKind.READ_TIMEOUT for r in dead_results)
    not_asked = [r for r in dead_results if r.facts.attempts == 0]
    assert len(not_asked) == 5
    for result in not_asked:
        assert result.facts.error_detail is not None
        assert result.facts.error_detail.startswith("not asked: dead.test left its last 3")
        # The same verdict as the links that were asked: the host's failure, repeated.
        assert result.outcome.verdict is dead_results[0].outcome.verdict
    assert [by_url[u].outcome.verdict for u in urls[8:]] == [Verdict.OK, Verdict.OK]
