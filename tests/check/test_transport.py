"""The guarded transport: forbidden addresses are never connected to, on any hop, in any
spelling; TLS is verified against the URL's host name with the system's or a given CA."""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
from pathlib import Path
from typing import Literal

import httpx
import pytest

from curator.check import transport
from curator.check.facts import ErrorKind
from curator.check.guard import AddressGuard
from curator.check.streams import READ_BUFFER, GuardedBackend, Receiver
from curator.check.transport import GuardedTransport, build_client, default_ssl_context
from curator.settings import Settings
from tests.sites import Response, Site, Sites, page, redirect

LOOPBACK_SPELLINGS = [
    "http://127.0.0.1:{port}/",
    "http://127.1:{port}/",
    "http://2130706433:{port}/",
    "http://0x7f000001:{port}/",
    "http://0x7f.1:{port}/",
    "http://017700000001:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://loopback.test:{port}/",
]


def guarded(settings: Settings) -> Settings:
    """The same settings with the address guard on, as in production."""
    return settings.model_copy(update={"allow_private_addresses": False})


@pytest.fixture
async def listener(sites: Sites) -> Site:
    """A listener on 127.0.0.1 that counts connections; `loopback.test` resolves to it."""
    site = await sites.listener("127.0.0.1")
    sites.resolver.add("loopback.test", "127.0.0.1")
    return site


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS)
async def test_the_guard_never_connects_to_loopback(
    spelling: str, sites: Sites, listener: Site, fetch_settings: Settings
) -> None:
    async with sites.fetcher(guarded(fetch_settings)) as fetcher:
        facts = await fetcher.fetch(spelling.format(port=listener.port))
    assert facts.error is ErrorKind.BLOCKED_ADDRESS
    assert facts.error_detail is not None and "loopback" in facts.error_detail
    assert listener.connections == 0


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS)
async def test_without_the_guard_the_same_spellings_reach_the_listener(
    spelling: str, sites: Sites, listener: Site, fetch_settings: Settings
) -> None:
    # The control: proves each spelling above really points at the listener.
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(spelling.format(port=listener.port))
    assert facts.status == 404
    assert listener.connections == 1


def _ipv6_loopback_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback_available(), reason="no IPv6 loopback here")
async def test_the_guard_never_connects_to_ipv6_loopback(
    sites: Sites, fetch_settings: Settings
) -> None:
    listener = await sites.listener("::1")
    async with sites.fetcher(guarded(fetch_settings)) as fetcher:
        facts = await fetcher.fetch(listener.address_url("/"))
    assert facts.error is ErrorKind.BLOCKED_ADDRESS
    assert listener.connections == 0
    async with sites.fetcher(fetch_settings) as fetcher:
        assert (await fetcher.fetch(listener.address_url("/"))).status == 404
    assert listener.connections == 1


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/", "http://loopback.test:{port}/"])
async def test_a_redirect_to_loopback_is_refused_before_connecting(
    target: str, sites: Sites, listener: Site, fetch_settings: Settings
) -> None:
    site = await sites.add("allowed.test", {"/": redirect(target.format(port=listener.port), 301)})
    guard = AddressGuard(allowed=[site.address])  # this one test site stands for the internet
    async with sites.fetcher(guarded(fetch_settings), guard=guard) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.error is ErrorKind.BLOCKED_ADDRESS
    assert [h.status for h in facts.hops] == [301, None]
    assert facts.hops[0].address == site.address
    assert site.hits("/") == 1
    assert listener.connections == 0


async def test_only_allowed_answers_of_a_name_are_connected_to(
    sites: Sites, listener: Site, fetch_settings: Settings
) -> None:
    site = await sites.add("mixed.test", {"/": page("Mixed", "allowed answer")}, port=listener.port)
    sites.resolver.add("mixed.test", ["127.0.0.1", site.address])
    guard = AddressGuard(allowed=[site.address])
    async with sites.fetcher(guarded(fetch_settings), guard=guard) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.status == 200
    assert facts.hops[0].address == site.address
    assert listener.connections == 0


class RebindingResolver:
    """Answers with an allowed address first and loopback afterwards (a rebinding attack)."""

    def __init__(self, first: str, then: str) -> None:
        self.answers = [first, then]
        self.calls = 0

    async def resolve(self, host: str, port: int) -> list[str]:
        answer = self.answers[min(self.calls, 1)]
        self.calls += 1
        return [answer]


async def test_a_name_is_resolved_once_per_connection_and_the_checked_address_used(
    sites: Sites, listener: Site, fetch_settings: Settings
) -> None:
    site = await sites.add(
        "rebind.test", {"/": page("Rebind", "first answer")}, port=listener.port, resolve=False
    )
    resolver = RebindingResolver(site.address, "127.0.0.1")
    guard = AddressGuard(allowed=[site.address])
    async with sites.fetcher(guarded(fetch_settings), guard=guard, resolver=resolver) as fetcher:
        first = await fetcher.fetch(site.url("/"))
    async with sites.fetcher(guarded(fetch_settings), guard=guard, resolver=resolver) as fetcher:
        second = await fetcher.fetch(site.url("/"))
    assert first.status == 200 and first.hops[0].address == site.address
    assert second.error is ErrorKind.BLOCKED_ADDRESS
    assert resolver.calls == 2
    assert listener.connections == 0


async def test_the_next_answer_is_tried_when_one_refuses(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("multi.test", {"/": page("Multi", "second answer")})
    sites.resolver.add("multi.test", ["127.0.0.254", site.address])  # nothing on .254
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.status == 200
    assert facts.hops[0].address == site.address


async def test_the_connected_address_is_recorded_on_every_hop(
    sites: Sites, fetch_settings: Settings
) -> None:
    second = await sites.add("second.test", {"/": page("Second", "landed")})
    first = await sites.add("first.test", {"/": redirect(second.url("/"), 302)})
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(first.url("/"))
        again = await fetcher.fetch(first.url("/"))  # over pooled connections this time
    for result in (facts, again):
        assert [(h.status, h.address) for h in result.hops] == [
            (302, first.address),
            (200, second.address),
        ]


TLS_CASES = [
    ("valid", None, 200),
    ("self_signed", ErrorKind.TLS_SELF_SIGNED, None),
    ("expired", ErrorKind.TLS_EXPIRED, None),
    ("wrong_host", ErrorKind.TLS_HOSTNAME, None),
]


@pytest.mark.parametrize(("mode", "error", "status"), TLS_CASES, ids=[m for m, _, _ in TLS_CASES])
async def test_tls_certificates_are_verified(
    mode: str, error: ErrorKind | None, status: int | None, sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("secure.test", {"/": page("Secure", "hello")}, tls=mode)  # type: ignore[arg-type]
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.error is error
    assert facts.status == status
    if error is not None:
        assert facts.error_detail is not None and "certificate" in facts.error_detail
        assert site.requests == []


async def test_tls_is_verified_against_the_url_host_not_the_address(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("secure.test", {"/": page("Secure", "hello")}, tls="valid")
    async with sites.fetcher(fetch_settings) as fetcher:
        by_name = await fetcher.fetch(site.url("/"))
        by_address = await fetcher.fetch(site.address_url("/"))
    assert by_name.status == 200 and by_name.hops[0].address == site.address
    assert by_address.error is ErrorKind.TLS_HOSTNAME


async def test_ssl_cert_file_is_honoured(
    sites: Sites, fetch_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = await sites.add("corporate.test", {"/": page("Corporate CA", "hello")}, tls="valid")
    async with sites.fetcher(fetch_settings, ssl_context=default_ssl_context()) as fetcher:
        untrusted = await fetcher.fetch(site.url("/"))
    bundle = tmp_path / "ca.pem"
    sites.ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    async with sites.fetcher(fetch_settings, ssl_context=default_ssl_context()) as fetcher:
        trusted = await fetcher.fetch(site.url("/"))
    assert untrusted.error is ErrorKind.TLS_ERROR
    assert trusted.status == 200


async def test_the_trust_store_is_loaded_at_the_first_https_address(
    sites: Sites, fetch_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Loading the system's trust store costs about 40 ms: a run of http addresses (and each
    # recheck's fetcher) never pays it, and the first https address gets the verifying context.
    plain = await sites.add("plain.test", {"/": page("Plain", "hello")})
    secure = await sites.add("corporate.test", {"/": page("Corporate CA", "hello")}, tls="valid")
    bundle = tmp_path / "ca.pem"
    sites.ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    made: list[ssl.SSLContext] = []

    def counted() -> ssl.SSLContext:
        made.append(default_ssl_context())
        return made[-1]

    monkeypatch.setattr(transport, "default_ssl_context", counted)
    async with sites.fetcher(fetch_settings, ssl_context=None) as fetcher:
        assert (await fetcher.fetch(plain.url("/"))).status == 200
        assert made == []
        first = await fetcher.fetch(secure.url("/"))
        again = await fetcher.fetch(secure.url("/other"))
    assert first.status == 200 and again.status == 404
    assert len(made) == 1 and made[0].verify_mode is ssl.CERT_REQUIRED


@pytest.fixture
def hashed_ca_dir(sites: Sites, tmp_path: Path) -> Path:
    """A directory holding the kit's CA under its OpenSSL subject-hash name (c_rehash style)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to hash the CA directory")
    directory = tmp_path / "certs"
    directory.mkdir()
    sites.ca.cert_pem.write_to_path(str(directory / "curator-test-ca.pem"))
    subprocess.run([openssl, "rehash", str(directory)], check=True, capture_output=True)
    return directory


async def test_ssl_cert_dir_is_honoured(
    sites: Sites,
    fetch_settings: Settings,
    hashed_ca_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = await sites.add("corporate.test", {"/": page("Corporate CA", "hello")}, tls="valid")
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.setenv("SSL_CERT_DIR", str(hashed_ca_dir))
    async with sites.fetcher(fetch_settings, ssl_context=default_ssl_context()) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.status == 200


def test_the_default_context_verifies_host_names() -> None:
    context = default_ssl_context()
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_idle_origins_lose_their_pools_and_busy_ones_keep_them(sites: Sites) -> None:
    quiet = await sites.add("quiet.test", {"/": page("Quiet", "idle soon")})
    busy = await sites.add("busy.test", {"/": page("Busy", "still reading")})
    clock = FakeClock()
    backend = GuardedBackend(sites.resolver, guard=None)
    transport = GuardedTransport(backend, idle_expiry=5, clock=clock)
    async with httpx.AsyncClient(transport=transport) as client:
        assert (await client.get(quiet.url("/"))).status_code == 200
        async with client.stream("GET", busy.url("/")) as held:
            assert transport.origins == 2
            clock.now += 6
            # The next request sweeps: the quiet origin goes, the one still streaming stays.
            assert (await client.get(busy.url("/"))).status_code == 200
            assert transport.origins == 1
            assert held.status_code == 200
        assert (await client.get(quiet.url("/"))).status_code == 200
        assert transport.origins == 2


@pytest.mark.parametrize("tls", [None, "valid"], ids=["http", "https"])
async def test_the_links_of_a_host_share_one_kept_alive_connection(
    tls: Literal["valid"] | None, sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("kept.test", fallback=page("Kept", "alive"), tls=tls)
    async with sites.fetcher(fetch_settings) as fetcher:
        for n in range(5):
            facts = await fetcher.fetch(site.url(f"/page-{n}"))
            assert facts.status == 200
            assert facts.hops[0].address == site.address
    assert site.connections == 1
    assert len(site.requests) == 5


async def test_a_connection_the_server_ended_reads_its_answer_then_the_end(sites: Sites) -> None:
    site = await sites.add("ends.test", {"/": page("Ends", "then closes")})
    stream = await GuardedBackend(sites.resolver, guard=None).connect_tcp("ends.test", site.port)
    try:
        # An idle connection the server has said nothing on may carry a request.
        assert stream.get_extra_info("is_readable") is False
        assert stream.get_extra_info("curator_address") == site.address
        await stream.write(b"GET / HTTP/1.1\r\nHost: ends.test\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := await stream.read(65536, timeout=2.0):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"</html>")
        # Ended by the server: the pool must not hand it out again.
        assert stream.get_extra_info("is_readable") is True
        assert await stream.read(65536, timeout=2.0) == b""
    finally:
        await stream.aclose()


class FakeTransport(asyncio.Transport):
    """Records whether reading is paused."""

    def __init__(self) -> None:
        super().__init__()
        self.paused = False

    def pause_reading(self) -> None:
        self.paused = True

    def resume_reading(self) -> None:
        self.paused = False


def test_a_connection_buffers_a_bounded_amount_ahead_of_its_reader() -> None:
    receiver = Receiver()
    transport = FakeTransport()
    receiver.connection_made(transport)
    chunk = b"x" * 65536
    while not transport.paused:
        receiver.data_received(chunk)
    assert READ_BUFFER < receiver.buffered <= READ_BUFFER + len(chunk)
    taken = 0
    while transport.paused:
        taken += len(receiver.take(65536))
    # Reading resumes once the reader has caught up with half the buffer.
    assert receiver.buffered <= READ_BUFFER // 2
    assert taken + receiver.buffered == (READ_BUFFER // len(chunk) + 1) * len(chunk)
    assert receiver.take(10) == b"x" * 10


async def test_the_client_keeps_no_cookie_between_urls(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add(
        "sets.test", {"/": Response(headers=[("Set-Cookie", "session=1; Path=/")], body="hi")}
    )
    client = build_client(fetch_settings.fetch_policy(), resolver=sites.resolver)
    async with client:
        assert (await client.get(site.url("/"))).headers["set-cookie"] == "session=1; Path=/"
        await client.get(site.url("/"))
        assert not client.cookies
    assert "cookie" not in site.requests[1].headers


@pytest.mark.parametrize("host", ["plain.test", "bücher.test"], ids=["ascii", "idna"])
async def test_the_short_way_sends_the_request_httpx_would(
    host: str, sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add(host.encode("idna").decode("ascii"), fallback=page("Same", "request"))
    sites.resolver.add(host, site.address)
    url = httpx.URL(f"http://{host}:{site.port}/path?q=1")
    async with build_client(fetch_settings.fetch_policy(), resolver=sites.resolver) as client:
        short = await client.get_streamed(url)
        await short.aread()
        await short.aclose()
        usual = await client.send(client.build_request("GET", url), stream=True)
        await usual.aread()
        await usual.aclose()
    assert (short.status_code, short.content) == (usual.status_code, usual.content)
    first, second = site.requests
    assert (first.method, first.target) == (second.method, second.target) == ("GET", "/path?q=1")
    assert list(first.headers.items()) == list(second.headers.items())
    assert first.headers["host"] == f"{host.encode('idna').decode('ascii')}:{site.port}"


async def test_the_short_way_is_not_taken_when_httpx_would_add_to_the_request(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("auth.test", fallback=page("Auth", "basic"))
    async with build_client(fetch_settings.fetch_policy(), resolver=sites.resolver) as client:
        url = httpx.URL(f"http://user:secret@auth.test:{site.port}/")
        response = await client.get_streamed(url)
        await response.aclose()
        client.params = httpx.QueryParams({"added": "1"})
        response = await client.get_streamed(httpx.URL(site.url("/")))
        await response.aclose()
    with_userinfo, with_params = site.requests
    assert with_userinfo.headers["authorization"].startswith("Basic ")
    assert with_params.target == "/?added=1"
