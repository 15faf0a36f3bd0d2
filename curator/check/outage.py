"""Is it the sites, or is it us? Telling a dead network from dead links.

When every site a run tried failed before a single byte of HTTP came back — the name could
not be looked up (the resolver failed, not "no such name"), or no connection could be made
— the likeliest explanation is the checker's own network, not a hundred sites dying at
once. Such a run is `inconclusive`: its checks are kept as evidence, but no link's state
changes. A refused connection or an NXDOMAIN answer is somebody answering, so it proves the
network works.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from curator.check.facts import ErrorKind, Facts
from curator.check.urls import host

NETWORK_LEVEL = frozenset(
    {ErrorKind.DNS_FAILURE, ErrorKind.CONNECT_ERROR, ErrorKind.CONNECT_TIMEOUT}
)
"""Failures that say nothing about a site when every site fails with them."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one URL's check says about the network: which host, and how it ended."""

    host: str
    error: ErrorKind | None
    status: int | None

    @classmethod
    def of(cls, facts: Facts) -> Attempt:
        """The attempt a fetch made: the host it last tried, its error and status."""
        last = facts.hops[-1].url if facts.hops else facts.url
        return cls(host=host(last) or host(facts.url), error=facts.error, status=facts.status)

    @property
    def network_level(self) -> bool:
        """True when this attempt failed before any answer (resolver or connection)."""
        return self.status is None and self.error in NETWORK_LEVEL


def tally(hosts: dict[str, bool], attempt: Attempt) -> None:
    """Count `attempt` in `hosts`: each host tried, and whether every try of it failed at the
    network level."""
    hosts[attempt.host] = hosts.get(attempt.host, True) and attempt.network_level


def network_down(attempts: Iterable[Attempt]) -> bool:
    """True when at least one host was tried and every host failed at the network level."""
    hosts: dict[str, bool] = {}
    for attempt in attempts:
        tally(hosts, attempt)
    return bool(hosts) and all(hosts.values())


def hosts_of(attempts: Iterable[Attempt]) -> set[str]:
    """The distinct hosts attempted."""
    return {a.host for a in attempts}


def answered(facts: Facts) -> bool:
    """True when a fetch proves the network works: some server or resolver answered."""
    return facts.status is not None or (
        facts.error is not None and facts.error not in NETWORK_LEVEL
    )
