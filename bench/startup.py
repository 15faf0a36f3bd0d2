"""Start-up: `curator --help`, `--version` and `validate` against a minimal Typer CLI.

Each command runs as its own process, turn by turn with the minimal CLI (so a busy machine
slows both alike); prints the median and best wall time of each and the ratio of medians.
Goal (issue #18): `curator --help` within 1.5 x the minimal Typer CLI.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

MINIMAL = '''\
import typer

app = typer.Typer(add_completion=False)


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


@app.command()
def bye() -> None:
    """Say goodbye."""


app()
'''


def wall(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) one run of `argv` takes, start to exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True, cwd=REPO)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main(argv: list[str] | None = None) -> None:
    """Run each command `--turns` times, interleaved with the minimal CLI."""
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--turns", type=int, default=10)
    args = parser.parse_args(argv)
    curator = str(Path(sys.executable).parent / "curator")
    with tempfile.TemporaryDirectory() as folder:
        minimal_script = Path(folder) / "minimal.py"
        minimal_script.write_text(MINIMAL)
        minimal = [sys.executable, str(minimal_script), "--help"]
        commands = {
            "curator --help": [curator, "--help"],
            "curator --version": [curator, "--version"],
            "curator check --help": [curator, "check", "--help"],
            "curator validate (shipped catalog)": [
                curator,
                "validate",
                "--catalog",
                str(REPO / "resources.yaml"),
            ],
        }
        times: dict[str, list[tuple[float, float]]] = {"minimal Typer CLI --help": []}
        times |= {name: [] for name in commands}
        wall(minimal)  # warm the file cache and the bytecode of both
        wall(commands["curator --help"])
        for _ in range(args.turns):
            for name, command in commands.items():
                times["minimal Typer CLI --help"].append(wall(minimal))
                times[name].append(wall(command))
    base_wall = statistics.median(w for w, _ in times["minimal Typer CLI --help"])
    base_cpu = statistics.median(c for _, c in times["minimal Typer CLI --help"])
    print(
        f"{'command':36} {'wall median':>11} {'best':>7} {'x minimal':>9} "
        f"{'CPU median':>10} {'x minimal':>9}"
    )
    for name, values in times.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        median_wall, median_cpu = statistics.median(walls), statistics.median(cpus)
        print(
            f"{name:36} {median_wall * 1000:9.0f}ms {min(walls) * 1000:5.0f}ms "
            f"{median_wall / base_wall:8.2f}x {median_cpu * 1000:8.0f}ms "
            f"{median_cpu / base_cpu:8.2f}x"
        )


if __name__ == "__main__":
    main()
