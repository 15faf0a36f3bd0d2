"""A check run: every distinct URL fetched once, classified, stored as it completes.

    async with Checker.build(settings.fetch_policy()) as checker:
        report = await execute_run(
            sessions, checker, Selection.everything(), trigger=RunTrigger.CLI,
            confirm=settings.confirm_policy(),
        )

Order of work, per URL: fetch; fetch the target of a meta refresh; ask the video host; classify;
store the check (`curator.runs.writer`: in a batch written within a fraction of a second). If
the verdict could be a soft 404 in disguise, the host's answer to a made-up address (probed
once per host per run, started with the host's first deep link so it queues ahead of them)
refines it: classified again, and the stored check amended when the verdict changes.

Link states change only when the run is over and its evidence says the network worked
(see `curator.check.outage`): a run that saw every site fail at DNS or connect is
`inconclusive` and changes nothing. States are applied from the stored checks, skipping any
check not newer than the state, so a resumed run also settles the interrupted run's checks,
and applying twice is harmless.

Memory stays flat as the catalog grows: once a URL's check is stored, the run lets go of what
it fetched (the page's text, markup and links; the sweep keeps a page only while another page
of the run forwards to it) and keeps a small record for its report (none with
`keep_results=False`: counts only, the results read back from the store a page at a time,
`curator.runs.results`); settling reads the stored checks a page at a time
(`curator.runs.settle`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.check.checker import Checker, Sweep
from curator.check.evidence import final_url
from curator.check.facts import Expectation, Facts, Outcome, Snapshot
from curator.check.outage import Attempt, answered, tally
from curator.check.politeness import RequestsStopped
from curator.check.state import ConfirmPolicy
from curator.check.urls import host
from curator.domain import Group, RunStatus, RunTrigger, Verdict, group_of
from curator.errors import ConflictError, RunConflictError
from curator.runs.pipeline import first_check, kept_facts, refine_check
from curator.runs.records import (
    check_values,
    facts_values,
    outcome_values,
    snapshots,
)
from curator.runs.recovery import owner_id, recover_runs, running_here
from curator.runs.selection import Selection
from curator.runs.settle import attempted_hosts, settle_states
from curator.runs.suggest import redirect_suggestion, reference_for, wants_search
from curator.runs.summaries import (
    cancelled_summary,
    completed_summary,
    down_summary,
    interrupted_summary,
)
from curator.runs.targets import (
    Plan,
    Target,
    by_url,
    merged_expectation,
    plan_urls,
    select_targets,
    targets_of,
)
from curator.runs.writer import CheckWriter
from curator.standing import Standing, counts_as_broken
from curator.store import checks as store
from curator.store import link_states, runs
from curator.store.base import utcnow
from curator.store.engine import in_transaction, retrying
from curator.store.models import Run
from curator.suggestions import Suggestion, suggested_url
from curator.watch.evidence import with_registration
from curator.watch.warnings import Watch, watch_of

if TYPE_CHECKING:  # loaded at a run's first search: most runs find nothing to look for
    from curator.check.fetcher import Fetcher
    from curator.check.policy import SearchLimits
    from curator.replacements.search import Finder

log = logging.getLogger(__name__)
T = TypeVar("T")

HEARTBEAT_SECONDS = 30.0
"""How often a running run says it is alive (recovery treats silence as death)."""
CONTROL_URLS = 3
"""Recently working addresses fetched to tell a dead network from dead sites."""

__all__ = [
    "CheckResult",
    "RunConflictError",
    "RunReport",
    "Target",
    "execute_run",
    "recover_runs",
    "running_run",
]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One URL's check in a run, with every resource that lists it."""

    url: str
    facts: Facts
    """The fetch's facts as the run's report keeps them: without the page's text, markup,
    links and headers once the check is stored (`kept_facts`)."""
    outcome: Outcome
    targets: tuple[Target, ...]
    check_id: int | None
    """The stored check's id: known once the run's checks are written (in `RunReport.results`),
    None in what `on_result` is given during the run."""
    checked_at: datetime
    position: int
    """This result is the run's `position`-th (1-based), of `planned`."""
    planned: int
    suggestion: Suggestion | None = None
    """Where the page is now: a permanent redirect's target, or what the site search found."""

    @property
    def verdict(self) -> Verdict:
        """The check's verdict."""
        return self.outcome.verdict

    @property
    def group(self) -> Group:
        """The verdict's group."""
        return group_of(self.outcome.verdict)


@dataclass(frozen=True, slots=True)
class RunReport:
    """How a run ended, and every result it stored."""

    run_id: int
    status: RunStatus
    trigger: RunTrigger
    started_at: datetime
    finished_at: datetime | None
    counts: Mapping[str, int]
    """Checks per verdict value."""
    results: tuple[CheckResult, ...]
    """In the order they completed; none when the run kept none (`keep_results=False`)."""
    targets: tuple[Target, ...]
    """The resources the run set out to check, in catalog order (none when it kept no
    results)."""
    summary: str
    planned: int
    resumed_from: int | None = None
    states_changed: bool = False

    @property
    def inconclusive(self) -> bool:
        """True when the checker's own network looked down: nothing was concluded."""
        return self.status is RunStatus.INCONCLUSIVE

    @property
    def broken_found(self) -> bool:
        """True when any check ended in a broken-group verdict."""
        return any(group_of(Verdict(verdict)) is Group.BROKEN for verdict in self.counts)

    def fails_check(self, standings: Mapping[int, Standing]) -> bool:
        """Whether `curator check` exits 1: some resource got a broken-group verdict in this
        run and is not snoozed as a false positive (`standings` by resource id, as of the run's
        end; see curator.standing.counts_as_broken). Of the results kept."""
        return any(
            counts_as_broken(result.verdict, standings.get(target.resource_id))
            for target, result in self.by_resource()
        )

    def by_resource(self) -> list[tuple[Target, CheckResult]]:
        """Each checked resource with its URL's result, in catalog order."""
        by = {r.url: r for r in self.results}
        return [(t, by[t.url]) for t in self.targets if t.url in by]


async def running_run(session: AsyncSession) -> Run | None:
    """The run marked `running`, if any (after recovery, a live one)."""
    return await runs.running_run(session)


@dataclass
class _Work:
    """What one run shares between its workers."""

    run_id: int
    plan: Plan
    """Each URL, in the order the workers take them (each host's spread over the run, not the
    catalog's order, in which a site's links come together), with the ids of the resources
    listing it (`curator.runs.targets.plan_urls`)."""
    sweep: Sweep
    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime]
    on_result: Callable[[CheckResult], None] | None
    writer: CheckWriter
    write_lock: asyncio.Lock
    targets: dict[str, tuple[Target, ...]] = field(default_factory=dict)
    """The resources listing the URLs being checked and those just ahead: read a page of URLs
    at a time with their history (`next_url`; all of them at the start when the run keeps
    its results) and let go once a URL's check is done."""
    history: dict[str, Snapshot | None] = field(default_factory=dict)
    """The last good page of the URLs being checked and of those just ahead, as the run found
    it: read a page of URLs at a time (`next_url`) and let go once a URL's check is done."""
    taken: int = 0
    """How many of the plan's URLs the workers have taken."""
    read_ahead: int = 0
    """How many of the plan's URLs have their history and targets in (or had them)."""
    history_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    searches: tuple[Fetcher, SearchLimits] | None = None
    """How the run looks for a broken link's page on its own site (None: it searches no
    site)."""
    finder: Finder | None = None
    """The run's one finder (a host's sitemaps and home page are read once per run): made at
    the run's first search."""
    watch: Watch | None = None
    """The URLs' domains' registrations as cached when the run began (never looked up here)."""
    keep: bool = True
    """Keep each result for the report (else only how many, by verdict)."""
    results: list[CheckResult] = field(default_factory=list)
    done: int = 0
    """How many URLs are checked (their checks stored)."""
    reported: int = 0
    """How many results the run has handed on (`on_result`), each once its follow-ups (the
    host's probe, the search for a broken page) are done."""
    counts: Counter[str] = field(default_factory=Counter)
    """Checks per verdict value, in the order each verdict first came."""
    hosts: dict[str, bool] = field(default_factory=dict)
    """Each host the run's checks tried, and whether every try of it failed at the network
    level (`curator.check.outage.tally`): counted as the checks are stored, so finishing the
    run need not read them back to tell a dead network from dead sites."""

    async def next_url(self) -> str | None:
        """The next URL of the plan (None when every one is taken), with its resources and its
        last good page in: read for the next page of URLs when they are not in yet."""
        position = self.taken
        if position >= len(self.plan):
            return None
        self.taken += 1
        if position >= self.read_ahead:
            async with self.history_lock:
                while position >= self.read_ahead:
                    start = self.read_ahead
                    window = range(start, min(start + runs.RUN_PAGE, len(self.plan)))
                    urls = [self.plan.url(p) for p in window]
                    found = await retrying(partial(_read, self.sessions, snapshots, urls=urls))
                    unread = [p for p, u in zip(window, urls, strict=True) if u not in self.targets]
                    if unread:
                        self.targets.update(
                            await retrying(
                                partial(
                                    _read,
                                    self.sessions,
                                    targets_of,
                                    plan=self.plan,
                                    positions=unread,
                                )
                            )
                        )
                    self.history.update((u, found.get(u)) for u in urls)
                    self.read_ahead = window.stop
        return self.plan.url(position)

    async def check(self, url: str) -> CheckResult:
        """Fetch, classify and store one URL; refine it with its host's probe when needed."""
        history = self.history.get(url)
        targets = self.targets[url]
        expectation = merged_expectation(targets)
        facts, outcome, reading = await first_check(self.sweep, url, expectation, history)
        if reading is not None and self.sweep.baseline_ready(facts):
            facts, outcome = await refine_check(self.sweep, facts, expectation, history, reading)
            reading = None
        checked_at = self.clock()
        if self.watch is not None:
            outcome = with_registration(outcome, self.watch.domain(url), now=checked_at)
        await self.writer.add(
            url,
            check_values(run_id=self.run_id, facts=facts, outcome=outcome, checked_at=checked_at),
        )
        # Counted once stored: a run stopped during what follows (the host's probe, the search
        # for a broken page) reports the checks it keeps, as its stored count of them does.
        self.done += 1
        self.counts[outcome.verdict.value] += 1
        if reading is not None:
            # Stored as first read; the host's probe (queued ahead of its links) may change it.
            refined_facts, refined = await refine_check(
                self.sweep, facts, expectation, history, reading
            )
            if self.watch is not None:
                refined = with_registration(refined, self.watch.domain(url), now=checked_at)
            if refined != outcome:
                self._recount(outcome.verdict, refined.verdict)
                facts, outcome = refined_facts, refined
                self.writer.amend(url, facts_values(facts) | outcome_values(facts, outcome))
        tally(self.hosts, Attempt.of(facts))  # as stored: the refined facts, when refined
        suggestion = redirect_suggestion(facts, outcome)
        if suggestion is None and wants_search(url, facts, outcome):
            suggestion = await self.search(url, facts, expectation, targets)
            if suggestion is not None and suggestion.confident:
                outcome = replace(outcome, suggested_url=suggestion.url)
        self.sweep.done(url)
        self.history.pop(url, None)
        del self.targets[url]
        result = CheckResult(
            url=url,
            facts=kept_facts(facts),
            outcome=outcome,
            targets=targets,
            check_id=None,
            checked_at=checked_at,
            position=self.reported + 1,
            planned=len(self.plan),
            suggestion=suggestion,
        )
        self.reported += 1
        if self.keep:
            self.results.append(result)
        if self.on_result is not None:
            try:
                self.on_result(result)
            except Exception:
                log.exception("the run's callback failed on the result for %s", url)
        return result

    def _recount(self, stored: Verdict, amended: Verdict) -> None:
        """A stored check's verdict was amended: count it under its new verdict."""
        if stored is amended:
            return
        self.counts[stored.value] -= 1
        if not self.counts[stored.value]:
            del self.counts[stored.value]
        self.counts[amended.value] += 1

    async def search(
        self, url: str, facts: Facts, expectation: Expectation, targets: tuple[Target, ...]
    ) -> Suggestion | None:
        """Look for the page on its own site, after its check is stored, and store what was
        found with the check; a search that fails is logged and suggests nothing."""
        if self.searches is None:
            return None
        if self.finder is None:
            from curator.replacements.search import Finder

            self.finder = Finder(*self.searches)
        reference = reference_for(targets, expectation, self.history.get(url))
        try:
            found = await self.finder.find(
                url, reference=reference, expectation=expectation, final_url=final_url(facts)
            )
        except RequestsStopped:
            raise
        except Exception:
            log.exception("the search for where %s went failed", url)
            return None
        suggestion = found.suggestion
        if suggestion is None:
            return None
        self.writer.amend(
            url, {"suggestion": suggestion.to_json(), "suggested_url": suggested_url(suggestion)}
        )
        return suggestion


async def execute_run(
    sessions: async_sessionmaker[AsyncSession],
    checker: Checker,
    selection: Selection,
    *,
    trigger: RunTrigger,
    confirm: ConfirmPolicy,
    clock: Callable[[], datetime] = utcnow,
    on_result: Callable[[CheckResult], None] | None = None,
    stop: asyncio.Event | None = None,
    exclusive: bool = True,
    keep_results: bool = True,
    sweep: Sweep | None = None,
) -> RunReport:
    """Check the selected resources' URLs once each, store every result, settle link states
    by `confirm`.

    Raises RunConflictError while another live run that is not a recheck is running, unless
    this run is a recheck (rechecks run beside any run, and never keep one from starting). The
    database enforces it (a unique partial index), so two processes cannot both start one.
    Setting `stop` starts no new URL; those in flight finish, and the run is marked
    `interrupted`. The checker is the caller's: a run neither builds nor closes one. With
    `keep_results=False` the report holds no result, only counts (a run of 50,000 links need
    not hold a record of each: `curator.runs.results` reads them back a page at a time).
    `sweep` is one of `checker`'s sweeps whose fetches the run takes over (a head start,
    `curator.runs.headstart`); the run ends it as its own.
    """
    stop = stop or asyncio.Event()
    started = clock()
    await in_transaction(sessions, partial(recover_runs, now=started))
    try:
        async with sessions() as session, session.begin():
            if exclusive and trigger != RunTrigger.RECHECK:
                await _refuse_beside(session)
            urls = selection.urls
            if selection.resume is not None:
                urls = tuple(await _resumable_urls(session, selection.resume))
            if keep_results:  # the report holds every target, in catalog order
                targets = await select_targets(
                    session,
                    guide_slug=selection.guide_slug,
                    resource_ids=selection.resource_ids,
                    urls=urls,
                )
                known = by_url(targets)
                plan = Plan.of((t.resource_id, t.url) for t in targets)
            else:  # a plan of ids; the targets are read a page of URLs at a time
                targets, known = [], {}
                plan = await plan_urls(
                    session,
                    guide_slug=selection.guide_slug,
                    resource_ids=selection.resource_ids,
                    urls=urls,
                )
            planned = plan.urls()
            watch = await watch_of(session, urls=planned, certificates=False)
            run_id = await runs.start_run(
                session,
                trigger=trigger,
                planned_urls=planned,
                started_at=started,
                guide_slug=selection.guide_slug,
                owner=owner_id(),
                resumed_from_id=selection.resume,
            )
            del planned
    except IntegrityError as exc:
        # Another process started its run between our look and our insert: the database
        # keeps the one-running rule, and says who won.
        if not runs.is_one_running_conflict(exc):
            raise
        async with sessions() as session:
            await _refuse_beside(session)
        raise
    sweep = sweep if sweep is not None else checker.sweep()
    lock = asyncio.Lock()
    writer = CheckWriter(sessions, run_id, lock=lock, clock=clock)
    work = _Work(
        run_id,
        plan,
        sweep,
        sessions,
        clock,
        on_result,
        writer,
        lock,
        targets=known,
        searches=(checker.fetcher, checker.search) if checker.search is not None else None,
        watch=watch,
        keep=keep_results,
    )
    try:
        with running_here(run_id):
            async with writer:
                await _drain(work, checker.concurrency, stop)
            return await _finish(work, confirm, targets, trigger, started, selection.resume)
    except Exception as exc:
        await _abandon(work, RunStatus.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    except BaseException:  # cancelled (Ctrl-C, a shutdown): the checks made are kept
        await _abandon(work, RunStatus.INTERRUPTED, None)
        raise
    finally:
        sweep.cancel()
        if work.finder is not None:
            await work.finder.aclose()


async def _refuse_beside(session: AsyncSession) -> None:
    """RunConflictError naming the run (not a recheck) that is running, if one is."""
    live = await runs.running_full_run(session)
    if live is not None:
        raise RunConflictError(
            run_id=live.id,
            started_at=live.started_at,
            checked=live.checked_urls,
            total=live.total_urls,
        )


async def _resumable_urls(session: AsyncSession, run_id: int) -> list[str]:
    run = await runs.require_run(session, run_id=run_id)
    if run.status not in (RunStatus.INTERRUPTED, RunStatus.FAILED):
        raise ConflictError(
            f"run {run_id} is {run.status.value}, not interrupted or failed: nothing to resume"
        )
    return await store.unchecked_urls(session, run_id=run_id)


async def _drain(work: _Work, concurrency: int, stop: asyncio.Event) -> None:
    async def worker() -> None:
        while not stop.is_set():
            url = await work.next_url()
            if url is None or stop.is_set():
                return
            try:
                await work.check(url)
            except RequestsStopped:
                return  # shutting down: this URL's request never started (or its check is
                # stored and only its follow-up was not made); a resumed run checks the rest

    async def heartbeat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                async with work.write_lock:
                    await in_transaction(
                        work.sessions,
                        partial(runs.heartbeat, run_id=work.run_id, now=work.clock()),
                    )
            except SQLAlchemyError:
                # A missed beat is no reason to stop the run; the next one may get through.
                log.warning("run %s could not record its heartbeat", work.run_id, exc_info=True)

    beating = asyncio.ensure_future(heartbeat())
    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(concurrency, len(work.plan))):
                group.create_task(worker())
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating


async def _finish(
    work: _Work,
    confirm: ConfirmPolicy,
    targets: list[Target],
    trigger: RunTrigger,
    started: datetime,
    resume: int | None,
) -> RunReport:
    hosts = dict(work.hosts)
    chain = [work.run_id]
    if resume is not None:  # the interrupted runs' stored checks count too
        chain = await in_transaction(work.sessions, partial(_chain, work.run_id))
        earlier = await in_transaction(work.sessions, partial(_attempted_hosts, chain[1:]))
        for name, failed in earlier.items():
            hosts[name] = hosts.get(name, True) and failed
    if work.keep:
        await _with_check_ids(work)
    down = bool(hosts) and all(hosts.values()) and not await _network_answers(work, set(hosts))
    complete = work.done == len(work.plan)
    counts = dict(work.counts)
    if down:
        status = RunStatus.INCONCLUSIVE if complete else RunStatus.INTERRUPTED
        summary = down_summary(len(hosts))
    elif complete:
        status, summary = RunStatus.COMPLETED, completed_summary(counts, len(work.plan))
    else:
        status = RunStatus.INTERRUPTED
        summary = interrupted_summary(work.done, len(work.plan))
    finished = work.clock()

    async def settle(session: AsyncSession) -> None:
        # Applying states twice is harmless, so a retry after a lost connection is safe.
        if not down:
            await settle_states(session, run_ids=chain, policy=confirm)
        await runs.finish_run(
            session,
            run_id=work.run_id,
            status=status,
            counts=counts,
            finished_at=finished,
            summary=summary,
        )

    async with work.write_lock:
        await in_transaction(work.sessions, settle)
    return RunReport(
        run_id=work.run_id,
        status=status,
        trigger=trigger,
        started_at=started,
        finished_at=finished,
        counts=counts,
        results=tuple(work.results),
        targets=tuple(targets) if work.keep else (),
        summary=summary,
        planned=len(work.plan),
        resumed_from=resume,
        states_changed=not down and bool(hosts),
    )


async def _chain(run_id: int, session: AsyncSession) -> list[int]:
    """The ids of the run and of the runs it resumes."""
    return await runs.chain_ids(session, run_id=run_id)


async def _attempted_hosts(chain: list[int], session: AsyncSession) -> dict[str, bool]:
    return await attempted_hosts(session, run_ids=chain)


async def _with_check_ids(work: _Work) -> None:
    """Give each result its stored check's id, reading the run's check ids a page at a time."""
    position = {r.url: i for i, r in enumerate(work.results)}
    after = 0
    while True:
        rows = await retrying(
            partial(_read, work.sessions, runs.check_ids_page, run_id=work.run_id, after_id=after)
        )
        for row in rows:
            at = position.get(row.url)
            if at is not None:
                work.results[at] = replace(work.results[at], check_id=row.id)
        if len(rows) < runs.RUN_PAGE:
            return
        after = rows[-1].id


async def _read(
    sessions: async_sessionmaker[AsyncSession],
    query: Callable[..., Awaitable[T]],
    **arguments: Any,
) -> T:
    """One read-only query in a session of its own (what `retrying` runs again on a new
    connection when the database dropped this one)."""
    async with sessions() as session:
        return await query(session, **arguments)


async def _network_answers(work: _Work, failed_hosts: set[str]) -> bool:
    """Fetch a few recently working addresses on other hosts: does anything answer?"""
    async with work.sessions() as session:
        candidates = await link_states.recently_ok_urls(session, limit=CONTROL_URLS * 4)
    controls = [u for u in candidates if host(u) not in failed_hosts]
    controls = list({host(u): u for u in reversed(controls)}.values())[:CONTROL_URLS]
    if not controls:
        return False
    results = await asyncio.gather(*(work.sweep.checker.fetcher.fetch(u) for u in controls))
    return any(answered(f) for f in results)


async def _abandon(work: _Work, status: RunStatus, why: str | None) -> None:
    """Best effort: record why a run stopped abnormally (never masks the original error).

    `why` None: the run was cancelled, and no link's state was changed.
    """
    done, planned = work.done, len(work.plan)
    if why is None:
        summary = cancelled_summary(done, planned)
    else:
        summary = f"Stopped after {done} of {planned} addresses: {why}"
    try:
        await in_transaction(
            work.sessions,
            partial(
                runs.finish_run,
                run_id=work.run_id,
                status=status,
                counts=dict(work.counts),
                finished_at=work.clock(),
                summary=summary,
            ),
        )
    except (OperationalError, InterfaceError) as exc:
        # The database is not answering: the error the run stopped on says so to the caller,
        # and the next start finds the run left `running` and marks it (no second traceback).
        reason = next((line for line in str(exc.orig or exc).splitlines() if line.strip()), "")
        log.info("could not record the end of run %s: %s", work.run_id, reason)
    except Exception:
        log.exception("could not record the end of run %s", work.run_id)
