"""Keeping registrations fresh: look up the catalog's domains whose cache is due, store each.

    rdap = build_rdap(settings, client)              # None when CURATOR_RDAP_LOOKUPS=false
    summary = await refresh_registrations(sessions, rdap, settings=settings, clock=utcnow)

Look-ups run apart from link checks (the scheduler's `domain_watch` job), so a slow or
failing registry never holds a check. Each result is stored in its own short transaction; a
failed look-up keeps what was known and records why (`last_error`), and is tried again after
`CURATOR_RDAP_RETRY_HOURS`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.check.urls import host, is_local_name, registrable_domain
from curator.labels import plural
from curator.registration.rdap import LookupFailure, RdapClient, Registration
from curator.settings import Settings
from curator.store import registrations as store
from curator.store.catalog import active_resources

log = logging.getLogger(__name__)

LOOKUPS_AT_ONCE = 4


@functools.lru_cache(maxsize=16_384)
def domain_of(url: str) -> str | None:
    """The registrable domain of a URL's host; None for IP addresses and local names.
    (Remembered, bounded: an editor's page asks it again for the same URLs each time.)"""
    name = host(url)
    if not name or is_local_name(name):
        return None
    return registrable_domain(name)


def build_rdap(settings: Settings, client: httpx.AsyncClient) -> RdapClient | None:
    """The RDAP client the settings configure, on the checker's guarded `client`; None when
    look-ups are off."""
    if not settings.rdap_lookups:
        return None
    return RdapClient(
        client,
        settings.rdap_bootstrap_file(),
        deadline=settings.rdap_deadline,
        interval=settings.rdap_interval,
        concurrency=LOOKUPS_AT_ONCE,
    )


@dataclass(frozen=True, slots=True)
class LookupSummary:
    """What one refresh did."""

    due: int
    looked_up: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    """(domain, why) for each look-up that learned nothing."""

    def describe(self) -> str:
        """One line for operators."""
        if not self.due:
            return "no registration due for a look-up"
        text = f"{len(self.looked_up)} of {plural(self.due, 'registration')} looked up"
        if self.failed:
            domain, why = self.failed[0]
            text += f"; {len(self.failed)} failed and keep what was known ({domain}: {why})"
        return text


async def catalog_domains(session: AsyncSession) -> dict[str, list[int]]:
    """Each registrable domain of a live resource, with the resources on it."""
    found: dict[str, list[int]] = {}
    for resource in await active_resources(session):
        domain = domain_of(resource.url)
        if domain is not None:
            found.setdefault(domain, []).append(resource.id)
    return found


async def refresh_registrations(
    sessions: async_sessionmaker[AsyncSession],
    rdap: RdapClient,
    *,
    settings: Settings,
    clock: Callable[[], datetime],
    domains: Collection[str] | None = None,
    force: bool = False,
) -> LookupSummary:
    """Look up the due registrations of `domains` (default: the catalog's), store each."""
    now = clock()
    async with sessions() as session:
        wanted = list(domains) if domains is not None else list(await catalog_domains(session))
        due = list(wanted) if force else await store.due_domains(session, domains=wanted, now=now)
    if not due:
        return LookupSummary(0)
    gate = asyncio.Semaphore(LOOKUPS_AT_ONCE)
    cache = timedelta(hours=settings.rdap_cache_hours)
    retry = timedelta(hours=settings.rdap_retry_hours)

    async def one(domain: str) -> Registration | LookupFailure:
        async with gate:
            try:
                found = await rdap.lookup(domain)
            except Exception as exc:  # a bug in curator: logged, the domain keeps its data
                log.exception("looking up the registration of %s failed", domain)
                found = LookupFailure(domain, f"curator failed: {type(exc).__name__}: {exc}")
        at = clock()
        async with sessions() as session, session.begin():
            if isinstance(found, Registration):
                row = await store.record_registration(
                    session,
                    domain=domain,
                    expires_at=found.expires_at,
                    registered_at=found.registered_at,
                    statuses=found.statuses,
                    registrar=found.registrar,
                    name_servers=found.name_servers,
                    source=found.source,
                    now=at,
                    next_lookup_at=at + cache,
                )
                if row.name_servers_changed_at == at:
                    log.info("name servers of %s changed to %s", domain, row.name_servers)
            else:
                log.warning("registration look-up of %s failed: %s", domain, found.reason)
                wait = cache if found.definite else retry
                if found.retry_after is not None:
                    wait = max(retry, timedelta(seconds=found.retry_after))
                await store.record_failure(
                    session, domain=domain, error=found.reason, now=at, next_lookup_at=at + wait
                )
        return found

    results = await asyncio.gather(*(one(d) for d in due))
    return LookupSummary(
        due=len(due),
        looked_up=tuple(r.domain for r in results if isinstance(r, Registration)),
        failed=tuple((r.domain, r.reason) for r in results if isinstance(r, LookupFailure)),
    )
