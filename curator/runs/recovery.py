"""Runs left `running` by a process that died are found and marked `interrupted`.

A run row names its owner (host name and process id) and is stamped with a heartbeat while
it works. At the next start, a `running` run is dead when its owner is a process on this
machine that no longer exists, or this very process that no longer runs it (the database was
lost when the run tried to record its end), or when its heartbeat is older than `STALE_AFTER`
(a process on another machine, or one that hangs). Its completed checks stay; `unchecked_urls` and
`execute_run(resume=…)` finish it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from curator.store import runs
from curator.store.models import Run

_LIVE: set[int] = set()
"""The runs this process is running now (`running_here`)."""

STALE_AFTER = timedelta(minutes=5)
"""A run silent this long is dead (it beats every 30 seconds while it works)."""
INTERRUPTED_SUMMARY = (
    "Interrupted: the process running it stopped before it finished; its completed checks "
    "are kept, and resuming it checks the rest."
)


def owner_id() -> str:
    """This process, as a run's owner: "hostname:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def running_here(run_id: int) -> Iterator[None]:
    """Say this process runs `run_id` while the block lasts: a run of this process found
    `running` outside such a block is dead (it failed, or an earlier process with this
    host name and id, a restarted container's, left it), whatever its heartbeat says."""
    _LIVE.add(run_id)
    try:
        yield
    finally:
        _LIVE.discard(run_id)


def _process_gone(owner: str | None) -> bool:
    if not owner or ":" not in owner:
        return False
    machine, _, pid = owner.rpartition(":")
    if machine != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by another user
    return False


def is_dead(run: Run | Row[Any], now: datetime, stale_after: timedelta = STALE_AFTER) -> bool:
    """True when nothing is working on this `running` run any more."""
    if run.owner == owner_id() and run.id not in _LIVE:
        return True  # ours, and we run it no more: it ended where its end could not be written
    beat = run.heartbeat_at or run.started_at
    return _process_gone(run.owner) or now - beat > stale_after


async def recover_runs(
    session: AsyncSession, *, now: datetime, stale_after: timedelta = STALE_AFTER
) -> list[int]:
    """Mark dead `running` runs `interrupted`; their ids (the caller commits)."""
    dead = [r.id for r in await runs.running_runs(session) if is_dead(r, now, stale_after)]
    await runs.mark_interrupted(session, run_ids=dead, finished_at=now, summary=INTERRUPTED_SUMMARY)
    return dead
