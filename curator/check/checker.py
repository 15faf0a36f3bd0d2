"""The checker a process checks with: the fetcher and the video look-up, built once.

Each composition root (the API's lifespan, the scheduler, the CLI) builds one `Checker` from
its settings' `FetchPolicy` and passes it to every run; tests build one on the loopback sites.
Every request it makes, the oEmbed look-ups included, goes through the guarded transport
(`curator.check.transport.build_client`): the address guard, no proxies from the
environment, the policy's timeouts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from types import TracebackType
from typing import Self

import httpx

from curator.check.classifier import baseline_tells, classify, refresh_target, wants_baseline
from curator.check.evidence import final_url
from curator.check.facts import Expectation, Facts, Outcome, Snapshot, VideoFacts
from curator.check.fetcher import Fetcher
from curator.check.policy import FetchPolicy, SearchLimits
from curator.check.politeness import SilentHosts
from curator.check.transport import build_client
from curator.check.urls import is_deep_link
from curator.check.video import OEmbedLookup, OfflineVideoLookup, VideoLookup


@dataclass(slots=True)
class _Shared:
    """One fetch in flight and the runs that want it."""

    task: asyncio.Task[Facts]
    runs: set[object] = field(default_factory=set)


class Checker:
    """Fetches and looks up videos for every run of one process."""

    def __init__(
        self,
        fetcher: Fetcher,
        video: VideoLookup | None = None,
        *,
        concurrency: int,
        close: Callable[[], Awaitable[None]] | None = None,
        search: SearchLimits | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.video: VideoLookup = video if video is not None else OfflineVideoLookup()
        self.concurrency = concurrency
        """URLs a run checks at once."""
        self.search = search
        """The bounds of the search for a broken link's moved page (None: no search)."""
        self._close = close
        self._in_flight: dict[str, _Shared] = {}
        """Fetches going on in this process, by URL, whichever run started them."""

    def fetch_for(
        self, url: str, run: object, *, silent: SilentHosts | None = None
    ) -> asyncio.Task[Facts]:
        """The fetch of `url` for `run`: a new one (not asking the hosts `silent` holds
        silent), or the one already going on for another run of this process (a recheck
        beside a full run never fetches a URL twice at once)."""
        shared = self._in_flight.get(url)
        if shared is None:
            shared = _Shared(asyncio.ensure_future(self.fetcher.fetch(url, silent=silent)))
            self._in_flight[url] = shared
            shared.task.add_done_callback(partial(self._landed, url, shared))
        shared.runs.add(run)
        return shared.task

    def release(self, url: str, run: object, task: asyncio.Task[Facts]) -> None:
        """`run` no longer wants `url`'s fetch: stopped unless another run still does."""
        shared = self._in_flight.get(url)
        if shared is None or shared.task is not task:
            task.cancel()  # already landed (a no-op) or never shared
            return
        shared.runs.discard(run)
        if not shared.runs:
            task.cancel()

    def waiting_on(self, url: str) -> int:
        """How many runs of this process share `url`'s fetch in flight (0: none is)."""
        shared = self._in_flight.get(url)
        return len(shared.runs) if shared is not None else 0

    def _landed(self, url: str, shared: _Shared, task: asyncio.Task[Facts]) -> None:
        if self._in_flight.get(url) is shared:
            del self._in_flight[url]
        if not task.cancelled():
            task.exception()  # seen here; every run that joined it gets it from its await

    @classmethod
    def build(
        cls,
        policy: FetchPolicy,
        *,
        client: httpx.AsyncClient | None = None,
        search: SearchLimits | None = None,
    ) -> Checker:
        """The checker `policy` configures; every request through `client` when given (the
        caller closes it), else through a guarded client of its own. With `search`, a run
        looks for broken links' moved pages on their own sites within those bounds."""
        own = client is None
        http = client if client is not None else build_client(policy)
        fetcher = Fetcher(policy, client=http)
        video = OEmbedLookup(http) if policy.video_oembed else OfflineVideoLookup()

        async def close() -> None:
            await fetcher.aclose()
            if own:
                await http.aclose()

        return cls(fetcher, video, concurrency=policy.concurrency, close=close, search=search)

    def sweep(self) -> Sweep:
        """A fresh sweep for one run: each URL it meets fetched once."""
        return Sweep(self)

    def stop_requests(self) -> None:
        """Start no new request (the process is shutting down): what is in flight finishes,
        and a run's checks that have not started end in RequestsStopped, unmade."""
        self.fetcher.stop_requests()

    async def aclose(self) -> None:
        """Close what this checker opened (nothing it was given)."""
        for shared in list(self._in_flight.values()):
            shared.task.cancel()
        if self._close is not None:
            await self._close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


@dataclass(frozen=True, slots=True)
class Reading:
    """A URL's first classification, and what classifying it again with a baseline takes."""

    outcome: Outcome
    refresh: Facts | None
    """The meta refresh target's facts, when the page forwards."""
    video: VideoFacts | None
    wants_baseline: bool
    """The outcome may change once the host's answer to a made-up address is known."""


class Sweep:
    """One run's pass over its URLs: each fetched once, whoever asks (a listed URL, another's
    meta-refresh target), then classified with what its facts call for.

    A fetch is kept while it may still be asked for: a listed URL's until the run says its
    check is `done`, a meta-refresh target's for the whole sweep (other pages may forward to
    it). So a sweep holds the pages in flight and the refresh targets, not every page it
    fetched; a page forwarding to a listed URL whose check is already done fetches it again.
    """

    def __init__(self, checker: Checker) -> None:
        self.checker = checker
        self.fetches: dict[str, asyncio.Task[Facts]] = {}
        self.forwarded_to: set[str] = set()
        """URLs some page of the sweep forwards to by meta refresh."""
        self.silent = checker.fetcher.silent_hosts()
        """The hosts that stopped answering during this sweep."""

    async def fetch(self, url: str) -> Facts:
        """Fetch `url` once per sweep."""
        return await asyncio.shield(self.start(url))

    def start(self, url: str) -> asyncio.Task[Facts]:
        """`url`'s fetch in this sweep: started now unless it already was."""
        task = self.fetches.get(url)
        if task is None:
            task = self.fetches[url] = self.checker.fetch_for(url, self, silent=self.silent)
        return task

    def expect(self, url: str) -> None:
        """Say the run is about to check `url`: a deep link's host is probed for its answer to
        a made-up address now, so the probe queues for the host ahead of its links."""
        if is_deep_link(url):
            self.checker.fetcher.start_probe(url)

    async def classify(
        self, facts: Facts, expectation: Expectation, history: Snapshot | None
    ) -> Outcome:
        """Classify, fetching what the facts call for: refresh target, video, baseline."""
        reading = await self.read(facts, expectation, history)
        if not reading.wants_baseline:
            return reading.outcome
        return await self.refine(facts, expectation, history, reading)

    async def read(
        self, facts: Facts, expectation: Expectation, history: Snapshot | None
    ) -> Reading:
        """The first classification, with the refresh target and the video host's word: final
        unless it `wants_baseline` (then `refine` it once the host's probe is in)."""
        target = refresh_target(facts)
        refresh = None
        if target is not None:
            self.forwarded_to.add(target)
            refresh = await self.fetch(target)
        video = await self.lookup_video(facts)
        outcome = classify(facts, expectation, None, video, refresh=refresh, history=history)
        return Reading(outcome, refresh, video, wants_baseline(facts, outcome))

    def baseline_ready(self, facts: Facts) -> bool:
        """True when the probe a reading of `facts` would wait for is done."""
        return self.checker.fetcher.probe_done(final_url(facts))

    async def refine(
        self, facts: Facts, expectation: Expectation, history: Snapshot | None, reading: Reading
    ) -> Outcome:
        """The reading classified again with the host's answer to a made-up address, when that
        answer can change it (a success); else the reading's own outcome."""
        baseline = await self.checker.fetcher.probe(final_url(facts))
        if not baseline_tells(baseline):
            return reading.outcome
        return classify(
            facts,
            expectation,
            baseline,
            reading.video,
            refresh=reading.refresh,
            history=history,
        )

    async def lookup_video(self, facts: Facts) -> VideoFacts | None:
        """What a video host says of the address, or of where it led (None for non-videos)."""
        for url in dict.fromkeys((facts.url, final_url(facts))):
            found = await self.checker.video.lookup(url)
            if found is not None:
                return found
        return None

    def done(self, url: str) -> None:
        """The run has stored `url`'s check: its fetch is let go, unless a page of the sweep
        forwards to it."""
        task = self.fetches.get(url)
        if task is not None and task.done() and url not in self.forwarded_to:
            del self.fetches[url]

    def cancel(self) -> None:
        """Stop the fetches still running (the run is over)."""
        for url, task in self.fetches.items():
            self.checker.release(url, self, task)
