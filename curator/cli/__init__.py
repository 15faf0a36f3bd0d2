"""The `curator` console script: every command registers itself on one Typer app."""

from __future__ import annotations

from curator.cli import catalog_cmds, db_cmds, import_cmds  # noqa: F401  (register commands)
from curator.cli import token_cmds  # noqa: F401  (register commands)
from curator.cli.app import app


def main() -> None:
    """Entry point of the `curator` console script."""
    app()
