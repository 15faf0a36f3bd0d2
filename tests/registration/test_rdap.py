"""RDAP answers of several registries, and their error shapes (respx: no network)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
import respx

from curator.check.policy import FetchPolicy
from curator.check.transport import build_client
from curator.registration.bootstrap import parse_bootstrap
from curator.registration.rdap import (
    LookupFailure,
    RdapClient,
    Registration,
    parse_domain,
    status_name,
)
from tests.registration import answers
from tests.registration.answers import NOMINET, PIR, VERISIGN

BOOTSTRAP = parse_bootstrap(answers.BOOTSTRAP, "tests")


@pytest.fixture
def router() -> respx.Router:
    return respx.Router(assert_all_called=False)


@pytest.fixture
async def rdap(router: respx.Router) -> AsyncIterator[RdapClient]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)) as client:
        yield RdapClient(client, BOOTSTRAP, deadline=2.0, interval=0.0)


def test_verisign_com_answer() -> None:
    found = parse_domain(answers.verisign("charity.com"), "charity.com", "x")
    assert found == Registration(
        domain="charity.com",
        expires_at=datetime(2027, 8, 13, 4, tzinfo=UTC),
        registered_at=datetime(1997, 9, 15, 4, tzinfo=UTC),
        statuses=("client delete prohibited", "client transfer prohibited"),
        registrar="Example Registrar, Inc.",
        name_servers=("ns1.charity-dns.com", "ns2.charity-dns.com"),
        source="x",
    )


def test_pir_org_answer_on_hold() -> None:
    payload = answers.pir("helpline.org", status=("server hold", "redemption period"))
    found = parse_domain(payload, "helpline.org")
    assert found.statuses == ("server hold", "redemption period")
    assert found.expires_at == datetime(2027, 3, 2, 12, tzinfo=UTC)
    assert found.registrar == "Charity Registrar Ltd"
    assert found.name_servers == ("ns1.charity-hosting.net", "ns2.charity-hosting.net")


def test_nominet_uk_answer() -> None:
    found = parse_domain(answers.nominet("charity.org.uk"), "charity.org.uk")
    assert found.expires_at == datetime(2027, 5, 20, tzinfo=UTC)
    assert found.statuses == ("active",)
    assert found.registrar == "Example UK Registrar Ltd [Tag = EXAMPLE]"
    assert found.name_servers == ("dns1.charity.org.uk", "dns2.charity.org.uk")


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("clientHold", "client hold"),
        ("serverHold", "server hold"),
        ("redemptionPeriod", "redemption period"),
        ("PENDING_DELETE", "pending delete"),
        ("  Redemption Period ", "redemption period"),
        ("inactive", "inactive"),
    ],
)
def test_status_names_follow_rfc_8056(raw: str, name: str) -> None:
    assert status_name(raw) == name


@pytest.mark.parametrize(
    "payload",
    [[], "domain", {"objectClassName": "entity", "handle": "X"}, {"errorCode": 404}],
    ids=["list", "string", "entity", "error-object"],
)
def test_what_is_not_a_domain_answer_is_refused(payload: object) -> None:
    with pytest.raises(ValueError):
        parse_domain(payload, "x.com")


async def test_lookup_asks_the_bootstrapped_registry(
    rdap: RdapClient, router: respx.Router
) -> None:
    route = router.get(f"{NOMINET}domain/charity.org.uk").mock(
        return_value=httpx.Response(
            200,
            json=answers.nominet("charity.org.uk"),
            headers={"content-type": "application/rdap+json"},
        )
    )
    found = await rdap.lookup("charity.org.uk")
    assert isinstance(found, Registration)
    assert found.source == f"{NOMINET}domain/charity.org.uk"
    assert "application/rdap+json" in route.calls.last.request.headers["accept"]


async def test_https_base_preferred(rdap: RdapClient, router: respx.Router) -> None:
    router.get(f"{PIR}domain/helpline.org").mock(
        return_value=httpx.Response(200, json=answers.pir("helpline.org"))
    )
    assert isinstance(await rdap.lookup("helpline.org"), Registration)


@pytest.mark.parametrize(
    ("url", "response", "reason"),
    [
        (
            f"{VERISIGN}domain/gone.com",
            httpx.Response(404, json=answers.VERISIGN_NOT_FOUND),
            "no record of it: HTTP 404 (Not Found; The requested object was not found.)",
        ),
        (
            f"{NOMINET}domain/gone.org.uk",
            httpx.Response(404, json=answers.NOMINET_NOT_FOUND),
            "no record of it: HTTP 404 (Not Found)",
        ),
        (
            f"{PIR}domain/gone.org",
            httpx.Response(400, json=answers.PIR_BAD_REQUEST),
            "answered HTTP 400 (Bad Request; Invalid domain name)",
        ),
        (
            f"{VERISIGN}domain/gone.com",
            httpx.Response(503, text="<html>Service Unavailable</html>"),
            "answered HTTP 503",
        ),
        (
            f"{VERISIGN}domain/gone.com",
            httpx.Response(200, text="<html>not json</html>"),
            "not an RDAP domain answer",
        ),
        (
            f"{VERISIGN}domain/gone.com",
            httpx.Response(200, json={"objectClassName": "entity"}),
            "not an RDAP domain answer",
        ),
        (
            f"{VERISIGN}domain/gone.com",
            httpx.Response(200, content=b"[" + b" " * (1024 * 1024 + 10) + b"]"),
            "larger than",
        ),
    ],
    ids=["verisign-404", "nominet-404", "pir-400", "503-html", "not-json", "entity", "huge"],
)
async def test_error_answers_are_failures_that_say_why(
    rdap: RdapClient, router: respx.Router, url: str, response: httpx.Response, reason: str
) -> None:
    router.get(url).mock(return_value=response)
    domain = url.rsplit("/", 1)[1]
    found = await rdap.lookup(domain)
    assert isinstance(found, LookupFailure)
    assert reason in found.reason
    assert found.source == url


async def test_429_is_a_failure_with_retry_after(rdap: RdapClient, router: respx.Router) -> None:
    router.get(f"{VERISIGN}domain/busy.com").mock(
        return_value=httpx.Response(429, headers={"retry-after": "120"})
    )
    found = await rdap.lookup("busy.com")
    assert isinstance(found, LookupFailure)
    assert found.retry_after == 120.0
    assert "rate-limited" in found.reason


async def test_a_redirect_is_followed(rdap: RdapClient, router: respx.Router) -> None:
    router.get(f"{VERISIGN}domain/moved.com").mock(
        return_value=httpx.Response(302, headers={"location": f"{PIR}domain/moved.com"})
    )
    router.get(f"{PIR}domain/moved.com").mock(
        return_value=httpx.Response(200, json=answers.pir("moved.com"))
    )
    found = await rdap.lookup("moved.com")
    assert isinstance(found, Registration)
    assert found.source == f"{PIR}domain/moved.com"


async def test_unknown_suffix_is_a_failure(rdap: RdapClient) -> None:
    found = await rdap.lookup("charity.example")
    assert isinstance(found, LookupFailure)
    assert "no RDAP service for .example" in found.reason


async def test_network_failure_is_a_failure(rdap: RdapClient, router: respx.Router) -> None:
    router.get(f"{VERISIGN}domain/down.com").mock(side_effect=httpx.ConnectError("refused"))
    found = await rdap.lookup("down.com")
    assert isinstance(found, LookupFailure)
    assert found.reason.startswith("connect_")


async def test_a_slow_registry_meets_the_deadline(router: respx.Router) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, json=answers.verisign("slow.com"))

    router.get(f"{VERISIGN}domain/slow.com").mock(side_effect=slow)
    async with httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)) as client:
        rdap = RdapClient(client, BOOTSTRAP, deadline=0.05, interval=0.0)
        found = await rdap.lookup("slow.com")
    assert isinstance(found, LookupFailure)
    assert "deadline" in found.reason


async def test_lookups_go_through_the_address_guard() -> None:
    policy = FetchPolicy(
        allow_private_addresses=False,
        concurrency=4,
        per_host_concurrency=1,
        per_host_interval=0.0,
        connect_timeout=1.0,
        read_timeout=1.0,
        url_deadline=2.0,
        max_body_bytes=1024 * 1024,
        max_redirects=3,
        retries=0,
        retry_backoff=0.0,
        max_retry_after=1.0,
        user_agent="curator-test",
        video_oembed=False,
    )
    bootstrap = parse_bootstrap({"services": [[["com"], ["http://127.0.0.1:9/rdap/"]]]}, "t")
    async with build_client(policy) as client:
        found = await RdapClient(client, bootstrap, deadline=2.0).lookup("charity.com")
    assert isinstance(found, LookupFailure)
    assert found.reason.startswith("blocked_address")


async def test_one_request_at_a_time_per_registry(router: respx.Router) -> None:
    active = 0
    most = 0

    async def count(request: httpx.Request) -> httpx.Response:
        nonlocal active, most
        active += 1
        most = max(most, active)
        await asyncio.sleep(0.01)
        active -= 1
        return httpx.Response(200, json=answers.verisign(request.url.path.rsplit("/", 1)[1]))

    router.get(url__startswith=f"{VERISIGN}domain/").mock(side_effect=count)
    async with httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)) as client:
        rdap = RdapClient(client, BOOTSTRAP, deadline=2.0, interval=0.0)
        found = await asyncio.gather(*(rdap.lookup(f"d{i}.com") for i in range(5)))
    assert all(isinstance(f, Registration) for f in found)
    assert most == 1
