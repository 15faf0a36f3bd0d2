"""`curator scheduler`: the long-running process that checks on schedule.

The scheduler lives in `jobs/`, which curator does not import at module level: the command
imports it when it runs.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from curator.cli.app import app, database, migrated_engine, run, settings

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger("curator")

LogLevelOption = Annotated[
    str,
    typer.Option("--log-level", help="debug, info, warning or error", case_sensitive=False),
]


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time of each record.

    A handler that keeps the stream it was given outlives a replaced stderr (a test runner's
    captured stream, closed afterwards) and then fails on every later record.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(level: str) -> None:
    """Log lines with time, level and source to stderr, as a service should."""
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    if level.lower() != "debug":
        # APScheduler logs every run of every job at info: a line every few seconds.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        # Alembic names each plugin it sets up at info: seven lines of nothing at every start.
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def stop_on_signals(stop: asyncio.Event) -> None:
    """SIGTERM and SIGINT set `stop`: take no new work, finish what is in flight, exit."""
    import asyncio
    import signal

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


@app.command("scheduler")
def scheduler_command(log_level: LogLevelOption = "info") -> None:
    """Run scheduled checks, rechecks, reports and reminders.

    One scheduler acts at a time; a second one waits and takes over.
    """
    current = settings()
    configure_logging(log_level)

    async def body() -> int:
        import asyncio

        from jobs.service import run_scheduler

        async with database(current):
            pass  # unreachable: one line and exit 4 before the scheduler starts
        stop = asyncio.Event()
        stop_on_signals(stop)
        return await run_scheduler(current, stop=stop)

    code = run(body)
    if code:
        raise typer.Exit(code)


HostOption = Annotated[str, typer.Option("--host", help="address the API listens on")]
PortOption = Annotated[
    int, typer.Option("--port", help="port the API listens on", min=1, max=65535)
]


@app.command("up")
def up_command(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    log_level: LogLevelOption = "info",
) -> None:
    """Serve the API and run the scheduler in one process.

    For trying curator on a laptop; production runs them as separate processes.
    """
    from curator.cli.serve_cmds import refuse_unless_listening

    current = settings()
    configure_logging(log_level)
    refuse_unless_listening(host, port)

    async def body() -> int:
        import asyncio

        async with migrated_engine(current):
            pass  # one process, one file: bring the schema up to date before both start
        from curator.cli.serve_cmds import startup_notes
        from curator.cli.together import serve_with_scheduler

        for level, line in startup_notes(current, host, port):
            log.log(level, "%s", line)
        stop = asyncio.Event()
        stop_on_signals(stop)
        return await serve_with_scheduler(
            current, host=host, port=port, log_level=log_level.lower(), stop=stop
        )

    code = run(body)
    if code:
        raise typer.Exit(code)
