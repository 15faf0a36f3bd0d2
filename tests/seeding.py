"""What the API's and the dashboard's seeds share: a working, a moved, a broken and a flaky
link, the scheduled run that checked them two hours ago, the states it left, a reader's report
on the broken one and an editor's token; and storing a seed in a test database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import RunStatus, Verdict
from curator.store.engine import create_engine, session_factory
from curator.store.models import Check, LinkState, ReaderReport, Resource, Run
from curator.tokens import create_token
from tests.factories import state_after

NOW = datetime.now(UTC).replace(microsecond=0)
OK_URL = "https://police.example.org/sextortion"
MOVED_URL = "http://stopncii.example.org/"
MOVED_TO = "https://stopncii.example.org/en-gb/"
BROKEN_URL = "https://helpline.example.org/report-remove"
FLAKY_URL = "https://ceop.example.org/safety-centre/"
EDITOR = "editor-one"
T = TypeVar("T")
CHECKED_AT = NOW - timedelta(hours=2)
"""When the latest run checked every link."""


def latest_run() -> Run:
    """The scheduled run that checked the four links two hours ago."""
    return Run(
        trigger="schedule",
        status=RunStatus.COMPLETED,
        started_at=NOW - timedelta(hours=2, minutes=2),
        finished_at=CHECKED_AT,
        total_urls=4,
        checked_urls=4,
        counts={"ok": 1, "broken": 1, "moved": 1, "transient": 1},
    )


ADDRESS = "192.0.2.10"
"""The address a seeded request reached (a documentation address)."""


def hop(url: str, status: int | None, *, location: str | None = None) -> dict[str, Any]:
    """One request as the fetcher records it on a check (`curator.runs.records.hops_of`):
    every request is one, a timeout or a refused connection too (with no status)."""
    return {
        "url": url,
        "status": status,
        "address": ADDRESS if status is not None else None,
        "location": location,
        "elapsed_ms": 120,
    }


def moved_hops() -> list[dict[str, Any]]:
    """The moved link's redirect: a permanent one to MOVED_TO, which answers."""
    return [hop(MOVED_URL, 301, location=MOVED_TO), hop(MOVED_TO, 200)]


def check(
    run: Run,
    url: str,
    verdict: Verdict,
    status: int | None,
    *,
    detail: str | None = None,
    **extra: object,
) -> Check:
    """A check of `url` in `run` (already flushed), at CHECKED_AT; unless `extra` gives its
    hops, the one request the fetcher would have recorded for that answer."""
    extra.setdefault("hops", [hop(url, status)])
    return Check(
        run_id=run.id,
        url=url,
        checked_at=CHECKED_AT,
        verdict=verdict,
        status_code=status,
        detail=detail if detail is not None else f"{verdict.value} ({status})",
        **extra,
    )


def link_states(*, ok: Check, moved: Check, broken: Check, flaky: Check) -> list[LinkState]:
    """The states confirmation leaves after the latest checks (already flushed): all four fine
    a week ago; the broken link failing for five days, three checks, so confirmed; the moved
    one moved now; the flaky one failing once, so not confirmed (the lists keep showing it)."""
    week_ago = NOW - timedelta(days=7)
    fine = [(week_ago, Verdict.OK)]
    failing = [(NOW - timedelta(days=5), Verdict.BROKEN), (NOW - timedelta(days=4), Verdict.BROKEN)]
    return [
        state_after(ok, earlier=fine),
        state_after(moved, earlier=fine),
        state_after(broken, earlier=fine + failing),
        state_after(flaky, earlier=fine),
    ]


async def report_and_token(session: AsyncSession, *, broken: Resource) -> str:
    """A reader's report on the broken resource and the editor's token; commits the seed."""
    session.add(
        ReaderReport(
            resource_id=broken.id,
            note="The Report Remove link says page not found.",
            created_at=NOW - timedelta(days=1),
        )
    )
    _, token = await create_token(session, name=EDITOR)
    await session.commit()
    return token


async def stored(database_url: str, seed: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """What `seed` stored in the database at `database_url`, on an engine of its own."""
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            return await seed(session)
    finally:
        await engine.dispose()
