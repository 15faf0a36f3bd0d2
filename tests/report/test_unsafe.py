"""A link found harmful to readers (a lapsed domain taken over by a trade, or a scam page) in
the refresh report, whatever the checks since found: what was seen and since when, told once
as news, and a link published again told as fixed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import Verdict
from curator.report.build import build_report
from curator.report.model import FixedItem, LinkItem, RefreshReport
from curator.report.render import Format, render
from curator.settings import Settings
from curator.store.models import Check, Resource, Run
from tests.factories import TAKEOVER, replay_checks
from tests.report.fakes import FakeArchive
from tests.report.seed import LAST_REPORT, NOW, SCAMS_TEXT, Seeded, _check

URL = "https://lapsed.example/"


def _takeover(run: Run) -> Check:
    """The check that found a casino where the resource was (before the last report)."""
    check = _check(run, URL, Verdict.PARKED, detail=TAKEOVER.detail)
    check.evidence = {"rule": TAKEOVER.rule, **TAKEOVER.evidence}
    return check


async def _report(
    session: AsyncSession,
    seeded: Seeded,
    settings: Settings,
    archive: FakeArchive,
    *later: tuple[int, Verdict],
) -> RefreshReport:
    """The scams guide's report once a lapsed charity's link worked (run 0), was found taken
    over by a casino (run 2, before the last report) and then ended in `later` checks."""
    session.add(
        Resource(
            guide_id=seeded.other_guide_id,
            key="lapsed",
            title="Lapsed charity",
            url=URL,
            position=2,
            expect_text=[],
        )
    )
    runs = (
        (await session.execute(select(Run).where(Run.id.in_(seeded.run_ids)).order_by(Run.id)))
        .scalars()
        .all()
    )
    assert runs[2].started_at < LAST_REPORT < runs[3].started_at
    checks = [_check(runs[0], URL, Verdict.OK, text=SCAMS_TEXT), _takeover(runs[2])]
    for index, verdict in later:
        if verdict is Verdict.TRANSIENT:
            checks.append(
                _check(
                    runs[index],
                    URL,
                    verdict,
                    status=None,
                    detail="Timed out reading the response.",
                    error_kind="read_timeout",
                    hops=[],
                )
            )
        else:
            checks.append(_check(runs[index], URL, verdict, text=SCAMS_TEXT))
    session.add_all(checks)
    await session.flush()
    session.add(replay_checks(checks))
    await session.commit()
    # As a report since the last one replays it: what the editors were told then, what is new.
    report = await build_report(
        session, settings, now=NOW, guide="scams", since=LAST_REPORT, archive=archive
    )
    await session.rollback()
    return report


async def test_an_unsafe_link_keeps_what_was_seen_after_a_timeout(
    session: AsyncSession, seeded: Seeded, report_settings: Settings, archive: FakeArchive
) -> None:
    report = await _report(session, seeded, report_settings, archive, (5, Verdict.TRANSIENT))
    guide = report.guides[0]
    (item,) = guide.items("unsafe")
    assert isinstance(item, LinkItem)
    # What was seen, as the check that saw it said it; not the timeout since.
    assert item.verdict is Verdict.PARKED
    assert item.detail == TAKEOVER.detail
    assert item.evidence is not None and item.evidence.answer == 200
    takeover_at = item.evidence.checked_at
    assert takeover_at < LAST_REPORT
    assert item.since == takeover_at  # hidden since the casino was found
    assert not item.new  # the last report said so already
    text = render(report, Format.TEXT)
    assert "gambling site (casino, free spins, jackpot)" in text
    assert "Timed out" not in text
    # Hidden since the casino was found, said once: not again as "Hidden since 1 Jun 2026".
    assert "Hidden from readers since" in text and "Hidden since" not in text


async def test_a_link_published_again_is_told_as_fixed(
    session: AsyncSession, seeded: Seeded, report_settings: Settings, archive: FakeArchive
) -> None:
    guide = (await _report(session, seeded, report_settings, archive, (5, Verdict.OK))).guides[0]
    assert guide.items("unsafe") == ()
    fixed = [i for i in guide.items("fixed") if i.resource.key == "lapsed"]
    assert len(fixed) == 1 and isinstance(fixed[0], FixedItem)
    assert (fixed[0].was, fixed[0].now) == (Verdict.PARKED, Verdict.OK)
