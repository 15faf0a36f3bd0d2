"""The fetcher: curator's only network code. One URL in, frozen `Facts` out, never an exception
for network trouble.

Each try follows redirects by hand (so every hop is recorded and guarded), under a wall-clock
deadline that covers every hop and the body but not the time spent queueing for a polite
slot. Transient failures are tried again with backoff; the last try's facts are returned.

Reading a body into a `Page` (parsing, visible text, fingerprint) is CPU work: a body over a
few kilobytes is read in the fetcher's own threads or processes, never on the event loop that
fetches (see `curator.check.readers`).
"""

from __future__ import annotations

import asyncio
import secrets
import ssl
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import httpx

from curator.check.body import DecodingError, content_encodings, read_body
from curator.check.facts import Certificate, ErrorKind, Facts, Hop, Page, SiteBaseline
from curator.check.failures import translate
from curator.check.guard import AddressGuard
from curator.check.policy import FetchPolicy
from curator.check.politeness import (
    THROTTLE_STATUSES,
    HostLimiter,
    RetryPolicy,
    SilentHosts,
    host_key,
    parse_retry_after,
)
from curator.check.readers import PageReaders
from curator.check.resolver import Resolver
from curator.check.streams import ConnectTrace, connect_trace
from curator.check.text import HTML_TYPES, decode, is_parsable, media_type, section_of
from curator.check.transport import GuardedClient, build_client

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_HEADERS = 100
MAX_HEADER_CHARS = 2048
PROBE_PREFIX = "/curator-probe-"


def origin(url: str) -> str:
    """scheme://host[:port] of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}".lower()


class _Budget:
    """The per-URL deadline as a budget of seconds, paused while queueing for a slot."""

    def __init__(self, timeout: asyncio.Timeout, seconds: float) -> None:
        self._timeout = timeout
        self._remaining = seconds
        self._since: float | None = None
        self._loop = asyncio.get_running_loop()

    def resume(self) -> None:
        self._since = self._loop.time()
        self._timeout.reschedule(self._since + self._remaining)

    def pause(self) -> None:
        if self._since is not None:
            self._remaining -= self._loop.time() - self._since
            self._since = None
        self._timeout.reschedule(None)


@dataclass(slots=True)
class _Try:
    """What one try of a URL has learned so far (mutable while it runs)."""

    url: str
    max_bytes: int
    deadline: float
    extract: bool = True
    """Read the body as a page (title, text); a file fetched for its bytes is not read."""
    hops: list[Hop] = field(default_factory=list)
    current: str = ""
    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    page: Page | None = None
    retry_after: float | None = None
    body: bytes | None = None
    """The final response's body as read (decompressed, capped), for `fetch_document`."""
    certificate: Certificate | None = None
    asked: set[str] = field(default_factory=set)
    """Hosts this URL's fetch was let ask (`SilentHosts`), across its tries: not looked up
    again, so the one link a silent host is asked again with goes on to its end."""
    silent: SilentHosts | None = None
    """The run's record of hosts that stopped answering (None: every host is asked)."""
    silenced: bool = False
    """The try ended before a request, its host being silent."""
    section: str | None = None
    """The section the link's fragment names (`#reporting`), looked for on the final page."""

    def facts(self, error: ErrorKind | None = None, detail: str | None = None) -> Facts:
        return Facts(
            url=self.url,
            hops=tuple(self.hops),
            status=self.status,
            final_url=self.current or None,
            headers=self.headers,
            page=self.page,
            error=error,
            error_detail=detail,
            elapsed_ms=sum(h.elapsed_ms for h in self.hops),
            retry_after=self.retry_after,
            certificate=self.certificate,
        )


def _fetchable(url: str | httpx.URL) -> httpx.URL | str:
    """`url` parsed once, without its fragment (never sent); or why it cannot be fetched."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, UnicodeError, TypeError) as exc:
        return f"not a valid URL ({exc})"
    if parsed.scheme not in ("http", "https"):
        return f"not an http(s) URL: {url}"
    if not parsed.host:
        return f"no host in {url}"
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        return f"port {parsed.port} out of range (1-65535) in {url}"
    return parsed.copy_with(fragment=None) if parsed.fragment else parsed


def _address(response: httpx.Response, trace: ConnectTrace) -> str | None:
    stream = response.extensions.get("network_stream")
    if stream is not None:
        address = stream.get_extra_info("curator_address")
        if address is None:
            peer = stream.get_extra_info("server_addr")
            address = peer[0] if peer else None
        if address is not None:
            return str(address)
    return trace.connected


def _issuer(fields: object) -> str | None:
    """ "Let's Encrypt R11" from a certificate's issuer (organisation, then common name)."""
    names: dict[str, str] = {}
    for rdn in fields if isinstance(fields, tuple) else ():
        for pair in rdn if isinstance(rdn, tuple) else ():
            if isinstance(pair, tuple) and len(pair) == 2:
                names.setdefault(str(pair[0]), str(pair[1]))
    parts = [names.get("organizationName"), names.get("commonName")]
    shown = " ".join(dict.fromkeys(p for p in parts if p))
    return shown[:200] or None


def certificate_of(response: httpx.Response, host: str) -> Certificate | None:
    """The peer certificate of the connection `response` from `host` came over (None without
    TLS)."""
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    ssl_object = stream.get_extra_info("ssl_object")
    if ssl_object is None:
        return None
    try:
        peer = ssl_object.getpeercert()
    except (ValueError, ssl.SSLError):
        return None
    if not peer or not isinstance(peer.get("notAfter"), str):
        return None  # unverified connections expose no parsed certificate
    try:
        seconds = ssl.cert_time_to_seconds(peer["notAfter"])
    except ValueError:
        return None
    return Certificate(
        host=host.lower(),
        expires_at=datetime.fromtimestamp(seconds, UTC),
        issuer=_issuer(peer.get("issuer")),
    )


def _headers(items: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The headers kept as facts: the first MAX_HEADERS, each value capped."""
    return tuple((name, value[:MAX_HEADER_CHARS]) for name, value in items[:MAX_HEADERS])


def _joined(items: list[tuple[str, str]]) -> dict[str, str]:
    """Each header's values joined by commas, as httpx's `Headers.get` gives them (read once
    instead of httpx scanning every header per question)."""
    joined: dict[str, str] = {}
    for name, value in items:
        joined[name] = f"{joined[name]}, {value}" if name in joined else value
    return joined


def _ms(start: float) -> int:
    return int((time.monotonic() - start) * 1000)


class Fetcher:
    """Fetches URLs politely and safely into Facts; probes hosts for their not-found page."""

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        client: httpx.AsyncClient | None = None,
        resolver: Resolver | None = None,
        ssl_context: ssl.SSLContext | None = None,
        guard: AddressGuard | None = None,
        limiter: HostLimiter | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        self._policy = policy
        self._owns_client = client is None
        self._client = client or build_client(
            policy, resolver=resolver, ssl_context=ssl_context, guard=guard
        )
        self._limiter = limiter or HostLimiter(
            concurrency=policy.concurrency,
            per_host=policy.per_host_concurrency,
            interval=policy.per_host_interval,
        )
        self._retry = retry_policy or RetryPolicy(
            retries=policy.retries,
            backoff=policy.retry_backoff,
            max_retry_after=policy.max_retry_after,
        )
        # The guarded client's short way for a plain GET (no cookie to send).
        self._get = self._client.get_streamed if isinstance(self._client, GuardedClient) else None
        self._probes: dict[str, asyncio.Task[SiteBaseline]] = {}
        self._pages = PageReaders(policy.page_processes)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Cancel unfinished probes and close the client if this fetcher made it."""
        for task in self._probes.values():
            task.cancel()
        await asyncio.gather(*self._probes.values(), return_exceptions=True)
        self._pages.close()
        if self._owns_client:
            await self._client.aclose()

    async def fetch(self, url: str, *, silent: SilentHosts | None = None) -> Facts:
        """GET `url` (redirects followed by hand, retried when transient) into Facts; with
        `silent`, a host it holds silent is not asked, and how the URL ended is told to it."""
        return (await self._fetch(url, silent=silent))[0]

    def stop_requests(self) -> None:
        """Start no new request (a shutdown): those going on finish; a fetch that has not
        started, or would start another (a retry, a redirect's hop), raises RequestsStopped."""
        self._limiter.close()

    def silent_hosts(self) -> SilentHosts:
        """A record of hosts that stopped answering, as the policy sets it: one per run, so
        an editor's recheck of one link is always asked."""
        return SilentHosts(
            threshold=self._policy.silent_host_links, hold=self._policy.silent_host_hold
        )

    async def fetch_document(
        self, url: str, *, deadline: float | None = None, retry: bool = True
    ) -> tuple[Facts, str | None]:
        """`fetch`, and the final response's HTML as text (capped like every body); None when
        the fetch failed or the final response is not HTML. A `deadline` shorter than the
        configured one and `retry=False` suit look-ups that are extras, not checks."""
        facts, body = await self._fetch(url, deadline=deadline, retry=retry)
        if facts.error is not None or body is None:
            return facts, None
        content_type = facts.page.content_type if facts.page else None
        kind = media_type(content_type)
        if kind not in HTML_TYPES and (kind is not None or not is_parsable(None, body)):
            return facts, None
        return facts, decode(body, content_type)

    async def fetch_file(
        self, url: str, *, max_bytes: int, deadline: float | None = None
    ) -> tuple[Facts, bytes | None]:
        """GET a file whatever its type (robots.txt, a sitemap), tried once, for its body as
        bytes: content codings undone and capped at `max_bytes`; None when the fetch failed."""
        facts, body = await self._fetch(
            url, max_bytes=max_bytes, deadline=deadline, retry=False, extract=False
        )
        return facts, (body if facts.error is None else None)

    async def _fetch(
        self,
        url: str,
        *,
        max_bytes: int | None = None,
        deadline: float | None = None,
        retry: bool = True,
        extract: bool = True,
        silent: SilentHosts | None = None,
    ) -> tuple[Facts, bytes | None]:
        target = _fetchable(url)
        if isinstance(target, str):
            facts = Facts(url=url, error=ErrorKind.INVALID_URL, error_detail=target, attempts=0)
            return facts, None
        attempt = 0
        asked: set[str] = set()
        while True:
            attempt += 1
            state = _Try(
                url=url,
                max_bytes=max_bytes or self._policy.max_body_bytes,
                deadline=min(deadline or self._policy.url_deadline, self._policy.url_deadline),
                extract=extract,
                current=url,
                asked=asked,
                silent=silent,
                section=section_of(url) if extract else None,
            )
            facts = await self._try(state, target)
            if state.silenced:
                # Not asked this try (its host is silent); the tries before it were.
                return replace(facts, attempts=attempt - (0 if state.hops else 1)), None
            decision = self._retry.decide(attempt, facts.error, facts.status, facts.retry_after)
            if not decision.retry or not retry:
                if silent is not None:
                    _ended(silent, state, facts)
                return replace(facts, attempts=attempt), state.body
            if facts.error is None and facts.status in THROTTLE_STATUSES:
                self._limiter.defer(host_key(facts.final_url or url), decision.delay)
            await asyncio.sleep(decision.delay)

    async def probe(self, host_url: str) -> SiteBaseline:
        """What the host of `host_url` answers for a random path (once per host per fetcher)."""
        return await asyncio.shield(self.start_probe(host_url))

    def probe_done(self, host_url: str) -> bool:
        """True when the probe of `host_url`'s host has finished."""
        task = self._probes.get(origin(host_url))
        return task is not None and task.done()

    def start_probe(self, host_url: str) -> asyncio.Future[SiteBaseline]:
        """Start the probe of `host_url`'s host unless it is started: a run starts it with the
        host's first deep link, so it queues for the host ahead of the links that need it."""
        key = origin(host_url)
        task = self._probes.get(key)
        if task is None:
            task = self._probes[key] = asyncio.ensure_future(self._probe(key))
        return task

    async def _probe(self, base: str) -> SiteBaseline:
        probe_url = f"{base}{PROBE_PREFIX}{secrets.token_hex(8)}"
        facts = await self.fetch(probe_url)
        page = facts.page
        return SiteBaseline(
            host=host_key(base),
            probe_url=probe_url,
            status=facts.status,
            final_url=facts.final_url,
            title=page.title if page else None,
            fingerprint=page.fingerprint if page else None,
            text_sample=page.text[:1000] if page else "",
            error=facts.error,
            headings=page.headings if page else (),
        )

    async def _try(self, state: _Try, target: httpx.URL) -> Facts:
        deadline = state.deadline
        try:
            async with asyncio.timeout(None) as timeout:
                await self._follow(state, target, _Budget(timeout, deadline))
        except _Stop as stop:
            return state.facts(stop.kind, stop.detail)
        except TimeoutError:
            if not timeout.expired():
                raise
            return state.facts(
                ErrorKind.DEADLINE, f"no complete answer within the {deadline:g} s deadline"
            )
        except Exception as exc:
            failure = translate(exc)
            if failure is None:
                raise
            return state.facts(*failure)
        return state.facts()

    async def _follow(self, state: _Try, target: httpx.URL, budget: _Budget) -> None:
        jar = httpx.Cookies()
        seen: set[tuple[str, str]] = set()
        while True:
            request = None
            cookie = ""
            if jar or self._get is None:  # most chains set no cookie: no request is built
                request = self._client.build_request("GET", target)
                if jar:
                    jar.set_cookie_header(request)
                    cookie = request.headers.get("cookie", "")
            # The same URL with new cookies is a cookie check, not yet a loop.
            key = (str(target), cookie)
            if key in seen:
                raise _Stop(ErrorKind.REDIRECT_LOOP, f"redirect loop back to {state.current}")
            seen.add(key)
            budget.pause()
            host = host_key(state.current)
            async with self._limiter.slot(host):
                budget.resume()
                if state.silent is not None and host not in state.asked:
                    silence = state.silent.silence(host)
                    if silence is not None:
                        state.silenced = True
                        raise _Stop(silence.error, silence.detail)
                    state.asked.add(host)
                location = await self._request(state, target, request, jar)
            if location is None:
                return
            # The chain goes on: the redirect's status and headers are in its hop.
            state.status, state.headers = None, ()
            redirects = len(state.hops)
            if redirects > self._policy.max_redirects:
                raise _Stop(
                    ErrorKind.TOO_MANY_REDIRECTS,
                    f"more than {self._policy.max_redirects} redirects",
                )
            checked = _fetchable(location)
            if isinstance(checked, str):
                raise _Stop(ErrorKind.INVALID_URL, f"redirect to {checked}")
            state.current = str(checked)
            target = checked

    async def _request(
        self, state: _Try, url: httpx.URL, request: httpx.Request | None, jar: httpx.Cookies
    ) -> httpx.URL | None:
        """GET `url` (as `request` when one is built); returns the absolute Location of a
        redirect, or None when final."""
        start = time.monotonic()
        with connect_trace() as trace:
            try:
                if request is None and self._get is not None:
                    response = await self._get(url)
                else:
                    request = request or self._client.build_request("GET", url)
                    response = await self._client.send(request, stream=True)
            except Exception as exc:
                hop = Hop(state.current, trace.status, trace.connected, trace.location, _ms(start))
                state.hops.append(hop)
                if trace.status in REDIRECT_STATUSES:
                    # The answer arrived; httpx failed to read its Location as a URL.
                    raise _Stop(
                        ErrorKind.INVALID_URL, f"redirect to an invalid URL: {trace.location!r}"
                    ) from exc
                raise
            except BaseException:
                state.hops.append(Hop(state.current, None, trace.connected, None, _ms(start)))
                raise
        try:
            address = _address(response, trace)
            state.status = response.status_code
            items = response.headers.multi_items()
            state.headers = _headers(items)
            headers = _joined(items)
            state.retry_after = parse_retry_after(headers.get("retry-after"))
            if "set-cookie" in headers:
                if request is None:  # the short way sets none: the jar reads the request's URL
                    response.request = self._client.build_request("GET", url)
                jar.extract_cookies(response)
            location = headers.get("location")
            if response.status_code in REDIRECT_STATUSES and location:
                target = url.join(location)
                if target.fragment:
                    target = target.copy_with(fragment=None)
                hop = Hop(state.current, state.status, address, str(target), _ms(start))
                state.hops.append(hop)
                return target
            state.certificate = certificate_of(response, url.host)
            content_type = headers.get("content-type")
            try:
                body = await read_body(
                    response.aiter_raw(),
                    encodings=content_encodings([headers.get("content-encoding", "")]),
                    max_bytes=state.max_bytes,
                )
                state.body = body.data
            except DecodingError as exc:
                state.page = Page(content_type=content_type, bytes_read=exc.raw_bytes)
                raise
            finally:
                state.hops.append(Hop(state.current, state.status, address, None, _ms(start)))
            if not state.extract:
                state.page = Page(content_type, bytes_read=body.raw_bytes, truncated=body.truncated)
                return None
            state.page = await self._pages.read(
                body.data,
                content_type=content_type,
                base_url=str(url),
                bytes_read=body.raw_bytes,
                truncated=body.truncated,
                fingerprinted=200 <= response.status_code < 300,
                section=state.section,
            )
            return None
        finally:
            await response.aclose()


def _ended(silent: SilentHosts, state: _Try, facts: Facts) -> None:
    """Tell `silent` how a URL ended: the host where it ended answered or not, and every host
    before it in the chain answered (with a redirect)."""
    last = host_key(state.current)
    for hop in state.hops:
        answered = host_key(hop.url)
        if answered != last:
            silent.ended(answered, None, None)
    silent.ended(last, facts.error, facts.error_detail)


class _Stop(Exception):
    """Ends a try with a fact of the redirect chain itself (loop, too many, bad Location)."""

    def __init__(self, kind: ErrorKind, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
