"""Check runs as tests start them: a selection's keywords, a fetcher or the settings' own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.check.checker import Checker
from curator.check.fetcher import Fetcher
from curator.check.video import VideoLookup
from curator.domain import RunTrigger
from curator.runs.execute import RunReport, execute_run
from curator.runs.executor import CheckerExecutor
from curator.runs.selection import Selection
from curator.settings import Settings
from curator.store.base import utcnow


async def check_run(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    trigger: RunTrigger | str,
    fetcher: Fetcher | None = None,
    video: VideoLookup | None = None,
    checker: Checker | None = None,
    guide_slug: str | None = None,
    resource_ids: Sequence[int] | None = None,
    urls: Sequence[str] | None = None,
    resume: int | None = None,
    **options: Any,
) -> RunReport:
    """`execute_run` on `checker` or a checker around `fetcher` (the caller closes either), or
    on one built from `settings` and closed after the run; confirmation as `settings` say."""
    selection = Selection(
        guide_slug=guide_slug,
        resource_ids=tuple(resource_ids) if resource_ids is not None else None,
        urls=tuple(urls) if urls is not None else None,
        resume=resume,
    )
    if checker is not None:
        return await execute_run(
            sessions,
            checker,
            selection,
            trigger=RunTrigger(trigger),
            confirm=settings.confirm_policy(),
            **options,
        )
    if fetcher is None:
        built = Checker.build(settings.fetch_policy())
    else:
        built = Checker(fetcher, video, concurrency=settings.concurrency)
    async with built:
        return await execute_run(
            sessions,
            built,
            selection,
            trigger=RunTrigger(trigger),
            confirm=settings.confirm_policy(),
            **options,
        )


_BUILT: list[Checker] = []
"""Checkers `executor_for` built, closed by `close_built_checkers` after each test."""


def executor_for(
    settings: Settings,
    *,
    fetcher: Fetcher | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> CheckerExecutor:
    """The executor a scheduler on `settings` builds, fetching through `fetcher` when given."""
    if fetcher is None:
        checker = Checker.build(settings.fetch_policy())
        _BUILT.append(checker)
    else:
        checker = Checker(fetcher, concurrency=settings.concurrency)
    return CheckerExecutor(checker, settings.confirm_policy(), clock=clock)


async def close_built_checkers() -> None:
    """Close every checker `executor_for` built (its connections)."""
    while _BUILT:
        await _BUILT.pop().aclose()
