"""The API process's background work: draining the recheck queue, and editor-started runs.

A report or an editor's recheck queues a row and kicks the worker, which drains the queue
right away (claims are exclusive, so the scheduler draining it too is harmless). A run an
editor starts runs here as a task; on shutdown both are asked to stop and awaited.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.domain import RunTrigger
from curator.errors import ConflictError
from curator.rechecks import RunExecutor, process_rechecks
from curator.runs.selection import Selection

log = logging.getLogger(__name__)


class Background:
    """The recheck worker and the editor-started run of one API process."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        execute: RunExecutor,
    ) -> None:
        self._sessions = sessions
        self._execute = execute
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._stop = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self._run: asyncio.Task[int | None] | None = None
        self._reserved = False

    def start(self) -> None:
        """Start the recheck worker and drain what is already queued."""
        self._worker = asyncio.create_task(self._drain_forever(), name="curator-rechecks")
        self.kick()

    def kick(self) -> None:
        """Tell the worker there is something in the queue."""
        self._idle.clear()
        self._wake.set()

    async def idle(self) -> None:
        """Wait until the worker has drained everything it was kicked for."""
        await self._idle.wait()

    async def _drain_forever(self) -> None:
        while not self._stop.is_set():
            await self._wake.wait()
            self._wake.clear()
            try:
                await process_rechecks(self._sessions, execute=self._execute, stop=self._stop)
            except Exception:
                log.exception("draining the recheck queue failed")
            if not self._wake.is_set():
                self._idle.set()

    @property
    def run_in_progress(self) -> bool:
        """True while a run this process started (or is about to start) is going."""
        return self._reserved or (self._run is not None and not self._run.done())

    def reserve_run(self) -> None:
        """Hold the right to start the next run, so two requests cannot both start one.

        ConflictError while a run started here is going; `start_run` or `release_run` after.
        """
        if self.run_in_progress:
            raise ConflictError("a run started by an editor is still running")
        self._reserved = True

    def release_run(self) -> None:
        """Give up a reservation without starting a run."""
        self._reserved = False

    def start_run(self) -> asyncio.Task[int | None]:
        """Start the reserved full run now, in the background."""
        self._reserved = False
        self._run = asyncio.create_task(self._full_run(), name="curator-editor-run")
        return self._run

    async def wait_run(self) -> int | None:
        """Wait for the run started here to end; its run id (None if none was started)."""
        return await self._run if self._run is not None else None

    async def _full_run(self) -> int | None:
        try:
            return await self._execute(
                self._sessions, Selection.everything(), trigger=RunTrigger.EDITOR, stop=self._stop
            )
        except Exception:
            log.exception("the run an editor started failed")
            return None

    async def close(self) -> None:
        """Ask the worker and any run to stop, and wait for them."""
        self._stop.set()
        self._wake.set()
        tasks = [t for t in (self._worker, self._run) if t is not None]
        await asyncio.gather(*tasks, return_exceptions=True)
        self._idle.set()
