"""Foreign exceptions become facts once, most specific first; bugs are not disguised as facts."""

from __future__ import annotations

import ssl

import httpx
import pytest

from curator.check.body import DecodingError
from curator.check.facts import ErrorKind
from curator.check.failures import causes, translate
from curator.check.resolver import ResolveError
from curator.check.streams import BlockedAddressError


def chained(outer: BaseException, inner: BaseException) -> BaseException:
    """`outer` raised from `inner`, as httpx and httpcore raise their wrappers."""
    outer.__cause__ = inner
    return outer


def cert_error(code: int, message: str) -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, f"certificate verify failed: {message}")
    error.verify_code = code
    error.verify_message = message
    return error


CASES = [
    (
        "nxdomain",
        ResolveError("a.test", ErrorKind.DNS_NXDOMAIN, "no such name"),
        ErrorKind.DNS_NXDOMAIN,
    ),
    ("servfail", ResolveError("a.test", ErrorKind.DNS_FAILURE, "servfail"), ErrorKind.DNS_FAILURE),
    (
        "blocked",
        BlockedAddressError("a.test", [("10.0.0.1", "private")]),
        ErrorKind.BLOCKED_ADDRESS,
    ),
    ("decoding", DecodingError("invalid gzip data"), ErrorKind.DECODING),
    ("connect-timeout", httpx.ConnectTimeout("t"), ErrorKind.CONNECT_TIMEOUT),
    ("pool-timeout", httpx.PoolTimeout("t"), ErrorKind.CONNECT_TIMEOUT),
    ("read-timeout", httpx.ReadTimeout("t"), ErrorKind.READ_TIMEOUT),
    ("write-timeout", httpx.WriteTimeout("t"), ErrorKind.READ_TIMEOUT),
    (
        "refused",
        chained(httpx.ConnectError(""), ConnectionRefusedError(111, "refused")),
        ErrorKind.CONNECT_REFUSED,
    ),
    (
        "unreachable",
        chained(httpx.ConnectError(""), OSError(101, "Network is unreachable")),
        ErrorKind.CONNECT_ERROR,
    ),
    (
        "expired",
        chained(httpx.ConnectError(""), cert_error(10, "certificate has expired")),
        ErrorKind.TLS_EXPIRED,
    ),
    (
        "self-signed",
        chained(httpx.ConnectError(""), cert_error(18, "self-signed certificate")),
        ErrorKind.TLS_SELF_SIGNED,
    ),
    (
        "self-signed-chain",
        chained(
            httpx.ConnectError(""), cert_error(19, "self-signed certificate in certificate chain")
        ),
        ErrorKind.TLS_SELF_SIGNED,
    ),
    (
        "hostname",
        chained(httpx.ConnectError(""), cert_error(62, "Hostname mismatch")),
        ErrorKind.TLS_HOSTNAME,
    ),
    (
        "unknown-issuer",
        chained(httpx.ConnectError(""), cert_error(20, "unable to get local issuer certificate")),
        ErrorKind.TLS_ERROR,
    ),
    (
        "handshake",
        chained(httpx.ConnectError(""), ssl.SSLError(1, "wrong version number")),
        ErrorKind.TLS_ERROR,
    ),
    (
        "read-reset",
        chained(httpx.ReadError(""), ConnectionResetError(104, "reset")),
        ErrorKind.RESET,
    ),
    ("write-broken", httpx.WriteError("broken pipe"), ErrorKind.RESET),
    (
        "disconnected",
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        ErrorKind.RESET,
    ),
    (
        "incomplete-body",
        httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
        ErrorKind.RESET,
    ),
    (
        "garbage",
        httpx.RemoteProtocolError("illegal status line: bytearray(b'\\x16')"),
        ErrorKind.PROTOCOL,
    ),
    (
        "unsupported",
        httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'ftp://'."),
        ErrorKind.INVALID_URL,
    ),
    ("invalid-url", httpx.InvalidURL("Invalid port"), ErrorKind.INVALID_URL),
    ("idna", UnicodeError("label too long"), ErrorKind.INVALID_URL),
]


@pytest.mark.parametrize(("exc", "kind"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_exceptions_become_error_kinds(exc: BaseException, kind: ErrorKind) -> None:
    result = translate(exc)
    assert result is not None
    assert result[0] is kind
    assert result[1]


def test_tls_details_name_the_certificate_problem() -> None:
    result = translate(chained(httpx.ConnectError(""), cert_error(10, "certificate has expired")))
    assert result is not None and "certificate has expired" in result[1]


@pytest.mark.parametrize("exc", [ValueError("bug"), KeyError("bug"), AttributeError("bug")])
def test_programming_errors_are_not_translated(exc: BaseException) -> None:
    assert translate(exc) is None


def test_causes_walk_chains_contexts_and_groups() -> None:
    leaf = ConnectionRefusedError(111, "refused")
    group = ExceptionGroup("all attempts failed", [OSError("first"), leaf])
    top = chained(httpx.ConnectError(""), chained(OSError("All connection attempts failed"), group))
    assert leaf in list(causes(top))
    result = translate(top)
    assert result is not None and result[0] is ErrorKind.CONNECT_REFUSED
