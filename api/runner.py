"""The checker as the API runs it: execute_run with a fetcher on the app's one HTTP client."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.domain import RunTrigger
from curator.rechecks import RunExecutor
from curator.settings import Settings


def checker_executor(client: httpx.AsyncClient) -> RunExecutor:
    """A RunExecutor running curator's checker, every fetch through `client`."""

    async def execute(
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        *,
        trigger: RunTrigger,
        resource_ids: Sequence[int] | None = None,
        stop: asyncio.Event | None = None,
    ) -> int | None:
        from curator.check.fetcher import Fetcher
        from curator.runs.execute import execute_run

        async with Fetcher(settings.fetch_policy(), client=client) as fetcher:
            report = await execute_run(
                sessions,
                settings,
                trigger=trigger,
                resource_ids=resource_ids,
                fetcher=fetcher,
                stop=stop,
                # A recheck of a few resources may run beside a full run; full runs never
                # overlap (RunConflictError).
                exclusive=resource_ids is None,
            )
        return report.run_id

    return execute
