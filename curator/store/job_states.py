"""Queries over `job_states`: when each scheduled job last ran and is next due. None commits.

Claiming is one conditional UPDATE, so two processes that both think a job is due cannot both
start it: the row lock makes the second UPDATE see the first one's new `next_due_at`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import CheckJob, JobStatus
from curator.store.base import upsert
from curator.store.models import JobState


async def job_state(session: AsyncSession, *, job_id: str) -> JobState | None:
    """The state of one job, or None if it never ran and was never planned."""
    return await session.get(JobState, job_id, populate_existing=True)


async def all_job_states(session: AsyncSession) -> Sequence[JobState]:
    """Every job's state, by id."""
    result = await session.execute(select(JobState).order_by(JobState.job_id))
    return result.scalars().all()


async def ensure_job_state(session: AsyncSession, *, job_id: str) -> None:
    """Create the job's row if it is missing (concurrency-safe: a second insert is ignored)."""
    values: dict[str, Any] = {"job_id": job_id}
    await session.execute(upsert(session, JobState).values(values).on_conflict_do_nothing())


async def plan_job(session: AsyncSession, *, job_id: str, next_due_at: datetime) -> None:
    """Set when the job is next due (creating its row if needed)."""
    await ensure_job_state(session, job_id=job_id)
    await session.execute(
        update(JobState).where(JobState.job_id == job_id).values(next_due_at=next_due_at)
    )


async def claim_due_job(
    session: AsyncSession, *, job_id: str, now: datetime, next_due_at: datetime
) -> bool:
    """Start the job if it is due at `now`, planning its next time; False if it is not due.

    Atomic: of several callers racing for the same due job, exactly one gets True.
    """
    await ensure_job_state(session, job_id=job_id)
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        update(JobState)
        .where(
            JobState.job_id == job_id,
            or_(JobState.next_due_at.is_(None), JobState.next_due_at <= now),
        )
        .values(
            last_started_at=now,
            next_due_at=next_due_at,
            last_status=JobStatus.RUNNING,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def start_job(session: AsyncSession, *, job_id: str, now: datetime) -> None:
    """Record that a job without a due time (a poll, a sweep) started at `now`."""
    await ensure_job_state(session, job_id=job_id)
    await session.execute(
        update(JobState)
        .where(JobState.job_id == job_id)
        .values(last_started_at=now, last_status=JobStatus.RUNNING, last_error=None)
        .execution_options(synchronize_session=False)
    )


async def finish_job(
    session: AsyncSession,
    *,
    job_id: str,
    now: datetime,
    status: JobStatus,
    error: str | None = None,
) -> None:
    """Record how a job's latest start ended: succeeded, failed (with the error), interrupted."""
    await ensure_job_state(session, job_id=job_id)
    await session.execute(
        update(JobState)
        .where(JobState.job_id == job_id)
        .values(last_finished_at=now, last_status=status, last_error=error)
        .execution_options(synchronize_session=False)
    )


async def last_heartbeat(session: AsyncSession) -> datetime | None:
    """When a scheduler last started or finished any job (the due sweep runs every minute)."""
    started, finished = (
        await session.execute(
            select(func.max(JobState.last_started_at), func.max(JobState.last_finished_at))
        )
    ).one()
    moments = [m for m in (started, finished) if m is not None]
    return max(moments) if moments else None


@dataclass(frozen=True, slots=True)
class JobView:
    """A scheduled job as editors see it: how its latest start ended and when it is next due."""

    job_id: str
    last_status: JobStatus | None
    last_started_at: datetime | None
    last_finished_at: datetime | None
    next_due_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class SchedulerOverview:
    """Every job the scheduler recorded, and when the next scheduled check is due."""

    jobs: tuple[JobView, ...]

    def job(self, job_id: str) -> JobView | None:
        """One job's state, if the scheduler ever planned or ran it."""
        return next((j for j in self.jobs if j.job_id == job_id), None)

    @property
    def next_check(self) -> tuple[CheckJob, datetime] | None:
        """The check job due first, and when; None while no scheduler has planned one."""
        planned = [
            (job.next_due_at, kind)
            for kind in CheckJob
            if (job := self.job(kind)) is not None and job.next_due_at is not None
        ]
        if not planned:
            return None
        when, kind = min(planned)
        return kind, when

    @property
    def last_heartbeat(self) -> datetime | None:
        """When a scheduler last started or finished any job."""
        moments = [
            m for j in self.jobs for m in (j.last_started_at, j.last_finished_at) if m is not None
        ]
        return max(moments) if moments else None


async def scheduler_overview(session: AsyncSession) -> SchedulerOverview:
    """Every job's state in one query: check jobs first, then by id."""
    rows = await all_job_states(session)
    order = {kind.value: index for index, kind in enumerate(CheckJob)}
    jobs = sorted(
        (
            JobView(
                r.job_id,
                r.last_status,
                r.last_started_at,
                r.last_finished_at,
                r.next_due_at,
                r.last_error,
            )
            for r in rows
        ),
        key=lambda j: (order.get(j.job_id, len(order)), j.job_id),
    )
    return SchedulerOverview(tuple(jobs))
