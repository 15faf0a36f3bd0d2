"""The `curator` console script: every command registers itself on one Typer app."""

from __future__ import annotations

from curator.cli import (  # noqa: F401  (register commands)
    catalog_cmds,
    check_cmds,
    db_cmds,
    import_cmds,
    report_cmds,
    scheduler_cmds,
    serve_cmds,
    token_cmds,
    watch_cmds,
)
from curator.cli.app import app, own_process


def main() -> None:
    """Entry point of the `curator` console script."""
    own_process()
    app()
