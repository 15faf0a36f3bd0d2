"""Editors' warnings from registrations and certificates: a table of cases, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from curator.registration.parking import parking_provider
from curator.registration.warnings import (
    CertificateFacts,
    DomainFacts,
    WarningKind,
    WatchPolicy,
    certificate_warnings,
    domain_warnings,
    registration_evidence,
)

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
POLICY = WatchPolicy(domain_expiry_days=30, certificate_expiry_days=14)
SEEN = NOW - timedelta(hours=2)


def facts(**changes: object) -> DomainFacts:
    values: dict[str, object] = {
        "domain": "charity.org.uk",
        "expires_at": NOW + timedelta(days=400),
        "statuses": ("active",),
        "registrar": "Example Registrar",
        "name_servers": ("dns1.charity.org.uk", "dns2.charity.org.uk"),
        "looked_up_at": SEEN,
    }
    values.update(changes)
    return DomainFacts(**values)  # type: ignore[arg-type]


CASES = {
    "healthy": (facts(), []),
    "nothing-known": (facts(looked_up_at=None, statuses=("client hold",)), []),
    "expires-in-12-days": (
        facts(expires_at=NOW + timedelta(days=12)),
        [
            (
                WarningKind.DOMAIN_EXPIRY,
                "domain charity.org.uk expires in 12 days, on 13 Dec 2026 "
                "(registrar Example Registrar)",
            )
        ],
    ),
    "expired": (
        facts(expires_at=datetime(2026, 11, 20, tzinfo=UTC)),
        [
            (
                WarningKind.DOMAIN_EXPIRY,
                "domain charity.org.uk expired on 20 Nov 2026 (registrar Example Registrar)",
            )
        ],
    ),
    "expires-in-31-days": (facts(expires_at=NOW + timedelta(days=31)), []),
    "client-hold": (
        facts(statuses=("client hold",), status_since={"client hold": SEEN}),
        [
            (
                WarningKind.REGISTRY_HOLD,
                "domain charity.org.uk is on registry hold (client hold): it no longer "
                "resolves, readers cannot reach the site",
            )
        ],
    ),
    "redemption": (
        facts(statuses=("redemption period",)),
        [
            (
                WarningKind.REDEMPTION_PERIOD,
                "domain charity.org.uk entered its redemption period: the registration lapsed "
                "and the domain is deleted unless its holder redeems it",
            )
        ],
    ),
    "pending-delete-and-inactive": (
        facts(statuses=("pending delete", "inactive"), name_servers=()),
        [
            (
                WarningKind.PENDING_DELETE,
                "domain charity.org.uk is pending deletion: anyone may register it within days",
            ),
            (
                WarningKind.DOMAIN_INACTIVE,
                "domain charity.org.uk is inactive at its registry (no name servers delegated)",
            ),
        ],
    ),
    "moved-to-parking": (
        facts(
            name_servers=("ns1.sedoparking.com", "ns2.sedoparking.com"),
            previous_name_servers=("dns1.charity.org.uk", "dns2.charity.org.uk"),
            name_servers_changed_at=SEEN,
        ),
        [
            (
                WarningKind.PARKING_NAME_SERVERS,
                "name servers of charity.org.uk changed to a parking provider (Sedo: "
                "ns1.sedoparking.com, ns2.sedoparking.com) since the last check; they were "
                "dns1.charity.org.uk, dns2.charity.org.uk",
            )
        ],
    ),
    "moved-elsewhere": (
        facts(
            name_servers=("ns1.newhost.net",),
            previous_name_servers=("dns1.charity.org.uk",),
            name_servers_changed_at=SEEN,
        ),
        [],
    ),
    "parked-from-the-first-look": (
        facts(name_servers=("ns1.bodis.com", "ns2.bodis.com")),
        [
            (
                WarningKind.PARKING_NAME_SERVERS,
                "name servers of charity.org.uk are a parking provider's (Bodis: "
                "ns1.bodis.com, ns2.bodis.com)",
            )
        ],
    ),
}


@pytest.mark.parametrize(("domain", "expected"), CASES.values(), ids=CASES.keys())
def test_domain_warnings(domain: DomainFacts, expected: list[tuple[WarningKind, str]]) -> None:
    found = domain_warnings(domain, now=NOW, policy=POLICY)
    assert [(w.kind, w.detail) for w in found] == expected


def test_a_hold_warning_says_since_when() -> None:
    (warning,) = domain_warnings(
        facts(statuses=("server hold",), status_since={"server hold": SEEN}), now=NOW, policy=POLICY
    )
    assert warning.since == SEEN
    assert warning.to_json()["kind"] == "registry_hold"
    assert warning.to_json()["since"] == SEEN.isoformat()


@pytest.mark.parametrize(
    ("days", "detail"),
    [
        (
            9,
            "certificate of charity.org.uk expires in 9 days, on 10 Dec 2026 "
            "(issuer Let's Encrypt R11)",
        ),
        (
            1,
            "certificate of charity.org.uk expires tomorrow, on 2 Dec 2026 "
            "(issuer Let's Encrypt R11)",
        ),
        (-2, "certificate of charity.org.uk expired on 29 Nov 2026 (issuer Let's Encrypt R11)"),
        (15, None),
    ],
)
def test_certificate_warnings(days: int, detail: str | None) -> None:
    certificate = CertificateFacts(
        host="charity.org.uk",
        expires_at=NOW + timedelta(days=days),
        issuer="Let's Encrypt R11",
        checked_at=SEEN,
    )
    found = certificate_warnings(certificate, now=NOW, policy=POLICY)
    assert [w.detail for w in found] == ([detail] if detail else [])
    if detail:
        assert found[0].kind is WarningKind.CERTIFICATE_EXPIRY
        assert found[0].data["days_left"] == days


def test_registration_evidence_for_a_parked_verdict() -> None:
    sentence, values = registration_evidence(
        facts(
            expires_at=datetime(2026, 11, 20, tzinfo=UTC),
            statuses=("redemption period",),
            name_servers=("ns1.sedoparking.com", "ns2.sedoparking.com"),
            previous_name_servers=("dns1.charity.org.uk",),
        ),
        now=NOW,
    )
    assert sentence == (
        "Registration of charity.org.uk: expired 20 Nov 2026, registry status redemption "
        "period, name servers now ns1.sedoparking.com, ns2.sedoparking.com (Sedo), registrar "
        "Example Registrar"
    )
    assert values["name_servers"] == ["ns1.sedoparking.com", "ns2.sedoparking.com"]


@pytest.mark.parametrize(
    ("servers", "provider"),
    [
        (["NS1.SEDOPARKING.COM."], "Sedo"),
        (["ns1.parkingcrew.net"], "ParkingCrew"),
        (["ns1.notsedoparking.com"], None),
        (["ns1.charity.org"], None),
        ([], None),
    ],
)
def test_parking_name_servers(servers: list[str], provider: str | None) -> None:
    assert parking_provider(servers) == provider
