"""Politeness: per-host and global limits, spacing, retries with backoff, Retry-After."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from curator.check.facts import ErrorKind
from curator.check.politeness import (
    HostLimiter,
    RequestsStopped,
    RetryPolicy,
    SilentHosts,
    is_retryable,
    parse_retry_after,
    spread_by_host,
)


class FakeClock:
    """A clock that only moves when the limiter sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


async def hold(
    limiter: HostLimiter, host: str, entered: asyncio.Event, release: asyncio.Event
) -> None:
    async with limiter.slot(host):
        entered.set()
        await release.wait()


async def test_a_host_gets_at_most_its_share_of_slots() -> None:
    limiter = HostLimiter(concurrency=10, per_host=2, interval=0)
    release = asyncio.Event()
    entered = [asyncio.Event() for _ in range(3)]
    tasks = [asyncio.create_task(hold(limiter, "a.test", e, release)) for e in entered]
    await entered[0].wait()
    await entered[1].wait()
    other = asyncio.Event()
    other_task = asyncio.create_task(hold(limiter, "b.test", other, release))
    # Another host is not held up by the busy one, while the third a.test request still waits.
    await other.wait()
    assert not entered[2].is_set()
    release.set()
    await asyncio.gather(*tasks, other_task)
    assert entered[2].is_set()


async def test_the_global_limit_holds_across_hosts() -> None:
    limiter = HostLimiter(concurrency=2, per_host=5, interval=0)
    active = 0
    peak = 0

    async def one(host: str) -> None:
        nonlocal active, peak
        async with limiter.slot(host):
            active += 1
            peak = max(peak, active)
            for _ in range(3):
                await asyncio.sleep(0)  # let every other task run while this one holds a slot
            active -= 1

    await asyncio.gather(*(one(f"h{i}.test") for i in range(6)))
    assert peak == 2


async def test_request_starts_to_one_host_are_spaced() -> None:
    clock = FakeClock()
    limiter = HostLimiter(concurrency=10, per_host=3, interval=0.5, clock=clock, sleep=clock.sleep)
    starts: list[float] = []

    async def one(host: str) -> None:
        async with limiter.slot(host):
            starts.append(clock.now)

    await asyncio.gather(one("a.test"), one("A.test"), one("a.test"))
    assert starts == [100.0, 100.5, 101.0]
    await one("b.test")
    assert starts[-1] == 101.0  # another host is not spaced behind a.test


async def test_deferring_a_host_delays_its_next_start() -> None:
    clock = FakeClock()
    limiter = HostLimiter(concurrency=1, per_host=1, interval=0, clock=clock, sleep=clock.sleep)
    limiter.defer("a.test", 30)
    async with limiter.slot("a.test"):
        pass
    assert clock.sleeps == [30.0]
    assert limiter.next_start("a.test") == 130.0


async def test_a_host_waiting_out_its_spacing_holds_no_global_slot() -> None:
    limiter = HostLimiter(concurrency=1, per_host=1, interval=0.5)
    order: list[str] = []

    async def one(name: str, host: str) -> None:
        async with limiter.slot(host):
            order.append(name)

    await one("a1", "a.test")
    spaced = asyncio.create_task(one("a2", "a.test"))  # must wait 0.5 s for a.test
    await asyncio.sleep(0)
    await one("b1", "b.test")  # the one global slot is free meanwhile
    await spaced
    assert order == ["a1", "b1", "a2"]


async def test_a_start_held_back_by_the_global_limit_still_keeps_the_spacing() -> None:
    clock = FakeClock()
    limiter = HostLimiter(concurrency=1, per_host=2, interval=0.5, clock=clock, sleep=clock.sleep)
    starts: list[float] = []
    release = asyncio.Event()

    async def holder() -> None:
        async with limiter.slot("other.test"):
            await release.wait()

    async def one() -> None:
        async with limiter.slot("a.test"):
            starts.append(clock.now)

    blocker = asyncio.create_task(holder())
    await asyncio.sleep(0)
    first = asyncio.create_task(one())  # spaced from nothing, then waits for the global slot
    await asyncio.sleep(0)
    clock.now += 0.4  # the global slot is held 0.4 s longer
    release.set()
    await asyncio.gather(blocker, first)
    await one()  # its reserved start (100.5) is only 0.1 s after the first's real one
    assert starts == [100.4, 100.9]


def test_each_hosts_links_are_spread_over_the_run() -> None:
    urls = [f"https://a.test/{n}" for n in range(4)]
    urls += ["https://B.test/0", "https://b.test:8443/1", "https://c.test/0"]
    assert spread_by_host(urls) == [
        "https://a.test/0",
        "https://B.test/0",
        "https://a.test/1",
        "https://c.test/0",
        "https://a.test/2",
        "https://b.test:8443/1",
        "https://a.test/3",
    ]


def test_hosts_with_as_many_links_take_turns_in_the_order_they_first_appear() -> None:
    urls = [f"https://{host}.test/{n}" for host in ("x", "y", "z") for n in range(2)]
    assert spread_by_host(urls) == [
        "https://x.test/0",
        "https://y.test/0",
        "https://z.test/0",
        "https://x.test/1",
        "https://y.test/1",
        "https://z.test/1",
    ]


def test_spreading_keeps_one_hosts_order_and_takes_any_string() -> None:
    one_host = [f"https://a.test/{n}" for n in range(3)]
    assert spread_by_host(one_host) == one_host
    odd = ["http://[::1/broken", "https://a.test/", "not a url", "https://a.test/2"]
    assert sorted(spread_by_host(odd)) == sorted(odd)
    assert spread_by_host([]) == []


def test_a_host_that_leaves_links_unanswered_in_a_row_is_silent_for_a_while() -> None:
    clock = FakeClock()
    hosts = SilentHosts(threshold=3, hold=60, clock=clock)
    for _ in range(2):
        hosts.ended("a.test", ErrorKind.CONNECT_TIMEOUT, "connect timed out")
    assert hosts.silence("a.test") is None  # two in a row are not yet a silent host
    hosts.ended("a.test", ErrorKind.READ_TIMEOUT, "read timed out")
    silence = hosts.silence("a.test")
    assert silence is not None
    assert silence.error is ErrorKind.READ_TIMEOUT
    assert silence.detail == (
        "not asked: a.test left its last 3 links unanswered (read timed out); "
        "curator asks it again after 60 s"
    )
    assert hosts.silence("b.test") is None  # other hosts are asked


def test_an_answer_between_unanswered_links_starts_the_count_again() -> None:
    hosts = SilentHosts(threshold=3, hold=60, clock=FakeClock())
    for error in (ErrorKind.DEADLINE, ErrorKind.DEADLINE, None, ErrorKind.DEADLINE):
        hosts.ended("a.test", error, None)
    assert hosts.silence("a.test") is None
    for error in (ErrorKind.TLS_ERROR, ErrorKind.DNS_FAILURE, ErrorKind.RESET):
        hosts.ended("b.test", error, None)  # answers, or the checker's own network
    assert hosts.silence("b.test") is None


def test_after_its_hold_a_silent_host_is_asked_one_link_again() -> None:
    clock = FakeClock()
    hosts = SilentHosts(threshold=1, hold=60, clock=clock)
    hosts.ended("a.test", ErrorKind.CONNECT_REFUSED, None)
    clock.now += 60
    assert hosts.silence("a.test") is None  # this link is asked again…
    assert hosts.silence("a.test") is not None  # …the others wait for its answer
    hosts.ended("a.test", ErrorKind.CONNECT_REFUSED, None)  # still no answer: another hold
    clock.now += 59
    assert hosts.silence("a.test") is not None
    clock.now += 1
    assert hosts.silence("a.test") is None
    hosts.ended("a.test", None, None)  # it answered: its links are asked again
    assert hosts.silence("a.test") is None
    assert hosts.silence("a.test") is None


def test_a_trial_that_never_ends_is_given_up_after_a_hold() -> None:
    clock = FakeClock()
    hosts = SilentHosts(threshold=1, hold=60, clock=clock)
    hosts.ended("a.test", ErrorKind.CONNECT_TIMEOUT, None)
    clock.now += 60
    assert hosts.silence("a.test") is None  # asked again, then its run is cancelled
    clock.now += 59
    assert hosts.silence("a.test") is not None
    clock.now += 1
    assert hosts.silence("a.test") is None


def test_no_host_is_silent_when_the_threshold_is_zero() -> None:
    hosts = SilentHosts(threshold=0, hold=60, clock=FakeClock())
    for _ in range(10):
        hosts.ended("a.test", ErrorKind.CONNECT_TIMEOUT, None)
    assert hosts.silence("a.test") is None


RETRYABLE = [
    (ErrorKind.READ_TIMEOUT, None, True),
    (ErrorKind.CONNECT_TIMEOUT, None, True),
    (ErrorKind.CONNECT_REFUSED, None, True),
    (ErrorKind.CONNECT_ERROR, None, True),
    (ErrorKind.RESET, None, True),
    (ErrorKind.DNS_FAILURE, None, True),
    (ErrorKind.DNS_NXDOMAIN, None, False),
    (ErrorKind.DEADLINE, None, False),
    (ErrorKind.TLS_EXPIRED, None, False),
    (ErrorKind.BLOCKED_ADDRESS, None, False),
    (ErrorKind.PROTOCOL, None, False),
    (None, 429, True),
    (None, 500, True),
    (None, 503, True),
    (None, 599, True),
    (None, 200, False),
    (None, 404, False),
    (None, 403, False),
    (None, 999, False),
    (None, None, False),
]


@pytest.mark.parametrize(
    ("error", "status", "retry"), RETRYABLE, ids=[f"{e}-{s}" for e, s, _ in RETRYABLE]
)
def test_which_failures_are_worth_another_try(
    error: ErrorKind | None, status: int | None, retry: bool
) -> None:
    assert is_retryable(error, status) is retry


def test_backoff_grows_exponentially_with_jitter() -> None:
    policy = RetryPolicy(retries=5, backoff=1.0, max_retry_after=60, jitter=lambda: 0.5)
    assert [policy.backoff_delay(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    low = RetryPolicy(retries=5, backoff=1.0, max_retry_after=60, jitter=lambda: 0.0)
    high = RetryPolicy(retries=5, backoff=1.0, max_retry_after=60, jitter=lambda: 0.999)
    assert low.backoff_delay(3) == 2.0 and 5.9 < high.backoff_delay(3) < 6.0


def test_retries_stop_after_the_configured_number() -> None:
    policy = RetryPolicy(retries=2, backoff=0.5, max_retry_after=60, jitter=lambda: 0.5)
    assert policy.decide(1, ErrorKind.RESET, None).retry
    assert policy.decide(2, ErrorKind.RESET, None).retry
    assert not policy.decide(3, ErrorKind.RESET, None).retry
    assert not policy.decide(1, None, 404).retry


def test_retry_after_is_honoured_up_to_the_bound() -> None:
    policy = RetryPolicy(retries=2, backoff=0.5, max_retry_after=60, jitter=lambda: 0.5)
    within = policy.decide(1, None, 429, retry_after=30)
    assert within.retry and within.delay == 30
    beyond = policy.decide(1, None, 429, retry_after=3600)
    assert not beyond.retry and "3600" in beyond.reason
    assert policy.decide(1, None, 503).delay == 0.5


NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Sun, 01 Mar 2026 12:02:00 GMT", 120.0),
        ("Sun, 01 Mar 2026 11:00:00 GMT", 0.0),
        ("Sunday, 01-Mar-26 12:00:30 GMT", 30.0),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_values(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


async def test_a_closed_limiter_lets_the_request_in_flight_finish_and_starts_no_other() -> None:
    limiter = HostLimiter(concurrency=10, per_host=1, interval=0)
    holding = asyncio.Event()
    release = asyncio.Event()
    started: list[str] = []

    async def request(name: str) -> str:
        async with limiter.slot("a.test"):
            started.append(name)
            holding.set()
            await release.wait()
        return name

    first = asyncio.create_task(request("first"))
    await holding.wait()
    waiting = asyncio.create_task(request("waiting"))
    await asyncio.sleep(0)
    limiter.close()
    release.set()
    assert await first == "first"
    with pytest.raises(RequestsStopped):
        await waiting
    with pytest.raises(RequestsStopped):
        await request("later")
    assert started == ["first"]
