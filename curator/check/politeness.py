"""Politeness: how many requests at once, how often per host, and when to try again.

httpx has no per-host limit, so curator keeps its own: a global semaphore, a semaphore per
host, and a next-allowed start time per host (spacing). Retries back off exponentially with
jitter; a server's `Retry-After` is honoured up to a bound, beyond which curator stops and
reports it rather than waiting.
"""

from __future__ import annotations

import asyncio
import functools
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from curator.check.facts import ErrorKind

RETRYABLE_ERRORS = frozenset(
    {
        ErrorKind.DNS_FAILURE,
        ErrorKind.CONNECT_REFUSED,
        ErrorKind.CONNECT_TIMEOUT,
        ErrorKind.CONNECT_ERROR,
        ErrorKind.READ_TIMEOUT,
        ErrorKind.RESET,
    }
)
"""Failures worth another try. DEADLINE is not one: a server too slow for the whole deadline
would only cost the deadline again."""

THROTTLE_STATUSES = frozenset({429, 503})
"""Statuses whose Retry-After (or backoff) also slows every other request to the host."""


def is_retryable(error: ErrorKind | None, status: int | None) -> bool:
    """True for transient failures: timeouts, resets, connect errors, DNS failure, 429, 5xx."""
    if error is not None:
        return error in RETRYABLE_ERRORS
    return status is not None and (status == 429 or 500 <= status <= 599)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    moment = now if now is not None else datetime.now(UTC)
    return max(0.0, (when - moment).total_seconds())


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """Whether to try a URL again, and after how long."""

    retry: bool
    delay: float = 0.0
    reason: str = ""


class RetryPolicy:
    """Exponential backoff with jitter, bounded retries, Retry-After honoured up to a bound."""

    def __init__(
        self,
        *,
        retries: int,
        backoff: float,
        max_retry_after: float,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self._jitter = jitter

    def backoff_delay(self, attempt: int) -> float:
        """The pause after failed try number `attempt` (1-based): b·2^(n-1), ±50% jitter."""
        return float(self.backoff * 2 ** (attempt - 1) * (0.5 + self._jitter()))

    def decide(
        self,
        attempt: int,
        error: ErrorKind | None,
        status: int | None,
        retry_after: float | None = None,
    ) -> RetryDecision:
        """What to do after try number `attempt` ended with `error` / `status`."""
        if not is_retryable(error, status):
            return RetryDecision(False, reason="not a transient failure")
        if attempt > self.retries:
            return RetryDecision(False, reason=f"gave up after {attempt} tries")
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return RetryDecision(
                    False,
                    reason=f"Retry-After {retry_after:g} s is beyond {self.max_retry_after:g} s",
                )
            return RetryDecision(True, retry_after, reason="Retry-After")
        return RetryDecision(True, self.backoff_delay(attempt), reason="backoff")


UNANSWERED_ERRORS = frozenset(
    {
        ErrorKind.CONNECT_REFUSED,
        ErrorKind.CONNECT_TIMEOUT,
        ErrorKind.CONNECT_ERROR,
        ErrorKind.READ_TIMEOUT,
        ErrorKind.DEADLINE,
    }
)
"""Failures of a host that gave no answer at all: what a host that stopped answering does to
every link. (DNS failures are the checker's network; a reset or TLS error is an answer.)"""


@dataclass(frozen=True, slots=True)
class Silence:
    """Why a host's link is not asked: the failure its last links ended in."""

    error: ErrorKind
    detail: str


class SilentHosts:
    """Hosts that stopped answering, so a run does not wait on each of their links in turn.

    When `threshold` links of a host in a row end unanswered (`UNANSWERED_ERRORS`, each after
    its retries), the host's next links are not asked for `hold` seconds: each ends at once
    in the same failure, saying so (`silence`). Then one link is asked again; if the host
    answers it, its links are asked as before, else it is silent for another `hold`. A dead
    host with hundreds of links costs its first few links' timeouts, not hundreds.
    """

    def __init__(
        self, *, threshold: int, hold: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._threshold = threshold
        self._hold = hold
        self._clock = clock
        self._unanswered: dict[str, int] = {}
        self._silent: dict[str, tuple[float, Silence]] = {}
        """Silent hosts: until when, and why."""
        self._trying: dict[str, float] = {}
        """Silent hosts whose hold is over, one of whose links is being asked again: since
        when (a trial that never ends, cancelled with its run, is given up after a hold)."""

    def silence(self, host: str) -> Silence | None:
        """Why `host`'s next link is not to be asked, or None to ask it (the one trial after
        a hold is asked: then the host's other links are silent until it ends)."""
        silent = self._silent.get(host)
        if silent is None:
            return None
        until, why = silent
        now = self._clock()
        trying = self._trying.get(host)
        if now < until or (trying is not None and now < trying + self._hold):
            return why
        self._trying[host] = now
        return None

    def ended(self, host: str, error: ErrorKind | None, detail: str | None) -> None:
        """A link of `host` was asked and ended in `error` (None: the host answered)."""
        if self._threshold <= 0:
            return
        self._trying.pop(host, None)
        if error not in UNANSWERED_ERRORS:
            self._unanswered.pop(host, None)
            self._silent.pop(host, None)
            return
        count = self._unanswered[host] = self._unanswered.get(host, 0) + 1
        if count >= self._threshold:
            why = Silence(
                error,
                f"not asked: {host} left its last {count} links unanswered ({detail or error}); "
                f"curator asks it again after {self._hold:g} s",
            )
            self._silent[host] = (self._clock() + self._hold, why)


@functools.lru_cache(maxsize=4096)
def host_key(url: str) -> str:
    """The politeness key of a URL: its host name, lower-cased (ports share a host).
    Remembered for the last few thousand URLs: a check asks it of its URL several times."""
    return (urlsplit(url).hostname or "").lower()


def spread_by_host(urls: Iterable[str]) -> list[str]:
    """`urls` in the order to start them: each host's links spread evenly over the run.

    Catalogs list a site's links together (a guide's ten pages on one site, a directory's
    thousands). Taken in that order, every worker of a run would wait on the same host's
    limit while the other hosts stay idle, and a run would last the sum of its hosts' times
    instead of the longest one's. Spread out, a host's k-th of n links comes at about k/n of
    the way through the run: the host with the most links starts first, and every host's
    links flow at the pace its own limit allows. Within a host the given order is kept; hosts
    with as many links take turns in the order they first appear.
    """
    by_host: dict[str, list[str]] = {}
    for url in urls:
        try:
            key = host_key(url)
        except ValueError:  # not a URL a request can be made to: its check says so
            key = url
        by_host.setdefault(key, []).append(url)
    if len(by_host) < 2:
        return [url for same in by_host.values() for url in same]
    keyed = [
        ((rank + 0.5) / len(same), turn, url)
        for turn, same in enumerate(by_host.values())
        for rank, url in enumerate(same)
    ]
    keyed.sort()  # (place, turn) is unique: the URL itself is never compared
    return [url for _, _, url in keyed]


class RequestsStopped(Exception):
    """No new request starts: the process is shutting down (`HostLimiter.close`). Not a fact
    about the URL: its check is not made, and a resumed run makes it."""

    def __init__(self, host: str) -> None:
        self.host = host
        super().__init__(f"no new request to {host}: the checker is stopping")


class HostLimiter:
    """At most `concurrency` requests in all, `per_host` per host, starts `interval` apart."""

    def __init__(
        self,
        *,
        concurrency: int,
        per_host: int,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host = per_host
        self._interval = interval
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._last_start: dict[str, float] = {}
        self._closed = False

    def close(self) -> None:
        """Start no new request: the requests going on finish, and those waiting for a slot
        (and any asked for later) raise RequestsStopped when their turn comes."""
        self._closed = True

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one request slot for `host`; entering waits for capacity and spacing (raises
        RequestsStopped once the limiter is closed)."""
        if self._closed:
            raise RequestsStopped(host)
        key = host.lower()
        semaphore = self._hosts.get(key)
        if semaphore is None:
            semaphore = self._hosts[key] = asyncio.Semaphore(self._per_host)
        # The host slot, then the host's spacing, then a global slot: a task waiting on a busy
        # or recently asked host holds no global slot, so other hosts' requests go ahead.
        async with semaphore:
            await self._space(key)
            async with self._global:
                if self._closed:  # closed while this request waited for its turn
                    raise RequestsStopped(host)
                await self._started(key)
                yield

    async def _space(self, key: str) -> None:
        now = self._clock()
        start = max(now, self._next_start.get(key, now))
        # Reserved before sleeping, so concurrent holders of the host's slots queue up in turn.
        self._next_start[key] = start + self._interval
        if start > now:
            await self._sleep(start - now)

    async def _started(self, key: str) -> None:
        """A start the global limit held back may come closer than `interval` after the
        host's previous one: it waits out the rest (briefly, holding its global slot)."""
        if self._interval:
            now = self._clock()
            last = self._last_start.get(key)
            if last is not None and now < last + self._interval:
                await self._sleep(last + self._interval - now)
                now = self._clock()
            self._last_start[key] = now

    def defer(self, host: str, seconds: float) -> None:
        """Let no new request start to `host` for `seconds` (after a 429/503)."""
        key = host.lower()
        until = self._clock() + seconds
        self._next_start[key] = max(self._next_start.get(key, until), until)

    def next_start(self, host: str) -> float | None:
        """The earliest clock time a new request to `host` may start, if one is set."""
        return self._next_start.get(host.lower())
