"""Foreign exceptions turned into facts, once, at the fetcher's boundary; most specific first.

The fetcher calls `translate` on whatever the resolver, the guard, httpx/httpcore, ssl or the
body decoder raised, and records the `ErrorKind` and a human sentence. Verdicts are not
decided here: that is the classifier's job.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import httpx

from curator.check.body import DecodingError
from curator.check.facts import ErrorKind
from curator.check.resolver import ResolveError
from curator.check.streams import BlockedAddressError

# OpenSSL's X509_V_ERR_* codes for the certificate failures an editor can act on.
_CERT_CODES: dict[int, ErrorKind] = {
    10: ErrorKind.TLS_EXPIRED,  # certificate has expired
    18: ErrorKind.TLS_SELF_SIGNED,  # self-signed certificate
    19: ErrorKind.TLS_SELF_SIGNED,  # self-signed certificate in certificate chain
    62: ErrorKind.TLS_HOSTNAME,  # hostname mismatch
    64: ErrorKind.TLS_HOSTNAME,  # IP address mismatch
}
_RESET_MESSAGES = ("server disconnected", "peer closed connection")


def causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, then everything it was raised from or during, exception groups opened."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                stack.append(linked)


def _first(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    return next((c for c in causes(exc) if isinstance(c, kind)), None)


def describe(exc: BaseException) -> str:
    """The first non-empty message along the chain of causes, else the exception's type."""
    for cause in causes(exc):
        text = str(cause).strip()
        if text:
            return text
    return type(exc).__name__


def _tls(exc: BaseException) -> tuple[ErrorKind, str] | None:
    verify = _first(exc, ssl.SSLCertVerificationError)
    if isinstance(verify, ssl.SSLCertVerificationError):
        message = verify.verify_message or getattr(verify, "reason", None) or str(verify)
        kind = _CERT_CODES.get(verify.verify_code, ErrorKind.TLS_ERROR)
        return kind, f"TLS certificate rejected: {message}"
    other = _first(exc, ssl.SSLError)
    if isinstance(other, ssl.SSLError):
        return ErrorKind.TLS_ERROR, f"TLS failed: {getattr(other, 'reason', None) or other}"
    return None


def _connect_error(exc: BaseException) -> tuple[ErrorKind, str]:
    tls = _tls(exc)
    if tls is not None:
        return tls
    if _first(exc, ConnectionRefusedError) is not None:
        return ErrorKind.CONNECT_REFUSED, "connection refused"
    if _first(exc, ConnectionResetError) is not None:
        return ErrorKind.RESET, "connection reset while connecting"
    return ErrorKind.CONNECT_ERROR, f"could not connect: {describe(exc)}"


def translate(exc: BaseException) -> tuple[ErrorKind, str] | None:
    """The fact a fetch failure stands for (kind, human detail); None for exceptions that are
    not network trouble (those are bugs and must propagate)."""
    if isinstance(exc, ResolveError):
        return exc.kind, str(exc)
    if isinstance(exc, BlockedAddressError):
        return ErrorKind.BLOCKED_ADDRESS, str(exc)
    if isinstance(exc, DecodingError):
        return ErrorKind.DECODING, str(exc)
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return ErrorKind.CONNECT_TIMEOUT, "timed out while connecting"
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout | httpx.TimeoutException):
        return ErrorKind.READ_TIMEOUT, "the server stopped sending (read timeout)"
    if isinstance(exc, httpx.ConnectError):
        return _connect_error(exc)
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        tls = _tls(exc)
        if tls is not None and tls[0] is not ErrorKind.TLS_ERROR:
            return tls
        return ErrorKind.RESET, f"the connection broke: {describe(exc)}"
    if isinstance(exc, httpx.RemoteProtocolError):
        text = str(exc)
        if text.lower().startswith(_RESET_MESSAGES):
            return ErrorKind.RESET, f"the connection closed early: {text}"
        return ErrorKind.PROTOCOL, f"not a valid HTTP response: {text}"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return ErrorKind.INVALID_URL, str(exc)
    if isinstance(exc, httpx.ProtocolError):
        return ErrorKind.PROTOCOL, f"HTTP protocol error: {exc}"
    if isinstance(exc, httpx.TransportError):
        return _connect_error(exc)
    if isinstance(exc, UnicodeError):
        return ErrorKind.INVALID_URL, f"invalid host name ({exc})"
    if isinstance(exc, ConnectionError):
        return ErrorKind.RESET, f"the connection broke: {exc}"
    if isinstance(exc, OSError):
        return ErrorKind.CONNECT_ERROR, f"network error: {exc}"
    return None
