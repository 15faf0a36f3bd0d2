"""Run, check and link-state queries, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from curator.check.facts import ErrorKind, Facts, Hop, Outcome, Page
from curator.check.state import LinkStatus
from curator.domain import RunStatus, Verdict
from curator.runs.records import check_row, state_values, to_status
from curator.store import checks as q
from curator.store import link_states, runs
from curator.store.history import run_summaries
from curator.store.models import Check
from tests.factories import create_run

T0 = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
A, B, C = "https://a.example/", "https://b.example/x", "https://c.example/y"


def facts(url: str, status: int | None = 200, error: ErrorKind | None = None) -> Facts:
    return Facts(
        url=url,
        hops=(Hop(url=url, status=status, address="203.0.113.9", elapsed_ms=12),),
        status=status,
        final_url=url,
        page=Page(title="A page", text="words", fingerprint="00ff00ff00ff00ff") if status else None,
        error=error,
        elapsed_ms=12,
    )


async def add_check(session: AsyncSession, **row: Any) -> Check:
    """Store a check made of facts and an outcome, as a run does."""
    return await q.add_check(session, check=check_row(**row))


async def upsert_link_state(
    session: AsyncSession, *, url: str, status: LinkStatus, check_id: int | None
) -> None:
    await link_states.upsert_link_state(
        session, url=url, values=state_values(status), check_id=check_id
    )


def outcome(verdict: Verdict, detail: str = "detail") -> Outcome:
    return Outcome(verdict=verdict, detail=detail, rule="ok", evidence={"status": 200})


async def test_a_run_stores_each_check_and_finishes(session: AsyncSession) -> None:
    async with session.begin():
        run = await create_run(
            session, trigger="cli", planned_urls=[A, B, C], started_at=T0, owner="host:1"
        )
    run_id = run.id
    async with session.begin():
        check = await add_check(
            session,
            run_id=run_id,
            facts=facts(A),
            outcome=outcome(Verdict.OK),
            checked_at=T0 + timedelta(seconds=1),
        )
    assert check.id is not None
    async with session.begin():
        await add_check(
            session,
            run_id=run_id,
            facts=facts(B, None, ErrorKind.DNS_NXDOMAIN),
            outcome=outcome(Verdict.BROKEN),
            checked_at=T0 + timedelta(seconds=2),
        )
    async with session.begin():
        assert await q.unchecked_urls(session, run_id=run_id) == [C]
        assert (await runs.running_run(session)).id == run_id  # type: ignore[union-attr]
        stored = await q.run_checks(session, run_ids=[run_id])
        assert [c.url for c in stored] == [A, B]
        first = stored[0]
        assert first.verdict is Verdict.OK and first.status_code == 200
        assert first.hops == [
            {
                "url": A,
                "status": 200,
                "address": "203.0.113.9",
                "location": None,
                "elapsed_ms": 12,
            }
        ]
        assert first.evidence == {"rule": "ok", "status": 200}
        assert first.title == "A page" and first.fingerprint == "00ff00ff00ff00ff"
        assert stored[1].error_kind == "dns_nxdomain" and stored[1].status_code is None
    async with session.begin():
        await runs.finish_run(
            session,
            run_id=run_id,
            status=RunStatus.COMPLETED,
            counts={"ok": 1, "broken": 1},
            finished_at=T0 + timedelta(minutes=1),
            summary="done",
        )
    session.expunge_all()
    async with session.begin():
        done = await runs.require_run(session, run_id=run_id)
        assert done.status is RunStatus.COMPLETED
        assert done.checked_urls == 2 and done.total_urls == 3
        assert done.counts == {"ok": 1, "broken": 1}
        assert done.finished_at == T0 + timedelta(minutes=1)
        assert await runs.running_run(session) is None


async def test_interrupted_runs_are_marked_and_resumable(session: AsyncSession) -> None:
    async with session.begin():
        dead = await create_run(session, trigger="schedule", planned_urls=[A, B], started_at=T0)
        await add_check(
            session, run_id=dead.id, facts=facts(A), outcome=outcome(Verdict.OK), checked_at=T0
        )
        dead_id = dead.id
    async with session.begin():
        marked = await runs.mark_interrupted(
            session, run_ids=[dead_id], finished_at=T0 + timedelta(hours=1), summary="died"
        )
        assert marked == 1
        assert await runs.running_runs(session) == []
        again = await runs.mark_interrupted(
            session, run_ids=[dead_id], finished_at=T0 + timedelta(hours=2), summary="again"
        )
        assert again == 0
    session.expunge_all()
    async with session.begin():
        found = await runs.latest_interrupted_run(session)
        assert found is not None and found.id == dead_id
        assert found.summary == "died"
        assert await q.unchecked_urls(session, run_id=dead_id) == [B]
        resumed = await create_run(
            session,
            trigger="resume",
            planned_urls=[B],
            started_at=T0 + timedelta(hours=3),
            resumed_from_id=dead_id,
        )
        assert await runs.latest_interrupted_run(session) is None
        chain = await runs.run_chain(session, run_id=resumed.id)
        assert [r.id for r in chain] == [resumed.id, dead_id]


async def test_latest_checks_and_history(session: AsyncSession) -> None:
    async with session.begin():
        for day in range(3):
            run = await create_run(
                session, trigger="cli", planned_urls=[A, B], started_at=T0 + timedelta(days=day)
            )
            for url in (A, B):
                verdict = Verdict.BROKEN if (url == B and day == 2) else Verdict.OK
                await add_check(
                    session,
                    run_id=run.id,
                    facts=facts(url),
                    outcome=outcome(verdict, f"day {day}"),
                    checked_at=T0 + timedelta(days=day, minutes=1),
                )
            # One run at a time: each is over before the next day's starts.
            await runs.finish_run(
                session,
                run_id=run.id,
                status=RunStatus.COMPLETED,
                counts={},
                finished_at=T0 + timedelta(days=day, minutes=2),
            )
    async with session.begin():
        latest = await q.latest_checks(session, urls=[A, B, C])
        assert set(latest) == {A, B}
        assert latest[B].verdict is Verdict.BROKEN and latest[B].detail == "day 2"
        assert set(await q.latest_checks(session)) == {A, B}
        history = await q.url_history(session, url=A, limit=2)
        assert [c.detail for c in history] == ["day 2", "day 1"]
        assert len(await run_summaries(session)) == 3


async def test_link_state_upsert_and_lookups(session: AsyncSession) -> None:
    failing = LinkStatus(
        verdict=Verdict.OK,
        last_verdict=Verdict.TRANSIENT,
        detail="timed out",
        first_failure_at=T0,
        consecutive_failures=1,
        last_ok_at=T0 - timedelta(days=7),
        last_checked_at=T0,
    )
    async with session.begin():
        await upsert_link_state(session, url=A, status=failing, check_id=None)
        await upsert_link_state(
            session,
            url=B,
            status=LinkStatus(
                verdict=Verdict.OK, last_verdict=Verdict.OK, last_ok_at=T0, last_checked_at=T0
            ),
            check_id=None,
        )
    async with session.begin():
        rows = await link_states.link_states(session, urls=[A, B, C], for_update=True)
        assert set(rows) == {A, B}
        assert to_status(rows[A]) == failing
        assert to_status(None) == LinkStatus()
        assert await link_states.failing_urls(session) == [A]
        assert await link_states.recently_ok_urls(session) == [B]
        assert await link_states.recently_ok_urls(session, exclude=[B]) == []
    recovered = LinkStatus(
        verdict=Verdict.MOVED,
        last_verdict=Verdict.MOVED,
        suggested_url="https://a.example/new",
        last_ok_at=T0 + timedelta(days=1),
        last_checked_at=T0 + timedelta(days=1),
    )
    async with session.begin():
        await upsert_link_state(session, url=A, status=recovered, check_id=None)
    session.expunge_all()
    async with session.begin():
        rows = await link_states.link_states(session, urls=[A])
        assert to_status(rows[A]) == recovered
        assert await link_states.failing_urls(session) == []


async def test_a_run_is_started_and_finished_by_statements_a_loaded_run_still_sees(
    session: AsyncSession,
) -> None:
    # A run's own path starts and finishes it with plain statements (no ORM object); a caller
    # holding the run's object (the API, a test) sees the run as it was finished all the same.
    async with session.begin():
        run_id = await runs.start_run(
            session, trigger="cli", planned_urls=[A, B], started_at=T0, owner="host:1"
        )
        assert len(session.identity_map) == 0
        assert await runs.planned_urls(session, run_id=run_id) == [A, B]
        assert await runs.chain_ids(session, run_id=run_id) == [run_id]
        held = await runs.require_run(session, run_id=run_id)
        assert held.status is RunStatus.RUNNING and held.heartbeat_at == T0
        await runs.finish_run(
            session,
            run_id=run_id,
            status=RunStatus.COMPLETED,
            counts={"ok": 2},
            finished_at=T0 + timedelta(minutes=5),
            summary="Checked 2 addresses: 2 ok.",
        )
        assert held.status is RunStatus.COMPLETED and held.counts == {"ok": 2}
        assert held.finished_at == held.heartbeat_at == T0 + timedelta(minutes=5)
        resumed = await runs.start_run(
            session, trigger="resume", planned_urls=[B], started_at=T0, resumed_from_id=run_id
        )
        assert await runs.chain_ids(session, run_id=resumed) == [resumed, run_id]
