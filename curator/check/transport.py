"""The guarded transport: curator's httpx transport, HTTP/1.1 over guarded connections.

Every connection is opened by the guarded backend (`curator.check.streams`: resolve once,
check every answer, connect to a checked address), so every request of every redirect hop is
guarded. HTTP/1.1 itself is `curator.check.connection`. An origin's idle connections are kept
for its next requests, in a dict by origin: httpcore's pool, which this replaces, scanned
every connection it held on each request and took several locks and cancel scopes per
request; the checker needs none of its HTTP/2, proxy or pool-limit machinery (the politeness
limiter bounds concurrency).
"""

from __future__ import annotations

import functools
import os
import ssl
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import certifi
import httpx

from curator.check.connection import Connection, Exchange, request_head
from curator.check.guard import DEFAULT_GUARD, AddressGuard
from curator.check.policy import FetchPolicy
from curator.check.resolver import Resolver, SystemResolver
from curator.check.streams import GuardedBackend, active_trace

KEEPALIVE_EXPIRY = 5.0
"""Seconds an idle connection (and its origin's pool) is kept for reuse."""


@dataclass(slots=True)
class _Origin:
    """An origin's idle connections (the most recently used last) and its requests in flight."""

    idle: list[Connection] = field(default_factory=list)
    in_use: int = 0
    last_used: float = 0.0


def _location(headers: list[tuple[bytes, bytes]]) -> str | None:
    return next((v.decode("latin-1") for k, v in headers if k.lower() == b"location"), None)


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport speaking HTTP/1.1 over GuardedBackend's connections, with the idle
    connections of each origin kept for reuse in a dict: a request takes its origin's most
    recent idle connection, or opens one; nothing scans the other connections."""

    def __init__(
        self,
        backend: GuardedBackend,
        *,
        ssl_context: ssl.SSLContext | None = None,
        max_idle: int = 10,
        idle_expiry: float = KEEPALIVE_EXPIRY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._backend = backend
        self._ssl_context = ssl_context
        self._max_idle = max_idle
        self._idle_expiry = idle_expiry
        self._clock = clock
        self._origins: dict[tuple[bytes, bytes, int], _Origin] = {}
        self._next_sweep = clock() + idle_expiry
        self._closed = False

    @property
    def origins(self) -> int:
        """How many origins have connections kept alive or in use."""
        return len(self._origins)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` over a kept-alive or new connection of its origin."""
        head, body = await _request_bytes(request)
        return await self.send_bytes(request.url, request.method, head, body, request.extensions)

    async def send_bytes(
        self,
        url: httpx.URL,
        method: str,
        head: bytes,
        body: bytes,
        extensions: Mapping[str, Any],
    ) -> httpx.Response:
        """Send a request given as its head's and body's bytes to `url`'s origin; the response
        streams its body, and closing it hands the connection back."""
        scheme = url.raw_scheme
        if scheme not in (b"http", b"https"):
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {scheme!r}")
        now = self._clock()
        if now >= self._next_sweep:
            self._sweep(now)
        port = url.port or (443 if scheme == b"https" else 80)
        key = (scheme, url.raw_host, port)
        origin = self._origins.get(key)
        if origin is None:
            origin = self._origins[key] = _Origin()
        origin.in_use += 1
        origin.last_used = now
        try:
            connection, exchange = await self._exchange(key, origin, method, head, body, extensions)
        except BaseException:
            origin.in_use -= 1
            raise
        trace = active_trace()
        if trace is not None:
            trace.status = exchange.status
            trace.location = _location(exchange.headers)
        return httpx.Response(
            status_code=exchange.status,
            headers=exchange.headers,
            stream=_ResponseStream(self, origin, exchange),
            extensions={
                "http_version": exchange.http_version,
                "reason_phrase": exchange.reason,
                "network_stream": connection.stream,
            },
        )

    async def _exchange(
        self,
        key: tuple[bytes, bytes, int],
        origin: _Origin,
        method: str,
        head: bytes,
        body: bytes,
        extensions: Mapping[str, Any],
    ) -> tuple[Connection, Exchange]:
        timeouts: Mapping[str, float | None] = extensions.get("timeout", {})
        read_timeout, write_timeout = timeouts.get("read"), timeouts.get("write")
        exchange = functools.partial(
            Connection.exchange,
            head=head,
            body=body,
            head_request=method == "HEAD",
            read_timeout=read_timeout,
            write_timeout=write_timeout,
        )
        connection = self._idle_connection(origin)
        if connection is not None:
            try:
                return connection, await exchange(connection)
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
                connection.close()
                # The server closed a kept-alive connection as the request went out (its idle
                # timeout raced ours): a request that changes nothing is sent once more, afresh.
                if connection.heard or method not in ("GET", "HEAD"):
                    raise
            except BaseException:
                connection.close()
                raise
        connection = await self._open(key, extensions.get("sni_hostname"), timeouts.get("connect"))
        try:
            return connection, await exchange(connection)
        except BaseException:
            connection.close()
            raise

    def _idle_connection(self, origin: _Origin) -> Connection | None:
        """The origin's most recently used idle connection that may carry a request."""
        idle = origin.idle
        while idle:
            connection = idle.pop()
            if connection.reusable() and origin.last_used - connection.idle_since <= (
                self._idle_expiry
            ):
                return connection
            connection.close()
        return None

    async def _open(
        self,
        key: tuple[bytes, bytes, int],
        sni_hostname: str | None,
        timeout: float | None,  # noqa: ASYNC109 (the connect timeout, as the streams take it)
    ) -> Connection:
        scheme, raw_host, port = key
        host = raw_host.decode("ascii")
        stream = await self._backend.connect_tcp(host, port, timeout=timeout)
        if scheme == b"https":
            if self._ssl_context is None:
                # Made at the first https address: loading the trust store costs a run of
                # http addresses (and every recheck's fetcher) about 40 ms for nothing.
                self._ssl_context = default_ssl_context()
                self._ssl_context.set_alpn_protocols(["http/1.1"])
            context = self._ssl_context
            name = sni_hostname or host
            stream = await stream.start_tls(context, server_hostname=name, timeout=timeout)
        return Connection(stream)

    def release(self, origin: _Origin, exchange: Exchange) -> None:
        """A response is closed: keep its connection for the origin's next request if it can."""
        origin.in_use -= 1
        connection = exchange.connection
        now = self._clock()
        connection.finished(exchange, now)
        origin.last_used = now
        if not connection.reusable() or self._closed or len(origin.idle) >= self._max_idle:
            connection.close()
        else:
            origin.idle.append(connection)

    def _sweep(self, now: float) -> None:
        """Close connections idle for longer than the keep-alive expiry; forget origins with
        none kept and none in use."""
        self._next_sweep = now + self._idle_expiry
        stale: list[tuple[bytes, bytes, int]] = []
        for key, origin in self._origins.items():
            if origin.idle:
                kept = [c for c in origin.idle if now - c.idle_since <= self._idle_expiry]
                for connection in origin.idle:
                    if now - connection.idle_since > self._idle_expiry:
                        connection.close()
                origin.idle = kept
            if not origin.idle and origin.in_use <= 0:
                stale.append(key)
        for key in stale:
            del self._origins[key]

    async def aclose(self) -> None:
        """Close every kept-alive connection (those in use close with their responses)."""
        self._closed = True
        origins, self._origins = list(self._origins.values()), {}
        for origin in origins:
            for connection in origin.idle:
                connection.close()
            origin.idle.clear()


async def _request_bytes(request: httpx.Request) -> tuple[bytes, bytes]:
    """A request's head and body as sent (a body of unknown length goes as one chunk)."""
    raw = request.headers.raw
    body = b""
    framed = any(n.lower() in (b"content-length", b"transfer-encoding") for n, _ in raw)
    if framed:
        body = await request.aread()
        if request.headers.get("transfer-encoding", "").lower() == "chunked":
            body = (b"%x\r\n%b\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"
    return request_head(request.method.encode("ascii"), request.url.raw_path, raw), body


class _ResponseStream(httpx.AsyncByteStream):
    """A response's body as it arrives; closing it hands the connection back."""

    __slots__ = ("_transport", "_origin", "_exchange", "_open")

    def __init__(self, transport: GuardedTransport, origin: _Origin, exchange: Exchange) -> None:
        self._transport = transport
        self._origin = origin
        self._exchange = exchange
        self._open = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        exchange = self._exchange
        while piece := await exchange.next_piece():
            yield piece

    async def aclose(self) -> None:
        if self._open:
            self._open = False
            self._exchange.drain_buffered()
            self._transport.release(self._origin, self._exchange)


def default_ssl_context() -> ssl.SSLContext:
    """Verify certificates against the system trust store (SSL_CERT_FILE / SSL_CERT_DIR honoured).

    OpenSSL reads the two variables when the default verify paths are loaded. Where the
    system has no trust store at all and neither variable is set, certifi's bundle is used.
    """
    context = ssl.create_default_context()
    paths = ssl.get_default_verify_paths()
    configured = any(os.environ.get(name) for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"))
    if not configured and not (paths.cafile or paths.capath):
        context.load_verify_locations(cafile=certifi.where())
    return context


class KeepNoCookies(httpx.Cookies):
    """The client's own jar: it keeps no cookie between URLs (the fetcher keeps a jar per
    fetch) and does not even read them. httpx hands every response to its client's jar, and a
    jar whose policy refuses everything still copies the request and every header into
    urllib's cookie machinery first (about a twentieth of a request's CPU)."""

    def __init__(self) -> None:
        super().__init__(CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])))

    def extract_cookies(self, response: httpx.Response) -> None:
        """Keep nothing."""

    def set(self, name: str, value: str, domain: str = "", path: str = "/") -> None:
        """Keep nothing."""


def request_headers(policy: FetchPolicy) -> dict[str, str]:
    """The headers every check sends: curator's User-Agent, HTML first, gzip/deflate only."""
    return {
        "User-Agent": policy.user_agent,
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Language": "en-GB,en;q=0.9,*;q=0.5",
        # Only encodings the fetcher decodes itself with a bound on output bytes.
        "Accept-Encoding": "gzip, deflate",
    }


class GuardedClient(httpx.AsyncClient):
    """The checker's httpx client over a GuardedTransport. Besides httpx's API it offers
    `get_streamed`: a GET sent the way `send(build_request("GET", url), stream=True)` sends
    it, without the layers of a request that uses none of them (auth flow, redirect and
    cookie handling, hooks, the request model): a fifth of a fetch's CPU."""

    def __init__(self, *, transport: GuardedTransport, **kwargs: Any) -> None:
        super().__init__(transport=transport, **kwargs)
        self._guarded = transport

    def _plain(self, url: httpx.URL) -> bool:
        """Would `send` add nothing to a GET of `url` but its Host and the client's headers?"""
        hooks = self.event_hooks
        return not (
            url.userinfo
            or self.auth is not None
            or hooks["request"]
            or hooks["response"]
            or self.params
            or self.base_url.raw_host
            or self.cookies
        )

    async def get_streamed(self, url: httpx.URL) -> httpx.Response:
        """GET the absolute `url`; the response's body is streamed (close it). Its `request`
        is not set when the short way was taken: its caller knows the URL it asked for."""
        if not self._plain(url):
            return await self.send(self.build_request("GET", url), stream=True)
        head = request_head(b"GET", url.raw_path, [(b"Host", url.netloc), *self.headers.raw])
        extensions = {"timeout": self.timeout.as_dict()}
        return await self._guarded.send_bytes(url, "GET", head, b"", extensions)


def build_client(
    policy: FetchPolicy,
    *,
    resolver: Resolver | None = None,
    ssl_context: ssl.SSLContext | None = None,
    guard: AddressGuard | None = None,
) -> GuardedClient:
    """The checker's httpx client: guarded connections (unless private addresses are allowed),
    verified TLS, the policy's timeouts, no automatic redirects, decoding or cookies."""
    backend = GuardedBackend(
        resolver if resolver is not None else SystemResolver(timeout=policy.connect_timeout),
        None if policy.allow_private_addresses else (guard or DEFAULT_GUARD),
    )
    if ssl_context is not None:
        ssl_context.set_alpn_protocols(["http/1.1"])

    timeout = httpx.Timeout(
        connect=policy.connect_timeout,
        read=policy.read_timeout,
        write=policy.read_timeout,
        pool=policy.url_deadline,
    )
    client = GuardedClient(
        transport=GuardedTransport(
            backend,
            ssl_context=ssl_context,
            max_idle=policy.per_host_concurrency,
            idle_expiry=KEEPALIVE_EXPIRY,
        ),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
        headers=request_headers(policy),
    )
    # httpx's setter would copy the jar into a plain one: the client's own attribute it is.
    client._cookies = KeepNoCookies()
    return client
