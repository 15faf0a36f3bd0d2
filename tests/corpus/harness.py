"""Serve the corpus's pages from loopback and judge them the way a check run does.

    async with CorpusSites(corpus) as served:
        judgement = await served.judge(entry)
        judgement.outcome.verdict

Each entry gets sites of its own in the test-site kit (tests/sites.py): the host of
its `url` answers the page with the entry's status and headers, every other path as its
`paths` says, and the host of `redirect_from` (if any) redirects to it. Sites listen on the
standard ports (80, 443 with the kit's CA) of addresses in a block of 127/8 picked at random
for this process, so the addresses inside pages (a refresh to `http://same-host/…`) reach the
same sites as the catalogued address, and several test processes never collide. Without the
right to bind those ports the sites fall back to ports of the system's choosing, and the
checked address carries the port. Host names an entry does not serve do not exist.

Every entry is checked by its own fetcher with its own resolver, as if by a run of its own:
two entries may give the same host name different pages. The run's per-URL code path does the
work (`curator.check.checker.Sweep`: fetch, meta-refresh target, video look-up, classify, the
random-path probe when the verdict calls for it, classify again), with the video look-up
offline, as with CURATOR_VIDEO_OEMBED=false, and no history: curator has not seen the link
work before.
"""

from __future__ import annotations

import errno
import random
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit, urlunsplit

from curator.check.checker import Checker
from curator.check.classifier import refresh_target
from curator.check.facts import Facts, Outcome, SiteBaseline
from curator.check.fetcher import Fetcher
from curator.check.resolver import StaticResolver
from curator.check.video import OfflineVideoLookup
from curator.settings import Settings
from tests.corpus.manifests import Corpus, Entry
from tests.sites import NOT_FOUND, Behaviour, Response, Site, Sites, redirect

STANDARD_PORTS = {"http": 80, "https": 443}


def corpus_settings(tmp: Path) -> Settings:
    """A check run's settings for loopback sites: no spacing or waiting between tries."""
    return Settings(
        database_url=f"sqlite:///{tmp / 'unused.db'}",
        allow_private_addresses=True,
        per_host_interval=0.0,
        retry_backoff=0.0,
        max_retry_after=0.0,
        connect_timeout=5.0,
        read_timeout=5.0,
        url_deadline=20.0,
        video_oembed=False,
    )


class _Recording(Fetcher):
    """The real fetcher, remembering the random-path baselines it probed."""

    def __init__(self, settings: Settings, *, resolver: StaticResolver, sites: Sites) -> None:
        super().__init__(settings.fetch_policy(), resolver=resolver, ssl_context=sites.ssl_context)
        self.baselines: list[SiteBaseline] = []

    async def probe(self, host_url: str) -> SiteBaseline:
        """Probe as the fetcher does, and remember what came back."""
        baseline = await super().probe(host_url)
        self.baselines.append(baseline)
        return baseline


@dataclass(frozen=True, slots=True)
class Judgement:
    """One entry checked: what was fetched and what the classifier made of it."""

    entry: Entry
    checked_url: str
    facts: Facts
    outcome: Outcome
    refresh: Facts | None = None
    baseline: SiteBaseline | None = None

    @property
    def exact(self) -> bool:
        """True when the verdict is the one the entry wants."""
        return self.outcome.verdict is self.entry.expect

    def explain(self) -> str:
        """A line for a failing test: wanted, got, by which rule, and why."""
        return (
            f"{self.entry.id}: want {self.entry.expect.value}, got {self.outcome.verdict.value} "
            f"by {self.outcome.rule}: {self.outcome.detail}"
        )


@dataclass
class _Addresses:
    """Loopback addresses of a random 127.x.y.0/24 block, one per served host name."""

    rng: random.Random = field(default_factory=random.Random)
    block: tuple[int, int] = (0, 0)
    next: int = 255

    def take(self) -> str:
        if self.next > 254:
            self.renew()
        address = f"127.{self.block[0]}.{self.block[1]}.{self.next}"
        self.next += 1
        return address

    def renew(self) -> None:
        # 127.0.0.0/16 is left to the other tests' sites (127.0.0.x).
        self.block = (self.rng.randint(1, 254), self.rng.randint(0, 255))
        self.next = 1


class CorpusSites:
    """The corpus's sites on loopback, and the check of one entry against them."""

    def __init__(self, corpus: Corpus, settings: Settings) -> None:
        self.corpus = corpus
        self.settings = settings
        self.kit = Sites()
        self._addresses = _Addresses()
        self._standard_ports = True

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.kit.aclose()

    async def judge(self, entry: Entry) -> Judgement:
        """Serve `entry`'s sites, then fetch and classify its catalogued address like a run."""
        resolver, checked_url, _ = await self._serve(entry)
        fetcher = _Recording(self.settings, resolver=resolver, sites=self.kit)
        sweep = Checker(fetcher, OfflineVideoLookup(), concurrency=1).sweep()
        try:
            facts = await sweep.fetch(checked_url)
            outcome = await sweep.classify(facts, entry.resource, None)
            target = refresh_target(facts)
            refresh = sweep.fetches[target].result() if target in sweep.fetches else None
        finally:
            sweep.cancel()
            await fetcher.aclose()
        baseline = fetcher.baselines[-1] if fetcher.baselines else None
        return Judgement(entry, checked_url, facts, outcome, refresh, baseline)

    async def probe(self, entry: Entry) -> SiteBaseline:
        """Serve `entry`'s sites and probe its host for a random path, as a run would."""
        resolver, _, page_url = await self._serve(entry)
        async with _Recording(self.settings, resolver=resolver, sites=self.kit) as fetcher:
            return await fetcher.probe(page_url)

    async def _serve(self, entry: Entry) -> tuple[StaticResolver, str, str]:
        """Start the entry's sites; their resolver, the address to check, the page's address."""
        page = Response(
            status=entry.status,
            body=self.corpus.page(entry.file),
            headers=entry.served_headers(),
            content_type=None,
        )
        if entry.paths == "same":
            fallback: Behaviour = page
        elif entry.paths == "404":
            fallback = NOT_FOUND
        else:
            assert entry.probe_file is not None
            fallback = Response(
                status=200,
                body=self.corpus.page(entry.probe_file),
                headers=entry.served_headers(),
                content_type=None,
            )
        addresses: dict[str, str] = {}
        site = await self._site(entry.url, {_target(entry.url): page}, fallback, addresses)
        served = _with_port(entry.url, site)
        if entry.redirect_from is None:
            return StaticResolver(addresses), served, served
        source = entry.redirect_from
        moved = redirect(served, source.status)
        if _origin(source.url) == _origin(entry.url):
            site.route(_target(source.url), moved)
            return StaticResolver(addresses), _with_port(source.url, site), served
        # A lapsed domain forwards every address, not just the catalogued one.
        other = await self._site(source.url, {}, moved, addresses)
        return StaticResolver(addresses), _with_port(source.url, other), served

    async def _site(
        self, url: str, routes: dict[str, Behaviour], fallback: Behaviour, addresses: dict[str, str]
    ) -> Site:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        tls = "valid" if parts.scheme == "https" else None
        known = addresses.get(host)
        for _ in range(20):
            address = known or self._addresses.take()
            port = STANDARD_PORTS[parts.scheme] if self._standard_ports else 0
            try:
                site = await self.kit.add(
                    host,
                    dict(routes),
                    fallback=fallback,
                    tls=tls,
                    address=address,
                    port=port,
                    resolve=False,
                )
            except PermissionError:
                self._standard_ports = False  # no right to bind ports below 1024
                continue
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or known is not None:
                    raise
                self._addresses.renew()  # another process holds this block
                continue
            addresses[host] = address
            return site
        raise RuntimeError(f"could not find a free loopback address for {host}")


def _target(url: str) -> str:
    """The request target of `url` (path and query)."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower()


def _with_port(url: str, site: Site) -> str:
    """`url` as served by `site`: unchanged on the standard port, else with the site's port."""
    parts = urlsplit(url)
    if site.port == STANDARD_PORTS[parts.scheme]:
        return url
    return urlunsplit(parts._replace(netloc=f"{parts.hostname}:{site.port}"))
