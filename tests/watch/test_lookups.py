"""Registrations looked up, cached per domain and kept when a look-up fails (both databases)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import respx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.registration.bootstrap import parse_bootstrap
from curator.registration.rdap import RdapClient
from curator.settings import Settings
from curator.store.engine import session_factory
from curator.store.registrations import registrations
from curator.watch.lookups import domain_of, refresh_registrations
from tests.registration import answers
from tests.registration.answers import PIR, VERISIGN

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def router() -> respx.Router:
    return respx.Router(assert_all_called=False)


@pytest.fixture
async def rdap(router: respx.Router) -> AsyncIterator[RdapClient]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)) as client:
        yield RdapClient(client, parse_bootstrap(answers.BOOTSTRAP, "t"), interval=0.0)


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.charity.org.uk/help", "charity.org.uk"),
        ("https://helpline.org/", "helpline.org"),
        ("http://127.0.0.1:8000/", None),
        ("http://localhost/", None),
    ],
)
def test_domain_of(url: str, domain: str | None) -> None:
    assert domain_of(url) == domain


async def test_cached_for_a_day_then_asked_again(
    sessions: async_sessionmaker[AsyncSession],
    rdap: RdapClient,
    router: respx.Router,
    settings: Settings,
) -> None:
    route = router.get(f"{VERISIGN}domain/charity.com").mock(
        return_value=httpx.Response(200, json=answers.verisign("charity.com"))
    )
    clock = Clock()
    summary = await refresh_registrations(
        sessions, rdap, settings=settings, clock=clock, domains=["charity.com"]
    )
    assert summary.looked_up == ("charity.com",)
    clock.now = NOW + timedelta(hours=23)
    again = await refresh_registrations(
        sessions, rdap, settings=settings, clock=clock, domains=["charity.com"]
    )
    assert again.due == 0 and route.call_count == 1
    clock.now = NOW + timedelta(hours=24, seconds=1)
    await refresh_registrations(
        sessions, rdap, settings=settings, clock=clock, domains=["charity.com"]
    )
    assert route.call_count == 2
    async with sessions() as session:
        row = (await registrations(session, domains=["charity.com"]))["charity.com"]
    assert row.expires_at == datetime(2027, 8, 13, 4, tzinfo=UTC)
    assert row.registrar == "Example Registrar, Inc."
    assert row.previous_name_servers is None


async def test_a_failed_lookup_keeps_what_was_known_and_says_why(
    sessions: async_sessionmaker[AsyncSession],
    rdap: RdapClient,
    router: respx.Router,
    settings: Settings,
) -> None:
    route = router.get(f"{PIR}domain/helpline.org")
    route.mock(return_value=httpx.Response(200, json=answers.pir("helpline.org")))
    clock = Clock()
    await refresh_registrations(
        sessions, rdap, settings=settings, clock=clock, domains=["helpline.org"]
    )
    route.mock(return_value=httpx.Response(503))
    clock.now = NOW + timedelta(days=2)
    summary = await refresh_registrations(
        sessions, rdap, settings=settings, clock=clock, domains=["helpline.org"]
    )
    assert summary.failed and "503" in summary.failed[0][1]
    async with sessions() as session:
        row = (await registrations(session))["helpline.org"]
    assert row.expires_at == datetime(2027, 3, 2, 12, tzinfo=UTC)
    assert row.looked_up_at == NOW
    assert row.last_error is not None and "503" in row.last_error
    assert row.next_lookup_at == clock.now + timedelta(hours=settings.rdap_retry_hours)


async def test_no_record_is_asked_again_only_with_the_cache(
    sessions: async_sessionmaker[AsyncSession],
    rdap: RdapClient,
    router: respx.Router,
    settings: Settings,
) -> None:
    router.get(f"{VERISIGN}domain/gone.com").mock(
        return_value=httpx.Response(404, json=answers.VERISIGN_NOT_FOUND)
    )
    clock = Clock()
    await refresh_registrations(
        sessions, rdap, settings=settings, clock=clock, domains=["gone.com", "x.invalid"]
    )
    async with sessions() as session:
        rows = await registrations(session)
    for domain in ("gone.com", "x.invalid"):
        assert rows[domain].looked_up_at is None
        assert rows[domain].next_lookup_at == NOW + timedelta(hours=settings.rdap_cache_hours)


async def test_name_servers_moving_and_statuses_are_remembered(
    sessions: async_sessionmaker[AsyncSession],
    rdap: RdapClient,
    router: respx.Router,
    settings: Settings,
) -> None:
    route = router.get(f"{PIR}domain/helpline.org")
    route.mock(return_value=httpx.Response(200, json=answers.pir("helpline.org")))
    clock = Clock()
    await refresh_registrations(
        sessions, rdap, settings=settings, clock=clock, domains=["helpline.org"]
    )
    route.mock(
        return_value=httpx.Response(
            200,
            json=answers.pir(
                "helpline.org",
                status=("client hold",),
                name_servers=("NS1.SEDOPARKING.COM", "NS2.SEDOPARKING.COM"),
            ),
        )
    )
    clock.now = NOW + timedelta(days=1, minutes=1)
    await refresh_registrations(
        sessions, rdap, settings=settings, clock=clock, domains=["helpline.org"]
    )
    async with sessions() as session:
        row = (await registrations(session))["helpline.org"]
    assert row.name_servers == ["ns1.sedoparking.com", "ns2.sedoparking.com"]
    assert row.previous_name_servers == ["ns1.charity-hosting.net", "ns2.charity-hosting.net"]
    assert row.name_servers_changed_at == clock.now
    assert row.statuses == ["client hold"]
    assert row.status_since == {"client hold": clock.now.isoformat()}
