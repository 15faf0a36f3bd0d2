"""Run every benchmark in this package (or list them with --list), printing their figures."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from pathlib import Path


def benches() -> list[str]:
    """The names of the benchmark modules (every public module with a `main`)."""
    names = []
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("_"):
            continue
        if hasattr(importlib.import_module(f"bench.{module.name}"), "main"):
            names.append(module.name)
    return sorted(names)


def main() -> None:
    """Run the named benchmarks (default: all) with their default arguments."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args()
    available = benches()
    if args.list:
        for name in available:
            doc = (importlib.import_module(f"bench.{name}").__doc__ or "").strip().splitlines()
            print(f"{name:24} {doc[0] if doc else ''}")
        return
    for name in args.names or available:
        if name not in available:
            parser.error(f"no benchmark {name!r} (have: {', '.join(available)})")
        print(f"== {name}", flush=True)
        importlib.import_module(f"bench.{name}").main([])


if __name__ == "__main__":
    main()
