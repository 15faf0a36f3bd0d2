"""Politeness: how many requests at once, how often per host, and when to try again.

httpx has no per-host limit, so curator keeps its own: a global semaphore, a semaphore per
host, and a next-allowed start time per host (spacing). Retries back off exponentially with
jitter; a server's `Retry-After` is honoured up to a bound, beyond which curator stops and
reports it rather than waiting.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

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

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one request slot for `host`; entering waits for capacity and spacing."""
        key = host.lower()
        semaphore = self._hosts.get(key)
        if semaphore is None:
            semaphore = self._hosts[key] = asyncio.Semaphore(self._per_host)
        # The host slot first: a task waiting on a busy host must not hold a global slot.
        async with semaphore, self._global:
            await self._space(key)
            yield

    async def _space(self, key: str) -> None:
        now = self._clock()
        start = max(now, self._next_start.get(key, now))
        # Reserved before sleeping, so concurrent holders of the host's slots queue up in turn.
        self._next_start[key] = start + self._interval
        if start > now:
            await self._sleep(start - now)

    def defer(self, host: str, seconds: float) -> None:
        """Let no new request start to `host` for `seconds` (after a 429/503)."""
        key = host.lower()
        until = self._clock() + seconds
        self._next_start[key] = max(self._next_start.get(key, until), until)

    def next_start(self, host: str) -> float | None:
        """The earliest clock time a new request to `host` may start, if one is set."""
        return self._next_start.get(host.lower())
