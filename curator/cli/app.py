"""The `curator` command's Typer app and what every command shares."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncEngine

from curator.catalog import Catalog, load_catalog
from curator.errors import CatalogError, CuratorError
from curator.migrate import upgrade
from curator.settings import Settings
from curator.store.engine import create_engine

T = TypeVar("T")

app = typer.Typer(
    name="curator",
    help="Keeps a hub's curated resource lists honest: checks links, serves the validated list.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

# Exit codes shared by every command (README documents them).
EXIT_OK = 0
EXIT_BROKEN = 1
EXIT_INVALID = 2
EXIT_INCONCLUSIVE = 3
EXIT_ERROR = 4

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog", "-c", help="the catalog file (default: CURATOR_CATALOG_PATH or resources.yaml)"
    ),
]


def settings() -> Settings:
    """Settings from the environment, or exit with the reason."""
    try:
        return Settings()
    except Exception as exc:  # pydantic's ValidationError lists each bad variable
        err.print(f"[red]error:[/] invalid settings: {exc}")
        raise typer.Exit(EXIT_INVALID) from None


def catalog_path(option: Path | None, current: Settings) -> Path:
    """The catalog file a command works on."""
    return option if option is not None else current.catalog_path


def read_catalog(path: Path) -> Catalog:
    """Load and validate a catalog or exit 2, printing every problem."""
    try:
        return load_catalog(path)
    except CatalogError as exc:
        report_catalog_error(exc)
        raise typer.Exit(EXIT_INVALID) from None


def report_catalog_error(exc: CatalogError) -> None:
    """Every problem on its own line on stderr, then how many."""
    for problem in exc.problems:
        err.print(str(problem), markup=False)
    count = len(exc.problems)
    err.print(f"[red]{count} problem{'s' if count != 1 else ''}[/]; nothing was written.")


def run(factory: Callable[[], Awaitable[T]]) -> T:
    """Run a command's async body; curator's own errors end it with a clear message."""
    try:
        return asyncio.run(factory())  # type: ignore[arg-type]
    except CatalogError as exc:
        report_catalog_error(exc)
        raise typer.Exit(EXIT_INVALID) from None
    except CuratorError as exc:
        err.print(f"[red]error:[/] {exc}", markup=True)
        raise typer.Exit(EXIT_ERROR) from None


@asynccontextmanager
async def migrated_engine(current: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine on the configured database, migrated to the newest schema, disposed after."""
    engine = create_engine(current.database_url)
    try:
        await upgrade(engine)
        yield engine
    finally:
        await engine.dispose()


def is_terminal() -> bool:
    """True when stdout is a terminal (progress bars and colours)."""
    return sys.stdout.isatty()
