"""The API and the scheduler in one process and one event loop (`curator up`, `make run`).

For someone trying curator on a laptop with the embedded SQLite file. Production runs them
as separate processes (`curator serve`, `curator scheduler`): several API replicas, one
active scheduler.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

import uvicorn

from curator.settings import Settings
from jobs.service import run_scheduler

log = logging.getLogger(__name__)

# uvicorn's exit status when it cannot start (port taken, the app failing to start).
SERVER_FAILED = 4


async def serve_with_scheduler(
    settings: Settings, *, host: str, port: int, log_level: str, stop: asyncio.Event
) -> int:
    """Serve the API and run the scheduler until `stop` is set (or either one ends)."""
    from api.app import create_app  # the API is loaded only when it is served

    config = uvicorn.Config(
        create_app(settings), host=host, port=port, log_level=log_level, lifespan="on"
    )
    server = uvicorn.Server(config)
    scheduler = asyncio.create_task(run_scheduler(settings, stop=stop), name="curator-scheduler")
    serving = asyncio.create_task(_serve(server), name="curator-api")
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({scheduler, serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        # Whichever ended first, end the other: both shut down gracefully.
        stop.set()
        server.should_exit = True
        stopping.cancel()
        with suppress(asyncio.CancelledError):
            await stopping
    server_code = await serving
    scheduler_code = await scheduler
    return server_code or scheduler_code


async def _serve(server: uvicorn.Server) -> int:
    try:
        await server.serve()
    except SystemExit as exc:  # uvicorn exits this way when it cannot bind or start the app
        log.error("the API could not start (exit status %s)", exc.code)
        return SERVER_FAILED
    return 0 if server.started else SERVER_FAILED
