"""Each resource's warnings, read from its domain's cached registration and its link's latest
certificate: `warnings: [{kind, detail, since, data}]` for the editor API, the dashboard, the
refresh report and the alert emails. Reading never looks anything up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from curator.check.urls import host
from curator.domain import Verdict
from curator.registration.warnings import (
    CertificateFacts,
    DomainFacts,
    WatchPolicy,
    WatchWarning,
    certificate_warnings,
    domain_warnings,
)
from curator.store.catalog import resources_by_id
from curator.store.link_states import link_states
from curator.store.models import Check, DomainRegistration, Guide, Resource
from curator.store.registrations import (
    expiring_certificate_urls,
    latest_certificates,
    registrations,
)
from curator.watch.lookups import domain_of


def domain_facts(row: DomainRegistration | Row[Any]) -> DomainFacts:
    """A stored registration as the pure warnings read it."""
    since: dict[str, datetime] = {}
    for status, text in (row.status_since or {}).items():
        try:
            since[status] = datetime.fromisoformat(text)
        except (TypeError, ValueError):
            continue
    previous = row.previous_name_servers
    return DomainFacts(
        domain=row.domain,
        expires_at=row.expires_at,
        statuses=tuple(row.statuses or ()),
        status_since=since,
        registrar=row.registrar,
        name_servers=tuple(row.name_servers or ()),
        previous_name_servers=tuple(previous) if previous is not None else None,
        name_servers_changed_at=row.name_servers_changed_at,
        looked_up_at=row.looked_up_at,
        last_error=row.last_error,
    )


def certificate_facts(check: Check) -> CertificateFacts | None:
    """The certificate a stored check recorded, if any."""
    if check.cert_expires_at is None:
        return None
    return CertificateFacts(
        host=host(check.final_url or check.url),
        expires_at=check.cert_expires_at,
        issuer=check.cert_issuer,
        checked_at=check.checked_at,
    )


@dataclass(frozen=True, slots=True)
class Watch:
    """What curator knows of a set of URLs' domains and certificates."""

    domains: Mapping[str, DomainFacts]
    certificates: Mapping[str, CertificateFacts]

    def warnings(self, url: str, *, now: datetime, policy: WatchPolicy) -> list[WatchWarning]:
        """The warnings of a resource whose link is `url`."""
        found = domain_warnings(self.domain(url), now=now, policy=policy)
        found += certificate_warnings(self.certificates.get(url), now=now, policy=policy)
        return found

    def domain(self, url: str) -> DomainFacts | None:
        """What is known of the registration of `url`'s domain."""
        domain = domain_of(url)
        return self.domains.get(domain) if domain else None


async def watch_of(
    session: AsyncSession, *, urls: Mapping[int, str] | list[str], certificates: bool = True
) -> Watch:
    """The registrations (and, unless told not to, certificates) of `urls` (a list, or
    resource ids to URLs)."""
    wanted = list(urls.values()) if isinstance(urls, Mapping) else list(urls)
    domains = {d for d in (domain_of(u) for u in wanted) if d}
    rows = await registrations(session, domains=domains)
    found: dict[str, CertificateFacts] = {}
    checks = await latest_certificates(session, urls=wanted) if certificates else {}
    for url, check in checks.items():
        facts = certificate_facts(check)
        if facts is not None:
            found[url] = facts
    return Watch({d: domain_facts(r) for d, r in rows.items()}, found)


async def resource_warnings(
    session: AsyncSession, *, urls: Mapping[int, str], now: datetime, policy: WatchPolicy
) -> dict[int, list[WatchWarning]]:
    """The warnings of each resource (id → its URL) that has any."""
    watch = await watch_of(session, urls=urls)
    found: dict[int, list[WatchWarning]] = {}
    for resource_id, url in urls.items():
        warnings = watch.warnings(url, now=now, policy=policy)
        if warnings:
            found[resource_id] = warnings
    return found


@dataclass(frozen=True, slots=True)
class WatchedResource:
    """A live resource with warnings, as editors see it."""

    resource_id: int
    guide: str
    guide_title: str
    key: str
    title: str
    url: str
    kind: str
    section: str | None
    verdict: Verdict | None
    """The link's confirmed verdict: a warning never changes it."""
    warnings: tuple[WatchWarning, ...]


NARROW_IN_SQL = 200
"""Up to this many warned domains and certificates, the query for the resources they concern
narrows the catalog by text (the exact match is `domain_of`'s); beyond, every live resource's
address is read."""


async def watched_resources(
    session: AsyncSession,
    *,
    now: datetime,
    policy: WatchPolicy,
    guide_slug: str | None = None,
) -> list[WatchedResource]:
    """Every live resource with warnings, in catalog order (snoozed ones included: a snooze
    hides a false positive verdict, not a domain about to be lost).

    The cost follows the warnings, not the catalog: first the domains whose registration warns
    and the URLs whose certificate expires within the window, then only the resources they
    concern (their warnings computed as for any resource, by `resource_warnings`)."""
    domains = set()
    for domain, row in (await registrations(session)).items():
        if domain_warnings(domain_facts(row), now=now, policy=policy):
            domains.add(domain)
    before = now + timedelta(days=policy.certificate_expiry_days)
    certificates = await expiring_certificate_urls(session, before=before)
    if not domains and not certificates:
        return []
    query = (
        select(Resource.id, Resource.url)
        .join(Guide, Resource.guide_id == Guide.id)
        .where(Resource.retired_at.is_(None))
    )
    if guide_slug is not None:
        query = query.where(Guide.slug == guide_slug)
    if len(domains) + len(certificates) <= NARROW_IN_SQL and all(d.isascii() for d in domains):
        lowered = func.lower(Resource.url)
        query = query.where(
            or_(
                *(lowered.contains(d, autoescape=True) for d in sorted(domains)),
                *(Resource.url == url for url in sorted(certificates)),
            )
        )
    concerned = {
        rid: url
        for rid, url in (await session.execute(query)).tuples()
        if url in certificates or domain_of(url) in domains
    }
    found = await resource_warnings(session, urls=concerned, now=now, policy=policy)
    if not found:
        return []
    resources = await resources_by_id(session, ids=list(found))
    states = await link_states(session, urls=[r.url for r in resources])
    return [
        WatchedResource(
            resource_id=r.id,
            guide=r.guide.slug,
            guide_title=r.guide.title,
            key=r.key,
            title=r.title,
            url=r.url,
            kind=r.kind.value,
            section=r.section.title if r.section is not None else None,
            verdict=states[r.url].verdict if r.url in states else None,
            warnings=tuple(found[r.id]),
        )
        for r in resources
    ]
