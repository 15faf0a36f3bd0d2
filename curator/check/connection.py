"""HTTP/1.1 on one guarded connection: a request's head written in one piece, the response's
head parsed in one go, its body framed by length, chunks or the end of the connection.

The checker only ever has one request in flight per connection and reads what it needs, so
this is the small part of HTTP/1.1 a client uses (as h11 does it, and as leniently: bare LF
line ends, folded header lines), with bounds on everything a hostile server controls: the
head's size, the number of interim (1xx) answers, a chunk-size line's length, the trailers.
Errors are httpx's own (`RemoteProtocolError` with h11's sentences, so a closed connection
still reads as one), raised before anything half-parsed is handed on.
"""

from __future__ import annotations

import re

import httpx

from curator.check.streams import GuardedStream

MAX_HEAD = 100 * 1024
"""Bytes a response's head (status line and headers) may take: httpcore's limit for h11."""
MAX_INTERIM = 10
"""Interim (1xx) answers skipped before the final one; past it the server is playing."""
MAX_CHUNK_LINE = 4096
READ_SIZE = 64 * 1024

_END_OF_HEAD = re.compile(rb"\n\r?\n")
_STATUS_LINE = re.compile(rb"HTTP/([0-9])\.([0-9]) ([0-9]{3})(?: (.*))?")
_TOKEN = re.compile(rb"[-!#$%&'*+.^_`|~0-9a-zA-Z]+")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;.*)?")
_CLOSED_EARLY = "peer closed connection without sending complete message body"
_CHUNKS_CUT = f"{_CLOSED_EARLY} (incomplete chunked read)"

# How a response's body ends.
_NONE, _LENGTH, _CHUNKED, _CLOSE = range(4)


def _protocol(message: str) -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError(message)


def request_head(method: bytes, target: bytes, headers: list[tuple[bytes, bytes]]) -> bytes:
    """The bytes of a request's head; a CR, LF or NUL inside any part is refused (the parts
    come from URLs and cookies a server chose)."""
    lines = [method, b" ", target, b" HTTP/1.1\r\n"]
    for name, value in headers:
        lines += (name, b": ", value, b"\r\n")
    lines.append(b"\r\n")
    head = b"".join(lines)
    lines_ended = len(headers) + 2
    if head.count(b"\n") != lines_ended or head.count(b"\r") != lines_ended or b"\0" in head:
        raise httpx.LocalProtocolError("a request line or header holds a line break or NUL")
    return head


def _headers(lines: list[bytes]) -> list[tuple[bytes, bytes]]:
    """Header lines (already split, CRs stripped) into (name, value) pairs; a folded line
    continues the one before it."""
    headers: list[tuple[bytes, bytes]] = []
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            if not headers:
                raise _protocol("continuation line at start of headers")
            name, value = headers[-1]
            headers[-1] = (name, (value + b" " + line.strip(b" \t")).strip(b" \t"))
            continue
        name, colon, value = line.partition(b":")
        if not colon or _TOKEN.fullmatch(name) is None:
            raise _protocol(f"illegal header line: {line[:100]!r}")
        headers.append((name, value.strip(b" \t")))
    return headers


class Exchange:
    """One response being read off a connection: its head, then its body in pieces."""

    __slots__ = (
        "connection",
        "status",
        "reason",
        "http_version",
        "headers",
        "keep_alive",
        "_framing",
        "_left",
        "_after_chunk",
        "_received",
        "_length",
        "done",
    )

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.status = 0
        self.reason = b""
        self.http_version = b"HTTP/1.1"
        self.headers: list[tuple[bytes, bytes]] = []
        self.keep_alive = True
        self._framing = _NONE
        self._left = 0
        self._after_chunk = False
        self._received = 0
        self._length = 0
        self.done = False
        """The body has been read to its end (and nothing of it is left on the connection)."""

    def frame(self, head_request: bool) -> None:
        """Decide how the body ends, from the status and the framing headers."""
        transfer: list[bytes] = []
        lengths: list[bytes] = []
        close = False
        for name, value in self.headers:
            lower = name.lower()
            if lower == b"transfer-encoding":
                transfer.append(value)
            elif lower == b"content-length":
                lengths.append(value)
            elif lower == b"connection":
                close = close or b"close" in [t.strip() for t in value.lower().split(b",")]
        self.keep_alive = not close and self.http_version == b"HTTP/1.1"
        if head_request or self.status in (204, 304):
            self._framing = _NONE
        elif transfer:
            codings = [c.strip().lower() for v in transfer for c in v.split(b",") if c.strip()]
            if codings != [b"chunked"]:
                raise _protocol("Only Transfer-Encoding: chunked is supported")
            self._framing = _CHUNKED
        elif lengths:
            values = {v.strip() for joined in lengths for v in joined.split(b",")}
            if len(values) != 1 or not next(iter(values)).isdigit() or len(next(iter(values))) > 18:
                raise _protocol("bad Content-Length")
            self._length = self._left = int(next(iter(values)))
            self._framing = _LENGTH
        else:
            self._framing = _CLOSE
            self.keep_alive = False
        if self._framing == _NONE or (self._framing == _LENGTH and not self._left):
            self.done = True

    async def next_piece(self) -> bytes:
        """The next piece of the body as it arrived; b"" once it has all been read."""
        if self.done:
            return b""
        framing = self._framing
        if framing == _LENGTH:
            data = await self.connection.receive(self._left)
            if not data:
                raise _protocol(
                    f"{_CLOSED_EARLY}: received {self._length - self._left} bytes,"
                    f" expected {self._length}"
                )
            self._left -= len(data)
            self.done = self._left == 0
            return data
        if framing == _CHUNKED:
            return await self._next_chunk()
        data = await self.connection.receive(READ_SIZE)
        if not data:
            self.done = True
        return data

    async def _next_chunk(self) -> bytes:
        connection = self.connection
        while True:
            if self._left:
                data = await connection.receive(self._left)
                if not data:
                    raise _protocol(_CHUNKS_CUT)
                self._left -= len(data)
                self._after_chunk = self._left == 0
                return data
            line = await connection.line(MAX_CHUNK_LINE, _CHUNKS_CUT)
            if self._after_chunk:
                self._after_chunk = False
                if line:
                    raise _protocol(f"malformed chunk footer: {line[:20]!r}")
                continue
            match = _CHUNK_SIZE.fullmatch(line)
            if match is None:
                raise _protocol(f"illegal chunk header: {line[:40]!r}")
            size = int(match[1], 16)
            if size:
                self._left = size
                continue
            await connection.trailers()
            self.done = True
            return b""

    def drain_buffered(self) -> bool:
        """Consume the rest of the body if it has all arrived already (a redirect's short
        body, left unread); True when the body is done."""
        if self.done:
            return True
        if self._framing == _LENGTH and self.connection.buffered() >= self._left:
            self.done = self.connection.discard(self._left)
            self._left = 0
        return self.done


class Connection:
    """An HTTP/1.1 client connection on a GuardedStream, one exchange at a time."""

    __slots__ = ("stream", "_buffer", "_timeout", "idle_since", "broken", "heard")

    def __init__(self, stream: GuardedStream) -> None:
        self.stream = stream
        self._buffer = b""
        self._timeout: float | None = None
        """The read timeout of the exchange under way: each wait for data may take this long."""
        self.idle_since = 0.0
        self.broken = False
        """Not fit for another request (its state is unknown or the server ends it)."""
        self.heard = False
        """The server has sent something in answer to the request under way."""

    def reusable(self) -> bool:
        """An idle connection may carry the next request: the server has said nothing on it
        (an answer nobody asked for, or its end, means it is done with it)."""
        return not self.broken and not self._buffer and not self.stream.has_news()

    async def exchange(
        self,
        head: bytes,
        body: bytes,
        *,
        head_request: bool,
        read_timeout: float | None,
        write_timeout: float | None,
    ) -> Exchange:
        """Send a request and read the head of its final response."""
        self.broken = True  # until the exchange ends cleanly
        self.heard = False
        self._timeout = read_timeout
        await self.stream.write(head + body if len(body) < 65536 else head, write_timeout)
        if len(body) >= 65536:
            await self.stream.write(body, write_timeout)
        for _ in range(MAX_INTERIM + 1):
            exchange = await self._response_head(head_request)
            if exchange.status >= 200:
                return exchange
            if exchange.status == 101:
                raise _protocol("the server switched protocols unasked (101)")
        raise _protocol(f"more than {MAX_INTERIM} interim (1xx) responses")

    async def _response_head(self, head_request: bool) -> Exchange:
        buffer = self._buffer
        searched = 0
        while True:
            end = _END_OF_HEAD.search(buffer, max(0, searched - 2))
            if end is not None:
                break
            if len(buffer) >= 5 and not buffer.startswith(b"HTTP/"):
                raise _protocol(f"illegal status line: {buffer[:40]!r}")
            if len(buffer) > MAX_HEAD:
                raise _protocol(f"the response's head is larger than {MAX_HEAD // 1024} KiB")
            searched = len(buffer)
            data = await self.stream.read(READ_SIZE, self._timeout)
            if not data:
                if buffer:
                    raise _protocol("peer unexpectedly closed connection")
                raise _protocol("Server disconnected without sending a response.")
            self.heard = True
            buffer += data
        if end.start() > MAX_HEAD:
            raise _protocol(f"the response's head is larger than {MAX_HEAD // 1024} KiB")
        self._buffer = buffer[end.end() :]
        lines = buffer[: end.start()].split(b"\n")
        lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
        status = _STATUS_LINE.fullmatch(lines[0])
        if status is None:
            raise _protocol(f"illegal status line: {lines[0][:100]!r}")
        exchange = Exchange(self)
        exchange.status = int(status[3])
        exchange.http_version = b"HTTP/" + status[1] + b"." + status[2]
        exchange.reason = status[4] or b""
        exchange.headers = _headers(lines[1:])
        if exchange.status >= 200:
            exchange.frame(head_request)
        return exchange

    def buffered(self) -> int:
        """Bytes received and not yet read (here and in the stream's buffer)."""
        return len(self._buffer) + self.stream.buffered()

    def discard(self, count: int) -> bool:
        """Drop `count` bytes that have arrived already; False when fewer have."""
        while count:
            if not self._buffer:
                self._buffer = self.stream.take(count)
                if not self._buffer:
                    return False
            taken = min(count, len(self._buffer))
            self._buffer = self._buffer[taken:]
            count -= taken
        return True

    async def receive(self, max_bytes: int) -> bytes:
        """Up to `max_bytes` of what the server sends next; b"" once it has ended."""
        buffer = self._buffer
        if buffer:
            if len(buffer) <= max_bytes:
                self._buffer = b""
                return buffer
            self._buffer = buffer[max_bytes:]
            return buffer[:max_bytes]
        return await self.stream.read(min(max_bytes, READ_SIZE), self._timeout)

    async def line(self, limit: int, ended: str) -> bytes:
        """The next line (its CRLF or LF taken off), at most `limit` bytes."""
        buffer = self._buffer
        while (end := buffer.find(b"\n")) < 0:
            if len(buffer) > limit:
                raise _protocol(f"a line of more than {limit} bytes in a chunked body")
            data = await self.stream.read(READ_SIZE, self._timeout)
            if not data:
                raise _protocol(ended)
            buffer += data
        self._buffer = buffer[end + 1 :]
        line = buffer[:end]
        if len(line) > limit:
            raise _protocol(f"a line of more than {limit} bytes in a chunked body")
        return line[:-1] if line.endswith(b"\r") else line

    async def trailers(self) -> None:
        """Read and drop a chunked body's trailer lines, up to the empty line."""
        total = 0
        while line := await self.line(MAX_HEAD, _CHUNKS_CUT):
            total += len(line)
            if total > MAX_HEAD:
                raise _protocol(f"trailers larger than {MAX_HEAD // 1024} KiB")

    def finished(self, exchange: Exchange, now: float) -> None:
        """The exchange is over: the connection may serve again if it ended cleanly."""
        self.broken = not (exchange.done and exchange.keep_alive)
        self.idle_since = now

    def close(self) -> None:
        """Close the connection (nothing to wait for)."""
        self.broken = True
        self.stream.close()
