"""A run's checks, written by one task in batches as they complete.

    async with CheckWriter(sessions, run_id, lock=lock, clock=clock) as writer:
        await writer.add(url, values)      # a check's column values, stored within a batch
        writer.amend(url, {"verdict": …})  # what the host's probe or a search learned later

A check is written at most `FLUSH_SECONDS` after it completes, or sooner once `BATCH_ROWS`
are waiting: one transaction a batch, a bulk INSERT … ON CONFLICT per chunk of rows and one
update of the run's count, instead of a unit of work and a commit per check. A crash loses
at most the batch not yet written (and the URLs in flight); the run resumes from what was
stored. A change to a check still waiting is merged into it; to a stored check, it is an
UPDATE in the next batch.

A batch that fails to write fails the run: the error is raised to the next `add` and to the
end of the `async with`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.store import checks as store
from curator.store.engine import in_transaction

BATCH_ROWS = 250
"""Checks that make a batch: written at once without waiting for `FLUSH_SECONDS`."""
FLUSH_SECONDS = 0.25
"""The longest a completed check waits to be written."""
MAX_WAITING = 10 * BATCH_ROWS
"""Checks waiting beyond which `add` writes before it returns (a slow database slows the run
rather than filling memory)."""


class CheckWriter:
    """Writes one run's checks in batches from a task of its own (see the module's note)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        run_id: int,
        *,
        lock: asyncio.Lock,
        clock: Callable[[], datetime],
        batch_rows: int = BATCH_ROWS,
        interval: float = FLUSH_SECONDS,
    ) -> None:
        self._sessions = sessions
        self._run_id = run_id
        self._lock = lock
        """Held while writing: the run's other writes (heartbeat, finish) wait their turn."""
        self._clock = clock
        self._batch_rows = batch_rows
        self._interval = interval
        self._waiting: dict[str, dict[str, Any]] = {}
        self._amends: dict[str, dict[str, Any]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._error: BaseException | None = None
        self._closing = False
        self.stored = 0
        """Checks written so far."""

    async def __aenter__(self) -> Self:
        self._task = asyncio.create_task(self._loop(), name=f"run {self._run_id} check writer")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # The task writes what waits and stops: never cancelled mid-batch, so a batch it wrote
        # is never written (and counted) again.
        self._closing = True
        self._wake.set()
        if self._task is not None:
            if exc is None:
                await self._task
            else:
                # The run stops abnormally: store what completed, without masking why.
                with contextlib.suppress(Exception):
                    await self._task
        if exc is None:
            self._raise()

    async def add(self, url: str, values: Mapping[str, Any]) -> None:
        """Store a completed check (its row's values) with the next batch."""
        self._raise()
        self._waiting[url] = dict(values)
        if len(self._waiting) >= self._batch_rows:
            self._wake.set()
        if len(self._waiting) >= MAX_WAITING:
            await self.flush()

    def amend(self, url: str, values: Mapping[str, Any]) -> None:
        """Change a check added before: merged into it if it waits, else updated with the next
        batch."""
        waiting = self._waiting.get(url)
        if waiting is not None:
            waiting.update(values)
        else:
            self._amends.setdefault(url, {}).update(values)
            self._wake.set()

    async def flush(self) -> None:
        """Write every waiting check and change now, in one transaction."""
        async with self._lock:
            self._raise()
            if not self._waiting and not self._amends:
                return
            rows, self._waiting = self._waiting, {}
            amends, self._amends = self._amends, {}

            async def write(session: AsyncSession) -> None:
                await store.insert_checks(
                    session, run_id=self._run_id, rows=list(rows.values()), now=self._clock()
                )
                if amends:
                    await store.amend_checks(session, run_id=self._run_id, changes=amends)

            try:
                # Retried on a new connection if the database drops this one mid-way.
                await in_transaction(self._sessions, write)
            except BaseException as exc:
                # The batch waits again (a cancelled write is retried at the end).
                self._waiting = {**rows, **self._waiting}
                for url, values in amends.items():
                    self._amends[url] = {**values, **self._amends.get(url, {})}
                if isinstance(exc, Exception):
                    self._error = exc
                raise
            self.stored += len(rows)

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                return  # kept in self._error: the next add (or the end) raises it
            if self._closing and not self._waiting and not self._amends:
                return

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error
