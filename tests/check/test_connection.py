"""HTTP/1.1 on a guarded connection: bodies framed every way a server may frame them, answers
that are not HTTP refused, and a connection kept only when its answer allows it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx
import pytest

from curator.check.connection import MAX_INTERIM, request_head
from curator.check.facts import ErrorKind
from curator.check.transport import build_client
from curator.settings import Settings
from tests.sites import Behaviour, Request, Responses, Site, Sites, page


@dataclass(frozen=True)
class Raw(Behaviour):
    """Send these bytes as the answer; keep the connection open for another request or not."""

    data: bytes
    keep: bool = False

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Send the bytes as they are."""
        await site.send(writer, self.data)
        return self.keep


def head(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


BODIES = [
    ("content-length", head("HTTP/1.1 200 OK", "Content-Length: 5") + b"hello", b"hello"),
    (
        "chunked",
        head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked")
        + b"5\r\nhello\r\n1;name=value\r\n,\r\n6\r\n world\r\n0\r\nExpires: never\r\n\r\n",
        b"hello, world",
    ),
    (
        "chunked-bare-lf",
        b"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n5\nhello\n0\n\n",
        b"hello",
    ),
    (
        "until-close",
        head("HTTP/1.1 200 OK", "Content-Type: text/plain") + b"to the end",
        b"to the end",
    ),
    ("http-1.0", head("HTTP/1.0 200 OK", "Content-Length: 3") + b"old", b"old"),
    ("no-reason", head("HTTP/1.1 200", "Content-Length: 2") + b"ok", b"ok"),
    (
        "interim-answers-first",
        head("HTTP/1.1 100 Continue")
        + head("HTTP/1.1 103 Early Hints", "Link: </style.css>; rel=preload")
        + head("HTTP/1.1 200 OK", "Content-Length: 5")
        + b"final",
        b"final",
    ),
    ("no-content", head("HTTP/1.1 204 No Content"), b""),
]


@pytest.mark.parametrize(("answer", "body"), [b[1:] for b in BODIES], ids=[b[0] for b in BODIES])
async def test_bodies_are_read_whole_however_they_are_framed(
    answer: bytes, body: bytes, sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("framed.test", {"/": Raw(answer)})
    async with build_client(fetch_settings.fetch_policy(), resolver=sites.resolver) as client:
        response = await client.get(site.url("/"))
    assert response.content == body


async def test_a_folded_header_line_continues_the_one_before(
    sites: Sites, fetch_settings: Settings
) -> None:
    answer = head("HTTP/1.1 200 OK", "X-Long: first", " \tsecond", "Content-Length: 0")
    site = await sites.add("folded.test", {"/": Raw(answer)})
    async with build_client(fetch_settings.fetch_policy(), resolver=sites.resolver) as client:
        response = await client.get(site.url("/"))
    assert response.headers["x-long"] == "first second"


MALFORMED = [
    ("status-line", head("HTTP/1.1 2000 OK", "Content-Length: 0")),
    ("not-http", b"SSH-2.0-OpenSSH_9.6\r\n"),
    ("header-without-colon", head("HTTP/1.1 200 OK", "Content-Length 0")),
    ("header-name-with-space", head("HTTP/1.1 200 OK", "Content Length: 0")),
    ("continuation-first", head("HTTP/1.1 200 OK", " folded: before anything")),
    ("content-length-not-a-number", head("HTTP/1.1 200 OK", "Content-Length: five")),
    ("content-lengths-disagree", head("HTTP/1.1 200 OK", "Content-Length: 5", "Content-Length: 6")),
    ("transfer-encoding-unknown", head("HTTP/1.1 200 OK", "Transfer-Encoding: gzip")),
    (
        "chunk-size-not-hex",
        head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked") + b"zz\r\nhello\r\n0\r\n\r\n",
    ),
    (
        "chunk-without-its-line-end",
        head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked") + b"5\r\nhelloXX\r\n0\r\n\r\n",
    ),
    (
        "chunk-size-line-endless",
        head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked") + b"5" + b";x" * 8000,
    ),
    ("interim-answers-endless", head("HTTP/1.1 100 Continue") * (MAX_INTERIM + 1)),
    ("switching-protocols-unasked", head("HTTP/1.1 101 Switching Protocols", "Upgrade: x")),
    ("head-cut-short", b"HTTP/1.1 200 OK\r\nContent-Le"),
]


@pytest.mark.parametrize("answer", [m[1] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
async def test_answers_that_are_not_valid_http_are_protocol_errors(
    answer: bytes, sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("malformed.test", {"/": Raw(answer)})
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.error is ErrorKind.PROTOCOL, facts.error_detail


CUT_SHORT = [
    ("content-length", head("HTTP/1.1 200 OK", "Content-Length: 100") + b"only this"),
    ("chunked", head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked") + b"64\r\nonly this"),
    (
        "chunked-without-last-chunk",
        head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked") + b"1\r\na\r\n",
    ),
]


@pytest.mark.parametrize("answer", [c[1] for c in CUT_SHORT], ids=[c[0] for c in CUT_SHORT])
async def test_a_body_the_server_cuts_short_is_a_broken_connection(
    answer: bytes, sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("cut.test", {"/": Raw(answer)})
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.error is ErrorKind.RESET, facts.error_detail
    assert facts.status == 200


KEEPING = [
    ("length", head("HTTP/1.1 200 OK", "Content-Length: 2") + b"ok", True),
    (
        "chunked",
        head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked") + b"2\r\nok\r\n0\r\n\r\n",
        True,
    ),
    ("no-content", head("HTTP/1.1 204 No Content"), True),
    (
        "connection-close",
        head("HTTP/1.1 200 OK", "Connection: close", "Content-Length: 2") + b"ok",
        False,
    ),
    ("http-1.0", head("HTTP/1.0 200 OK", "Content-Length: 2") + b"ok", False),
    ("more-than-the-answer", head("HTTP/1.1 200 OK", "Content-Length: 2") + b"ok, and more", False),
]


@pytest.mark.parametrize(("answer", "kept"), [k[1:] for k in KEEPING], ids=[k[0] for k in KEEPING])
async def test_a_connection_is_kept_only_when_its_answer_allows(
    answer: bytes, kept: bool, sites: Sites, fetch_settings: Settings
) -> None:
    # The server keeps every connection open: whether a second one is opened is the client's.
    site = await sites.add("keeps.test", fallback=Raw(answer, keep=True))
    async with build_client(fetch_settings.fetch_policy(), resolver=sites.resolver) as client:
        for n in range(2):
            assert (await client.get(site.url(f"/{n}"))).status_code in (200, 204)
    assert len(site.requests) == 2
    assert site.connections == (1 if kept else 2)


async def test_a_redirect_left_unread_keeps_its_connection(
    sites: Sites, fetch_settings: Settings
) -> None:
    moved = Raw(
        head("HTTP/1.1 301 Moved Permanently", "Location: /new", "Content-Length: 12")
        + b"moved to new",
        keep=True,
    )
    site = await sites.add("moves.test", {"/old": moved, "/new": page("New", "here now")})
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/old"))
    assert [h.status for h in facts.hops] == [301, 200]
    assert site.connections == 1


async def test_a_kept_connection_the_server_drops_is_replaced_for_the_request(
    sites: Sites, fetch_settings: Settings
) -> None:
    # The second request goes out on the kept connection, which the server closes unanswered
    # (its idle timeout racing ours): the request is sent again on a new connection.
    dropping = Responses(page("First", "kept"), Raw(b""), page("Third", "fresh"))
    site = await sites.add("drops.test", fallback=dropping)
    async with sites.fetcher(fetch_settings) as fetcher:
        first = await fetcher.fetch(site.url("/1"))
        second = await fetcher.fetch(site.url("/2"))
    assert (first.status, second.status) == (200, 200)
    assert second.page is not None and second.page.title == "Third"
    assert [r.target for r in site.requests] == ["/1", "/2", "/2"]
    assert site.connections == 2


async def test_a_new_connection_closed_unanswered_is_not_tried_again(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("closes.test", fallback=Raw(b""))
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.error is ErrorKind.RESET
    assert site.connections == 1


@pytest.mark.parametrize("value", [b"a\r\nInjected: 1", b"a\rb", b"a\nb", b"a\x00b"])
def test_line_breaks_and_nul_in_a_request_head_are_refused(value: bytes) -> None:
    with pytest.raises(httpx.LocalProtocolError):
        request_head(b"GET", b"/", [(b"Host", b"example.test"), (b"Cookie", value)])
    with pytest.raises(httpx.LocalProtocolError):
        request_head(b"GET", b"/" + value, [(b"Host", b"example.test")])


async def test_a_request_body_is_sent_with_its_length_or_in_chunks(
    fetch_settings: Settings,
) -> None:
    received: list[bytes] = []

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while request := await reader.readuntil(b"\r\n\r\n"):
            lower = request.lower()
            if b"content-length: " in lower:
                length = int(lower.split(b"content-length: ")[1].split(b"\r\n")[0])
                body = await reader.readexactly(length)
            else:
                body = await reader.readuntil(b"0\r\n\r\n")
            received.append(body)
            writer.write(head("HTTP/1.1 200 OK", "Content-Length: 0"))
            await writer.drain()
            if len(received) == 2:
                break
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]

    async def parts() -> object:
        yield b"streamed "
        yield b"body"

    try:
        async with build_client(fetch_settings.fetch_policy()) as client:
            url = f"http://127.0.0.1:{port}/"
            assert (await client.post(url, content=b"known length")).status_code == 200
            assert (await client.post(url, content=parts())).status_code == 200  # type: ignore[arg-type]
    finally:
        server.close()
        await server.wait_closed()
    assert received == [b"known length", b"d\r\nstreamed body\r\n0\r\n\r\n"]
