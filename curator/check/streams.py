"""Guarded connections: resolve once, check every answer, connect to a checked address.

Checking a name and then letting the HTTP client resolve it again at connect time is a
DNS-rebinding hole. So the check sits where the connection is made: the backend resolves the
host once, drops every answer the address guard forbids, connects to the first allowed answer
that accepts, and keeps the original host name for TLS (SNI and certificate verification).
Every redirect hop opens its connections through here, so every hop is guarded. A connection
runs on asyncio's own transport, and remembers the address it reached.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, cast

import httpx

from curator.check.guard import AddressGuard, parse_address
from curator.check.resolver import Resolver
from curator.errors import CuratorError

SocketOption = tuple[int, int, int | bytes]


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


def active_trace() -> ConnectTrace | None:
    """The trace of the current task's request, if one is being recorded."""
    return _TRACE.get()


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
        # A stream transport, but not necessarily asyncio's class: uvloop's (which uvicorn
        # runs the API process on when it is installed) derive from none of them.
        self.transport = cast(asyncio.Transport, transport)

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


class GuardedStream:
    """A connection on asyncio's own transport, to a checked address it remembers.

    It arms one timer per wait (no cancel scopes), and knows from its buffer whether the
    server has said anything on an idle connection (no poll of the socket)."""

    def __init__(self, receiver: Receiver, address: str) -> None:
        assert receiver.transport is not None
        self._receiver = receiver
        self._transport = receiver.transport
        self.address = address
        self._tls = self._transport.get_extra_info("ssl_object") is not None

    # Waits take a `timeout` for that one wait (a per-URL deadline sits above): hence noqa.
    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        """Read up to `max_bytes`; b"" once the server has ended the connection."""
        receiver = self._receiver
        if not receiver.buffered:
            if not receiver.ended and not await receiver.arrival(timeout):
                raise httpx.ReadTimeout(f"no data within {timeout:g} s")
            if not receiver.buffered:
                if receiver.error is not None:
                    raise httpx.ReadError(str(receiver.error)) from receiver.error
                return b""
        return receiver.take(max_bytes)

    def has_news(self) -> bool:
        """The server has sent something (or its end) that nobody has read."""
        receiver = self._receiver
        return receiver.ended or receiver.buffered > 0

    def buffered(self) -> int:
        """Bytes arrived and not yet read."""
        return self._receiver.buffered

    def take(self, max_bytes: int) -> bytes:
        """Up to `max_bytes` of what has arrived, without waiting (b"" when nothing has)."""
        receiver = self._receiver
        return receiver.take(max_bytes) if receiver.buffered else b""

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
            raise httpx.WriteError(str(cause or "the connection is closed")) from cause
        self._transport.write(buffer)
        if not await receiver.drained(timeout):
            raise httpx.WriteTimeout(f"could not write within {timeout:g} s")

    def close(self) -> None:
        """Close the connection (TLS without a close_notify exchange: nothing is awaited)."""
        if self._tls:
            self._transport.abort()
        else:
            self._transport.close()

    async def aclose(self) -> None:
        """`close`, for callers that await it."""
        self.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> GuardedStream:
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
            raise httpx.ConnectTimeout("TLS handshake timed out") from exc
        except (OSError, ssl.SSLError) as exc:
            self._transport.abort()
            raise httpx.ConnectError(str(exc)) from exc
        if upgraded is None:  # the server closed during the handshake
            raise httpx.ConnectError("the connection closed during the TLS handshake")
        self._receiver.transport = upgraded
        return GuardedStream(self._receiver, self.address)

    def get_extra_info(self, info: str) -> Any:
        """What the fetcher asks of a connection (httpcore's names), plus `curator_address`."""
        if info == "is_readable":
            return self.has_news()
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


class GuardedBackend:
    """Opens connections: resolves once and connects only to allowed addresses."""

    def __init__(self, resolver: Resolver, guard: AddressGuard | None) -> None:
        self._resolver = resolver
        self._guard = guard

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> GuardedStream:
        """Resolve `host`, drop forbidden answers, connect to the first allowed one that answers."""
        allowed = await self.allowed_addresses(host, port)
        trace = _TRACE.get()
        failure: Exception | None = None
        for address in allowed:
            if trace is not None:
                trace.tried.append(address)
            try:
                receiver = await _connect(address, port, timeout, local_address, socket_options)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
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
        socket_options: Iterable[SocketOption] | None = None,
    ) -> GuardedStream:
        """Never: the checker only speaks TCP."""
        raise BlockedAddressError(path, [(path, "unix sockets are not allowed")])


async def _connect(
    address: str,
    port: int,
    timeout: float | None,  # noqa: ASYNC109
    local_address: str | None,
    socket_options: Iterable[SocketOption] | None,
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
        raise httpx.ConnectTimeout(f"no connection to {address} within {timeout:g} s") from exc
    except OSError as exc:
        raise httpx.ConnectError(str(exc)) from exc
    sock = transport.get_extra_info("socket")
    for option in socket_options or ():
        sock.setsockopt(*option)  # asyncio has set TCP_NODELAY already
    return receiver
