"""Readers' reports that a catalogued resource's link is broken.

A report names a resource by its guide and catalog key, never by URL: curator only ever
rechecks the URL it already has for that resource, so nothing typed by the public is fetched.
Clients are remembered by a keyed hash of their address (never the address itself), which is
all the rate limit needs.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import RecheckReason
from curator.errors import NotFoundError, RateLimitedError
from curator.rechecks import queue_recheck
from curator.store.base import utcnow
from curator.store.catalog import live_resource_by_key
from curator.store.models import ReaderReport
from curator.store.reader_reports import lock_client, reports_from_client

NOTE_MAX = 1000
RATE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class FiledReport:
    """A stored report and the recheck it queued."""

    id: int
    resource_id: int
    guide: str
    resource_key: str
    created_at: datetime
    recheck_id: int


def client_hash(address: str, *, secret: str) -> str:
    """A keyed hash of a client's address: the same client always maps to the same value."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()


async def _check_rate(session: AsyncSession, *, client: str, limit: int, now: datetime) -> None:
    since = now - RATE_WINDOW
    await lock_client(session, client=client)
    count, oldest = await reports_from_client(session, client=client, since=since)
    if count >= limit:
        wait = (oldest + RATE_WINDOW - now).total_seconds() if oldest is not None else 1
        raise RateLimitedError(limit, max(1, math.ceil(wait)))


async def file_report(
    session: AsyncSession,
    *,
    guide: str,
    resource_key: str,
    note: str,
    contact: str | None,
    client: str | None,
    limit: int,
    now: datetime | None = None,
) -> FiledReport:
    """Store a reader's report and queue a recheck of that one resource.

    NotFoundError for an unknown or retired resource; RateLimitedError when `client` (a
    `client_hash`) already sent `limit` reports within the last minute.
    """
    now = now or utcnow()
    if len(note) > NOTE_MAX:
        raise ValueError(f"note must be at most {NOTE_MAX} characters")
    if client is not None:
        await _check_rate(session, client=client, limit=limit, now=now)
    resource = await live_resource_by_key(session, guide_slug=guide, key=resource_key)
    if resource is None:
        raise NotFoundError("resource", f"{guide}/{resource_key}")
    report = ReaderReport(
        resource_id=resource.id,
        note=note.strip(),
        contact=contact or None,
        client_hash=client,
        created_at=now,
    )
    session.add(report)
    request = await queue_recheck(
        session, resource_id=resource.id, reason=RecheckReason.REPORT, now=now
    )
    await session.flush()
    return FiledReport(report.id, resource.id, guide, resource_key, now, request.id)
