"""Editors' warnings from what registries and certificates say: pure functions, no I/O.

A warning tells editors a resource is about to be lost while its link still works: the
domain expires soon, is on registry hold, entered its redemption period or is pending
deletion, its name servers moved to a parking provider, or its certificate runs out.
Warnings are not verdicts: they never change a link's verdict or hide a resource.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from curator.labels import date_label
from curator.registration.parking import parking_provider
from curator.registration.rdap import HOLD_STATUSES


class WarningKind(StrEnum):
    """What a warning is about."""

    DOMAIN_EXPIRY = "domain_expiry"
    """The registration expires within the threshold (or has expired)."""
    REGISTRY_HOLD = "registry_hold"
    """client hold / server hold: the registry no longer publishes the domain."""
    REDEMPTION_PERIOD = "redemption_period"
    """The registration lapsed; the holder can still redeem it, for a while."""
    PENDING_DELETE = "pending_delete"
    """The registry will delete the domain within days: anyone may register it next."""
    DOMAIN_INACTIVE = "domain_inactive"
    """The registry delegates the domain to no name servers."""
    PARKING_NAME_SERVERS = "parking_name_servers"
    """The domain's name servers are a parking or domain-sale provider's."""
    CERTIFICATE_EXPIRY = "certificate_expiry"
    """The site's TLS certificate expires within the threshold (or has expired)."""


ALERT_KINDS = frozenset({WarningKind.REGISTRY_HOLD, WarningKind.REDEMPTION_PERIOD})
"""Warnings that also send an email of their own (once per domain, status and day seen)."""


@dataclass(frozen=True, slots=True)
class WatchPolicy:
    """When registrations and certificates call for a warning (built from Settings)."""

    domain_expiry_days: int = 30
    certificate_expiry_days: int = 14


@dataclass(frozen=True, slots=True)
class WatchWarning:
    """One warning for editors: `{kind, detail, since, data}`."""

    kind: WarningKind
    detail: str
    since: datetime | None
    data: Mapping[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The warning as the API and the JSON report carry it."""
        return {
            "kind": self.kind.value,
            "detail": self.detail,
            "since": self.since.isoformat() if self.since is not None else None,
            "data": dict(self.data),
        }


@dataclass(frozen=True, slots=True)
class DomainFacts:
    """What curator knows of a registrable domain from its registry."""

    domain: str
    expires_at: datetime | None = None
    statuses: tuple[str, ...] = ()
    status_since: Mapping[str, datetime] = field(default_factory=dict)
    registrar: str | None = None
    name_servers: tuple[str, ...] = ()
    previous_name_servers: tuple[str, ...] | None = None
    name_servers_changed_at: datetime | None = None
    looked_up_at: datetime | None = None
    """The last look-up that succeeded; None: nothing is known."""
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    """The TLS certificate a check of a URL was served."""

    host: str
    expires_at: datetime
    issuer: str | None
    checked_at: datetime


def _days(when: datetime, now: datetime) -> int:
    return (when.date() - now.date()).days


def _in_days(days: int) -> str:
    if days == 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"


def _servers(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:4])
    return shown + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def _expiry(facts: DomainFacts, now: datetime, policy: WatchPolicy) -> WatchWarning | None:
    expires = facts.expires_at
    if expires is None:
        return None
    days = _days(expires, now)
    if days > policy.domain_expiry_days:
        return None
    by = f" (registrar {facts.registrar})" if facts.registrar else ""
    on = date_label(expires.date())
    if days < 0:
        detail = f"domain {facts.domain} expired on {on}{by}"
    else:
        detail = f"domain {facts.domain} expires {_in_days(days)}, on {on}{by}"
    return WatchWarning(
        WarningKind.DOMAIN_EXPIRY,
        detail,
        expires - timedelta(days=policy.domain_expiry_days),
        {
            "domain": facts.domain,
            "expires_at": expires.isoformat(),
            "days_left": days,
            "registrar": facts.registrar,
        },
    )


_STATUS_WARNINGS: tuple[tuple[frozenset[str], WarningKind, str], ...] = (
    (
        HOLD_STATUSES,
        WarningKind.REGISTRY_HOLD,
        "domain {domain} is on registry hold ({status}): it no longer resolves, readers "
        "cannot reach the site",
    ),
    (
        frozenset({"redemption period"}),
        WarningKind.REDEMPTION_PERIOD,
        "domain {domain} entered its redemption period: the registration lapsed and the "
        "domain is deleted unless its holder redeems it",
    ),
    (
        frozenset({"pending delete"}),
        WarningKind.PENDING_DELETE,
        "domain {domain} is pending deletion: anyone may register it within days",
    ),
    (
        frozenset({"inactive"}),
        WarningKind.DOMAIN_INACTIVE,
        "domain {domain} is inactive at its registry (no name servers delegated)",
    ),
)


def _statuses(facts: DomainFacts) -> list[WatchWarning]:
    found: list[WatchWarning] = []
    for statuses, kind, template in _STATUS_WARNINGS:
        present = [s for s in facts.statuses if s in statuses]
        if not present:
            continue
        since = min(
            (facts.status_since[s] for s in present if s in facts.status_since), default=None
        )
        found.append(
            WatchWarning(
                kind,
                template.format(domain=facts.domain, status=" and ".join(present)),
                since,
                {"domain": facts.domain, "statuses": present, "registrar": facts.registrar},
            )
        )
    return found


def _parking(facts: DomainFacts) -> WatchWarning | None:
    provider = parking_provider(facts.name_servers)
    if provider is None:
        return None
    previous = facts.previous_name_servers
    data: dict[str, object] = {
        "domain": facts.domain,
        "provider": provider,
        "name_servers": list(facts.name_servers),
        "previous_name_servers": list(previous) if previous is not None else None,
    }
    if previous and parking_provider(previous) is None:
        detail = (
            f"name servers of {facts.domain} changed to a parking provider ({provider}: "
            f"{_servers(facts.name_servers)}) since the last check; they were "
            f"{_servers(previous)}"
        )
        since = facts.name_servers_changed_at
    else:
        detail = (
            f"name servers of {facts.domain} are a parking provider's ({provider}: "
            f"{_servers(facts.name_servers)})"
        )
        since = facts.name_servers_changed_at or facts.looked_up_at
    return WatchWarning(WarningKind.PARKING_NAME_SERVERS, detail, since, data)


def domain_warnings(
    facts: DomainFacts | None, *, now: datetime, policy: WatchPolicy
) -> list[WatchWarning]:
    """What a domain's registration warns of; nothing when nothing is known of it."""
    if facts is None or facts.looked_up_at is None:
        return []
    found = _statuses(facts)
    expiry = _expiry(facts, now, policy)
    if expiry is not None:
        found.append(expiry)
    parking = _parking(facts)
    if parking is not None:
        found.append(parking)
    return found


def certificate_warnings(
    facts: CertificateFacts | None, *, now: datetime, policy: WatchPolicy
) -> list[WatchWarning]:
    """A warning when the certificate a URL was last served expires within the threshold."""
    if facts is None:
        return []
    days = _days(facts.expires_at, now)
    if days > policy.certificate_expiry_days:
        return []
    on = date_label(facts.expires_at.date())
    by = f" (issuer {facts.issuer})" if facts.issuer else ""
    if days < 0:
        detail = f"certificate of {facts.host} expired on {on}{by}"
    else:
        detail = f"certificate of {facts.host} expires {_in_days(days)}, on {on}{by}"
    return [
        WatchWarning(
            WarningKind.CERTIFICATE_EXPIRY,
            detail,
            facts.expires_at - timedelta(days=policy.certificate_expiry_days),
            {
                "host": facts.host,
                "expires_at": facts.expires_at.isoformat(),
                "days_left": days,
                "issuer": facts.issuer,
            },
        )
    ]


def registration_evidence(facts: DomainFacts, *, now: datetime) -> tuple[str, dict[str, object]]:
    """The registration facts a parked verdict's evidence carries: a sentence and the values
    ("expired 20 Nov 2026, name servers now ns1.sedoparking.com")."""
    parts: list[str] = []
    if facts.expires_at is not None:
        on = date_label(facts.expires_at.date())
        parts.append(f"expired {on}" if facts.expires_at <= now else f"expires {on}")
    held = [s for s in facts.statuses if s in HOLD_STATUSES or s in _LAPSED]
    if held:
        parts.append("registry status " + ", ".join(held))
    if facts.name_servers:
        provider = parking_provider(facts.name_servers)
        changed = facts.previous_name_servers is not None and bool(facts.previous_name_servers)
        servers = _servers(facts.name_servers)
        text = f"name servers {'now ' if changed else ''}{servers}"
        if provider:
            text += f" ({provider})"
        parts.append(text)
    if facts.registrar:
        parts.append(f"registrar {facts.registrar}")
    sentence = f"Registration of {facts.domain}: " + ", ".join(parts) if parts else ""
    values: dict[str, object] = {
        "domain": facts.domain,
        "expires_at": facts.expires_at.isoformat() if facts.expires_at else None,
        "statuses": list(facts.statuses),
        "registrar": facts.registrar,
        "name_servers": list(facts.name_servers),
        "previous_name_servers": (
            list(facts.previous_name_servers) if facts.previous_name_servers else None
        ),
        "looked_up_at": facts.looked_up_at.isoformat() if facts.looked_up_at else None,
    }
    return sentence, values


_LAPSED = frozenset({"redemption period", "pending delete", "inactive"})


_WATCH_WORDS: tuple[tuple[WarningKind, str, str], ...] = (
    (WarningKind.DOMAIN_EXPIRY, "domain expires", "domains expire"),
    (WarningKind.REGISTRY_HOLD, "domain on registry hold", "domains on registry hold"),
    (
        WarningKind.REDEMPTION_PERIOD,
        "domain in its redemption period",
        "domains in their redemption period",
    ),
    (WarningKind.PENDING_DELETE, "domain pending deletion", "domains pending deletion"),
    (WarningKind.DOMAIN_INACTIVE, "domain inactive at its registry", "domains inactive"),
    (
        WarningKind.PARKING_NAME_SERVERS,
        "domain on a parking provider's name servers",
        "domains on parking providers' name servers",
    ),
    (WarningKind.CERTIFICATE_EXPIRY, "certificate expires", "certificates expire"),
)


def watch_line(keys: Mapping[WarningKind, Collection[str]], policy: WatchPolicy) -> str:
    """ "Watch: 2 domains expire within 30 days, 1 domain on registry hold" from the domains
    (or hosts) each kind of warning is about; empty when there are none."""
    parts: list[str] = []
    for kind, one, many in _WATCH_WORDS:
        count = len(keys.get(kind, ()))
        if not count:
            continue
        text = f"{count} {one if count == 1 else many}"
        if kind is WarningKind.DOMAIN_EXPIRY:
            text += f" within {policy.domain_expiry_days} days"
        elif kind is WarningKind.CERTIFICATE_EXPIRY:
            text += f" within {policy.certificate_expiry_days} days"
        parts.append(text)
    return "Watch: " + ", ".join(parts) if parts else ""
