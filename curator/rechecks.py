"""The recheck queue: one resource at a time, asked for by a reader's report or an editor.

Requests are rows (recheck_requests), so any process may drain the queue: the API drains the
ones it queued right away, in the background; the scheduler drains whatever is left. Claiming
is exclusive (see curator.store.rechecks), and a claim abandoned by a crashed process is
taken over once it is older than `stale_after`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.domain import RecheckReason, RunTrigger
from curator.errors import NotFoundError
from curator.runs.selection import Selection
from curator.store.base import utcnow
from curator.store.catalog import resource_by_id
from curator.store.engine import in_transaction
from curator.store.models import RecheckRequest
from curator.store.rechecks import (
    claim_recheck,
    claimable_rechecks,
    finish_rechecks,
    pending_recheck,
)

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
"""A claim this old without a finish belongs to a process that died: take it over."""
BATCH = 50
"""Requests claimed, and rechecked in one run, at a time."""


class RunExecutor(Protocol):
    """What runs the checker: `curator.runs.executor.CheckerExecutor`, or a test's stand-in.

    Checks the selected resources and returns the id of the run it stored (None when it
    stored none); `stop` asks it to stop early.
    """

    async def __call__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        selection: Selection,
        *,
        trigger: RunTrigger,
        stop: asyncio.Event | None = None,
    ) -> int | None: ...


async def queue_recheck(
    session: AsyncSession,
    *,
    resource_id: int,
    reason: RecheckReason,
    requested_by: str | None = None,
    now: datetime | None = None,
) -> RecheckRequest:
    """Queue a recheck of one resource, or return the one already waiting for it.

    NotFoundError when the resource does not exist. Runs in the caller's transaction.
    """
    if await resource_by_id(session, resource_id=resource_id) is None:
        raise NotFoundError("resource", resource_id)
    waiting = await pending_recheck(session, resource_id=resource_id)
    if waiting is not None:
        return waiting
    request = RecheckRequest(
        resource_id=resource_id,
        reason=reason,
        requested_by=requested_by,
        requested_at=now or utcnow(),
    )
    session.add(request)
    await session.flush()
    return request


async def claim_rechecks(
    session: AsyncSession,
    *,
    now: datetime | None = None,
    limit: int = BATCH,
    stale_after: timedelta = STALE_AFTER,
) -> list[RecheckRequest]:
    """Claim up to `limit` queued requests for this process; no two callers get the same one.

    Commit right after, so the claims are visible to everyone else.
    """
    now = now or utcnow()
    candidates = await claimable_rechecks(session, stale_before=now - stale_after, limit=limit)
    claimed = []
    for request in candidates:
        if await claim_recheck(
            session, request_id=request.id, seen_started_at=request.started_at, now=now
        ):
            request.started_at = now
            claimed.append(request)
    return claimed


@dataclass(frozen=True, slots=True)
class RecheckBatch:
    """One batch of claimed requests and the run that rechecked them."""

    request_ids: tuple[int, ...]
    resource_ids: tuple[int, ...]
    run_id: int | None


async def process_rechecks(
    sessions: async_sessionmaker[AsyncSession],
    *,
    execute: RunExecutor,
    clock: Callable[[], datetime] = utcnow,
    limit: int = BATCH,
    max_batches: int | None = None,
    stop: asyncio.Event | None = None,
) -> list[RecheckBatch]:
    """Drain the queue: claim a batch, recheck its resources in one run, mark it done; repeat.

    A batch whose run fails is still marked done (the error is logged), so one bad resource
    cannot block the queue; its next report or the scheduled runs check it again.
    """
    batches: list[RecheckBatch] = []
    while max_batches is None or len(batches) < max_batches:
        if stop is not None and stop.is_set():
            break
        claimed = await in_transaction(sessions, partial(claim_rechecks, now=clock(), limit=limit))
        if not claimed:
            break
        resource_ids = tuple(dict.fromkeys(r.resource_id for r in claimed))
        run_id: int | None = None
        try:
            run_id = await execute(
                sessions, Selection.resources(resource_ids), trigger=RunTrigger.RECHECK, stop=stop
            )
        except Exception:
            log.exception("recheck of resources %s failed", list(resource_ids))
        request_ids = tuple(r.id for r in claimed)
        await in_transaction(
            sessions,
            partial(finish_rechecks, request_ids=request_ids, run_id=run_id, now=clock()),
        )
        batches.append(RecheckBatch(request_ids, resource_ids, run_id))
    return batches
