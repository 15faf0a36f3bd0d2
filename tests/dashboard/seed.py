"""A small, realistic state for the dashboard's tests: a guide whose links need editors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from curator.store.models import (
    Check,
    Guide,
    LinkState,
    ReaderReport,
    Resource,
    ResourceKind,
    Run,
    RunStatus,
    Section,
)
from curator.tokens import create_token
from curator.verdicts import Verdict

NOW = datetime.now(UTC).replace(microsecond=0)
BROKEN_URL = "https://helpline.example.org/report-remove"
MOVED_URL = "http://stopncii.example.org/"
MOVED_TO = "https://stopncii.example.org/en-gb/"
FLAKY_URL = "https://ceop.example.org/safety-centre/"
WORKING_URL = "https://police.example.org/sextortion"


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
    """A guide with a broken, a moved, a flaky and a working resource, checks and a run."""
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
    run = Run(
        trigger="schedule",
        status=RunStatus.COMPLETED,
        started_at=NOW - timedelta(hours=2, minutes=2),
        finished_at=NOW - timedelta(hours=2),
        total_urls=4,
        checked_urls=4,
        counts={"ok": 1, "broken": 1, "moved": 1, "transient": 1},
    )
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
            )
        )
    latest = Check(
        run_id=run.id,
        url=BROKEN_URL,
        checked_at=NOW - timedelta(hours=2),
        verdict=Verdict.BROKEN,
        status_code=404,
        final_url="https://helpline.example.org/report-remove/",
        detail="The page is gone: 404 Not Found after a redirect.",
        elapsed_ms=412,
        hops=[
            {
                "url": BROKEN_URL,
                "status": 301,
                "location": "https://helpline.example.org/report-remove/",
            },
            {"url": "https://helpline.example.org/report-remove/", "status": 404},
        ],
    )
    moved_check = Check(
        run_id=run.id,
        url=MOVED_URL,
        checked_at=NOW - timedelta(hours=2),
        verdict=Verdict.MOVED,
        status_code=200,
        final_url=MOVED_TO,
        suggested_url=MOVED_TO,
        detail="Permanently redirected (301) to https://stopncii.example.org/en-gb/.",
        hops=[
            {"url": MOVED_URL, "status": 301, "location": MOVED_TO},
            {"url": MOVED_TO, "status": 200},
        ],
    )
    flaky_check = Check(
        run_id=run.id,
        url=FLAKY_URL,
        checked_at=NOW - timedelta(hours=2),
        verdict=Verdict.TRANSIENT,
        status_code=503,
        detail="Server error 503; not yet confirmed.",
        attempts=3,
        hops=[{"url": FLAKY_URL, "status": 503}],
    )
    session.add_all([latest, moved_check, flaky_check])
    await session.flush()
    session.add_all(
        [
            LinkState(
                url=BROKEN_URL,
                verdict=Verdict.BROKEN,
                last_verdict=Verdict.BROKEN,
                detail=latest.detail,
                first_failure_at=NOW - timedelta(days=5),
                consecutive_failures=3,
                last_ok_at=NOW - timedelta(days=7),
                last_checked_at=latest.checked_at,
                last_check_id=latest.id,
            ),
            LinkState(
                url=MOVED_URL,
                verdict=Verdict.MOVED,
                last_verdict=Verdict.MOVED,
                detail=moved_check.detail,
                suggested_url=MOVED_TO,
                first_failure_at=NOW - timedelta(hours=2),
                last_ok_at=NOW - timedelta(days=7),
                last_checked_at=moved_check.checked_at,
                last_check_id=moved_check.id,
            ),
            LinkState(
                url=FLAKY_URL,
                verdict=Verdict.TRANSIENT,
                last_verdict=Verdict.TRANSIENT,
                detail=flaky_check.detail,
                first_failure_at=NOW - timedelta(hours=2),
                consecutive_failures=1,
                last_ok_at=NOW - timedelta(days=7),
                last_checked_at=flaky_check.checked_at,
                last_check_id=flaky_check.id,
            ),
            LinkState(
                url=WORKING_URL,
                verdict=Verdict.OK,
                last_verdict=Verdict.OK,
                detail="OK",
                last_ok_at=NOW - timedelta(hours=2),
                last_checked_at=NOW - timedelta(hours=2),
            ),
            ReaderReport(
                resource_id=broken.id,
                note="The Report Remove link says page not found.",
                created_at=NOW - timedelta(days=1),
            ),
        ]
    )
    _, token = await create_token(session, name="editor-one")
    await session.commit()
    return Seeded(
        token=token,
        editor="editor-one",
        broken_id=broken.id,
        moved_id=moved.id,
        flaky_id=flaky.id,
        working_id=working.id,
        run_id=run.id,
    )
