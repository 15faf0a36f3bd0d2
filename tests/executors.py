"""The one stand-in for the checker's runs (`curator.rechecks.RunExecutor`) in tests that
need a run row but no fetching: the API's, the dashboard's and the recheck queue's."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.domain import RunStatus, RunTrigger
from curator.runs.selection import Selection
from curator.store.base import utcnow
from curator.store.models import Run


@dataclass
class FakeExecutor:
    """Records each run it is asked for and stores a run row; fetches nothing.

    `release`: finish only once it is set. `fail`: raise instead of running. `hold`: a run of
    every resource stays `running` until `stop` is set, then is `interrupted` (a run an editor
    started, as the dashboard shows it); a recheck then stores no run.
    """

    calls: list[tuple[str, tuple[int, ...] | None]] = field(default_factory=list)
    called: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event | None = None
    fail: bool = False
    hold: bool = False

    async def __call__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        selection: Selection,
        *,
        trigger: RunTrigger,
        stop: asyncio.Event | None = None,
    ) -> int | None:
        """Record the call; store a completed run (after `release`, when set)."""
        ids = selection.resource_ids
        self.calls.append((trigger.value, ids))
        self.called.set()
        if self.fail:
            raise RuntimeError("checker exploded")
        if self.hold:
            return await self._held(sessions, selection, trigger, stop)
        if self.release is not None:
            await self.release.wait()
        async with sessions() as session, session.begin():
            now = utcnow()
            run = Run(
                trigger=trigger,
                status=RunStatus.COMPLETED,
                started_at=now,
                finished_at=now,
                total_urls=len(ids or ()),
                checked_urls=len(ids or ()),
            )
            session.add(run)
            await session.flush()
            return run.id

    async def _held(
        self,
        sessions: async_sessionmaker[AsyncSession],
        selection: Selection,
        trigger: RunTrigger,
        stop: asyncio.Event | None,
    ) -> int | None:
        if selection.resource_ids is not None:
            return None
        async with sessions() as session, session.begin():
            run = Run(trigger=trigger, status=RunStatus.RUNNING, total_urls=4)
            session.add(run)
            await session.flush()
            run_id = run.id
        if stop is not None:
            await stop.wait()
        async with sessions() as session, session.begin():
            held = await session.get(Run, run_id)
            assert held is not None
            held.status = RunStatus.INTERRUPTED
            held.finished_at = utcnow()
        return run_id
