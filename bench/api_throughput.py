"""Public API throughput: GET /v1/guides/{slug} (200, and 304 with If-None-Match) on the real
app under uvicorn, beside a trivial FastAPI app returning a constant body of the same size.

Both run under the same uvicorn command line and worker count on 127.0.0.1, one after the
other, and wrk (Debian's `wrk` package) loads them over loopback. The real app serves a
seeded SQLite database: the shipped resources.yaml synced, a check run and link states.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI, Response

from curator.catalog import load_catalog
from curator.domain import RunStatus, Verdict
from curator.migrate import upgrade
from curator.store.base import utcnow
from curator.store.catalog import active_resources
from curator.store.engine import create_engine, session_factory
from curator.store.models import Check, LinkState, Run
from curator.sync import sync_catalog

REPO = Path(__file__).resolve().parent.parent
BODY_SIZE_ENV = "CURATOR_BENCH_BODY_SIZE"
TARGET = 0.8


def baseline_app() -> FastAPI:
    """The trivial app: one route returning a constant bytes body of the configured size."""
    body = b"x" * int(os.environ.get(BODY_SIZE_ENV, "1000"))
    app = FastAPI()

    @app.get("/v1/guides/{slug}")
    async def constant(slug: str) -> Response:
        return Response(content=body, media_type="application/json")

    return app


async def seed(database_url: str, catalog: Path) -> str:
    """Migrate, sync the catalog, and store a run whose checks set every link's state."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        async with sessions() as session, session.begin():
            await sync_catalog(session, load_catalog(catalog), source_file=str(catalog))
        async with sessions() as session, session.begin():
            now = utcnow()
            run = Run(
                trigger="cli",
                status=RunStatus.COMPLETED,
                started_at=now - timedelta(minutes=1),
                finished_at=now,
            )
            session.add(run)
            await session.flush()
            resources = await active_resources(session)
            urls = list(dict.fromkeys(r.url for r in resources))
            for index, url in enumerate(urls):
                verdict = Verdict.MOVED if index % 4 == 3 else Verdict.OK
                check = Check(run_id=run.id, url=url, verdict=verdict, status_code=200)
                session.add(check)
                await session.flush()
                session.add(
                    LinkState(
                        url=url,
                        verdict=verdict,
                        last_verdict=verdict,
                        last_checked_at=now,
                        last_ok_at=now,
                        last_check_id=check.id,
                        suggested_url=url + "moved/" if verdict is Verdict.MOVED else None,
                    )
                )
            return resources[0].guide.slug
    finally:
        await engine.dispose()


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_split(workers: int) -> tuple[list[str], list[str]]:
    """Command prefixes pinning the servers and wrk to separate CPUs (when there are enough),
    so the load generator and the server under test do not take turns on one core."""
    cpus = sorted(os.sched_getaffinity(0))
    if shutil.which("taskset") is None or len(cpus) < 2:
        return [], []
    server = cpus[: max(1, min(workers, len(cpus) - 1))]
    client = [c for c in cpus if c not in server]
    return (
        ["taskset", "-c", ",".join(map(str, server))],
        ["taskset", "-c", ",".join(map(str, client))],
    )


@contextmanager
def served(
    target: str, port: int, workers: int, env: dict[str, str], prefix: list[str]
) -> Iterator[str]:
    """`uvicorn TARGET --factory` on 127.0.0.1:PORT until the block ends; yields its URL."""
    command = prefix + [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/openapi.json", timeout=1.0)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{target} did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass(frozen=True, slots=True)
class Load:
    """One wrk measurement."""

    name: str
    requests_per_second: float
    latency_p99: str


def wrk(
    name: str,
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    headers: dict[str, str],
    prefix: list[str],
) -> Load:
    """Run wrk against `url` (its command prefixed, e.g. by taskset); requests/s and p99."""
    command = prefix + ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    output = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if rate is None:
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    if non_2xx is not None:
        raise RuntimeError(f"{name}: {non_2xx.group(1)} answers were not 2xx/3xx")
    return Load(name, float(rate.group(1)), p99.group(1) if p99 else "?")


def main(argv: list[str] | None = None) -> None:
    """Seed, serve both apps, load them in turns with wrk, print the median requests/s."""
    parser = argparse.ArgumentParser(prog="python -m bench.api_throughput", description=__doc__)
    parser.add_argument("--seconds", type=int, default=3, help="duration of each load")
    parser.add_argument("--rounds", type=int, default=7, help="turns of the three loads")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (both apps)")
    parser.add_argument("--catalog", type=Path, default=REPO / "resources.yaml")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is missing: install it with `apt-get install -y wrk` (Debian), then rerun.")
        return

    server_cpus, client_cpus = cpu_split(args.workers)
    load = {
        "seconds": args.seconds,
        "connections": args.connections,
        "threads": args.threads,
        "prefix": client_cpus,
    }
    with tempfile.TemporaryDirectory(prefix="curator-bench-") as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'curator.db'}"
        slug = asyncio.run(seed(database_url, args.catalog))
        env = {"CURATOR_DATABASE_URL": database_url, "CURATOR_CATALOG_PATH": str(args.catalog)}
        with served(
            "api.app:app_from_environment", free_port(), args.workers, env, server_cpus
        ) as real_base:
            url = f"{real_base}/v1/guides/{slug}"
            first = httpx.get(url)
            first.raise_for_status()
            size, etag = len(first.content), first.headers["etag"]
            assert httpx.get(url, headers={"If-None-Match": etag}).status_code == 304
            baseline_env = {BODY_SIZE_ENV: str(size)}
            with served(
                "bench.api_throughput:baseline_app",
                free_port(),
                args.workers,
                baseline_env,
                server_cpus,
            ) as baseline_base:
                baseline_url = f"{baseline_base}/v1/guides/{slug}"
                plan = [
                    ("baseline constant body (200)", baseline_url, {}),
                    ("GET guide (200)", url, {}),
                    ("GET guide (304)", url, {"If-None-Match": etag}),
                ]
                for name, target, headers in plan:  # warm both servers up
                    wrk(name, target, **{**load, "seconds": 1}, headers=headers)
                # Turns, so a burst of other load on the machine hits every figure alike.
                runs: dict[str, list[Load]] = {name: [] for name, _, _ in plan}
                for _ in range(args.rounds):
                    for name, target, headers in plan:
                        runs[name].append(wrk(name, target, **load, headers=headers))

    medians = {
        name: statistics.median(r.requests_per_second for r in loads)
        for name, loads in runs.items()
    }
    baseline = medians[plan[0][0]]
    print(
        f"GET /v1/guides/{slug}: {size} bytes; uvicorn workers={args.workers}; "
        f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s on 127.0.0.1, "
        f"{args.rounds} turns, median"
        + (
            f"; server on CPU {server_cpus[-1]}, wrk on CPU {client_cpus[-1]}"
            if server_cpus
            else ""
        )
    )
    print(f"{'':32} {'requests/s':>12} {'p99 (last)':>11} {'vs baseline':>12}")
    for name, loads in runs.items():
        print(
            f"{name:32} {medians[name]:12.0f} {loads[-1].latency_p99:>11} "
            f"{medians[name] / baseline:12.2f}"
        )
    ok = medians[plan[1][0]] >= TARGET * baseline
    print(f"target ≥ {TARGET:.1f} of the baseline for the 200: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
