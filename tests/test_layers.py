"""The layers contract (pyproject.toml, run by `make lint`) places every module of curator."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import curator

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _layered() -> set[str]:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["id"] == "layers")
    names: set[str] = set()
    for layer in contract["layers"]:
        names.update(part.strip() for part in layer.replace("|", ":").split(":"))
    return names


def test_every_top_level_module_of_curator_is_on_a_floor() -> None:
    modules = {f"curator.{m.name}" for m in pkgutil.iter_modules(curator.__path__)}
    assert modules - _layered() == set(), "place new modules in pyproject's layers contract"
