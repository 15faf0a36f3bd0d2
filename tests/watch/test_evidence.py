"""A parked verdict carries the domain's registration; other verdicts are left alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from curator.catalog.load import parse_catalog
from curator.check.facts import Outcome
from curator.domain import RunTrigger, Verdict
from curator.registration.warnings import DomainFacts
from curator.settings import Settings
from curator.store.checks import latest_checks
from curator.store.engine import session_factory
from curator.store.registrations import record_registration
from curator.sync import sync_catalog
from curator.watch.evidence import with_registration
from tests.running import check_run
from tests.sites import Sites, page

NOW = datetime(2026, 12, 1, tzinfo=UTC)
LAPSED = DomainFacts(
    domain="charity.org.uk",
    expires_at=datetime(2026, 11, 20, tzinfo=UTC),
    statuses=("redemption period",),
    registrar="Example Registrar",
    name_servers=("ns1.sedoparking.com", "ns2.sedoparking.com"),
    previous_name_servers=("dns1.charity.org.uk",),
    name_servers_changed_at=NOW - timedelta(days=3),
    looked_up_at=NOW - timedelta(hours=1),
)


def test_a_parked_verdict_gets_the_registration() -> None:
    parked = Outcome(Verdict.PARKED, "The domain charity.org.uk is for sale.", rule="parked_domain")
    found = with_registration(parked, LAPSED, now=NOW)
    assert found.verdict is Verdict.PARKED
    assert found.detail == (
        "The domain charity.org.uk is for sale. Registration of charity.org.uk: expired "
        "20 Nov 2026, registry status redemption period, name servers now ns1.sedoparking.com, "
        "ns2.sedoparking.com (Sedo), registrar Example Registrar."
    )
    registration = found.evidence["registration"]
    assert isinstance(registration, dict)
    assert registration["expires_at"] == "2026-11-20T00:00:00+00:00"
    assert registration["previous_name_servers"] == ["dns1.charity.org.uk"]


def test_other_verdicts_and_unknown_registrations_are_unchanged() -> None:
    ok = Outcome(Verdict.OK, "fine")
    assert with_registration(ok, LAPSED, now=NOW) is ok
    parked = Outcome(Verdict.PARKED, "parked")
    assert with_registration(parked, None, now=NOW) is parked
    never = DomainFacts(domain="charity.org.uk")
    assert with_registration(parked, never, now=NOW) is parked


async def test_a_run_reports_a_parked_domain_with_its_registration(
    sites: Sites, settings: Settings, engine: AsyncEngine
) -> None:
    site = await sites.add(
        "lapsed-charity.test",
        {"/": page("Domain for sale", "This domain may be for sale! Enquire now.")},
    )
    sessions = session_factory(engine)
    catalog = {
        "guides": [
            {
                "slug": "g",
                "title": "G",
                "sections": [
                    {"title": "S", "resources": [{"title": "Charity", "url": site.url("/")}]}
                ],
            }
        ]
    }
    async with sessions() as session, session.begin():
        await sync_catalog(session, parse_catalog("t.yaml", catalog))
        await record_registration(
            session,
            domain="lapsed-charity.test",
            expires_at=datetime(2026, 11, 20, tzinfo=UTC),
            registered_at=None,
            statuses=["redemption period"],
            registrar="Example Registrar",
            name_servers=["ns1.sedoparking.com"],
            source=None,
            now=NOW,
            next_lookup_at=NOW + timedelta(days=1),
        )
    async with sites.checker(settings) as checker:
        run = await check_run(sessions, settings, trigger=RunTrigger.CLI, checker=checker)
    (result,) = run.results
    assert result.verdict is Verdict.PARKED
    assert "Registration of lapsed-charity.test: expired 20 Nov 2026" in result.outcome.detail
    async with sessions() as session:
        stored = await latest_checks(session, urls=[site.url("/")])
    registration = stored[site.url("/")].evidence["registration"]
    assert registration["name_servers"] == ["ns1.sedoparking.com"]
