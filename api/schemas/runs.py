"""Bodies of the editor API about runs: a run, its results, the scheduler's plan and jobs."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.base import _Out
from curator.domain import (
    CheckJob,
    Group,
    JobStatus,
    RunStatus,
    Verdict,
    group_of,
)
from curator.store.history import (
    ResultResource,
    RunResult,
    RunResults,
    RunSummary,
)
from curator.store.job_states import JobView, SchedulerOverview


class RunOut(_Out):
    """A check run."""

    id: int
    trigger: str
    status: RunStatus
    guide: str | None
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float | None
    total_urls: int
    checked_urls: int
    counts: dict[str, int] = Field(description="URLs per verdict")
    summary: str | None
    resumed_from_id: int | None

    @classmethod
    def of(cls, run: RunSummary) -> RunOut:
        """A run for editors."""
        return cls(
            id=run.id,
            trigger=run.trigger,
            status=run.status,
            guide=run.guide_slug,
            started_at=run.started_at,
            finished_at=run.finished_at,
            duration_seconds=run.duration_seconds,
            total_urls=run.total_urls,
            checked_urls=run.checked_urls,
            counts=run.counts,
            summary=run.summary,
            resumed_from_id=run.resumed_from_id,
        )


class ResultResourceOut(_Out):
    """A resource that lists the checked URL."""

    resource_id: int
    guide: str
    key: str
    title: str

    @classmethod
    def of(cls, resource: ResultResource) -> ResultResourceOut:
        """A listing resource for editors."""
        return cls(
            resource_id=resource.resource_id,
            guide=resource.guide,
            key=resource.key,
            title=resource.title,
        )


class RunResultOut(_Out):
    """What the run found for one URL."""

    check_id: int
    url: str
    checked_at: datetime
    verdict: Verdict
    group: Group
    status_code: int | None
    detail: str
    final_url: str | None
    suggested_url: str | None
    error_kind: str | None
    elapsed_ms: int | None
    resources: list[ResultResourceOut] = Field(
        description="the resources that list this URL (several may share one)"
    )

    @classmethod
    def of(cls, result: RunResult) -> RunResultOut:
        """A run's result for editors."""
        return cls(
            check_id=result.check_id,
            url=result.url,
            checked_at=result.checked_at,
            verdict=result.verdict,
            group=group_of(result.verdict),
            status_code=result.status_code,
            detail=result.detail,
            final_url=result.final_url,
            suggested_url=result.suggested_url,
            error_kind=result.error_kind,
            elapsed_ms=result.elapsed_ms,
            resources=[ResultResourceOut.of(r) for r in result.resources],
        )


class RunDetailOut(RunOut):
    """A run with its results: most severe verdict first, a page at a time."""

    results: list[RunResultOut]
    next_results: str | None = Field(
        description="the cursor of the next page of results (`?results_after=`); "
        "null on the last page"
    )

    @classmethod
    def with_results(cls, run: RunSummary, results: RunResults) -> RunDetailOut:
        """A run and a page of its results."""
        return cls(
            **RunOut.of(run).model_dump(),
            results=[RunResultOut.of(r) for r in results.results],
            next_results=results.next_after,
        )


class JobOut(_Out):
    """A scheduled job: how its latest start ended and when it is next due."""

    job: str = Field(description="the job's id, e.g. full_check, confirm_check, rechecks")
    last_status: JobStatus | None = Field(
        description="running, succeeded, failed, interrupted, skipped or inconclusive"
    )
    last_started_at: datetime | None
    last_finished_at: datetime | None
    next_due_at: datetime | None = Field(description="set for the scheduled check jobs")
    last_error: str | None = Field(description="why it failed (its traceback), or its summary")

    @classmethod
    def of(cls, job: JobView) -> JobOut:
        """A job for editors."""
        return cls(
            job=job.job_id,
            last_status=job.last_status,
            last_started_at=job.last_started_at,
            last_finished_at=job.last_finished_at,
            next_due_at=job.next_due_at,
            last_error=job.last_error,
        )


class NextCheckOut(_Out):
    """The scheduled check due first."""

    job: CheckJob
    due_at: datetime


class SchedulerOut(_Out):
    """What the scheduler recorded: when the next check is due, and how its jobs last ended."""

    next_check: NextCheckOut | None = Field(
        description="null while no scheduler has planned a check (it plans them when it starts)"
    )
    full_check_cron: str = Field(description="CURATOR_FULL_CHECK_CRON")
    confirm_check_cron: str = Field(description="CURATOR_CONFIRM_CHECK_CRON")
    timezone: str = Field(description="CURATOR_TIMEZONE, the zone the cron lines are read in")
    last_heartbeat: datetime | None = Field(
        description="when a scheduler last started or finished a job; null if none ever ran"
    )
    jobs: list[JobOut]

    @classmethod
    def of(
        cls, overview: SchedulerOverview, *, full_cron: str, confirm_cron: str, timezone: str
    ) -> SchedulerOut:
        """The scheduler for editors."""
        upcoming = overview.next_check
        return cls(
            next_check=NextCheckOut(job=upcoming[0], due_at=upcoming[1]) if upcoming else None,
            full_check_cron=full_cron,
            confirm_check_cron=confirm_cron,
            timezone=timezone,
            last_heartbeat=overview.last_heartbeat,
            jobs=[JobOut.of(j) for j in overview.jobs],
        )


class RunsOut(_Out):
    """Runs, newest first, and the scheduler's plan and last outcomes."""

    runs: list[RunOut]
    scheduler: SchedulerOut
