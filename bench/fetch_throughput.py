"""Fetch throughput: N links over H simulated hosts with fixed per-host latency, beside the
lower bound that per-host concurrency and spacing allow."""

from __future__ import annotations

import argparse
import asyncio
import resource
import time
from collections import Counter

from bench.site_process import SiteProcess, SiteSpec
from curator.check.fetcher import Fetcher
from curator.check.resolver import StaticResolver
from curator.settings import Settings
from tests.sites import Response, page


def host_bound(links: int, latency: float, per_host: int, interval: float) -> float:
    """The earliest one host can finish `links` requests: starts `interval` apart, at most
    `per_host` in flight, each taking `latency` (greedy earliest start is optimal here)."""
    starts: list[float] = []
    for k in range(links):
        start = k * interval
        if k >= per_host:
            start = max(start, starts[k - per_host] + latency)
        starts.append(start)
    return starts[-1] + latency if starts else 0.0


def latencies(hosts: int, low: float, high: float) -> list[float]:
    """Per-host latencies spread evenly from `low` to `high`."""
    if hosts == 1:
        return [low]
    return [low + (high - low) * i / (hosts - 1) for i in range(hosts)]


async def fetch_all(
    settings: Settings, resolver: StaticResolver, urls: list[str]
) -> tuple[float, Counter[str]]:
    """Fetch every URL at once (the limiter does the scheduling); wall time and outcomes."""
    async with Fetcher(settings.fetch_policy(), resolver=resolver) as fetcher:
        start = time.perf_counter()
        results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
        wall = time.perf_counter() - start
    outcomes = Counter(str(r.error or r.status) for r in results)
    return wall, outcomes


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="python -m bench.fetch_throughput", description=__doc__)
    parser.add_argument("-n", "--links", type=int, default=2000)
    parser.add_argument("-H", "--hosts", type=int, default=40)
    parser.add_argument("--min-latency", type=float, default=0.05, help="seconds")
    parser.add_argument("--max-latency", type=float, default=0.2, help="seconds")
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)
    parser.add_argument("--per-host", type=int, default=defaults.per_host_concurrency)
    parser.add_argument("--interval", type=float, default=defaults.per_host_interval)
    args = parser.parse_args(argv)
    if not 1 <= args.hosts <= 250:
        parser.error("--hosts must be between 1 and 250 (one 127.0.0.x address each)")

    delays = latencies(args.hosts, args.min_latency, args.max_latency)
    body = page("Resource", "A page of a simulated host. " * 20).body
    specs = [
        SiteSpec(f"host{i}.bench", fallback=Response(body=body, delay=delay))
        for i, delay in enumerate(delays)
    ]
    counts = [
        args.links // args.hosts + (1 if i < args.links % args.hosts else 0)
        for i in range(args.hosts)
    ]
    per_host_bounds = [
        host_bound(n, d, args.per_host, args.interval) for n, d in zip(counts, delays, strict=True)
    ]
    work = sum(n * d for n, d in zip(counts, delays, strict=True))
    bound = max(max(per_host_bounds), work / args.concurrency)

    settings = Settings(
        allow_private_addresses=True,
        concurrency=args.concurrency,
        per_host_concurrency=args.per_host,
        per_host_interval=args.interval,
        retries=0,
    )
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    rss_before = usage_before.ru_maxrss
    server = SiteProcess(specs)
    with server as served:
        resolver = StaticResolver({s.host: s.address for s in served})
        urls = [served[j % args.hosts].url(f"/page/{j}") for j in range(args.links)]
        wall, outcomes = asyncio.run(fetch_all(settings, resolver, urls))
    usage_after = resource.getrusage(resource.RUSAGE_SELF)
    rss_after = usage_after.ru_maxrss
    cpu = (usage_after.ru_utime + usage_after.ru_stime) - (
        usage_before.ru_utime + usage_before.ru_stime
    )
    served_requests = sum(s.requests for s in server.stats.values())

    print(
        f"{args.links} links over {args.hosts} hosts, per-host latency "
        f"{args.min_latency * 1000:.0f}-{args.max_latency * 1000:.0f} ms; concurrency "
        f"{args.concurrency}, per host {args.per_host}, spacing {args.interval:g} s"
    )
    print(f"  wall time      {wall:8.2f} s")
    print(f"  lower bound    {bound:8.2f} s  (slowest host under per-host limits and spacing)")
    print(f"  bound / wall   {bound / wall * 100:8.1f} %")
    print(f"  throughput     {args.links / wall:8.1f} links/s")
    print(f"  client CPU     {cpu:8.2f} s  ({cpu / args.links * 1000:.2f} ms per link)")
    print(f"  outcomes       {dict(outcomes)}  (requests served: {served_requests})")
    print(
        f"  peak RSS       {rss_after / 1024:8.1f} MiB client process"
        f" (before the run {rss_before / 1024:.1f} MiB)"
    )


if __name__ == "__main__":
    main()
