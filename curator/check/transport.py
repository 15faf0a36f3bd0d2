"""The guarded transport: resolve once, check every answer, connect to a checked address.

Checking a name and then letting the HTTP client resolve it again at connect time is a
DNS-rebinding hole. So the check sits where the connection is made: a custom httpcore
network backend given to the connection pool. It resolves the host once, drops every answer
the address guard forbids, connects to the first allowed answer that accepts, and keeps the
original host name for TLS (SNI and certificate verification). Every redirect hop opens its
connections through here, so every hop is guarded.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import SimpleNamespace
from typing import Any

import anyio
import certifi
import httpcore
import httpx
from httpcore import _synchronization as httpcore_sync

from curator.check.guard import DEFAULT_GUARD, AddressGuard, parse_address
from curator.check.policy import FetchPolicy
from curator.check.resolver import Resolver, SystemResolver
from curator.errors import CuratorError

KEEPALIVE_EXPIRY = 5.0
"""Seconds an idle connection (and its origin's pool) is kept for reuse."""


class BlockedAddressError(CuratorError):
    """Every address of a host is forbidden by the address guard; nothing was connected to."""

    def __init__(self, host: str, refused: Iterable[tuple[str, str]]) -> None:
        self.host = host
        self.refused: tuple[tuple[str, str], ...] = tuple(refused)
        shown = "; ".join(f"{address}: {reason}" for address, reason in self.refused)
        super().__init__(f"refused to connect to {host} ({shown})")


@dataclass(slots=True)
class ConnectTrace:
    """What the transport saw while a trace was active: addresses, and the response's head."""

    tried: list[str] = field(default_factory=list)
    connected: str | None = None
    status: int | None = None
    """The status of the response the transport returned (kept even if httpx then fails)."""
    location: str | None = None


_TRACE: ContextVar[ConnectTrace | None] = ContextVar("curator_connect_trace", default=None)


def connect_trace() -> _Tracing:
    """Record the connections the current task opens inside the block."""
    return _Tracing()


class _Tracing:
    """The block of `connect_trace` (a class, not a generator: one per request)."""

    __slots__ = ("_trace", "_token")

    def __init__(self) -> None:
        self._trace = ConnectTrace()

    def __enter__(self) -> ConnectTrace:
        self._token = _TRACE.set(self._trace)
        return self._trace

    def __exit__(self, *exc_info: object) -> None:
        _TRACE.reset(self._token)


READ_BUFFER = 256 * 1024
"""Bytes a connection buffers ahead of its reader; past it, the socket is not read until the
reader catches up (a server sending a huge body fills the kernel's buffers, not ours)."""


class Receiver(asyncio.Protocol):
    """The asyncio protocol under a GuardedStream: buffers what arrives (bounded) and wakes
    the one reader waiting for it."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.buffered = 0
        self.ended = False
        """The server has sent its end (EOF) or the connection is lost."""
        self.error: BaseException | None = None
        self._paused = False
        self._waiter: asyncio.Future[bool] | None = None
        self._writable: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.buffered += len(data)
        if self.buffered > READ_BUFFER and not self._paused and self.transport is not None:
            self._paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> None:
        self.ended = True
        self._wake()  # returning None: asyncio closes the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.ended = True
        self.error = exc
        self._wake()
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)

    def pause_writing(self) -> None:
        self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)
        self._writable = None

    def take(self, max_bytes: int) -> bytes:
        """Up to `max_bytes` of what is buffered (at least one byte is buffered)."""
        chunk = self.chunks.popleft()
        if len(chunk) > max_bytes:
            self.chunks.appendleft(chunk[max_bytes:])
            chunk = chunk[:max_bytes]
        self.buffered -= len(chunk)
        if self._paused and self.buffered <= READ_BUFFER // 2 and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        return chunk

    async def arrival(self, timeout: float | None) -> bool:  # noqa: ASYNC109
        """Wait until data or the end arrives; False when `timeout` seconds pass first."""
        loop = asyncio.get_running_loop()
        waiter = self._waiter = loop.create_future()
        expiry = None if timeout is None else loop.call_later(timeout, _expire, waiter)
        try:
            await waiter
        finally:
            self._waiter = None
            if expiry is not None:
                expiry.cancel()
        return not waiter.result()

    async def drained(self, timeout: float | None) -> bool:  # noqa: ASYNC109
        """Wait until the transport takes writes again; False when `timeout` passes first."""
        writable = self._writable
        if writable is None:
            return True
        try:
            async with asyncio.timeout(timeout):
                await asyncio.shield(writable)
        except TimeoutError:
            return False
        return True

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(False)


def _expire(waiter: asyncio.Future[bool]) -> None:
    if not waiter.done():
        waiter.set_result(True)


class GuardedStream(httpcore.AsyncNetworkStream):
    """A connection on asyncio's own transport, to a checked address it remembers.

    httpcore's default (anyio) stream opens a cancel scope for every read and write and polls
    the socket each time the pool asks whether an idle connection is readable; this one
    arms one timer per wait and knows from its buffer whether the server has said anything."""

    def __init__(self, receiver: Receiver, address: str) -> None:
        assert receiver.transport is not None
        self._receiver = receiver
        self._transport = receiver.transport
        self.address = address
        self._tls = self._transport.get_extra_info("ssl_object") is not None

    # httpcore's stream and backend interfaces take `timeout` arguments: hence the noqa below.
    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        """Read up to `max_bytes`; b"" once the server has ended the connection."""
        receiver = self._receiver
        if not receiver.buffered:
            if not receiver.ended and not await receiver.arrival(timeout):
                raise httpcore.ReadTimeout(f"no data within {timeout:g} s")
            if not receiver.buffered:
                if receiver.error is not None:
                    raise httpcore.ReadError(str(receiver.error)) from receiver.error
                return b""
        return receiver.take(max_bytes)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Write all of `buffer` (and note this connection's address in the active trace)."""
        if not buffer:
            return
        trace = _TRACE.get()
        if trace is not None:
            # A pooled connection is reused without a connect: the request's write says where.
            trace.connected = self.address
        receiver = self._receiver
        if receiver.error is not None or self._transport.is_closing():
            cause = receiver.error
            raise httpcore.WriteError(str(cause or "the connection is closed")) from cause
        self._transport.write(buffer)
        if not await receiver.drained(timeout):
            raise httpcore.WriteTimeout(f"could not write within {timeout:g} s")

    async def aclose(self) -> None:
        """Close the connection (TLS without a close_notify exchange: nothing is awaited)."""
        if self._tls:
            self._transport.abort()
        else:
            self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> httpcore.AsyncNetworkStream:
        """Upgrade to TLS, verifying the certificate against `server_hostname` (the URL's host)."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                upgraded = await loop.start_tls(
                    self._transport,
                    self._receiver,
                    ssl_context,
                    server_hostname=server_hostname,
                )
        except TimeoutError as exc:
            self._transport.abort()
            raise httpcore.ConnectTimeout("TLS handshake timed out") from exc
        except (OSError, ssl.SSLError) as exc:
            self._transport.abort()
            raise httpcore.ConnectError(str(exc)) from exc
        if upgraded is None:  # the server closed during the handshake
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        self._receiver.transport = upgraded
        return GuardedStream(self._receiver, self.address)

    def get_extra_info(self, info: str) -> Any:
        """What httpcore and the fetcher ask of a connection, plus `curator_address`."""
        if info == "is_readable":
            # Asked of idle pooled connections: anything from the server, its end included,
            # means the connection cannot carry another request.
            receiver = self._receiver
            return receiver.ended or receiver.buffered > 0
        if info == "curator_address":
            return self.address
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        return None


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves once and connects only to allowed addresses."""

    def __init__(self, resolver: Resolver, guard: AddressGuard | None) -> None:
        self._resolver = resolver
        self._guard = guard

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve `host`, drop forbidden answers, connect to the first allowed one that answers."""
        allowed = await self.allowed_addresses(host, port)
        trace = _TRACE.get()
        failure: Exception | None = None
        for address in allowed:
            if trace is not None:
                trace.tried.append(address)
            try:
                receiver = await _connect(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            if trace is not None:
                trace.connected = address
            return GuardedStream(receiver, address)
        assert failure is not None  # allowed_addresses never returns an empty list
        raise failure

    async def allowed_addresses(self, host: str, port: int) -> list[str]:
        """The addresses of `host` the guard allows, in order; raises BlockedAddressError."""
        literal = parse_address(host)
        if literal is not None:
            candidates = [str(literal)]
        else:
            candidates = await self._resolver.resolve(host, port)
        if self._guard is None:
            return candidates
        allowed: list[str] = []
        refused: list[tuple[str, str]] = []
        for address in candidates:
            try:
                reason = self._guard.check(address)
            except ValueError:
                reason = "not an IP address"
            if reason is None:
                allowed.append(address)
            else:
                refused.append((address, reason))
        if not allowed:
            raise BlockedAddressError(host, refused)
        return allowed

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Never: the checker only speaks TCP."""
        raise BlockedAddressError(path, [(path, "unix sockets are not allowed")])

    async def sleep(self, seconds: float) -> None:
        """Sleep (used by httpcore between connect retries)."""
        await asyncio.sleep(seconds)


async def _connect(
    address: str,
    port: int,
    timeout: float | None,  # noqa: ASYNC109
    local_address: str | None,
    socket_options: Iterable[httpcore.SOCKET_OPTION] | None,
) -> Receiver:
    """A TCP connection to `address` (an IP address: nothing is resolved here)."""
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            transport, receiver = await loop.create_connection(
                Receiver,
                address,
                port,
                local_addr=(local_address, 0) if local_address else None,
            )
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(f"no connection to {address} within {timeout:g} s") from exc
    except OSError as exc:
        raise httpcore.ConnectError(str(exc)) from exc
    sock = transport.get_extra_info("socket")
    for option in socket_options or ():
        sock.setsockopt(*option)  # asyncio has set TCP_NODELAY already
    return receiver


# httpcore's exceptions and the httpx ones a caller of an httpx client expects; most
# specific first, the first match wins.
_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProxyError, httpx.ProxyError),
)


def _httpx_error(exc: Exception) -> Exception:
    """The httpx exception a caller of an httpx client expects for httpcore's `exc`."""
    if isinstance(exc, httpcore.ConnectionNotAvailable):
        return httpx.ConnectError(str(exc))
    mapped = next((to for frm, to in _EXCEPTIONS if isinstance(exc, frm)), None)
    return exc if mapped is None else mapped(str(exc))


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpcore.Response, on_close: Callable[[], None]) -> None:
        self._inner = inner
        self._on_close: Callable[[], None] | None = on_close

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._inner.aiter_stream():
                yield part
        except Exception as exc:
            mapped = _httpx_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        except Exception as exc:
            mapped = _httpx_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        finally:
            if self._on_close is not None:
                self._on_close()
                self._on_close = None


@dataclass(slots=True)
class _OriginPool:
    pool: httpcore.AsyncConnectionPool
    in_use: int = 0
    last_used: float = 0.0

    def release(self) -> None:
        self.in_use -= 1


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport whose connections go through GuardedBackend: one small httpcore pool
    per origin, since httpcore's pool scans every connection it holds on each request."""

    def __init__(
        self,
        make_pool: Callable[[], httpcore.AsyncConnectionPool],
        *,
        idle_expiry: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._make_pool = make_pool
        self._idle_expiry = idle_expiry
        self._clock = clock
        self._pools: dict[tuple[bytes, bytes, int | None], _OriginPool] = {}
        self._next_sweep = clock() + idle_expiry

    @property
    def origins(self) -> int:
        """How many origins have a pool (with connections kept alive or in use)."""
        return len(self._pools)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` through its origin's guarded pool."""
        assert isinstance(request.stream, httpx.AsyncByteStream)
        await self._sweep()
        key = (request.url.raw_scheme, request.url.raw_host, request.url.port)
        entry = self._pools.get(key)
        if entry is None:
            entry = self._pools[key] = _OriginPool(self._make_pool())
        entry.in_use += 1
        entry.last_used = self._clock()
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            response = await entry.pool.handle_async_request(core_request)
        except Exception as exc:
            entry.release()
            mapped = _httpx_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        except BaseException:
            entry.release()
            raise
        trace = _TRACE.get()
        if trace is not None:
            trace.status = response.status
            trace.location = next(
                (v.decode("latin-1") for k, v in response.headers if k.lower() == b"location"),
                None,
            )
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response, entry.release),
            extensions=response.extensions,
        )

    async def _sweep(self) -> None:
        """Close the pools of origins unused for longer than the keep-alive expiry."""
        now = self._clock()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self._idle_expiry
        stale = [
            key
            for key, entry in self._pools.items()
            if entry.in_use <= 0 and now - entry.last_used > self._idle_expiry
        ]
        for key in stale:
            await self._pools.pop(key).pool.aclose()

    async def aclose(self) -> None:
        """Close every pooled connection."""
        pools, self._pools = list(self._pools.values()), {}
        for entry in pools:
            await entry.pool.aclose()


def asyncio_primitives_in_httpcore() -> None:
    """Let httpcore's connections lock with asyncio's Lock and Event instead of anyio's.

    An uncontended anyio lock still yields to the event loop once, and so does waiting on an
    anyio event that is already set: an HTTP/1.1 request through httpcore's pool takes three
    locks and waits on one set event, four extra turns of the loop, each resuming every frame
    of the request. asyncio's own primitives yield only when they must wait. httpcore picks its
    primitives through its synchronization module's `anyio` name, which this points at
    asyncio's Lock and Event; cancel scopes, semaphores and timeouts stay anyio's. It changes
    nothing when httpcore is laid out differently.
    """
    if getattr(httpcore_sync, "anyio", None) is not anyio:
        return  # done already, or not the httpcore this was written for
    httpcore_sync.anyio = SimpleNamespace(  # type: ignore[attr-defined,assignment]
        Lock=asyncio.Lock,
        Event=asyncio.Event,
        Semaphore=anyio.Semaphore,
        CancelScope=anyio.CancelScope,
        fail_after=anyio.fail_after,
    )


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


def build_client(
    policy: FetchPolicy,
    *,
    resolver: Resolver | None = None,
    ssl_context: ssl.SSLContext | None = None,
    guard: AddressGuard | None = None,
) -> httpx.AsyncClient:
    """The checker's httpx client: guarded connections (unless private addresses are allowed),
    verified TLS, the policy's timeouts, no automatic redirects, decoding or cookies."""
    asyncio_primitives_in_httpcore()
    backend = GuardedBackend(
        resolver if resolver is not None else SystemResolver(timeout=policy.connect_timeout),
        None if policy.allow_private_addresses else (guard or DEFAULT_GUARD),
    )
    context = ssl_context if ssl_context is not None else default_ssl_context()

    def make_pool() -> httpcore.AsyncConnectionPool:
        return httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=None,  # concurrency is bounded by the politeness limiter
            max_keepalive_connections=policy.per_host_concurrency,
            keepalive_expiry=KEEPALIVE_EXPIRY,
            http1=True,
            http2=False,
            network_backend=backend,
        )

    timeout = httpx.Timeout(
        connect=policy.connect_timeout,
        read=policy.read_timeout,
        write=policy.read_timeout,
        pool=policy.url_deadline,
    )
    client = httpx.AsyncClient(
        transport=GuardedTransport(make_pool, idle_expiry=KEEPALIVE_EXPIRY),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
        headers=request_headers(policy),
    )
    # httpx's setter would copy the jar into a plain one: the client's own attribute it is.
    client._cookies = KeepNoCookies()
    return client
