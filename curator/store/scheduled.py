"""Queries over the runs the scheduler starts: what to resume, what to report. None commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from curator.domain import RunStatus, RunTrigger
from curator.store.models import Run


async def resumable_runs(
    session: AsyncSession, *, triggers: Sequence[str], since: datetime
) -> Sequence[Run]:
    """Interrupted runs of `triggers` started since `since` and not yet resumed, newest first."""
    later = aliased(Run)
    query = (
        select(Run)
        .where(
            Run.status == RunStatus.INTERRUPTED,
            Run.trigger.in_(triggers),
            Run.started_at >= since,
            ~exists().where(later.resumed_from_id == Run.id),
        )
        .order_by(Run.started_at.desc(), Run.id.desc())
    )
    return (await session.execute(query)).scalars().all()


async def superseded(session: AsyncSession, *, run: Run) -> bool:
    """True when a fresh run of the same trigger (not a resumption) started after `run`."""
    query = select(
        exists().where(
            Run.trigger == run.trigger,
            Run.resumed_from_id.is_(None),
            Run.started_at > run.started_at,
            Run.id != run.id,
        )
    )
    return bool((await session.execute(query)).scalar_one())


async def latest_completed_run(
    session: AsyncSession, *, trigger: RunTrigger, finished_after: datetime
) -> Run | None:
    """The newest `completed` run of `trigger` that finished after `finished_after`, if any."""
    query = (
        select(Run)
        .where(
            Run.trigger == trigger,
            Run.status == RunStatus.COMPLETED,
            Run.finished_at > finished_after,
        )
        .order_by(Run.finished_at.desc(), Run.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def running_run_ids(session: AsyncSession, *, owner: str) -> list[int]:
    """The runs `owner` (a process) has marked `running`."""
    query = select(Run.id).where(Run.status == RunStatus.RUNNING, Run.owner == owner)
    return list((await session.execute(query)).scalars())
