"""The one adapter from "run these resources" to `execute_run`, for the API and the scheduler.

Both hand a `CheckerExecutor` to the recheck queue (`curator.rechecks.process_rechecks`), and
the API's editor-started runs go through it too. Tests hand them a stand-in with the same
call (`curator.rechecks.RunExecutor`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.check.checker import Checker
from curator.check.state import ConfirmPolicy
from curator.domain import RunTrigger
from curator.runs.execute import RunReport, execute_run
from curator.runs.selection import Selection
from curator.store.base import utcnow


class CheckerExecutor:
    """Runs the checker over a selection; satisfies `curator.rechecks.RunExecutor`."""

    def __init__(
        self,
        checker: Checker,
        confirm: ConfirmPolicy,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.checker = checker
        self.confirm = confirm
        self.clock = clock

    async def run(
        self,
        sessions: async_sessionmaker[AsyncSession],
        selection: Selection,
        *,
        trigger: RunTrigger,
        stop: asyncio.Event | None = None,
        exclusive: bool | None = None,
    ) -> RunReport:
        """One run of `selection`. Unless told, a run of chosen resources (a recheck) may run
        beside another run; any other run never does."""
        return await execute_run(
            sessions,
            self.checker,
            selection,
            trigger=trigger,
            confirm=self.confirm,
            clock=self.clock,
            stop=stop,
            exclusive=selection.resource_ids is None if exclusive is None else exclusive,
        )

    async def __call__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        selection: Selection,
        *,
        trigger: RunTrigger,
        stop: asyncio.Event | None = None,
    ) -> int | None:
        """`run`, answering the stored run's id."""
        return (await self.run(sessions, selection, trigger=trigger, stop=stop)).run_id
