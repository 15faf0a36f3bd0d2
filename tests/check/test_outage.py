"""Telling the checker's dead network from dead sites (pure)."""

from __future__ import annotations

import pytest

from curator.check.facts import ErrorKind, Facts, Hop
from curator.check.outage import Attempt, answered, network_down

DNS, CONNECT, TIMEOUT = ErrorKind.DNS_FAILURE, ErrorKind.CONNECT_ERROR, ErrorKind.CONNECT_TIMEOUT


def tried(host: str, error: ErrorKind | None = None, status: int | None = None) -> Attempt:
    return Attempt(host=host, error=error, status=status)


CASES = {
    "nothing-tried": ([], False),
    "a-read-timeout-means-it-connected": ([tried("a", ErrorKind.READ_TIMEOUT)], False),
    "every-host-fails-before-answering": (
        [tried("a", DNS), tried("b", CONNECT), tried("c", TIMEOUT)],
        True,
    ),
    "one-host-one-failure": ([tried("a", DNS)], True),
    "one-host-answers": ([tried("a", DNS), tried("b", status=200)], False),
    "a-404-is-an-answer": ([tried("a", DNS), tried("b", status=404)], False),
    "nxdomain-is-an-answer": ([tried("a", DNS), tried("b", ErrorKind.DNS_NXDOMAIN)], False),
    "refused-is-an-answer": ([tried("a", DNS), tried("b", ErrorKind.CONNECT_REFUSED)], False),
    "a-tls-failure-is-an-answer": ([tried("a", DNS), tried("b", ErrorKind.TLS_EXPIRED)], False),
    "a-host-answering-once-is-up": ([tried("a", DNS), tried("a", status=200)], False),
}


@pytest.mark.parametrize(("attempts", "down"), list(CASES.values()), ids=list(CASES))
def test_network_down(attempts: list[Attempt], down: bool) -> None:
    assert network_down(attempts) is down


def test_attempt_names_the_host_it_last_tried() -> None:
    facts = Facts(
        url="http://old.example/x",
        hops=(
            Hop("http://old.example/x", 301, location="https://new.example/x"),
            Hop("https://new.example/x", None),
        ),
        error=CONNECT,
    )
    attempt = Attempt.of(facts)
    assert attempt == Attempt(host="new.example", error=CONNECT, status=None)
    assert attempt.network_level


def test_answered() -> None:
    assert answered(Facts(url="http://a/", status=503))
    assert answered(Facts(url="http://a/", error=ErrorKind.DNS_NXDOMAIN))
    assert not answered(Facts(url="http://a/", error=DNS))
    assert not answered(Facts(url="http://a/", error=TIMEOUT))
