"""The `curator` command's Typer app and what every command shares."""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from typer._click.exceptions import UsageError
from typer.core import TyperCommand, TyperGroup

from curator.errors import (
    CatalogError,
    ConflictError,
    CuratorError,
    NotFoundError,
    RevisionError,
    RunConflictError,
    SettingsError,
)

if TYPE_CHECKING:  # the database and the catalog are loaded by the commands that use them
    from sqlalchemy.ext.asyncio import AsyncEngine

    from curator.catalog import Catalog, GuideSpec
    from curator.settings import Settings

T = TypeVar("T")


EXIT_INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT), as a shell reports it."""
EXIT_TERMINATED = 143
"""SIGTERM (128 + SIGTERM): a CI runner, systemd or `timeout` stopping the command."""


class Terminated(KeyboardInterrupt):
    """The command was stopped by SIGTERM: it ends as Ctrl-C ends it (the same clean-up and
    message), with exit 143."""


def interrupted_code(exc: BaseException) -> int:
    """The exit code of a command stopped by `exc` (Ctrl-C or SIGTERM)."""
    return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED


class CuratorGroup(TyperGroup):
    """The command group with curator's endings: a clean usage error (exit 2), and one line
    instead of a traceback (exit 4) for whatever a command did not expect."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except UsageError as exc:
            # Typer's coercion says "Value error, " before an enum's choices: not for people.
            exc.message = exc.message.replace("Value error, ", "")
            exc.show()
            sys.exit(EXIT_INVALID)
        except (KeyboardInterrupt, typer.Abort) as exc:
            err.print("Interrupted.")
            sys.exit(interrupted_code(exc))
        except Exception as exc:  # an environment problem no command foresaw: one line
            if debugging():
                traceback.print_exception(exc, file=sys.stderr)
            err.print(f"[red]error:[/] {escape(_one_line(exc))}")
            if not debugging():
                err.print(f"(--debug or {DEBUG_VARIABLE}=1 shows the traceback)", style="dim")
            sys.exit(EXIT_ERROR)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


class CuratorCommand(TyperCommand):
    """A command whose usage line names a required argument as its help does, `NAME` (an
    optional one `[NAME]`), not as Typer writes it, `{NAME}`. Commands that take a required
    argument say `cls=CuratorCommand`."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces: list[str] = super().collect_usage_pieces(ctx)
        return [_unbraced(piece) for piece in pieces]


def _unbraced(piece: str) -> str:
    if piece.startswith("{") and "}" in piece:
        name, _, rest = piece[1:].partition("}")
        return name + rest
    return piece


def _one_line(error: BaseException) -> str:
    text = next((line.strip() for line in str(error).splitlines() if line.strip()), "")
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


app = typer.Typer(
    cls=CuratorGroup,
    name="curator",
    context_settings={"help_option_names": ["-h", "--help"]},
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
CatalogArgument = Annotated[
    Path | None,
    typer.Argument(
        metavar="CATALOG",
        show_default=False,
        help="the catalog file, as --catalog gives it (`curator validate resources.yaml`)",
    ),
]
"""The catalog file given by position, for the commands that work on one file only (validate,
sync, export): the way linters and lychee take their input, and what a new user types first."""


DEBUG_VARIABLE = "CURATOR_DEBUG"
_debug = False


def set_debug(enabled: bool) -> None:
    """`--debug`: environment problems show their traceback too."""
    global _debug
    _debug = enabled


def debugging() -> bool:
    """True with `--debug` or CURATOR_DEBUG=1: tracebacks are shown."""
    value = os.environ.get(DEBUG_VARIABLE, "").strip().lower()
    return _debug or value in ("1", "true", "yes", "on")


def fail(message: str, code: int, error: BaseException | None = None) -> NoReturn:
    """End the command with one line on stderr (and `error`'s traceback when debugging)."""
    if error is not None and debugging():
        traceback.print_exception(error, file=sys.stderr)
    err.print(f"[red]error:[/] {escape(message)}")
    raise typer.Exit(code)


_own_process = False
COLLECT_EVERY = (2000, 20, 20)
"""The collector's thresholds once a check's modules are frozen: a young collection every
2,000 new objects and the older generations half as often as Python's defaults (700, 10, 10):
a check's objects in flight are walked fewer times (in a 2,000-link check the collector's
CPU fell from about 0.3 s to 0.2 s; 3,000 or 10,000 did no better)."""


def own_process() -> None:
    """Said by the console script: the process is curator's alone, so a command may tune its
    garbage collector (tests that invoke the app in their own process keep theirs as it is)."""
    global _own_process
    _own_process = True
    # The console script loaded the CLI with the collector paused (`curator.__main__`): what
    # it loaded is set aside for good, never walked by a collection, and the collector resumes.
    gc.freeze()
    gc.enable()
    threading.excepthook = quiet_after_the_loop
    # httpx loads its own command-line tool whenever it is imported and the tool's libraries
    # are installed (rich's syntax highlighting and pygments' lexers come with typer): about
    # 20 ms of every command that fetches, for a tool curator never runs. Marked missing, it
    # is left out (httpx then offers a `main` that says so).
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def quiet_after_the_loop(args: threading.ExceptHookArgs) -> None:
    """A thread's error, as Python reports it, unless it only says that the event loop it
    answers to is closed: a database driver's thread finishing its last statement after
    Ctrl-C ended the command (which has said so) has no one left to tell."""
    if isinstance(args.exc_value, RuntimeError) and str(args.exc_value) == "Event loop is closed":
        return
    threading.__excepthook__(args)


def pause_collection() -> None:
    """Stop the garbage collector while a long command loads its modules (the console
    script only): they are hundreds of thousands of objects that live as long as the
    process, and a check of 2,000 links spent about 0.1 s collecting while they loaded."""
    if _own_process:
        gc.disable()


def freeze_loaded() -> None:
    """After `pause_collection` and the command's imports: what is loaded is set aside for
    good (gc.freeze), so no later collection walks it again, and the collector resumes (the
    console script only). Full collections walked those objects about 0.3 s of a 2,000-link
    check; the cyclic garbage the imports left (about 1 MB) is kept rather than spending a
    full collection to find it."""
    if not _own_process:
        return
    gc.freeze()
    gc.set_threshold(*COLLECT_EVERY)
    gc.enable()


THREADS_AWAITED = 0.05
"""Seconds `leave` waits for the process's other threads (a database driver's finishing its
close) before it ends the process as Python would, slowly."""


def leave(code: int) -> NoReturn:
    """End a command that is done, with `code`.

    In curator's own process (the console script), once stdout and stderr are flushed, the
    other threads have ended and the exit handlers have run, the process ends at once: Python
    would then tear down every module and free every object one by one (about 25 ms of every
    check, for a process about to vanish). A thread still running, or output that cannot be
    flushed (a closed pipe), leaves it to Python's own ending. Elsewhere (a test's runner), it
    is `typer.Exit(code)`."""
    if not _own_process:
        raise typer.Exit(code)
    main = threading.main_thread()
    for thread in threading.enumerate():
        if thread is not main and not thread.daemon:
            thread.join(THREADS_AWAITED)
    if any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate()):
        raise typer.Exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise typer.Exit(code) from None
    atexit._run_exitfuncs()  # what Python runs at its ending (logging's flush, child processes)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def settings() -> Settings:
    """Settings from the environment, or exit 2 with one line per bad variable."""
    from curator.settings import load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        for line in str(exc).splitlines():
            err.print(f"[red]error:[/] {escape(line)}")
        raise typer.Exit(EXIT_INVALID) from None


def catalog_path(option: Path | None, current: Settings, argument: Path | None = None) -> Path:
    """The catalog file a command works on: given by position or by --catalog (two different
    files are refused, exit 2), else the settings' (CURATOR_CATALOG_PATH or resources.yaml)."""
    if argument is not None and option is not None and argument != option:
        raise typer.BadParameter(
            f"two catalog files given: {argument} and --catalog {option}; give one",
            param_hint="'CATALOG'",
        )
    given = argument if argument is not None else option
    return given if given is not None else current.catalog_path


def read_catalog(path: Path) -> Catalog:
    """Load and validate a catalog or exit 2, printing every problem."""
    from curator.catalog import load_catalog

    try:
        return load_catalog(path)
    except CatalogError as exc:
        report_catalog_error(exc)
        raise typer.Exit(EXIT_INVALID) from None


def scan_catalog(path: Path, each: Callable[[GuideSpec], None]) -> Catalog:
    """Validate a catalog keeping none of its guides (each given to `each`, then let go), or
    exit 2, printing every problem (`curator.catalog.load.scan_catalog`)."""
    from curator.catalog.load import scan_catalog as scan

    try:
        return scan(path, each)
    except CatalogError as exc:
        report_catalog_error(exc)
        raise typer.Exit(EXIT_INVALID) from None


HELD_CATALOG_BYTES = 2_000_000
"""A catalog file of at most this size is read once: its validated guides (about three times
the file's size in memory, 5–6 MB for 6,000 resources) are held until the sync has them. A
larger one is validated keeping no guide and read again, a guide at a time, by the sync: a
command's memory stays flat however large the catalog."""


def validated_catalog(
    path: Path, each: Callable[[GuideSpec], None]
) -> tuple[Catalog, Callable[[], Iterable[GuideSpec]]]:
    """Validate a catalog whole (or exit 2, printing every problem), giving each guide to
    `each`; and how to have its guides again for the sync: held when the file is small (at
    most `HELD_CATALOG_BYTES`) or a pipe (read once), else read again a guide at a time
    (`curator.catalog.load.catalog_guides`). The catalog returned holds no guide."""
    if path.is_file() and path.stat().st_size > HELD_CATALOG_BYTES:
        from curator.catalog.load import catalog_guides

        slugs: list[str] = []

        def seen(spec: GuideSpec) -> None:
            slugs.append(spec.slug)
            each(spec)

        shell = scan_catalog(path, seen)
        return shell, lambda: catalog_guides(path, slugs)
    held: list[GuideSpec] = []

    def kept(spec: GuideSpec) -> None:
        held.append(spec)
        each(spec)

    if path.is_file():
        shell = scan_catalog(path, kept)
    else:
        whole = read_catalog(path)
        for spec in whole.guides:
            kept(spec)
        shell = whole.model_copy(update={"guides": []})
    return shell, held.copy


def report_catalog_error(exc: CatalogError) -> None:
    """Every problem on its own line on stderr, then how many."""
    for problem in exc.problems:
        err.print(str(problem), markup=False)
    count = len(exc.problems)
    err.print(f"[red]{count} problem{'s' if count != 1 else ''}[/]; nothing was written.")


def run(factory: Callable[[], Awaitable[T]]) -> T:
    """Run a command's async body; curator's own errors end it with a clear message.

    Invalid input (a catalog problem, a name that does not exist, a name taken) exits 2; an
    unreachable database or another environment problem exits 4 with one line.
    """
    import asyncio
    import signal

    returned: list[T] = []
    terminated: list[int] = []

    async def main() -> None:
        # SIGTERM cancels the command as Ctrl-C does (a run records itself interrupted), where
        # Python's default would end the process on the spot. A command that stops on signals
        # its own way (the scheduler) installs its handler over this one.
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None

        def on_sigterm() -> None:
            terminated.append(signal.SIGTERM)
            task.cancel()

        if threading.current_thread() is threading.main_thread():  # signals go to it alone
            loop.add_signal_handler(signal.SIGTERM, on_sigterm)
        # The main task returns nothing: on its way out, Python 3.11's asyncio.run formats
        # the main task, its result included, while restoring the Ctrl-C handler, and a
        # run's report of 50,000 results is hundreds of megabytes as text.
        returned.append(await factory())

    try:
        try:
            asyncio.run(main())
        except asyncio.CancelledError:
            if not terminated:
                raise
            raise Terminated from None
        return returned[0]
    except CatalogError as exc:
        report_catalog_error(exc)
        raise typer.Exit(EXIT_INVALID) from None
    except RunConflictError as exc:
        fail(str(exc), EXIT_ERROR, exc)
    except (NotFoundError, ConflictError, RevisionError) as exc:
        fail(str(exc), EXIT_INVALID, exc)
    except CuratorError as exc:
        fail(str(exc), EXIT_ERROR, exc)


@asynccontextmanager
async def migrated_engine(current: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine on the configured database, migrated to the newest schema, disposed after."""
    from curator.migrate import upgrade

    async with database(current) as engine:
        await upgrade(engine)
        yield engine


@asynccontextmanager
async def database(current: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine on the configured database, reachable (else one line, exit 4), disposed after."""
    from curator.errors import DatabaseUrlError
    from curator.settings import database_variable
    from curator.store.engine import create_engine, missing_folder, unreachable

    try:
        missing = missing_folder(current.database_url)
        if missing is not None:
            raise missing  # before a connection is tried: aiosqlite's thread would outlive it
        engine = create_engine(current.database_url)
    except DatabaseUrlError as exc:
        # Said with the variable the URL came from: CURATOR_DATABASE_URL or DATABASE_URL.
        raise exc.named(database_variable()) from None
    try:
        try:
            async with engine.connect():
                pass
        except Exception as exc:
            explained = unreachable(current.database_url, exc)
            if explained is None:
                raise
            raise explained from exc
        try:
            yield engine
        except Exception as exc:
            lost = lost_database(current.database_url, exc)
            if lost is None:
                raise
            raise lost from exc
    finally:
        await engine.dispose()


def lost_database(database_url: str, error: BaseException) -> CuratorError | None:
    """PostgreSQL gone during a command (stopped, restarted, the network cut), as the one line
    that says so; None for any other error (SQLite's are the statements' own)."""
    from sqlalchemy.engine import make_url

    from curator.errors import DatabaseUnreachableError
    from curator.store.engine import unreachable

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return None
    for leaf in _leaves(error):  # a run's workers raise theirs in an exception group
        if isinstance(leaf, CuratorError):
            return None
        explained = unreachable(database_url, leaf)
        if explained is not None:
            host = f"{url.host or 'localhost'}:{url.port or 5432}"
            return DatabaseUnreachableError(
                explained.database,
                f"it stopped answering during the command ({explained.cause})",
                f"Once PostgreSQL on {host} answers again, run the command again: "
                "what it stored is kept",
            )
    return None


def _leaves(error: BaseException) -> Iterable[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from _leaves(inner)
    else:
        yield error


def is_terminal() -> bool:
    """True when stdout is a terminal (progress bars and colours)."""
    return sys.stdout.isatty()


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"curator {version('curator')}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _options(
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help=f"show the traceback of an environment problem (or {DEBUG_VARIABLE}=1)"
        ),
    ] = False,
    _version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="print curator's version and exit",
            is_eager=True,
            callback=_print_version,
        ),
    ] = False,
) -> None:
    """Keeps a hub's curated resource lists honest: checks links, serves the validated list."""
    set_debug(debug)
