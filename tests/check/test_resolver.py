"""Resolvers: no such name vs. a resolver failing, told apart; a static table for tests."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from curator.check.facts import ErrorKind
from curator.check.resolver import CANARY_NAMES, ResolveError, StaticResolver, SystemResolver


async def test_static_resolver_maps_names_case_insensitively_in_order() -> None:
    resolver = StaticResolver({"Helpline.Test": ["127.0.0.3", "127.0.0.4", "127.0.0.3"]})
    assert await resolver.resolve("helpline.test.", 80) == ["127.0.0.3", "127.0.0.4"]


async def test_static_resolver_says_unknown_names_do_not_exist() -> None:
    resolver = StaticResolver({"police.test": "127.0.0.2"})
    with pytest.raises(ResolveError) as raised:
        await resolver.resolve("nowhere.test", 80)
    assert raised.value.kind is ErrorKind.DNS_NXDOMAIN
    assert "nowhere.test" in str(raised.value)


async def test_static_resolver_can_simulate_a_resolver_outage() -> None:
    resolver = StaticResolver(
        {"police.test": "127.0.0.2"}, failures={"down.test": ErrorKind.DNS_FAILURE}
    )
    resolver.fail("police.test")
    for name in ("down.test", "police.test"):
        with pytest.raises(ResolveError) as raised:
            await resolver.resolve(name, 443)
        assert raised.value.kind is ErrorKind.DNS_FAILURE


async def test_system_resolver_answers_for_localhost() -> None:
    addresses = await SystemResolver().resolve("localhost", 80)
    assert "127.0.0.1" in addresses or "::1" in addresses


async def test_system_resolver_failure_without_network_is_not_nxdomain() -> None:
    # The test network guard answers every outside name with EAI_AGAIN, like a machine
    # whose resolver cannot be reached.
    with pytest.raises(ResolveError) as raised:
        await SystemResolver().resolve("example.org", 443)
    assert raised.value.kind is ErrorKind.DNS_FAILURE


CODES = [
    ("EAI_NONAME", ErrorKind.DNS_NXDOMAIN),
    ("EAI_NODATA", ErrorKind.DNS_NXDOMAIN),
    ("EAI_AGAIN", ErrorKind.DNS_FAILURE),
    ("EAI_FAIL", ErrorKind.DNS_FAILURE),
    ("EAI_SYSTEM", ErrorKind.DNS_FAILURE),
]


CANARY_ANSWER = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]


@pytest.mark.parametrize(("code", "kind"), CODES, ids=[c for c, _ in CODES])
async def test_getaddrinfo_codes_are_classified(
    code: str, kind: ErrorKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not hasattr(socket, code):
        pytest.skip(f"{code} is not defined on this platform")

    async def failing(self: Any, host: str, port: int, **kwargs: Any) -> Any:
        if host in CANARY_NAMES:
            return CANARY_ANSWER  # the resolver works: its answers can be believed
        raise socket.gaierror(getattr(socket, code), f"simulated {code}")

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", failing)
    with pytest.raises(ResolveError) as raised:
        await SystemResolver().resolve("site.example", 80)
    assert raised.value.kind is kind


async def test_no_such_name_for_every_name_is_a_resolver_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []

    async def nothing_exists(self: Any, host: str, port: int, **kwargs: Any) -> Any:
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", nothing_exists)
    resolver = SystemResolver()
    for name in ("www.bbc.co.uk", "www.cps.gov.uk"):
        with pytest.raises(ResolveError) as raised:
            await resolver.resolve(name, 443)
        assert raised.value.kind is ErrorKind.DNS_FAILURE
        assert "example.com" in raised.value.reason or "iana.org" in raised.value.reason
    # The canaries are asked once, not for every failing name.
    assert [h for h in asked if h in CANARY_NAMES] == list(CANARY_NAMES)


async def test_a_real_nxdomain_stays_nxdomain_when_the_canary_resolves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def one_missing(self: Any, host: str, port: int, **kwargs: Any) -> Any:
        if host == "gone.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return CANARY_ANSWER

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", one_missing)
    with pytest.raises(ResolveError) as raised:
        await SystemResolver().resolve("gone.example", 443)
    assert raised.value.kind is ErrorKind.DNS_NXDOMAIN


async def test_a_resolver_that_does_not_answer_is_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    never = asyncio.Event()

    async def hanging(self: Any, host: str, port: int, **kwargs: Any) -> Any:
        await never.wait()

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", hanging)
    with pytest.raises(ResolveError) as raised:
        await SystemResolver(timeout=0.05).resolve("slow.example", 80)
    assert raised.value.kind is ErrorKind.DNS_FAILURE


PUBLIC_ANSWER = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("151.101.0.81", 443))]


def resolving(existing: set[str], asked: list[str]) -> Any:
    """A getaddrinfo that knows `existing` names (with a public address) and no others."""

    async def lookup(self: Any, host: str, port: int, **kwargs: Any) -> Any:
        asked.append(host)
        if host in existing:
            return PUBLIC_ANSWER
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    return lookup


async def test_no_such_name_is_believed_when_the_resolver_just_answered_another_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", resolving({"www.bbc.co.uk"}, asked))
    resolver = SystemResolver(canaries=("canary.example",))
    assert await resolver.resolve("www.bbc.co.uk", 443) == ["151.101.0.81"]
    with pytest.raises(ResolveError) as raised:
        await resolver.resolve("lapsed-charity.org.uk", 443)
    assert raised.value.kind is ErrorKind.DNS_NXDOMAIN
    assert "canary.example" not in asked  # the run's own evidence was enough


async def test_canaries_are_the_fallback_when_nothing_resolved_lately(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        asyncio.BaseEventLoop, "getaddrinfo", resolving({"www.bbc.co.uk", "localhost"}, asked)
    )
    stale = SystemResolver(canaries=("canary.example",), answer_ttl=0.0)
    await stale.resolve("www.bbc.co.uk", 443)
    local_only = SystemResolver(canaries=("canary.example",))
    await local_only.resolve("localhost", 443)  # a local name proves nothing
    for resolver in (stale, local_only):
        with pytest.raises(ResolveError) as raised:
            await resolver.resolve("lapsed-charity.org.uk", 443)
        assert raised.value.kind is ErrorKind.DNS_FAILURE  # the canary does not resolve
    assert asked.count("canary.example") == 2


async def test_the_same_name_failing_again_is_not_evidence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    existing = {"flaky.example"}
    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", resolving(existing, asked))
    resolver = SystemResolver(canaries=("canary.example",))
    await resolver.resolve("flaky.example", 443)
    existing.clear()
    with pytest.raises(ResolveError) as raised:
        await resolver.resolve("flaky.example", 443)
    assert raised.value.kind is ErrorKind.DNS_FAILURE
