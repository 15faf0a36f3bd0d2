"""A uvicorn worker's app (`api.app:app_from_environment`) sets what it loaded and built at
start-up aside from the garbage collector once it has started, in its own process only."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

WORKER = """
import asyncio, gc
from api.app import app_from_environment

app = app_from_environment()
print(gc.get_freeze_count(), gc.get_threshold())

async def main():
    async with app.router.lifespan_context(app):
        print(gc.get_freeze_count(), gc.get_threshold())

asyncio.run(main())
"""


def test_a_worker_sets_its_start_up_objects_aside_once_started(database_url: str) -> None:
    threshold = gc.get_threshold()
    env = {**os.environ, "CURATOR_DATABASE_URL": database_url}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", WORKER], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    before, after = (line.split(" ", 1) for line in done.stdout.splitlines()[:2])
    assert int(before[0]) == 0 and before[1] == "(700, 10, 10)"
    assert int(after[0]) > 50_000 and after[1] == "(2000, 20, 20)"
    assert gc.get_threshold() == threshold  # this process's collector is untouched
