"""A small, realistic state for the dashboard's tests: a guide whose links need editors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import ResourceKind, RunStatus, Verdict
from curator.store.models import Check, Guide, Resource, Run, Section
from tests.seeding import (
    BROKEN_URL,
    EDITOR,
    FLAKY_URL,
    MOVED_TO,
    MOVED_URL,
    NOW,
    check,
    hop,
    latest_run,
    link_states,
    moved_hops,
    report_and_token,
)
from tests.seeding import OK_URL as WORKING_URL


@dataclass(frozen=True, slots=True)
class Seeded:
    """Ids and secrets of what `seed` stored."""

    token: str
    editor: str
    broken_id: int
    moved_id: int
    flaky_id: int
    working_id: int
    run_id: int


async def seed(session: AsyncSession) -> Seeded:
    """A guide with a broken, a moved, a flaky and a working resource, checks and runs; the
    broken link's checks go back three weeks."""
    guide = Guide(slug="sextortion", title="Sextortion – Guide and Resources")
    section = Section(guide=guide, title="Get help now", position=0)
    broken = Resource(
        guide=guide,
        section=section,
        key="report-remove",
        title="Report Remove",
        url=BROKEN_URL,
        kind=ResourceKind.WEBPAGE,
        position=0,
        expect_text=["Report Remove"],
    )
    moved = Resource(
        guide=guide, section=section, key="stop-ncii", title="StopNCII", url=MOVED_URL, position=1
    )
    flaky = Resource(
        guide=guide,
        section=section,
        key="ceop",
        title="CEOP Safety Centre",
        url=FLAKY_URL,
        position=2,
    )
    working = Resource(
        guide=guide,
        section=section,
        key="police",
        title="Police advice on sextortion",
        url=WORKING_URL,
        position=3,
    )
    session.add_all([guide, section, broken, moved, flaky, working])
    old_run = Run(
        trigger="schedule",
        status=RunStatus.COMPLETED,
        started_at=NOW - timedelta(days=7, minutes=3),
        finished_at=NOW - timedelta(days=7),
        total_urls=4,
        checked_urls=4,
        counts={"ok": 4},
    )
    run = latest_run()
    session.add_all([old_run, run])
    await session.flush()

    # The broken link's history: fine for weeks, failing for five days, now confirmed.
    history = [
        (21, Verdict.OK, 200),
        (14, Verdict.OK, 200),
        (7, Verdict.OK, 200),
        (5, Verdict.TRANSIENT, 503),
        (4, Verdict.TRANSIENT, 503),
        (3, Verdict.BROKEN, 404),
    ]
    for days, verdict, status in history:
        past = Run(
            trigger="confirm",
            status=RunStatus.COMPLETED,
            started_at=NOW - timedelta(days=days, minutes=1),
            finished_at=NOW - timedelta(days=days),
            total_urls=1,
            checked_urls=1,
            counts={verdict.value: 1},
        )
        session.add(past)
        await session.flush()
        session.add(
            Check(
                run_id=past.id,
                url=BROKEN_URL,
                checked_at=NOW - timedelta(days=days),
                verdict=verdict,
                status_code=status,
                detail=f"Status {status}.",
                hops=[hop(BROKEN_URL, status)],
            )
        )
    latest = check(
        run,
        BROKEN_URL,
        Verdict.BROKEN,
        404,
        final_url="https://helpline.example.org/report-remove/",
        detail="The page is gone: 404 Not Found after a redirect.",
        elapsed_ms=412,
        hops=[
            hop(BROKEN_URL, 301, location="https://helpline.example.org/report-remove/"),
            hop("https://helpline.example.org/report-remove/", 404),
        ],
    )
    moved_check = check(
        run,
        MOVED_URL,
        Verdict.MOVED,
        200,
        final_url=MOVED_TO,
        suggested_url=MOVED_TO,
        detail="Permanently redirected (301) to https://stopncii.example.org/en-gb/.",
        hops=moved_hops(),
    )
    flaky_check = check(
        run,
        FLAKY_URL,
        Verdict.TRANSIENT,
        503,
        detail="Server error 503; not yet confirmed.",
        attempts=3,
    )
    working_check = check(run, WORKING_URL, Verdict.OK, 200, detail="OK")
    session.add_all([latest, moved_check, flaky_check, working_check])
    await session.flush()
    session.add_all(
        link_states(ok=working_check, moved=moved_check, broken=latest, flaky=flaky_check)
    )
    token = await report_and_token(session, broken=broken)
    return Seeded(
        token=token,
        editor=EDITOR,
        broken_id=broken.id,
        moved_id=moved.id,
        flaky_id=flaky.id,
        working_id=working.id,
        run_id=run.id,
    )
