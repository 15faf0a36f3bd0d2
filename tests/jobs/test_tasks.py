"""The scheduler's real jobs, run through the runner against loopback sites, time injected:
full checks and their refresh report, confirmation over days, rechecks, reminders, resuming."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.catalog.load import parse_catalog
from curator.check.fetcher import Fetcher
from curator.domain import JobStatus, RunStatus, RunTrigger, Verdict
from curator.rechecks import queue_recheck
from curator.runs.recovery import owner_id, running_here
from curator.settings import Settings
from curator.store.engine import session_factory
from curator.store.job_states import job_state
from curator.store.models import JobState, LinkState, RecheckRequest, Resource, Run
from curator.sync import sync_catalog
from jobs import tasks
from jobs.scheduler import JobRunner, build_scheduler, one_off
from jobs.tasks import JobContext
from tests.factories import create_run
from tests.running import check_run, executor_for
from tests.sites import Response, Sites, page, redirect

MONDAY_3AM = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


class Clock:
    """A settable clock that moves on a second each time it is read (checks stay ordered)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def set(self, when: datetime) -> None:
        self.now = when


class Outbox:
    """A mailer that keeps what it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> dict[str, str]:
        self.messages.append(message)
        return {}


class Leader:
    holder = "test"
    check_interval = 60.0

    async def acquire(self, stop: asyncio.Event) -> bool:
        return True

    async def keep(self) -> bool:
        return True

    async def release(self) -> None:
        return None


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
async def sites() -> Any:
    kit = Sites()
    try:
        yield kit
    finally:
        await kit.aclose()


@pytest.fixture
def job_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "retries": 0,
            "video_oembed": False,
            "mail_to": "editors@hub.example",
            "confirm_failures": 3,
            "confirm_days": 3.0,
        }
    )


def make_runner(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    clock: Callable[[], datetime],
    outbox: Outbox,
    fetcher: Fetcher | None = None,
) -> JobRunner:
    context = JobContext(
        settings=settings,
        sessions=sessions,
        clock=clock,
        stop=asyncio.Event(),
        mailer=outbox,
        executor=executor_for(settings, fetcher=fetcher, clock=clock),
    )
    _, runner = build_scheduler(settings, context, Leader())
    return runner


async def load(
    sessions: async_sessionmaker[AsyncSession],
    resources: list[dict[str, Any]],
    **guide: Any,
) -> None:
    data = {
        "guides": [
            {
                "slug": "sextortion",
                "title": "Sextortion",
                **guide,
                "sections": [{"title": "Help", "resources": resources}],
            }
        ]
    }
    async with sessions() as session, session.begin():
        await sync_catalog(session, parse_catalog("test.yaml", data))


async def state(sessions: async_sessionmaker[AsyncSession], job_id: str) -> JobState:
    async with sessions() as session:
        found = await job_state(session, job_id=job_id)
    assert found is not None
    return found


async def runs(sessions: async_sessionmaker[AsyncSession]) -> list[Run]:
    async with sessions() as session:
        return list((await session.execute(select(Run).order_by(Run.id))).scalars())


async def link(sessions: async_sessionmaker[AsyncSession], url: str) -> LinkState:
    async with sessions() as session:
        row = (await session.execute(select(LinkState).where(LinkState.url == url))).scalar_one()
    return row


async def test_a_full_check_checks_every_link_and_sends_the_refresh_report(
    job_settings: Settings, sessions: async_sessionmaker[AsyncSession], sites: Sites
) -> None:
    site = await sites.add(
        "helpline.test",
        {
            "/": page("Helpline", "Call us any day."),
            "/advice": page("Advice", "Advice for adults, any day."),
            "/old-advice": redirect("/advice", 301),
        },
    )
    ok, moved = site.address_url("/"), site.address_url("/old-advice")
    # A moved link is news for the editors: the report is worth an email.
    await load(sessions, [{"title": "Helpline", "url": ok}, {"title": "Advice", "url": moved}])
    clock, outbox = Clock(MONDAY_3AM), Outbox()
    runner = make_runner(job_settings, sessions, clock, outbox)

    await runner.run(tasks.FULL_CHECK)

    (run,) = await runs(sessions)
    assert (run.trigger, run.status, run.checked_urls) == ("schedule", RunStatus.COMPLETED, 2)
    full = await state(sessions, tasks.FULL_CHECK)
    assert full.last_status == JobStatus.SUCCEEDED
    assert full.next_due_at == MONDAY_3AM + timedelta(days=7)
    assert full.last_error is not None and f"run {run.id}" in full.last_error
    assert len(outbox.messages) == 1, full.last_error
    assert "1 email sent" in full.last_error
    assert outbox.messages[0]["To"] == "editors@hub.example"
    # The report sweep (after a restart, say) finds the report sent: nothing twice.
    await runner.run(tasks.REFRESH_REPORTS)
    assert len(outbox.messages) == 1
    assert (await state(sessions, tasks.REFRESH_REPORTS)).last_status == JobStatus.SUCCEEDED


async def test_a_failure_is_confirmed_over_days_by_the_confirmation_job(
    job_settings: Settings, sessions: async_sessionmaker[AsyncSession], sites: Sites
) -> None:
    site = await sites.add("busy.test", fallback=Response(503, "Busy"))
    url = site.address_url("/advice")
    await load(sessions, [{"title": "Advice", "url": url}])
    clock, outbox = Clock(MONDAY_3AM), Outbox()
    runner = make_runner(job_settings, sessions, clock, outbox)
    await runner.run(tasks.FULL_CHECK)
    assert (await link(sessions, url)).last_verdict is Verdict.TRANSIENT

    verdicts: list[Verdict | None] = []
    for day in range(4):  # the daily 06:00 confirmation, Monday to Thursday
        clock.set(MONDAY_3AM + timedelta(days=day, hours=3))
        await runner.run(tasks.CONFIRM_CHECK)
        verdicts.append((await link(sessions, url)).verdict)
    # Three failed checks are not enough until they span three days.
    assert verdicts[:3] == [None, None, None]
    assert verdicts[3] is Verdict.BROKEN
    confirm = await state(sessions, tasks.CONFIRM_CHECK)
    assert confirm.next_due_at == MONDAY_3AM + timedelta(days=4, hours=3)
    assert [r.trigger for r in await runs(sessions)] == ["schedule"] + ["confirm"] * 4

    # The site recovers: the next confirmation clears it, the one after has nothing to do.
    site.route("/advice", page("Advice", "Back again."))
    for day in (4, 5):
        clock.set(MONDAY_3AM + timedelta(days=day, hours=3))
        await runner.run(tasks.CONFIRM_CHECK)
    assert (await link(sessions, url)).verdict is Verdict.OK
    assert len(await runs(sessions)) == 6
    assert (await state(sessions, tasks.CONFIRM_CHECK)).last_error == "no failing links to confirm"


async def test_a_confirmation_runs_once_per_day_however_often_it_is_fired(
    job_settings: Settings, sessions: async_sessionmaker[AsyncSession], sites: Sites
) -> None:
    site = await sites.add("busy.test", fallback=Response(503, "Busy"))
    await load(sessions, [{"title": "Advice", "url": site.address_url("/")}])
    clock = Clock(MONDAY_3AM)
    runner = make_runner(job_settings, sessions, clock, Outbox())
    await runner.run(tasks.FULL_CHECK)
    clock.set(MONDAY_3AM + timedelta(hours=3))
    for _ in range(3):
        await runner.run(tasks.CONFIRM_CHECK)
    assert [r.trigger for r in await runs(sessions)] == ["schedule", "confirm"]


async def test_an_inconclusive_full_check_is_due_again_within_the_hour(
    job_settings: Settings, sessions: async_sessionmaker[AsyncSession], sites: Sites
) -> None:
    a = await sites.add("a.test", {"/": page("A", "Alpha helpline")})
    b = await sites.add("b.test", {"/x": page("B", "Beta helpline")})
    await load(sessions, [{"title": "A", "url": a.url("/")}, {"title": "B", "url": b.url("/x")}])
    # The resolver fails for every site, as when the checker's own network is down.
    sites.resolver.fail("a.test")
    sites.resolver.fail("b.test")
    clock = Clock(MONDAY_3AM)
    async with sites.fetcher(job_settings) as fetcher:
        runner = make_runner(job_settings, sessions, clock, Outbox(), fetcher=fetcher)
        await runner.run(tasks.FULL_CHECK)
    (run,) = await runs(sessions)
    assert run.status is RunStatus.INCONCLUSIVE
    full = await state(sessions, tasks.FULL_CHECK)
    assert full.last_status == JobStatus.INCONCLUSIVE
    assert full.next_due_at is not None
    assert MONDAY_3AM + timedelta(hours=1) <= full.next_due_at < MONDAY_3AM + timedelta(hours=2)


async def test_a_full_check_waits_while_another_run_is_going(
    job_settings: Settings, sessions: async_sessionmaker[AsyncSession], sites: Sites
) -> None:
    site = await sites.add("helpline.test", {"/": page("Helpline", "Call us.")})
    await load(sessions, [{"title": "Helpline", "url": site.address_url("/")}])
    clock = Clock(MONDAY_3AM)
    async with sessions() as session, session.begin():
        going = await create_run(
            session,
            trigger="editor",
            planned_urls=[site.address_url("/")],
            started_at=MONDAY_3AM,
            owner=owner_id(),  # this very process: alive
        )
    runner = make_runner(job_settings, sessions, clock, Outbox())
    with running_here(going.id):  # and running it
        await runner.run(tasks.FULL_CHECK)
    full = await state(sessions, tasks.FULL_CHECK)
    assert full.last_status == JobStatus.SKIPPED
    assert full.next_due_at is not None
    assert full.next_due_at - MONDAY_3AM < timedelta(minutes=11)
    assert len(await runs(sessions)) == 1


async def test_a_full_check_of_an_empty_database_starts_no_run_and_says_to_sync(
    job_settings: Settings, sessions: async_sessionmaker[AsyncSession], caplog: Any
) -> None:
    clock = Clock(MONDAY_3AM)
    runner = make_runner(job_settings, sessions, clock, Outbox())
    with caplog.at_level("WARNING", logger="jobs.scheduler"):
        await runner.run(tasks.FULL_CHECK)
    assert await runs(sessions) == []  # no run of nothing in the editors' list of runs
    full = await state(sessions, tasks.FULL_CHECK)
    assert full.last_status == JobStatus.SKIPPED
    assert full.next_due_at is not None
    assert full.next_due_at - MONDAY_3AM < timedelta(minutes=11)  # soon after a sync
    assert "nothing to check: the database holds no resource yet (`curator sync`" in caplog.text


async def test_queued_rechecks_are_drained(
    job_settings: Settings, sessions: async_sessionmaker[AsyncSession], sites: Sites
) -> None:
    site = await sites.add("helpline.test", {"/": page("Helpline", "Call us.")})
    await load(sessions, [{"title": "Helpline", "url": site.address_url("/")}])
    async with sessions() as session, session.begin():
        resource = (await session.execute(select(Resource))).scalar_one()
        await queue_recheck(session, resource_id=resource.id, reason="report")
    runner = make_runner(job_settings, sessions, Clock(MONDAY_3AM), Outbox())
    await runner.run(tasks.RECHECKS)
    async with sessions() as session:
        request = (await session.execute(select(RecheckRequest))).scalar_one()
    (run,) = await runs(sessions)
    assert (run.trigger, run.status, request.run_id) == ("recheck", RunStatus.COMPLETED, run.id)
    assert request.finished_at is not None
    assert (await state(sessions, tasks.RECHECKS)).last_status == JobStatus.SUCCEEDED


async def test_a_review_reminder_due_while_down_is_sent_once_at_start(
    job_settings: Settings, sessions: async_sessionmaker[AsyncSession], sites: Sites
) -> None:
    site = await sites.add("helpline.test", {"/": page("Helpline", "Call us.")})
    await load(
        sessions,
        [{"title": "Helpline", "url": site.address_url("/")}],
        review_every="6 months",
        last_reviewed=date(2025, 11, 1),
    )
    outbox = Outbox()
    clock = Clock(datetime(2026, 4, 30, 12, tzinfo=UTC))
    runner = make_runner(job_settings, sessions, clock, outbox)
    await runner.run(tasks.REVIEW_REMINDERS)
    assert outbox.messages == []  # due on 1 May
    # The service was down from 30 April to 4 May; the first sweep after it starts sends it.
    clock.set(datetime(2026, 5, 4, 9, tzinfo=UTC))
    for _ in range(3):  # and later sweeps, or restarts, do not send it again
        await make_runner(job_settings, sessions, clock, outbox).run(tasks.REVIEW_REMINDERS)
    assert len(outbox.messages) == 1
    assert "sextortion" in str(outbox.messages[0]["Subject"]).lower()


async def interrupted_full_run(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], sites: Sites, clock: Clock
) -> tuple[int, list[str]]:
    """A scheduled full run stopped after its first URL, as SIGTERM leaves it."""
    routes: dict[str, Any] = {f"/p{i}": page("H", f"Page {i}") for i in range(3)}
    # One link has moved: news worth a refresh report once the run is complete.
    routes.update({"/p3": redirect("/p3-new", 301), "/p3-new": page("H", "Page 3")})
    site = await sites.add("helpline.test", routes)
    urls = [site.address_url(f"/p{i}") for i in range(4)]
    await load(sessions, [{"title": f"R{i}", "url": u} for i, u in enumerate(urls)])
    stop = asyncio.Event()
    report = await check_run(
        sessions,
        settings.model_copy(update={"concurrency": 1}),
        trigger=RunTrigger.SCHEDULE,
        clock=clock,
        stop=stop,
        on_result=lambda _: stop.set(),
    )
    assert report.status is RunStatus.INTERRUPTED
    return report.run_id, urls


async def test_an_interrupted_full_run_is_resumed_and_then_reported(
    job_settings: Settings, sessions: async_sessionmaker[AsyncSession], sites: Sites
) -> None:
    clock, outbox = Clock(MONDAY_3AM), Outbox()
    first, urls = await interrupted_full_run(job_settings, sessions, sites, clock)
    context = JobContext(
        settings=job_settings,
        sessions=sessions,
        clock=clock,
        stop=asyncio.Event(),
        mailer=outbox,
        executor=executor_for(job_settings, clock=clock),
    )
    # Not while a full check is due or running: that new run covers everything.
    assert await tasks.resumable_work(context, busy={tasks.FULL_CHECK}) == []
    (work,) = await tasks.resumable_work(context, busy=set())
    assert work.job_id == f"resume_run_{first}"

    runner = make_runner(job_settings, sessions, clock, outbox)
    runner.specs[work.job_id] = one_off(work.job_id, work.func)
    await runner.run(work.job_id)
    resumed = (await runs(sessions))[-1]
    assert (resumed.resumed_from_id, resumed.status) == (first, RunStatus.COMPLETED)
    assert resumed.trigger == RunTrigger.SCHEDULE and resumed.checked_urls == 3
    assert len(outbox.messages) == 1
    # Resumed once: nothing is left to resume.
    assert await tasks.resumable_work(context, busy=set()) == []


async def test_a_run_superseded_by_a_newer_full_run_is_not_resumed(
    job_settings: Settings, sessions: async_sessionmaker[AsyncSession], sites: Sites
) -> None:
    clock = Clock(MONDAY_3AM)
    await interrupted_full_run(job_settings, sessions, sites, clock)
    runner = make_runner(job_settings, sessions, clock, Outbox())
    await runner.run(tasks.FULL_CHECK)
    assert await tasks.resumable_work(runner.context, busy=set()) == []


async def test_a_run_left_by_a_dead_process_is_interrupted_and_resumed(
    job_settings: Settings, sessions: async_sessionmaker[AsyncSession], sites: Sites
) -> None:
    site = await sites.add("helpline.test", {"/": page("Helpline", "Call us.")})
    await load(sessions, [{"title": "Helpline", "url": site.address_url("/")}])
    async with sessions() as session, session.begin():
        dead = await create_run(
            session,
            trigger=RunTrigger.RECHECK,
            planned_urls=[site.address_url("/")],
            started_at=MONDAY_3AM,
            owner="elsewhere:4242",
        )
        dead_id = dead.id
    clock = Clock(MONDAY_3AM + timedelta(hours=1))  # silent for an hour: dead
    runner = make_runner(job_settings, sessions, clock, Outbox())
    (work,) = await tasks.resumable_work(runner.context, busy=set())
    runner.specs[work.job_id] = one_off(work.job_id, work.func)
    await runner.run(work.job_id)
    first, resumed = await runs(sessions)
    assert (first.id, first.status) == (dead_id, RunStatus.INTERRUPTED)
    assert (resumed.resumed_from_id, resumed.status) == (dead_id, RunStatus.COMPLETED)
    assert (await state(sessions, work.job_id)).last_status == JobStatus.SUCCEEDED


async def test_stop_interrupts_the_full_check_and_records_it(
    job_settings: Settings, sessions: async_sessionmaker[AsyncSession], sites: Sites
) -> None:
    site = await sites.add(
        "slow.test", {f"/p{i}": Response(200, "<title>x</title>", delay=0.2) for i in range(5)}
    )
    await load(sessions, [{"title": f"R{i}", "url": site.address_url(f"/p{i}")} for i in range(5)])
    settings = job_settings.model_copy(update={"concurrency": 1})
    runner = make_runner(settings, sessions, Clock(MONDAY_3AM), Outbox())
    job = asyncio.create_task(runner.run(tasks.FULL_CHECK))

    async def first_check_stored() -> bool:
        found = await runs(sessions)
        return bool(found) and found[0].checked_urls >= 1

    from tests.polling import wait_until

    await wait_until(first_check_stored, within=20, what="the first check")
    runner.context.stop.set()
    assert await runner.drain(grace=20)
    await job
    (run,) = await runs(sessions)
    assert run.status is RunStatus.INTERRUPTED and run.checked_urls < 5
    assert (await state(sessions, tasks.FULL_CHECK)).last_status == JobStatus.INTERRUPTED
