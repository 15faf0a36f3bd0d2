"""A kit of real HTTP test sites on 127.0.0.x, friendly and hostile, for the checker's tests.

    site = await sites.add("helpline.test", routes={"/": page("Helpline", "Call 0800 1111")})
    facts = await sites.fetcher(settings).fetch(site.url("/"))

Each site is a plain `asyncio.start_server` on its own loopback address (Linux routes all of
127/8 to lo), so hostile behaviours are exact bytes on a socket: hangs, drips, resets,
garbage, oversized headers, half-closes, gzip bombs and endless bodies. `sites.resolver` maps
the sites' names to their addresses; `sites.ssl_context` trusts the kit's own CA (trustme),
and TLS sites can serve valid, self-signed, expired or wrong-host certificates.
Every server and connection is closed when the kit is closed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import gzip
import socket
import ssl
import struct
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from curator.check.checker import Checker
from curator.check.fetcher import Fetcher
from curator.check.resolver import StaticResolver
from curator.check.video import VideoLookup
from curator.settings import Settings

TLSMode = Literal["valid", "self_signed", "expired", "wrong_host"]
_REQUEST_LIMIT = 64 * 1024
_CHUNK = 64 * 1024
_REASONS = {
    200: "OK", 204: "No Content", 301: "Moved Permanently", 302: "Found", 303: "See Other",
    307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 410: "Gone",
    429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout", 999: "Request denied",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Request:
    """A request a test site received."""

    method: str
    target: str
    headers: Mapping[str, str]

    @property
    def path(self) -> str:
        """The target without its query string."""
        return self.target.split("?", 1)[0]


class Behaviour:
    """Something a site does on a connection after reading a request."""

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Act on the connection; True when the connection may serve another request."""
        raise NotImplementedError


@dataclass(frozen=True)
class Response(Behaviour):
    """An ordinary HTTP response, optionally delayed or gzip-compressed."""

    status: int = 200
    body: bytes | str = b""
    headers: Iterable[tuple[str, str]] = ()
    content_type: str | None = "text/html; charset=utf-8"
    delay: float = 0.0
    """Seconds before the response starts (a simulated latency)."""
    gzip: bool = False

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Send the whole response; the connection stays open for the next request."""
        if self.delay:
            await asyncio.sleep(self.delay)
        body = self.body.encode() if isinstance(self.body, str) else self.body
        headers = list(self.headers)
        if self.gzip:
            body = gzip.compress(body)
            headers.append(("Content-Encoding", "gzip"))
        if self.content_type is not None:
            headers.append(("Content-Type", self.content_type))
        headers.append(("Content-Length", str(len(body))))
        await site.send(writer, _head(self.status, headers) + body)
        return request.headers.get("connection", "").lower() != "close"


def page(title: str, *paragraphs: str, status: int = 200, headings: Iterable[str] = ()) -> Response:
    """An HTML page with a title, h1 headings and paragraphs."""
    hs = "".join(f"<h1>{h}</h1>" for h in headings)
    ps = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (
        f"<!doctype html><html><head><title>{title}</title></head>"
        f"<body><nav>Home | About | Contact</nav><main>{hs}{ps}</main>"
        f"<footer>Copyright</footer></body></html>"
    )
    return Response(status=status, body=html)


def redirect(location: str, status: int = 302) -> Response:
    """A redirect to `location` (absolute or relative)."""
    return Response(status=status, headers=[("Location", location)], content_type=None)


NOT_FOUND = page("Not Found", "The page you asked for does not exist.", status=404)


class Responses(Behaviour):
    """A different response per request, in turn; the last one repeats."""

    def __init__(self, *responses: Behaviour) -> None:
        self._responses = list(responses)
        self.served = 0

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Answer with the next response of the list."""
        index = min(self.served, len(self._responses) - 1)
        self.served += 1
        return await self._responses[index].respond(site, request, writer)


class Hang(Behaviour):
    """Accept the request and never answer (until the kit closes)."""

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Wait for the end of the test."""
        await site.closing.wait()
        return False


@dataclass(frozen=True)
class Drip(Behaviour):
    """A valid response sent one byte every `interval` seconds (defeats per-read timeouts)."""

    interval: float = 1.0
    body: bytes = b"<html><title>slow</title>" + b"x" * 10_000

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Drip the response until the client goes away."""
        data = _head(200, [("Content-Length", str(len(self.body)))]) + self.body
        for i in range(len(data)):
            if writer.is_closing():
                break
            await site.send(writer, data[i : i + 1])
            await asyncio.sleep(self.interval)
        return False


@dataclass(frozen=True)
class ResetMidBody(Behaviour):
    """Promise a long body, send part of it, then reset the connection (RST)."""

    promised: int = 100_000
    sent: int = 1_000

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Send part of the body and abort with a TCP reset."""
        head = _head(200, [("Content-Type", "text/html"), ("Content-Length", str(self.promised))])
        await site.send(writer, head + b"a" * self.sent)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
        return False


@dataclass(frozen=True)
class Garbage(Behaviour):
    """Answer with bytes that are not HTTP, then close."""

    data: bytes = b"\x16\x03\x01\x00\xa5garbage\x00\xff\xfe not http at all\r\n\r\n" * 64

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Send the garbage."""
        await site.send(writer, self.data)
        return False


@dataclass(frozen=True)
class HugeHeaders(Behaviour):
    """A status line followed by `size` bytes of headers."""

    size: int = 1024 * 1024

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Send the headers as long as the client reads them."""
        await site.send(writer, b"HTTP/1.1 200 OK\r\n")
        line = b"X-Padding: " + b"p" * 1000 + b"\r\n"
        for _ in range(self.size // len(line)):
            if writer.is_closing():
                break
            await site.send(writer, line)
        return False


@dataclass(frozen=True)
class HalfClose(Behaviour):
    """Send a head promising more than is sent, then shut down writing while still reading."""

    promised: int = 10_000
    sent: int = 100
    before_response: bool = False
    """Shut down writing before sending anything at all."""

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Half-close the connection and wait for the client to give up."""
        if not self.before_response:
            head = _head(
                200, [("Content-Type", "text/html"), ("Content-Length", str(self.promised))]
            )
            await site.send(writer, head + b"b" * self.sent)
        if writer.can_write_eof():
            writer.write_eof()
        await site.closing.wait()
        return False


@functools.cache
def _bomb_parts(block_size: int) -> tuple[bytes, bytes]:
    """The gzip header with one compressed block of zeros, and one more block on its own.

    After a full flush the compressor forgets its history, so the second part is the same
    bytes for every further block: a bomb of any size is streamed by repeating it, with no
    compression work (which would hog the event loop the test client shares).
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(block_size)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    unit = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first, unit


@dataclass(frozen=True)
class GzipBomb(Behaviour):
    """A valid gzip body of `size` zero bytes, streamed from one small repeated piece."""

    size: int = 1024**3
    block: int = 1024 * 1024

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Stream the bomb until it is all sent or the client goes away."""
        headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
        await site.send(writer, _head(200, headers + [("Connection", "close")]))
        first, unit = _bomb_parts(self.block)
        zeros = bytes(self.block)
        crc = 0
        blocks = max(1, self.size // self.block)
        for index in range(blocks):
            if writer.is_closing():
                return False
            crc = zlib.crc32(zeros, crc)
            await site.send(writer, first if index == 0 else unit)
            await asyncio.sleep(0)  # let the client run even while the socket buffer has room
        # An empty final block, then the gzip trailer: CRC-32 and length modulo 2**32.
        trailer = struct.pack("<II", crc, (blocks * self.block) & 0xFFFFFFFF)
        await site.send(writer, b"\x03\x00" + trailer)
        return False


@dataclass(frozen=True)
class StreamedBody(Behaviour):
    """A body of `size` bytes (or endless when None) streamed in chunks, never held whole."""

    size: int | None = None
    content_type: str = "text/html"

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Stream the body until it is all sent or the client goes away."""
        headers = [("Content-Type", self.content_type), ("Connection", "close")]
        if self.size is not None:
            headers.append(("Content-Length", str(self.size)))
        await site.send(writer, _head(200, headers))
        chunk = b"<p>" + b"a" * (_CHUNK - 7) + b"</p>"
        left = self.size
        while (left is None or left > 0) and not writer.is_closing():
            part = chunk if left is None or left >= len(chunk) else chunk[:left]
            await site.send(writer, part)
            if left is not None:
                left -= len(part)
        return False


class CloseAtOnce(Behaviour):
    """Read the request and close without a word."""

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Close."""
        return False


Handler = Behaviour | Callable[[Request], Behaviour]


def _head(status: int, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class Site:
    """One test site: a name, a loopback address and port, routes, and what it has seen."""

    host: str
    address: str
    routes: dict[str, Handler]
    fallback: Handler
    closing: asyncio.Event
    scheme: str = "http"
    port: int = 0
    connections: int = 0
    requests: list[Request] = field(default_factory=list)
    bytes_sent: int = 0
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def url(self, path: str = "/") -> str:
        """An absolute URL on this site by its host name."""
        return f"{self.scheme}://{self.host}:{self.port}{path}"

    def address_url(self, path: str = "/") -> str:
        """An absolute URL on this site by its IP address."""
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.scheme}://{host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> None:
        """Add or replace the handler of `path` (exact target, or path without query)."""
        self.routes[path] = handler

    def hits(self, path: str) -> int:
        """How many requests asked for `path`."""
        return sum(1 for r in self.requests if r.path == path)

    async def send(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        """Write and drain, counting the bytes."""
        writer.write(data)
        self.bytes_sent += len(data)
        await writer.drain()

    def _handler(self, request: Request) -> Behaviour:
        chosen = self.routes.get(request.target) or self.routes.get(request.path) or self.fallback
        return chosen if isinstance(chosen, Behaviour) else chosen(request)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve requests on one connection until a behaviour ends it."""
        self.connections += 1
        self._writers.add(writer)
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
        try:
            while not self.closing.is_set():
                request = await _read_request(reader)
                if request is None:
                    break
                self.requests.append(request)
                if not await self._handler(request).respond(self, request, writer):
                    break
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the client went away or sent more than a request head may be
        finally:
            self._writers.discard(writer)
            writer.close()

    def abort_connections(self) -> None:
        """Drop every open connection (teardown)."""
        for writer in list(self._writers):
            writer.transport.abort()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = (lines[0].split(" ", 2) + ["", ""])[:3]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return Request(method, target, headers)


def _self_signed(host: str) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


class Sites:
    """Starts test sites on 127.0.0.2, .3, …; resolves their names; closes them all."""

    def __init__(self, first_address: int = 2) -> None:
        self._next = first_address
        self.sites: list[Site] = []
        self._servers: list[asyncio.Server] = []
        self.closing = asyncio.Event()
        self.resolver = StaticResolver()
        self.ca = trustme.CA()
        self.ssl_context = ssl.create_default_context()
        """A client context that trusts the kit's CA (and nothing else)."""
        self.ssl_context.load_verify_locations(cadata=self.ca.cert_pem.bytes().decode())

    def next_address(self) -> str:
        """A fresh loopback address for a new site."""
        if self._next > 254:
            raise RuntimeError("out of 127.0.0.x addresses")
        address = f"127.0.0.{self._next}"
        self._next += 1
        return address

    async def add(
        self,
        host: str,
        routes: Mapping[str, Handler] | None = None,
        *,
        fallback: Handler = NOT_FOUND,
        tls: TLSMode | None = None,
        address: str | None = None,
        port: int = 0,
        resolve: bool = True,
        valid_days: float | None = None,
    ) -> Site:
        """Start a site for `host` and map the name to its address in `resolver`; a "valid"
        TLS site's certificate expires in `valid_days` when given."""
        site = Site(
            host=host,
            address=address or self.next_address(),
            routes=dict(routes or {}),
            fallback=fallback,
            closing=self.closing,
            scheme="https" if tls else "http",
        )
        context = self._server_context(host, tls, valid_days) if tls else None
        server = await asyncio.start_server(
            site.serve, site.address, port, ssl=context, limit=_REQUEST_LIMIT
        )
        self._servers.append(server)
        site.port = server.sockets[0].getsockname()[1]
        self.sites.append(site)
        if resolve:
            self.resolver.add(host, site.address)
        return site

    async def listener(self, address: str = "127.0.0.1", port: int = 0) -> Site:
        """A site that must not be reached: it counts connections (the address guard's tests)."""
        return await self.add(f"listener-{address}", address=address, port=port, resolve=False)

    def fetcher(self, settings: Settings, **kwargs: Any) -> Fetcher:
        """A Fetcher that resolves through the kit and trusts the kit's CA."""
        kwargs.setdefault("resolver", self.resolver)
        kwargs.setdefault("ssl_context", self.ssl_context)
        return Fetcher(settings.fetch_policy(), **kwargs)

    def checker(
        self, settings: Settings, *, video: VideoLookup | None = None, **kwargs: Any
    ) -> Checker:
        """A Checker fetching through `fetcher(settings)`; closing it closes the fetcher."""
        fetcher = self.fetcher(settings, **kwargs)
        return Checker(fetcher, video, concurrency=settings.concurrency, close=fetcher.aclose)

    def _server_context(
        self, host: str, mode: TLSMode, valid_days: float | None = None
    ) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        if mode == "self_signed":
            cert_pem, key_pem = _self_signed(host)
            # ssl loads certificates from files only; trustme's Blob writes a temporary one.
            with trustme.Blob(cert_pem + key_pem).tempfile() as path:
                context.load_cert_chain(path)
            return context
        if mode == "expired":
            now = dt.datetime.now(dt.UTC)
            cert = self.ca.issue_cert(
                host, not_before=now - dt.timedelta(days=60), not_after=now - dt.timedelta(days=1)
            )
        elif mode == "wrong_host":
            cert = self.ca.issue_cert("someone-else.test")
        elif valid_days is not None:
            now = dt.datetime.now(dt.UTC)
            cert = self.ca.issue_cert(
                host,
                not_before=now - dt.timedelta(days=60),
                not_after=now + dt.timedelta(days=valid_days),
            )
        else:
            cert = self.ca.issue_cert(host)
        cert.configure_cert(context)
        return context

    async def aclose(self) -> None:
        """Stop every site and drop every connection."""
        self.closing.set()
        for server in self._servers:
            server.close()
        for site in self.sites:
            site.abort_connections()
        tasks = {task for site in self.sites for task in site.tasks if not task.done()}
        if tasks:
            # Every behaviour ends once its connection is aborted or `closing` is set.
            _, stuck = await asyncio.wait(tasks, timeout=10)
            for task in stuck:
                task.cancel()
        for server in self._servers:
            await server.wait_closed()
