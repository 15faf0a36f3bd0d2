"""Domain registrations as rows: what registries said over RDAP, cached per domain.

A successful look-up replaces the registration's values; when the name servers differ from
the stored ones, the old ones are kept as `previous_name_servers` with the time the change
was seen, and each status remembers when it was first seen (`status_since`). A failed
look-up only records why and when to try again: the values stay as they were.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from curator.store.base import chunks
from curator.store.models import Check, DomainRegistration

__all__ = [
    "DomainRegistration",
    "due_domains",
    "latest_certificates",
    "record_failure",
    "record_registration",
    "registrations",
]


async def registrations(
    session: AsyncSession, *, domains: Collection[str] | None = None
) -> dict[str, Row[Any]]:
    """The stored registrations of `domains` (all when None), by domain, as plain rows of the
    registration's columns (no ORM object: a check run reads them too)."""
    table = cast(Table, DomainRegistration.__table__)
    if domains is None:
        return {row.domain: row for row in (await session.execute(select(table))).all()}
    found: dict[str, Row[Any]] = {}
    for chunk in chunks(sorted(set(domains))):
        rows = (await session.execute(select(table).where(table.c.domain.in_(chunk)))).all()
        found.update((row.domain, row) for row in rows)
    return found


async def due_domains(
    session: AsyncSession, *, domains: Collection[str], now: datetime
) -> list[str]:
    """Those of `domains` never looked up, or whose cached registration is due again."""
    wanted = sorted(set(domains))
    fresh: set[str] = set()
    for chunk in chunks(wanted):
        query = select(DomainRegistration.domain).where(
            DomainRegistration.domain.in_(chunk),
            DomainRegistration.next_lookup_at.is_not(None),
            DomainRegistration.next_lookup_at > now,
        )
        fresh.update((await session.scalars(query)).all())
    return [d for d in wanted if d not in fresh]


async def _row(session: AsyncSession, domain: str) -> DomainRegistration:
    row = await session.get(DomainRegistration, domain)
    if row is None:
        row = DomainRegistration(domain=domain, statuses=[], status_since={}, name_servers=[])
        session.add(row)
    return row


async def record_registration(
    session: AsyncSession,
    *,
    domain: str,
    expires_at: datetime | None,
    registered_at: datetime | None,
    statuses: Sequence[str],
    registrar: str | None,
    name_servers: Sequence[str],
    source: str | None,
    now: datetime,
    next_lookup_at: datetime,
) -> DomainRegistration:
    """Store a successful look-up (see the module's note on name servers and statuses)."""
    row = await _row(session, domain)
    servers = sorted(set(name_servers))
    known = row.looked_up_at is not None
    if known and servers != sorted(row.name_servers or []):
        row.previous_name_servers = list(row.name_servers or [])
        row.name_servers_changed_at = now
    since = dict(row.status_since or {})
    row.status_since = {s: since.get(s, now.isoformat()) for s in statuses}
    row.statuses = list(statuses)
    row.name_servers = servers
    row.expires_at = expires_at
    row.registered_at = registered_at
    row.registrar = registrar
    row.source = source
    row.looked_up_at = now
    row.attempted_at = now
    row.last_error = None
    row.next_lookup_at = next_lookup_at
    await session.flush()
    return row


async def record_failure(
    session: AsyncSession,
    *,
    domain: str,
    error: str,
    now: datetime,
    next_lookup_at: datetime,
) -> DomainRegistration:
    """Store that a look-up failed and when to try again; the known values stay."""
    row = await _row(session, domain)
    row.attempted_at = now
    row.last_error = error[:1000]
    row.next_lookup_at = next_lookup_at
    await session.flush()
    return row


async def expiring_certificate_urls(session: AsyncSession, *, before: datetime) -> set[str]:
    """The URLs of which some check recorded a certificate expiring before `before` (through
    the index on the expiry: the cost follows the expiring certificates, not the checks)."""
    # Saying NOT NULL outright lets SQLite's planner take the expiry's index; without it, it
    # walked every check in URL order (for DISTINCT): 1.6 ms at 10,000 checks, growing with
    # every run's.
    query = (
        select(Check.url)
        .where(Check.cert_expires_at.is_not(None), Check.cert_expires_at <= before)
        .distinct()
    )
    return set((await session.scalars(query)).all())


async def latest_certificates(session: AsyncSession, *, urls: Collection[str]) -> dict[str, Check]:
    """The newest check of each of `urls` that recorded a TLS certificate (a chunk of URLs a
    query)."""
    found: dict[str, Check] = {}
    for chunk in chunks(sorted(set(urls))):
        newest = (
            select(Check.url, func.max(Check.checked_at).label("at"))
            .where(Check.url.in_(chunk), Check.cert_expires_at.is_not(None))
            .group_by(Check.url)
            .subquery()
        )
        query = (
            select(Check)
            .join(newest, (Check.url == newest.c.url) & (Check.checked_at == newest.c.at))
            .order_by(Check.id)
        )
        found.update((check.url, check) for check in (await session.execute(query)).scalars())
    return found
