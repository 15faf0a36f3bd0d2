"""Hostile bodies: one 1 GiB body and one 1 GiB gzip bomb, both streamed by a server that
never holds them in memory; what the fetcher reads of each and its peak RSS."""

from __future__ import annotations

import argparse
import asyncio
import resource
import time

from bench.site_process import SiteProcess, SiteSpec
from curator.check.body import content_encodings, read_body
from curator.check.facts import Facts
from curator.check.fetcher import Fetcher
from curator.check.resolver import StaticResolver
from curator.check.transport import build_client
from curator.settings import Settings
from tests.sites import GzipBomb, StreamedBody

MIB = 1024 * 1024


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def fetch_timed(
    settings: Settings, resolver: StaticResolver, url: str
) -> tuple[Facts, float]:
    """One fetch through a fresh Fetcher, with its wall time."""
    async with Fetcher(settings.fetch_policy(), resolver=resolver) as fetcher:
        start = time.perf_counter()
        facts = await fetcher.fetch(url)
        return facts, time.perf_counter() - start


async def decoded_size(settings: Settings, resolver: StaticResolver, url: str) -> int:
    """How many decoded bytes the bounded reader produced for `url` (the Facts keep raw bytes)."""
    async with build_client(settings.fetch_policy(), resolver=resolver) as client:
        async with client.stream("GET", url) as response:
            encodings = content_encodings(response.headers.get_list("content-encoding"))
            body = await read_body(
                response.aiter_raw(), encodings=encodings, max_bytes=settings.max_body_bytes
            )
    return len(body.data)


def report(name: str, facts: Facts, wall: float, decoded: int, sent: int) -> None:
    """Print one body's figures."""
    page = facts.page
    read = page.bytes_read if page else 0
    print(f"  {name}")
    truncated = page.truncated if page else None
    print(f"    outcome        status {facts.status}, error {facts.error}, truncated {truncated}")
    print(f"    bytes read     {read:,} raw ({read / MIB:.2f} MiB), {decoded:,} decoded")
    print(f"    server sent    {sent:,} bytes before the client hung up")
    print(f"    wall time      {wall:.3f} s")
    print(f"    peak RSS       {peak_rss_mib():.1f} MiB so far")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="python -m bench.hostile_bodies", description=__doc__)
    parser.add_argument("--size", type=int, default=1024**3, help="bytes of the big body")
    parser.add_argument("--bomb", type=int, default=1024**3, help="decompressed bytes of the bomb")
    parser.add_argument("--cap", type=int, default=defaults.max_body_bytes, help="max body bytes")
    args = parser.parse_args(argv)
    settings = Settings(
        allow_private_addresses=True, max_body_bytes=args.cap, retries=0, per_host_interval=0
    )
    specs = [
        SiteSpec("big.bench", fallback=StreamedBody(size=args.size)),
        SiteSpec("bomb.bench", fallback=GzipBomb(size=args.bomb)),
    ]
    print(f"body cap {args.cap:,} bytes; big body {args.size:,} bytes; bomb {args.bomb:,} bytes")
    print(f"  peak RSS before  {peak_rss_mib():.1f} MiB")
    server = SiteProcess(specs)
    with server as served:
        resolver = StaticResolver({s.host: s.address for s in served})
        big, bomb = served
        big_facts, big_wall = asyncio.run(fetch_timed(settings, resolver, big.url("/big")))
        big_rss = peak_rss_mib()
        bomb_facts, bomb_wall = asyncio.run(fetch_timed(settings, resolver, bomb.url("/bomb")))
        bomb_decoded = asyncio.run(decoded_size(settings, resolver, bomb.url("/bomb")))
    sent = {host: stats.bytes_sent for host, stats in server.stats.items()}
    big_read = big_facts.page.bytes_read if big_facts.page else 0
    print(f"  peak RSS after the big body: {big_rss:.1f} MiB")
    report("1 GiB body", big_facts, big_wall, big_read, sent.get("big.bench", 0))
    report(
        "gzip bomb (two fetches)", bomb_facts, bomb_wall, bomb_decoded, sent.get("bomb.bench", 0)
    )


if __name__ == "__main__":
    main()
