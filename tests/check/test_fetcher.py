"""The fetcher against real loopback sites: redirects by hand, hostile servers end in facts
within the deadline, bodies are capped, transient failures are retried politely."""

from __future__ import annotations

import asyncio
import gzip
import socket
from typing import Any

import pytest

from curator.check.facts import ErrorKind, Facts
from curator.check.fetcher import PROBE_PREFIX, Fetcher
from curator.settings import Settings
from tests.sites import (
    Behaviour,
    CloseAtOnce,
    Drip,
    Garbage,
    GzipBomb,
    HalfClose,
    Hang,
    HugeHeaders,
    Request,
    ResetMidBody,
    Response,
    Responses,
    Site,
    Sites,
    StreamedBody,
    page,
    redirect,
)


def tuned(settings: Settings, **changes: Any) -> Settings:
    """A copy of the test settings with some limits changed."""
    return settings.model_copy(update=changes)


async def fetch_within(fetcher: Fetcher, url: str, settings: Settings) -> Facts:
    """Fetch, failing the test (instead of hanging) if the fetch outlives its deadlines."""
    tries = settings.retries + 1
    async with asyncio.timeout(tries * settings.url_deadline + 2):
        return await fetcher.fetch(url)


async def test_a_page_becomes_facts(sites: Sites, fetch_settings: Settings) -> None:
    site = await sites.add("helpline.test", {"/": page("Helpline", "Call 0800 1111 any time")})
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.error is None and facts.status == 200
    assert facts.final_url == site.url("/")
    assert facts.attempts == 1
    assert facts.header("Content-Type") == "text/html; charset=utf-8"
    assert facts.page is not None and facts.page.title == "Helpline"
    assert facts.page.text == "Call 0800 1111 any time"
    assert [(h.url, h.status, h.address) for h in facts.hops] == [
        (site.url("/"), 200, site.address)
    ]


async def test_requests_name_curator_and_ask_only_for_bounded_encodings(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("police.test", {"/": page("Police", "Report")})
    async with sites.fetcher(fetch_settings) as fetcher:
        await fetcher.fetch(site.url("/"))
    headers = site.requests[0].headers
    assert headers["user-agent"] == fetch_settings.user_agent
    assert "curator" in headers["user-agent"] and "link" not in headers["user-agent"].lower()
    assert headers["accept-encoding"] == "gzip, deflate"
    assert site.requests[0].method == "GET"


async def test_redirects_are_followed_by_hand_and_every_hop_recorded(
    sites: Sites, fetch_settings: Settings
) -> None:
    target = await sites.add("new.test", {"/home": page("New home", "moved here")})
    site = await sites.add(
        "old.test",
        {
            "/a": redirect("b", 301),
            "/b": redirect("/c?x=1#frag", 302),
            "/c": redirect(target.url("/home"), 308),
        },
    )
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/a#top"))
    assert facts.url == site.url("/a#top")
    assert site.requests[0].target == "/a"  # a fragment is never sent
    assert facts.status == 200 and facts.error is None
    assert facts.final_url == target.url("/home")
    assert [(h.status, h.location) for h in facts.hops] == [
        (301, site.url("/b")),
        (302, site.url("/c?x=1")),
        (308, target.url("/home")),
        (200, None),
    ]
    assert [h.address for h in facts.hops] == [site.address] * 3 + [target.address]


async def test_a_redirect_loop_is_a_fact(sites: Sites, fetch_settings: Settings) -> None:
    site = await sites.add("loop.test", {"/a": redirect("/b"), "/b": redirect("/a")})
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/a"))
    assert facts.error is ErrorKind.REDIRECT_LOOP
    assert facts.status is None
    assert [h.status for h in facts.hops] == [302, 302]
    assert site.hits("/a") == 1


def chain(request: Request) -> Behaviour:
    """/r<n> redirects to /r<n+1> forever."""
    step = int(request.path.removeprefix("/r") or 0)
    return redirect(f"/r{step + 1}")


@pytest.mark.parametrize(("length", "error"), [(3, None), (4, ErrorKind.TOO_MANY_REDIRECTS)])
async def test_redirects_beyond_the_limit_are_too_many(
    length: int, error: ErrorKind | None, sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("chain.test", {f"/r{length}": page("End", "the end")}, fallback=chain)
    async with sites.fetcher(tuned(fetch_settings, max_redirects=3)) as fetcher:
        facts = await fetcher.fetch(site.url("/r0"))
    assert facts.error is error
    assert len(site.requests) == 4


async def test_a_cookie_check_redirecting_to_itself_is_not_a_loop(
    sites: Sites, fetch_settings: Settings
) -> None:
    def cookie_wall(request: Request) -> Behaviour:
        if "visited=1" in request.headers.get("cookie", ""):
            return page("Welcome", "content behind a cookie check")
        return Response(302, headers=[("Location", "/"), ("Set-Cookie", "visited=1; Path=/")])

    site = await sites.add("cookies.test", {"/": cookie_wall})
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
        later = await fetcher.fetch(site.url("/"))
    assert facts.status == 200 and [h.status for h in facts.hops] == [302, 200]
    # Cookies live for one fetch only: the next check of the URL starts afresh.
    assert [h.status for h in later.hops] == [302, 200]


@pytest.mark.parametrize(
    "location", ["mailto:help@helpline.test", "javascript:void(0)", "ftp://files.test/"]
)
async def test_a_redirect_out_of_http_is_an_invalid_url(
    location: str, sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("odd.test", {"/": redirect(location)})
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.error is ErrorKind.INVALID_URL
    assert facts.hops[0].status == 302 and facts.hops[0].location == location


@pytest.mark.parametrize("url", ["ftp://files.test/", "not a url", "http://", "mailto:x@y.test"])
async def test_urls_that_cannot_be_fetched_are_never_tried(
    url: str, fetch_settings: Settings
) -> None:
    async with Fetcher(fetch_settings.fetch_policy()) as fetcher:
        facts = await fetcher.fetch(url)
    assert facts.error is ErrorKind.INVALID_URL
    assert facts.attempts == 0


async def test_a_name_that_does_not_exist_is_not_retried(
    sites: Sites, fetch_settings: Settings
) -> None:
    async with sites.fetcher(tuned(fetch_settings, retries=2)) as fetcher:
        facts = await fetcher.fetch("http://gone.test/page")
    assert facts.error is ErrorKind.DNS_NXDOMAIN
    assert facts.attempts == 1


async def test_a_resolver_failure_is_retried(sites: Sites, fetch_settings: Settings) -> None:
    sites.resolver.fail("flaky-dns.test")
    async with sites.fetcher(tuned(fetch_settings, retries=2)) as fetcher:
        facts = await fetcher.fetch("http://flaky-dns.test/")
    assert facts.error is ErrorKind.DNS_FAILURE
    assert facts.attempts == 3


def free_port(address: str) -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


async def test_a_refused_connection_is_retried_then_reported(
    sites: Sites, fetch_settings: Settings
) -> None:
    sites.resolver.add("closed.test", "127.0.0.250")
    port = free_port("127.0.0.250")
    async with sites.fetcher(tuned(fetch_settings, retries=1)) as fetcher:
        facts = await fetcher.fetch(f"http://closed.test:{port}/")
    assert facts.error is ErrorKind.CONNECT_REFUSED
    assert facts.attempts == 2


# --- hostile servers: every one ends in a fact, within the deadline --------------------------

HOSTILE = [
    ("hang", Hang(), {"url_deadline": 1.0, "read_timeout": 30.0}, ErrorKind.DEADLINE),
    (
        "slow-drip",
        Drip(interval=0.1),
        {"url_deadline": 1.0, "read_timeout": 30.0},
        ErrorKind.DEADLINE,
    ),
    ("read-timeout", Hang(), {"url_deadline": 5.0, "read_timeout": 0.2}, ErrorKind.READ_TIMEOUT),
    ("reset-mid-body", ResetMidBody(), {}, ErrorKind.RESET),
    ("garbage", Garbage(), {}, ErrorKind.PROTOCOL),
    ("huge-headers", HugeHeaders(), {}, ErrorKind.PROTOCOL),
    ("half-close-mid-body", HalfClose(), {}, ErrorKind.RESET),
    ("half-close-before-answer", HalfClose(before_response=True), {}, ErrorKind.RESET),
    ("close-at-once", CloseAtOnce(), {}, ErrorKind.RESET),
    (
        "invalid-gzip",
        Response(body=b"not gzip at all", headers=[("Content-Encoding", "gzip")]),
        {},
        ErrorKind.DECODING,
    ),
    (
        "brotli-unasked",
        Response(body=b"\x0b\x02\x80hello\x03", headers=[("Content-Encoding", "br")]),
        {},
        ErrorKind.DECODING,
    ),
]


@pytest.mark.parametrize(
    ("behaviour", "changes", "error"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
async def test_hostile_servers_end_in_a_fact_within_the_deadline(
    behaviour: Behaviour,
    changes: dict[str, float],
    error: ErrorKind,
    sites: Sites,
    fetch_settings: Settings,
) -> None:
    settings = tuned(fetch_settings, **changes)
    site = await sites.add("hostile.test", {"/": behaviour})
    async with sites.fetcher(settings) as fetcher:
        facts = await fetch_within(fetcher, site.url("/"), settings)
    assert facts.error is error, facts.error_detail
    assert facts.error_detail
    assert facts.attempts == 1


async def test_a_read_timeout_is_retried(sites: Sites, fetch_settings: Settings) -> None:
    settings = tuned(fetch_settings, read_timeout=0.2, retries=1)
    site = await sites.add("slow.test", {"/": Responses(Hang(), page("Slow", "second try"))})
    async with sites.fetcher(settings) as fetcher:
        facts = await fetch_within(fetcher, site.url("/"), settings)
    assert facts.status == 200 and facts.attempts == 2


async def test_a_decoding_failure_keeps_the_status(sites: Sites, fetch_settings: Settings) -> None:
    site = await sites.add(
        "bad.test", {"/": Response(body=b"garbled", headers=[("Content-Encoding", "deflate")])}
    )
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.error is ErrorKind.DECODING
    assert facts.status == 200
    assert facts.page is not None and facts.page.content_type == "text/html; charset=utf-8"


BODIES = [
    ("gzip-bomb-1GiB", GzipBomb(size=1024**3)),
    ("body-1GiB", StreamedBody(size=1024**3)),
    ("endless-body", StreamedBody(size=None)),
]


@pytest.mark.parametrize("behaviour", [b for _, b in BODIES], ids=[n for n, _ in BODIES])
async def test_huge_bodies_cost_no_more_than_the_cap(
    behaviour: Behaviour, sites: Sites, fetch_settings: Settings
) -> None:
    settings = tuned(fetch_settings, max_body_bytes=64 * 1024)
    site = await sites.add("huge.test", {"/": behaviour})
    async with sites.fetcher(settings) as fetcher:
        facts = await fetch_within(fetcher, site.url("/"), settings)
    assert facts.error is None and facts.status == 200
    assert facts.page is not None and facts.page.truncated
    assert 0 < facts.page.bytes_read <= 64 * 1024


async def test_a_compressed_page_is_decoded(sites: Sites, fetch_settings: Settings) -> None:
    html = b"<title>Compressed</title><p>Talk to us</p>"
    site = await sites.add(
        "gz.test",
        {
            "/gzip": Response(body=html, gzip=True),
            "/stacked": Response(
                body=gzip.compress(gzip.compress(html)),
                headers=[("Content-Encoding", "gzip, gzip")],
            ),
            "/two-headers": Response(
                body=gzip.compress(gzip.compress(html)),
                headers=[("Content-Encoding", "gzip"), ("Content-Encoding", "gzip")],
            ),
        },
    )
    async with sites.fetcher(fetch_settings) as fetcher:
        for path in ("/gzip", "/stacked", "/two-headers"):
            facts = await fetcher.fetch(site.url(path))
            assert facts.page is not None and facts.page.title == "Compressed"
            assert facts.page.text == "Talk to us"


async def test_documents_that_are_not_html_keep_only_type_and_size(
    sites: Sites, fetch_settings: Settings
) -> None:
    pdf = b"%PDF-1.7\n" + b"\x00\x01binary" * 100
    site = await sites.add(
        "docs.test", {"/guide.pdf": Response(body=pdf, content_type="application/pdf")}
    )
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/guide.pdf"))
    assert facts.status == 200
    assert facts.page is not None
    assert facts.page.content_type == "application/pdf"
    assert facts.page.bytes_read == len(pdf)
    assert facts.page.text == "" and facts.page.title is None


async def test_meta_refresh_and_charset_are_read(sites: Sites, fetch_settings: Settings) -> None:
    body = (
        '<html><head><meta http-equiv="refresh" content="0; url=/elsewhere">'
        "<title>Caf\xe9</title></head><body>Men\xfa</body></html>"
    ).encode("latin-1")
    site = await sites.add(
        "old-cafe.test", {"/": Response(body=body, content_type="text/html; charset=iso-8859-1")}
    )
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.page is not None
    assert facts.page.title == "Café" and facts.page.text == "Menú"
    assert facts.page.meta_refresh == site.url("/elsewhere")


# --- politeness ---------------------------------------------------------------------------------


async def test_a_server_error_is_retried(sites: Sites, fetch_settings: Settings) -> None:
    site = await sites.add(
        "wobbly.test", {"/": Responses(Response(503), Response(502), page("Up", "ok"))}
    )
    async with sites.fetcher(tuned(fetch_settings, retries=2)) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.status == 200 and facts.attempts == 3


async def test_retry_after_within_the_bound_is_honoured(
    sites: Sites, fetch_settings: Settings
) -> None:
    busy = Response(429, headers=[("Retry-After", "0")])
    site = await sites.add("busy.test", {"/": Responses(busy, page("Served", "at last"))})
    async with sites.fetcher(tuned(fetch_settings, retries=1)) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.status == 200 and facts.attempts == 2


async def test_retry_after_beyond_the_bound_stops_and_is_reported(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add(
        "throttled.test", {"/": Response(429, headers=[("Retry-After", "3600")])}
    )
    async with sites.fetcher(tuned(fetch_settings, retries=3, max_retry_after=60)) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.status == 429
    assert facts.attempts == 1
    assert facts.retry_after == 3600
    assert site.hits("/") == 1


class Counting(Behaviour):
    """Answers after a short delay, counting how many requests are in progress at once."""

    def __init__(self) -> None:
        self.active = 0
        self.peak = 0

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            return await Response(body="<p>counted</p>", delay=0.05).respond(site, request, writer)
        finally:
            self.active -= 1


async def test_one_host_never_sees_more_than_its_share(
    sites: Sites, fetch_settings: Settings
) -> None:
    counting = Counting()
    site = await sites.add("busy-host.test", fallback=counting)
    other_counting = Counting()
    other = await sites.add("other-host.test", fallback=other_counting)
    settings = tuned(fetch_settings, per_host_concurrency=2, concurrency=16)
    async with sites.fetcher(settings) as fetcher:
        urls = [site.url(f"/{i}") for i in range(8)] + [other.url(f"/{i}") for i in range(4)]
        results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
    assert all(r.status == 200 for r in results)
    assert counting.peak == 2
    assert other_counting.peak == 2


async def test_the_deadline_does_not_count_time_spent_queueing(
    sites: Sites, fetch_settings: Settings
) -> None:
    # Four 0.4 s answers one at a time take 1.6 s: longer than one URL's 1 s deadline.
    site = await sites.add("queue.test", fallback=Response(body="<p>slow</p>", delay=0.4))
    settings = tuned(fetch_settings, per_host_concurrency=1, url_deadline=1.0)
    async with sites.fetcher(settings) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(site.url(f"/{i}")) for i in range(4)))
    assert [r.error for r in results] == [None] * 4


# --- the soft-404 probe ---------------------------------------------------------------------------


async def test_a_host_is_probed_once_per_fetcher(sites: Sites, fetch_settings: Settings) -> None:
    site = await sites.add("probed.test", {"/real": page("Real", "content")})
    async with sites.fetcher(fetch_settings) as fetcher:
        baselines = await asyncio.gather(
            fetcher.probe(site.url("/real")), fetcher.probe(site.url("/other?x=1"))
        )
        again = await fetcher.probe(site.url("/"))
    probes = [r for r in site.requests if r.path.startswith(PROBE_PREFIX)]
    assert len(probes) == 1
    baseline = baselines[0]
    assert baselines[1] is baseline and again is baseline
    assert baseline.host == "probed.test"
    assert baseline.status == 404 and baseline.title == "Not Found"
    assert baseline.probe_url == site.url(probes[0].target)
    # An honest 404 is never compared with a page: it is not fingerprinted.
    assert baseline.fingerprint is None and baseline.error is None


async def test_a_catch_all_site_answers_the_probe_with_its_home_page(
    sites: Sites, fetch_settings: Settings
) -> None:
    home = page("Home", "Welcome to the home page of a site that answers every path")
    site = await sites.add("catchall.test", {"/": home}, fallback=redirect("/", 302))
    async with sites.fetcher(fetch_settings) as fetcher:
        baseline = await fetcher.probe(site.url("/deep/link"))
        real = await fetcher.fetch(site.url("/"))
    assert baseline.status == 200 and baseline.final_url == site.url("/")
    assert real.page is not None and baseline.fingerprint == real.page.fingerprint


async def test_a_failed_probe_says_why(sites: Sites, fetch_settings: Settings) -> None:
    async with sites.fetcher(fetch_settings) as fetcher:
        baseline = await fetcher.probe("http://unknown.test/page")
    assert baseline.error is ErrorKind.DNS_NXDOMAIN
    assert baseline.status is None and baseline.fingerprint is None


async def test_a_file_is_fetched_once_for_its_bytes_within_its_own_cap(
    sites: Sites, fetch_settings: Settings
) -> None:
    xml = b"<urlset>" + b"<url><loc>https://a.test/x</loc></url>" * 1000 + b"</urlset>"
    site = await sites.add(
        "files.test",
        {
            "/sitemap.xml": Response(body=xml, content_type="text/html", gzip=True),
            "/flaky.xml": Responses(Response(503), Response(body=b"<urlset/>")),
        },
    )
    async with sites.fetcher(tuned(fetch_settings, retries=2)) as fetcher:
        facts, body = await fetcher.fetch_file(site.url("/sitemap.xml"), max_bytes=4096)
        flaky, _ = await fetcher.fetch_file(site.url("/flaky.xml"), max_bytes=4096)
    assert body == xml[:4096]
    assert facts.page is not None and facts.page.truncated and facts.page.title is None
    assert facts.page.text == ""  # a file is not read as a page, whatever its type says
    assert flaky.status == 503 and flaky.attempts == 1  # an extra look-up is never retried
    assert site.hits("/flaky.xml") == 1


async def test_a_document_may_be_fetched_once_under_a_shorter_deadline(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("slow.test", {"/": Hang(), "/503": Response(503)})
    async with sites.fetcher(tuned(fetch_settings, retries=2)) as fetcher:
        async with asyncio.timeout(fetch_settings.url_deadline):
            facts, html = await fetcher.fetch_document(site.url("/"), deadline=0.5, retry=False)
        server_error, _ = await fetcher.fetch_document(site.url("/503"), retry=False)
    assert facts.error is ErrorKind.DEADLINE and html is None
    assert server_error.attempts == 1 and site.hits("/503") == 1


async def test_a_host_that_stopped_answering_is_not_waited_on_for_each_of_its_links(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("dead.test", fallback=Hang())
    settings = fetch_settings.model_copy(
        update={"read_timeout": 0.2, "per_host_concurrency": 1, "silent_host_links": 3}
    )
    async with sites.fetcher(settings) as fetcher:
        silent = fetcher.silent_hosts()
        results = [await fetcher.fetch(site.url(f"/page/{n}"), silent=silent) for n in range(6)]
        other = await sites.add("alive.test", {"/": page("Alive", "Still here.")})
        alive = await fetcher.fetch(other.url("/"), silent=silent)
        # Another run's record (an editor's recheck) asks the host again.
        again = await fetcher.fetch(site.url("/page/0"), silent=fetcher.silent_hosts())
    assert len(site.requests) == 4  # three links left unanswered; the other three not asked
    assert [r.error for r in results] == [ErrorKind.READ_TIMEOUT] * 6
    assert [r.attempts for r in results] == [1, 1, 1, 0, 0, 0]
    for silenced in results[3:]:
        assert silenced.error_detail is not None
        assert silenced.error_detail.startswith("not asked: dead.test left its last 3 links")
        assert silenced.hops == ()
    assert alive.status == 200
    assert again.attempts == 1


async def test_every_link_is_asked_when_silent_hosts_are_off(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("dead.test", fallback=Hang())
    settings = fetch_settings.model_copy(update={"read_timeout": 0.2, "silent_host_links": 0})
    async with sites.fetcher(settings) as fetcher:
        silent = fetcher.silent_hosts()
        results = await asyncio.gather(
            *(fetcher.fetch(site.url(f"/p/{n}"), silent=silent) for n in range(4))
        )
    assert len(site.requests) == 4
    assert all(r.attempts == 1 for r in results)
