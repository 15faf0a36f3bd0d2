"""Editors' views at scale: what a problems page costs the server, and what browsing them does
to the public JSON served by the same worker.

A generated catalog (`bench.scale.generate_catalog`, default 10,000 resources) is synced into a
fresh SQLite database (or PostgreSQL with `--backend postgresql`) and given link states as a
full run leaves them: `--problems` of them need an editor (confirmed broken, failing and not
confirmed yet, moved, refusing automated checks, reported by readers), each with its latest
check as evidence; the rest work. The real app then runs under uvicorn (one worker, its own
process) and the bench measures, with the server's CPU time read from /proc:

- each editors' view (the problems API's first page, the dashboard's problems page, a guide's
  problems): server CPU per request over `--requests` requests, and the answer's size; once
  asked again and again (what the views remember holds), once after a write before each
  request (another process rewrites a working link's state, as a check does: the data version
  moves) and once after a write to a row the problems lists hold (a failing link's count of
  failures changes: that row is decided again);
- the public guide JSON's latency (p50/p99) on its own, then while `--editors` editors load
  problems pages one after another on the same worker.

Figures only; the issue's bars are printed beside them for the reader.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import sqlalchemy
from sqlalchemy import insert, select, text, update

from bench.api_throughput import free_port, served
from bench.scale import POSTGRES_ADMIN_URL, generate_catalog
from curator.catalog import load_catalog
from curator.domain import RunStatus, Verdict
from curator.migrate import upgrade
from curator.store.base import utcnow
from curator.store.engine import create_engine, session_factory
from curator.store.models import Check, LinkState, ReaderReport, Resource, Run
from curator.sync import sync_catalog
from curator.tokens import create_token

PAGE_CPU_BAR_MS = 50.0
P99_BAR_MS = 50.0


@dataclass(frozen=True, slots=True)
class Seeded:
    """What the seeded database holds."""

    slug: str
    token: str
    resources: int
    problems: int


def _problem_link(index: int, url: str, check_id: int, now: object) -> dict[str, object]:
    """Link-state values for the `index`-th problem: the kinds in turn."""
    kind = index % 5
    since = now - timedelta(days=3 + index % 20)  # type: ignore[operator]
    base: dict[str, object] = {
        "url": url,
        "last_checked_at": now,
        "last_check_id": check_id,
        "detail": "Not found (404)",
        "consecutive_failures": 0,
    }
    if kind == 0:  # confirmed broken
        return {
            **base,
            "verdict": Verdict.BROKEN,
            "last_verdict": Verdict.BROKEN,
            "first_failure_at": since,
            "confirmed_since": since + timedelta(days=2),
            "consecutive_failures": 3,
        }
    if kind == 1:  # failing, not confirmed yet
        return {
            **base,
            "verdict": Verdict.OK,
            "last_verdict": Verdict.TRANSIENT,
            "first_failure_at": since,
            "consecutive_failures": 1,
            "last_ok_at": since,
            "detail": "Timed out after 30 s",
        }
    if kind == 2:  # moved
        return {
            **base,
            "verdict": Verdict.MOVED,
            "last_verdict": Verdict.MOVED,
            "last_ok_at": now,
            "suggested_url": url.replace("/advice/", "/help/"),
            "detail": "Moved permanently (301)",
        }
    if kind == 3:  # refuses automated checks
        return {
            **base,
            "verdict": Verdict.UNVERIFIABLE,
            "last_verdict": Verdict.UNVERIFIABLE,
            "detail": "A bot wall (403) answered",
        }
    return {  # working, but reported by readers
        **base,
        "verdict": Verdict.OK,
        "last_verdict": Verdict.OK,
        "last_ok_at": now,
        "detail": "",
    }


async def seed(database_url: str, catalog: Path, problems: int) -> Seeded:
    """Migrate, sync, store a run with one check per URL and the link states it leaves."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        async with sessions() as session, session.begin():
            await sync_catalog(session, load_catalog(catalog), source_file=str(catalog))
        now = utcnow()
        async with sessions() as session, session.begin():
            run = Run(
                trigger="cli",
                status=RunStatus.COMPLETED,
                started_at=now - timedelta(minutes=5),
                finished_at=now,
            )
            session.add(run)
            await session.flush()
            rows = (await session.execute(select(Resource.id, Resource.url))).all()
            urls = list(dict.fromkeys(url for _, url in rows))
            chosen = set(urls[:: max(1, len(urls) // problems)][:problems])
            hops = [{"url": "", "status": 404, "location": None}]
            await session.execute(
                insert(Check),
                [
                    {
                        "run_id": run.id,
                        "url": url,
                        "checked_at": now,
                        "verdict": Verdict.BROKEN if url in chosen else Verdict.OK,
                        "status_code": 404 if url in chosen else 200,
                        "detail": "Not found (404)" if url in chosen else "",
                        "hops": [{**hops[0], "url": url}] if url in chosen else [],
                        "evidence": {},
                        "attempts": 1,
                    }
                    for url in urls
                ],
            )
            check_ids = dict(
                (await session.execute(select(Check.url, Check.id).where(Check.run_id == run.id)))
                .tuples()
                .all()
            )
            states = []
            reported: list[str] = []
            position = 0
            for url in urls:
                if url in chosen:
                    states.append(_problem_link(position, url, check_ids[url], now))
                    if position % 5 == 4:
                        reported.append(url)
                    position += 1
                else:
                    states.append(
                        {
                            "url": url,
                            "verdict": Verdict.OK,
                            "last_verdict": Verdict.OK,
                            "last_checked_at": now,
                            "last_ok_at": now,
                            "last_check_id": check_ids[url],
                            "consecutive_failures": 0,
                        }
                    )
            keys = sorted({k for s in states for k in s})
            await session.execute(insert(LinkState), [{k: s.get(k) for k in keys} for s in states])
            by_url = {url: rid for rid, url in rows}
            await session.execute(
                insert(ReaderReport),
                [
                    {
                        "resource_id": by_url[url],
                        "created_at": now - timedelta(days=1),
                        "note": "The page says it cannot be found.",
                        "contact": "reader@example.org",
                    }
                    for url in reported
                ],
            )
            await session.execute(update(Run).where(Run.id == run.id).values(status=run.status))
            _, token = await create_token(session, name="bench-editor")
            slug = (await session.execute(text("SELECT slug FROM guides ORDER BY id"))).scalar()
        return Seeded(str(slug), token, len(rows), len(chosen))
    finally:
        await engine.dispose()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of process `pid` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pid(port: int) -> int:
    """The pid of the process listening on 127.0.0.1:`port` (uvicorn with one worker serves
    from its own process)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if parts[1].endswith(f":{port:04X}") and parts[3] == "0A":
            inode = parts[9]
            break
    if inode is None:
        raise RuntimeError(f"nothing listens on port {port}")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return int(pid)
        except OSError:
            continue
    raise RuntimeError(f"no process owns port {port}")


@dataclass(frozen=True, slots=True)
class ViewCost:
    """One view: server CPU per request and the answer's size."""

    name: str
    cpu_ms: float
    wall_ms: float
    size: int


def view_cost(
    client: httpx.Client,
    pid: int,
    name: str,
    path: str,
    requests: int,
    *,
    change: Callable[[], None] | None = None,
    **options: object,
) -> ViewCost:
    """Fetch `path` `requests` times one after another; the server's CPU per request. With
    `change`, the data changes before each request (what the views remember no longer
    holds): the cost of the first page after a write."""
    answer = client.get(path, **options)  # type: ignore[arg-type]
    answer.raise_for_status()
    wall = 0.0
    before = cpu_seconds(pid)  # the writes are this process's: the server's CPU is its own
    for _ in range(requests):
        if change is not None:
            change()
        started = time.perf_counter()
        client.get(path, **options).raise_for_status()  # type: ignore[arg-type]
        wall += time.perf_counter() - started
    time.sleep(0.5)  # what the server finishes after answering (a list re-rendered) counts here
    cpu = cpu_seconds(pid) - before
    return ViewCost(name, cpu / requests * 1000, wall / requests * 1000, len(answer.content))


WRITES = {
    "after a write": (
        "UPDATE link_states SET detail = detail WHERE id = (SELECT min(id) FROM link_states)"
    ),
    "after a listed row's write": (
        "UPDATE link_states SET consecutive_failures = 3 - consecutive_failures "
        "WHERE id = (SELECT min(id) FROM link_states WHERE last_verdict = 'transient')"
    ),
}
"""The writes another process makes before each request: a working link's state rewritten
as it was (the data version moves, as after a check; no list holds the row), and a failing
link's count of failures moved between 1 and 2 (a row the problems lists hold changes)."""


def writer(database_url: str, statement_text: str) -> Callable[[], None]:
    """A write another process makes (`statement_text`): the database's data version moves,
    as after a check."""
    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sqlalchemy.create_engine(url)
    statement = text(statement_text)

    def change() -> None:
        with engine.begin() as connection:
            connection.execute(statement)

    return change


async def public_latencies(
    base: str,
    path: str,
    seconds: float,
    clients: int,
    editors: int,
    editor_paths: list[str],
    headers: dict[str, str],
    cookies: dict[str, str],
) -> tuple[list[float], int]:
    """Public guide JSON latencies (ms) from `clients` readers for `seconds`, while `editors`
    editors load `editor_paths` in turn; and how many editor pages were served meanwhile."""
    latencies: list[float] = []
    served_pages = 0
    stop = time.monotonic() + seconds

    async def reader(client: httpx.AsyncClient) -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            (await client.get(path)).raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.005)

    async def editor(client: httpx.AsyncClient, offset: int) -> None:
        nonlocal served_pages
        turn = offset
        while time.monotonic() < stop:
            target = editor_paths[turn % len(editor_paths)]
            (await client.get(target, headers=headers, cookies=cookies)).raise_for_status()
            served_pages += 1
            turn += 1

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await asyncio.gather(
            *(reader(client) for _ in range(clients)),
            *(editor(client, i) for i in range(editors)),
        )
    return latencies, served_pages


def percentile(values: Sequence[float], share: float) -> float:
    """The `share` percentile of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def dashboard_cookies(client: httpx.Client, token: str) -> dict[str, str]:
    """Sign in to the dashboard with the editor token; its session cookies."""
    page = client.get("/editor/sign-in")
    page.raise_for_status()
    marker = 'name="csrf_token" value="'
    if marker not in page.text:
        raise RuntimeError("the sign-in page has no CSRF token")
    csrf = page.text.split(marker, 1)[1].split('"', 1)[0]
    answer = client.post(
        "/editor/sign-in", data={"token": token, "csrf_token": csrf}, follow_redirects=False
    )
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"dashboard sign-in answered {answer.status_code}")
    return dict(client.cookies)


def main(argv: Sequence[str] | None = None) -> None:
    """Seed, serve, measure each view and the public JSON under editors' browsing."""
    parser = argparse.ArgumentParser(prog="python -m bench.editor_views", description=__doc__)
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--problems", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=20, help="requests per view")
    parser.add_argument("--seconds", type=float, default=10.0, help="each latency phase")
    parser.add_argument("--readers", type=int, default=4, help="public clients at once")
    parser.add_argument("--editors", type=int, default=2, help="editors browsing at once")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="curator-editor-views-") as tmp:
        catalog = Path(tmp) / "resources.yaml"
        generate_catalog(catalog, args.resources)
        admin = None
        if args.backend == "sqlite":
            database_url = f"sqlite:///{Path(tmp) / 'curator.db'}"
        else:
            import psycopg

            name = f"curator_bench_{uuid.uuid4().hex[:8]}"
            admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True)
            admin.execute(f'CREATE DATABASE "{name}"')
            database_url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        try:
            started = time.perf_counter()
            seeded = asyncio.run(seed(database_url, catalog, args.problems))
            print(
                f"{seeded.resources} resources, {seeded.problems} needing an editor "
                f"({args.backend}; seeded in {time.perf_counter() - started:.1f} s); "
                "one uvicorn worker",
                flush=True,
            )
            port = free_port()
            env = {"CURATOR_DATABASE_URL": database_url, "CURATOR_CATALOG_PATH": str(catalog)}
            with served("api.app:app_from_environment", port, 1, env, []) as base:
                pid = server_pid(port)
                bearer = {"Authorization": f"Bearer {seeded.token}"}
                with httpx.Client(base_url=base, timeout=120) as client:
                    cookies = dashboard_cookies(client, seeded.token)
                    views = [
                        ("API problems, first page", "/v1/editor/problems", {"headers": bearer}),
                        (
                            f"API problems of guide {seeded.slug}",
                            f"/v1/editor/problems?guide={seeded.slug}",
                            {"headers": bearer},
                        ),
                        ("dashboard problems page", "/editor/problems", {"cookies": cookies}),
                        ("public guide JSON", f"/v1/guides/{seeded.slug}", {}),
                        ("public guide index", "/v1/guides", {}),
                    ]
                    changes = {how: writer(database_url, sql) for how, sql in WRITES.items()}
                    for name, path, options in views:
                        editors_view = not name.startswith("public")
                        for how in ("again", *(changes if editors_view else ["after a write"])):
                            cost = view_cost(
                                client,
                                pid,
                                name,
                                path,
                                args.requests,
                                change=changes.get(how),
                                **options,
                            )
                            print(
                                f"  {cost.name:<30} {how:<26}"
                                f" server CPU {cost.cpu_ms:7.1f} ms/request   "
                                f"wall {cost.wall_ms:7.1f} ms   {cost.size / 1024:7.1f} KiB",
                                flush=True,
                            )
                public = f"/v1/guides/{seeded.slug}"
                for editors in (0, args.editors):
                    latencies, pages = asyncio.run(
                        public_latencies(
                            base,
                            public,
                            args.seconds,
                            args.readers,
                            editors,
                            ["/v1/editor/problems", "/editor/problems"],
                            bearer,
                            cookies,
                        )
                    )
                    print(
                        f"  public guide JSON with {editors} editors browsing: "
                        f"p50 {statistics.median(latencies):6.1f} ms   "
                        f"p99 {percentile(latencies, 0.99):6.1f} ms   "
                        f"({len(latencies)} requests; {pages} editor pages served)",
                        flush=True,
                    )
            print(
                f"  bars: a problems page under {PAGE_CPU_BAR_MS:.0f} ms of server CPU; "
                f"public p99 under {P99_BAR_MS:.0f} ms while editors browse"
            )
        finally:
            if admin is not None:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.close()


if __name__ == "__main__":
    main(sys.argv[1:])
