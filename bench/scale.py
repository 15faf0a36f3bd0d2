"""Commands at scale: validate, sync (first and no-op), export, check and report of generated
catalogs of 1,000, 10,000 and 50,000 resources, on SQLite and PostgreSQL (a temporary database).

Each step is the real `curator` console script in its own process, so a figure includes the
interpreter's start and the imports a user waits for. For each step the bench prints the wall
time, the process's CPU time (user + system: what the command itself costs, steady when other
work shares the machine; PostgreSQL's own work is not in it) and its peak RSS, then the growth
between sizes as the CPU time each resource added costs (1k→10k and 10k→50k: equal figures
are linear growth; the fixed cost of starting the process is left out by the difference).

The catalog's links point at loopback hosts served from a child process (bench/site_process.py,
`SITE_HOSTS` of them, answering at once with the page each resource expects), so `check` is
the whole `curator check` of every link (10 requests at once per host, no spacing) and
`report` the refresh report printed after it. Steps are data (`STEPS`; `--steps` picks some).
Figures that are not timings (the round-trip check below) go to `Results.notes`.
"""

from __future__ import annotations

import argparse
import compileall
import filecmp
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SIZES = (1_000, 10_000, 50_000)
BACKENDS = ("sqlite", "postgresql")
POSTGRES_ADMIN_URL = os.environ.get(
    "CURATOR_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
RESOURCES_PER_GUIDE = 1_000
RESOURCES_PER_SECTION = 100
HOSTS = 400
SITE_HOSTS = 50
"""Loopback hosts the catalog's links point at (for `check`)."""


# --- the generated catalog ---------------------------------------------------------------------


def example_url(index: int) -> str:
    """Resource `index`'s address: one of HOSTS organisations' pages."""
    return f"https://www.org{index % HOSTS}.example/advice/page-{index}?lang=en"


def _resource(index: int, url_of: Callable[[int], str]) -> str:
    """One resource as an editor writes it: some with ids, folded descriptions, phones, comments."""
    lines = []
    if index % 2:
        lines.append(f"          - id: resource-{index}\n            title: Resource {index}\n")
    else:
        lines.append(f"          - title: Resource {index} – advice and support\n")
    lines.append(f"            url: {url_of(index)}\n")
    if index % 10 == 0:
        lines.append("            kind: helpline\n")
        lines.append(f"            # Open weekdays; number checked {2020 + index % 6}.\n")
        lines.append(f"            phone: 020 7946 0{index % 1000:03d}\n")
    elif index % 7 == 0:
        lines.append("            kind: video\n")
    lines.append(
        "            description: >-\n"
        f"              A page of practical advice from organisation {index % HOSTS}, for young\n"
        "              people and the adults who support them, with what to do next.\n"
    )
    if index % 5 == 0:
        lines.append(f"            expect_text: [Organisation {index % HOSTS}, advice]\n")
    if index % 3 == 0:
        lines.append(
            "            audience: Young people (13–18)\n            region: United Kingdom\n"
        )
    return "".join(lines)


def generate_catalog(
    path: Path, resources: int, *, url_of: Callable[[int], str] = example_url
) -> None:
    """Write a valid catalog of `resources` resources: guides of 1,000, sections of 100.

    Written a guide at a time: the bench's own process stays small, so the commands it starts
    do not inherit a large peak RSS from it (Linux counts the parent's high-water mark in a
    child's `ru_maxrss` when the child is started by vfork and exec, as subprocess does)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("# A generated catalog for bench.scale.\nguides:\n")
        index = 0
        guide = 0
        while index < resources:
            guide += 1
            parts = [
                f"  - slug: guide-{guide}\n    title: Guide {guide}\n    review_every: 6 months\n"
                f"    last_reviewed: 2026-01-15\n    editors: [editor{guide}@hub.example]\n"
                "    sections:\n"
            ]
            in_guide = min(RESOURCES_PER_GUIDE, resources - index)
            for section in range(0, in_guide, RESOURCES_PER_SECTION):
                parts.append(f"      - title: Section {section // RESOURCES_PER_SECTION + 1}\n")
                parts.append("        resources:\n")
                for _ in range(min(RESOURCES_PER_SECTION, in_guide - section)):
                    index += 1
                    parts.append(_resource(index, url_of))
                parts.append("\n")
            handle.write("".join(parts))


# --- databases ---------------------------------------------------------------------------------


def _admin_conninfo() -> str:
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_ADMIN_URL)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[str]:
    """An empty database of `backend` for one catalog size; dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"curator_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- steps -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """What a step runs against: one catalog file and one database."""

    size: int
    backend: str
    catalog: Path
    database_url: str
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    """Settings for every step (the loopback sites need private addresses allowed)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One measured command: `curator <args> --catalog <file>` on the context's database."""

    name: str
    args: tuple[str, ...]
    prepare: Callable[[Context], None] | None = None
    """Run (unmeasured) before the command, e.g. to start a site for `check`."""
    catalog_option: bool = True


STEPS: tuple[Step, ...] = (
    Step("validate", ("validate",)),
    Step("sync (first)", ("sync",)),
    Step("sync (no-op)", ("sync",)),
    Step("export", ("export",)),
    Step("sync after export", ("sync",)),
    Step("check", ("check", "--format", "json")),
    Step("report", ("report", "--no-archive"), catalog_option=False),
)
CHECK_SETTINGS = {
    "CURATOR_ALLOW_PRIVATE_ADDRESSES": "true",
    "CURATOR_PER_HOST_CONCURRENCY": "10",
    "CURATOR_PER_HOST_INTERVAL": "0",
    "CURATOR_VIDEO_OEMBED": "false",
}


@dataclass(frozen=True, slots=True)
class Measurement:
    """One step's process: wall time, peak RSS, and how it ended."""

    wall: float
    cpu: float
    peak_rss_mb: float
    exit_code: int
    output: str = ""

    @property
    def failed(self) -> bool:
        """True when the step failed (a check that found broken links, exit 1, did not)."""
        return self.exit_code not in (0, 1)


def curator_command() -> list[str]:
    """The console script of this environment (the one a user runs), its modules compiled."""
    compile_sources()
    script = Path(sys.executable).with_name("curator")
    return [str(script)] if script.exists() else [sys.executable, "-m", "curator"]


def compile_sources() -> None:
    """Compile curator's own modules to bytecode, as installing a wheel does: an editable
    checkout run with PYTHONDONTWRITEBYTECODE (as some shells and containers set it) would
    otherwise compile every module it imports on every run, and the bench would time that."""
    for package in ("curator", "api", "jobs", "migrations"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                compileall.compile_dir(folder, quiet=1)


def measure(argv: Sequence[str], env: dict[str, str], workdir: Path) -> Measurement:
    """Run `argv`, and read its own wall time and peak RSS (not the bench's)."""
    log = workdir / "step.log"
    with log.open("w") as handle:  # a check's JSON of 50,000 results goes here too
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=handle, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(wall, cpu, usage.ru_maxrss / 1024, process.returncode, _tail(log))


def _tail(log: Path, size: int = 4096) -> str:
    """The end of a step's output (a check's JSON of 50,000 results is not read whole: the
    bench's process stays small, see `generate_catalog`)."""
    with log.open("rb") as handle:
        handle.seek(max(0, log.stat().st_size - size))
        return handle.read().decode("utf-8", "replace")


def run_step(step: Step, context: Context) -> Measurement:
    """One step against its context, in a fresh process."""
    if step.prepare is not None:
        step.prepare(context)
    env = {**os.environ, **context.env, "CURATOR_DATABASE_URL": context.database_url}
    argv = [*curator_command(), *step.args]
    if step.catalog_option:
        argv += ["--catalog", str(context.catalog)]
    return measure(argv, env, context.workdir)


# --- the table ---------------------------------------------------------------------------------


@dataclass
class Results:
    """Every measurement, by backend, step and size, and figures that are not timings."""

    by_key: dict[tuple[str, str, int], Measurement] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, backend: str, step: str, size: int, value: Measurement) -> None:
        """Record one measurement (and a note when the step failed)."""
        self.by_key[(backend, step, size)] = value
        if value.failed:
            tail = value.output.strip().splitlines()[-3:]
            self.notes.append(
                f"{backend} {size:,} {step}: exit {value.exit_code}: " + " | ".join(tail)
            )


def _growth(results: Results, backend: str, step: str, sizes: Sequence[int]) -> str:
    """CPU per resource added between sizes: the same figure at each step is linear growth
    (the ratio of time to size would hide it behind the fixed cost of starting a process)."""
    marginal = []
    for small, large in zip(sizes, sizes[1:], strict=False):
        a = results.by_key.get((backend, step, small))
        b = results.by_key.get((backend, step, large))
        if a is None or b is None:
            continue
        per = (b.cpu - a.cpu) / (large - small) * 1e6
        marginal.append(
            f"{_k(small)}→{_k(large)} {per:4.0f} µs (CPU ×{b.cpu / max(a.cpu, 1e-9):.1f} "
            f"for ×{large / small:g}, RSS ×{b.peak_rss_mb / max(a.peak_rss_mb, 1e-9):.1f})"
        )
    return ", ".join(marginal)


def _k(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def report(
    results: Results, backends: Sequence[str], sizes: Sequence[int], steps: Sequence[Step] = STEPS
) -> None:
    """Print wall time, CPU time and peak RSS per step and size, and the growth per step."""
    for backend in backends:
        print(f"\n{backend}: wall s / CPU s / peak RSS MB")
        header = f"  {'step':<18}" + "".join(f"{f'{s:,}':>24}" for s in sizes)
        print(header + "   CPU per resource added (growth between sizes)")
        for step in steps:
            cells = []
            for size in sizes:
                m = results.by_key.get((backend, step.name, size))
                cell = "" if m is None else f"{m.wall:7.2f} {m.cpu:7.2f} {m.peak_rss_mb:6.0f}"
                if m is not None and m.failed:
                    cell += "!"
                cells.append(f"{cell:>24}")
            print(
                f"  {step.name:<18}"
                + "".join(cells)
                + "   "
                + _growth(results, backend, step.name, sizes)
            )
    for note in results.notes:
        print(f"  {note}")


# --- the bench ---------------------------------------------------------------------------------


def bench(sizes: Sequence[int], backends: Sequence[str], steps: Sequence[Step] = STEPS) -> Results:
    """Generate each size's catalog once and run every step on each backend."""
    from bench.site_process import AdvicePages, SiteProcess, SiteSpec

    results = Results()
    specs = [SiteSpec(f"host{i}.scale", fallback=AdvicePages()) for i in range(SITE_HOSTS)]
    with tempfile.TemporaryDirectory(prefix="curator-scale-") as tmp, SiteProcess(specs) as sites:
        root = Path(tmp)

        def url_of(index: int) -> str:
            return sites[index % len(sites)].address_url(f"/advice/page-{index}")

        for size in sizes:
            source = root / f"catalog-{size}.yaml"
            generate_catalog(source, size, url_of=url_of)
            for backend in backends:
                workdir = root / f"{backend}-{size}"
                workdir.mkdir()
                catalog = workdir / "resources.yaml"
                shutil.copyfile(source, catalog)
                with database(backend, workdir) as url:
                    context = Context(size, backend, catalog, url, workdir, dict(CHECK_SETTINGS))
                    for step in steps:
                        measured = run_step(step, context)
                        results.add(backend, step.name, size, measured)
                        print(
                            f"  {backend:<10} {size:>7,} {step.name:<18} {measured.wall:7.2f} s"
                            f" {measured.cpu:7.2f} s CPU {measured.peak_rss_mb:6.0f} MB"
                            + (f"  exit {measured.exit_code}" if measured.failed else ""),
                            flush=True,
                        )
                if any(step.name == "export" for step in steps):
                    identical = filecmp.cmp(catalog, source, shallow=False)
                    results.notes.append(
                        f"{backend} {size:,}: sync → export → sync left the file "
                        + ("byte-identical" if identical else "CHANGED")
                    )
    return results


def main(argv: Sequence[str] | None = None) -> None:
    """Run the scale bench and print its table."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument(
        "--sizes",
        type=lambda s: tuple(int(x) for x in s.split(",")),
        default=SIZES,
        help="comma-separated catalog sizes (default: 1000,10000,50000)",
    )
    parser.add_argument(
        "--backends",
        type=lambda s: tuple(s.split(",")),
        default=BACKENDS,
        help="comma-separated: sqlite,postgresql (default: both)",
    )
    parser.add_argument(
        "--steps",
        type=lambda s: tuple(s.split(",")),
        default=None,
        help="comma-separated steps to run (default: all: "
        + ", ".join(step.name for step in STEPS)
        + "); e.g. 'sync (first),check,report'",
    )
    args = parser.parse_args(argv)
    steps = STEPS
    if args.steps is not None:
        unknown = set(args.steps) - {step.name for step in STEPS}
        if unknown:
            parser.error(f"no step {', '.join(sorted(unknown))}")
        steps = tuple(step for step in STEPS if step.name in args.steps)
    results = bench(args.sizes, args.backends, steps)
    report(results, args.backends, args.sizes, steps)


if __name__ == "__main__":
    main()
