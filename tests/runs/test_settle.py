"""Settling a run reads a page of its checks and of their URLs' states in two statements, as
plain rows (no ORM object), and leaves every state as replaying its checks through `advance`
would; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from curator.domain import RunStatus, RunTrigger, Verdict
from curator.runs.records import to_status
from curator.runs.settle import settle_states
from curator.store.models import Check, LinkState, Run
from tests.factories import POLICY, replay_checks

T0 = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
URLS = [f"https://site{i}.example/page" for i in range(5)]


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def check(run: Run, url: str, minutes: int, verdict: Verdict) -> Check:
    return Check(
        run=run,
        url=url,
        checked_at=T0 + timedelta(minutes=minutes),
        verdict=verdict,
        detail=verdict.value,
        title="Advice" if verdict is Verdict.OK else None,
        text_sample="Advice and support." if verdict is Verdict.OK else None,
        fingerprint="ab" * 8 if verdict is Verdict.OK else None,
    )


async def test_settling_pages_of_plain_rows_leaves_each_state_as_its_checks_replayed(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    async with session.begin():
        earlier = Run(trigger=RunTrigger.CLI, status=RunStatus.INTERRUPTED, started_at=T0)
        run = Run(trigger=RunTrigger.CLI, status=RunStatus.RUNNING, started_at=T0)
        session.add_all([earlier, run])
        await session.flush()
        run.resumed_from_id = earlier.id
        # Stored out of order: a URL's checks count in the order they completed.
        made = [
            check(run, URLS[0], 30, Verdict.BROKEN),
            check(earlier, URLS[0], 10, Verdict.OK),
            check(run, URLS[1], 31, Verdict.OK),
            check(run, URLS[2], 32, Verdict.TRANSIENT),
            check(earlier, URLS[3], 13, Verdict.BROKEN),
            check(run, URLS[3], 33, Verdict.BROKEN),
            check(run, URLS[4], 34, Verdict.OK),
        ]
        session.add_all(made)
        await session.flush()
        # A state newer than the run's check of it: already applied, left as it is.
        newer = check(earlier, URLS[4], 90, Verdict.PARKED)
        session.add(newer)
        await session.flush()
        session.add(replay_checks([newer]))
        run_ids, expected = [run.id, earlier.id], {}
        for url in URLS[:4]:
            mine = sorted((c for c in made if c.url == url), key=lambda c: c.checked_at)
            expected[url] = to_status(replay_checks(mine))
        expected[URLS[4]] = to_status(replay_checks([newer]))
    session.expunge_all()

    async with session.begin():
        with statements(engine) as sent:
            await settle_states(session, run_ids=run_ids, policy=POLICY, page=2)
        # Nothing was loaded as an object: a run of 100,000 links builds none.
        assert len(session.identity_map) == 0
    reads = [s for s in sent if s.lstrip().upper().startswith("SELECT")]
    writes = [s for s in sent if s.lstrip().upper().startswith("INSERT")]
    # Pages of 2 URLs: 3 pages of checks, each with its states; then nothing more to read.
    assert len(reads) == 2 * 3
    # One upsert a page (the last page's URL was settled already: nothing to write).
    assert len(writes) == 2

    async with session.begin():
        rows = (await session.execute(select(LinkState))).scalars().all()
        assert {row.url: to_status(row) for row in rows} == expected
        by_url = {row.url: row.last_check_id for row in rows}
    assert by_url[URLS[0]] == made[0].id and by_url[URLS[4]] == newer.id
