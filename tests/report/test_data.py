"""The report value built from a database seeded with every verdict (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from curator.check.text import fingerprint
from curator.domain import Verdict
from curator.errors import NotFoundError
from curator.report.build import build_report
from curator.report.model import (
    FixKind,
    GuideReport,
    PeriodKind,
    RefreshReport,
    Section,
    SinceRun,
    parse_since,
)
from curator.settings import Settings
from curator.store.models import Check, Guide, LinkState, MailDelivery
from curator.suggestions import Confidence, Suggestion, SuggestionSource
from tests.report.fakes import FakeArchive
from tests.report.seed import (
    BASE_URL,
    CPS_AFTER,
    CPS_BEFORE,
    HELPLINE_TEXT,
    LAST_REPORT,
    NOW,
    Seeded,
)


def keys(items: tuple[object, ...]) -> list[str]:
    """The resource keys of report items, in order."""
    return [item.resource.key for item in items]  # type: ignore[attr-defined]


def sextortion(report: RefreshReport) -> GuideReport:
    """The seeded guide's part of a report."""
    return next(g for g in report.guides if g.slug == "sextortion")


async def build(
    session: AsyncSession, settings: Settings, archive: FakeArchive | None = None, **kwargs: object
) -> RefreshReport:
    """Build and commit, as the CLI does."""
    report = await build_report(session, settings, now=NOW, archive=archive, **kwargs)  # type: ignore[arg-type]
    await session.commit()
    return report


async def test_every_situation_lands_in_its_section(
    session: AsyncSession, seeded: Seeded, report_settings: Settings, archive: FakeArchive
) -> None:
    report = await build(session, report_settings, archive)
    guide = sextortion(report)
    assert guide.period.kind is PeriodKind.LAST_REPORT
    assert guide.period.start == LAST_REPORT
    # Severity first (broken before changed before soft 404), then oldest first.
    assert keys(guide.items(Section.NEWLY_BROKEN)) == ["timeout", "gone", "phone", "soft"]
    assert [i.verdict for i in guide.items(Section.NEWLY_BROKEN)] == [
        Verdict.BROKEN,
        Verdict.BROKEN,
        Verdict.CHANGED,
        Verdict.SOFT_404,
    ]
    assert keys(guide.items(Section.STILL_BROKEN)) == ["parked", "tls"]
    assert keys(guide.items(Section.FIXED)) == ["fixed"]
    assert keys(guide.items(Section.MOVED)) == ["moved"]
    assert keys(guide.items(Section.FAILING)) == ["flaky", "blip"]
    assert [i.verdict for i in guide.items(Section.FAILING)] == [Verdict.TRANSIENT, Verdict.BROKEN]
    assert keys(guide.items(Section.UNVERIFIABLE)) == ["botwall"]
    assert keys(guide.items(Section.CONTENT_CHANGES)) == ["cps"]
    assert [(r.resource.key, r.new) for r in guide.items(Section.READER_REPORTS)] == [
        ("helpline", False),
        ("gone", True),
    ]
    counts = guide.counts
    assert (counts.links, counts.working, counts.unchecked, counts.snoozed) == (15, 4, 1, 1)
    assert guide.summary == (
        "6 broken (4 new), 1 moved, 1 fixed, 1 unverifiable, 2 failing, not confirmed yet, "
        "2 readers' reports, 1 page changed, review overdue since 1 May 2026"
    )
    assert report.summary == (
        "6 broken, 1 moved, 1 guide due for review, 2 readers' reports, 1 page changed"
    )
    assert guide.has_news and guide.needs_sending


async def test_broken_items_carry_evidence_since_and_a_fix(
    session: AsyncSession, seeded: Seeded, report_settings: Settings, archive: FakeArchive
) -> None:
    guide = sextortion(await build(session, report_settings, archive))
    gone = next(i for i in guide.items(Section.NEWLY_BROKEN) if i.resource.key == "gone")
    assert gone.detail == "404 Not Found."
    assert gone.since == datetime(2026, 6, 1, 3, 5, tzinfo=UTC)  # its first failed check
    assert gone.days == 9
    assert gone.evidence is not None and gone.evidence.status_code == 404
    assert gone.fix is not None and gone.fix.kind is FixKind.ARCHIVE
    assert gone.fix.url == f"https://web.archive.org/web/20260115120000/{gone.resource.url}"
    assert "archived copy of 15 Jan 2026" in gone.fix.note
    assert gone.resource.dashboard_url == (
        f"{BASE_URL}/editor/problems#resource-{seeded.resources['gone']}"
    )
    # Only newly broken links without a new address are looked up, near when they failed.
    assert sorted(url for url, _ in archive.asked) == sorted(
        seeded.urls[k] for k in ("timeout", "gone", "phone", "soft")
    )
    timeout = guide.items(Section.NEWLY_BROKEN)[0]
    assert timeout.fix is None
    assert timeout.since == datetime(2026, 5, 4, 3, 5, tzinfo=UTC)  # failing since run 1
    assert timeout.evidence is not None and timeout.evidence.error_kind == "read_timeout"
    soft = guide.items(Section.NEWLY_BROKEN)[3]
    assert soft.evidence is not None
    assert [(h.status, h.url) for h in soft.evidence.hops] == [
        (302, "https://soft.example/deep/link"),
        (200, "https://soft.example/"),
    ]
    parked = guide.items(Section.STILL_BROKEN)[0]
    assert (parked.new, parked.days) == (False, 65)


async def test_a_page_found_on_the_same_site_is_the_fix_and_a_lead_is_never_the_accept(
    session: AsyncSession, seeded: Seeded, report_settings: Settings, archive: FakeArchive
) -> None:
    gone_url = seeded.urls["gone"]
    found_at = gone_url.rstrip("/") + "-moved"
    state = await session.scalar(select(LinkState).where(LinkState.url == gone_url))
    assert state is not None and state.last_check_id is not None
    latest = await session.get(Check, state.last_check_id)
    assert latest is not None
    possible = Suggestion(
        found_at, SuggestionSource.SITEMAP, Confidence.POSSIBLE, {"summary": "same heading"}
    )
    latest.suggestion = possible.to_json()
    await session.flush()
    guide = sextortion(await build(session, report_settings, archive))
    gone = next(i for i in guide.items(Section.NEWLY_BROKEN) if i.resource.key == "gone")
    assert gone.fix is not None and gone.fix.kind is FixKind.POSSIBLE
    assert gone.fix.label == "Possibly moved" and gone.fix.url == found_at
    assert gone.fix.note.startswith("perhaps on the same site (same heading)")
    assert gone.accept is None
    assert gone_url not in [url for url, _ in archive.asked]  # the site's lead comes first

    confident = Suggestion(
        found_at,
        SuggestionSource.SITE_LINKS,
        Confidence.CONFIDENT,
        {"summary": "same title, 94 % of the text"},
    )
    latest.suggestion, latest.suggested_url = confident.to_json(), found_at
    state.suggested_url = found_at
    await session.flush()
    guide = sextortion(await build(session, report_settings, archive))
    gone = next(i for i in guide.items(Section.NEWLY_BROKEN) if i.resource.key == "gone")
    assert gone.fix is not None and gone.fix.kind is FixKind.SAME_SITE
    assert gone.fix.label == "Suggested fix"
    assert gone.fix.note == "found on the same site (same title, 94 % of the text)"
    assert gone.accept is not None and gone.accept.new_url == found_at


async def test_moved_links_point_at_the_accept_action(
    session: AsyncSession, seeded: Seeded, report_settings: Settings
) -> None:
    guide = sextortion(await build(session, report_settings))
    (moved,) = guide.items(Section.MOVED)
    rid = seeded.resources["moved"]
    assert moved.new
    assert moved.fix is not None and moved.fix.kind is FixKind.NEW_ADDRESS
    assert moved.fix.url == "https://police-new.example/advice"
    assert moved.accept is not None
    assert moved.accept.new_url == "https://police-new.example/advice"
    assert moved.accept.dashboard_url == f"{BASE_URL}/editor/problems#resource-{rid}"
    assert moved.accept.api_url == f"{BASE_URL}/v1/editor/resources/{rid}/accept-suggestion"
    assert moved.accept.api_method == "POST"


async def test_review_due_and_unverifiable_kept_apart(
    session: AsyncSession, seeded: Seeded, report_settings: Settings
) -> None:
    report = await build(session, report_settings)
    guide = sextortion(report)
    assert guide.review is not None
    assert (guide.review.due, guide.review.overdue_days) == (date(2026, 5, 1), 40)
    assert guide.review.overdue
    (wall,) = guide.items(Section.UNVERIFIABLE)
    assert not wall.new  # unverifiable before the last report too
    broken = guide.items(Section.NEWLY_BROKEN) + guide.items(Section.STILL_BROKEN)
    assert all(i.resource.key != "botwall" for i in broken)
    scams = next(g for g in report.guides if g.slug == "scams")
    assert scams.review is None and scams.next_review == date(2027, 5, 1)
    assert not scams.needs_sending
    assert scams.summary == "no confirmed changes yet: the one checked link works"  # first report


async def test_checks_of_an_inconclusive_run_change_nothing(
    session: AsyncSession, seeded: Seeded, report_settings: Settings
) -> None:
    guide = sextortion(await build(session, report_settings))
    statuses = {link.resource.key: link.verdict for link in guide.links}
    assert statuses["helpline"] is Verdict.OK
    assert "helpline" not in keys(guide.items(Section.FAILING))


async def test_baselines_follow_the_last_review(
    session: AsyncSession, seeded: Seeded, report_settings: Settings
) -> None:
    await build(session, report_settings)
    states = {s.url: s for s in (await session.execute(select(LinkState))).scalars()}
    # Reviewed 2025-11-01: the baseline is the first check after it (run 1).
    assert states[seeded.urls["cps"]].baseline_fingerprint == fingerprint(CPS_BEFORE)
    assert states[seeded.urls["helpline"]].baseline_fingerprint == fingerprint(HELPLINE_TEXT)
    assert states[seeded.urls["gone"]].baseline_fingerprint == fingerprint("Don't panic")

    # The editors review the guide: the page as it is now becomes the baseline.
    await session.execute(
        update(Guide).where(Guide.slug == "sextortion").values(last_reviewed=date(2026, 6, 9))
    )
    await session.commit()
    guide = sextortion(await build(session, report_settings))
    assert guide.items(Section.CONTENT_CHANGES) == ()
    assert guide.review is None
    await session.refresh(states[seeded.urls["cps"]])
    assert states[seeded.urls["cps"]].baseline_fingerprint == fingerprint(CPS_AFTER)


async def test_content_change_is_not_new_once_reported(
    session: AsyncSession, seeded: Seeded, report_settings: Settings
) -> None:
    guide = sextortion(await build(session, report_settings, since=parse_since("2026-06-09")))
    (change,) = guide.items(Section.CONTENT_CHANGES)
    assert not change.new
    assert change.similarity < 0.7
    assert change.baseline_checked_at == datetime(2026, 4, 6, 3, 5, tzinfo=UTC)


async def test_since_a_date_after_the_last_run_has_nothing_new(
    session: AsyncSession, seeded: Seeded, report_settings: Settings
) -> None:
    guide = sextortion(await build(session, report_settings, since=parse_since("2026-06-10")))
    assert guide.period.kind is PeriodKind.DATE
    assert guide.items(Section.NEWLY_BROKEN) == ()
    # The timeouts had persisted over three checks and 35 days by then: confirmed broken.
    all_six = ["parked", "timeout", "gone", "phone", "soft", "tls"]
    assert keys(guide.items(Section.STILL_BROKEN)) == all_six
    assert guide.items(Section.FIXED) == ()
    assert [r.new for r in guide.items(Section.READER_REPORTS)] == [False, False]
    assert not guide.has_news and guide.needs_sending  # the review is still due


async def test_since_a_run(
    session: AsyncSession, seeded: Seeded, report_settings: Settings
) -> None:
    first = seeded.run_ids[1]
    guide = sextortion(await build(session, report_settings, since=SinceRun(first)))
    assert guide.period.kind is PeriodKind.RUN and guide.period.run_id == first
    assert guide.period.label.startswith(f"since run {first} (4 May 2026, 03:00")
    # Run 1 is inside the period; only one failed check of each came before it.
    all_six = ["parked", "timeout", "gone", "phone", "soft", "tls"]
    assert keys(guide.items(Section.NEWLY_BROKEN)) == all_six
    assert guide.items(Section.FIXED) == ()  # its failure was confirmed and fixed within the period
    with pytest.raises(NotFoundError):
        await build(session, report_settings, since=SinceRun(9999))


async def test_first_report_covers_everything(
    session: AsyncSession, seeded: Seeded, report_settings: Settings
) -> None:
    await session.execute(MailDelivery.__table__.delete())
    await session.commit()
    guide = sextortion(await build(session, report_settings))
    assert guide.period.kind is PeriodKind.BEGINNING and guide.period.start is None
    assert len(guide.items(Section.NEWLY_BROKEN)) == 6 and guide.items(Section.STILL_BROKEN) == ()
    assert all(r.new for r in guide.items(Section.READER_REPORTS))


async def test_a_guide_of_its_own_and_an_unknown_guide(
    session: AsyncSession, seeded: Seeded, report_settings: Settings
) -> None:
    report = await build(session, report_settings, guide="scams")
    assert [g.slug for g in report.guides] == ["scams"]
    with pytest.raises(NotFoundError):
        await build(session, report_settings, guide="nope")


async def test_snoozed_until_passed_counts_again(
    session: AsyncSession, seeded: Seeded, report_settings: Settings
) -> None:
    later = await build_report(
        session, report_settings, now=NOW + timedelta(days=30), since=parse_since("2026-06-02")
    )
    assert "snoozed" in keys(sextortion(later).items(Section.NEWLY_BROKEN))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", SinceRun(12)),
        ("2026-06-01", datetime(2026, 6, 1, tzinfo=UTC)),
        ("2026-06-01T10:30", datetime(2026, 6, 1, 10, 30, tzinfo=UTC)),
        ("2026-06-01T10:30+02:00", datetime(2026, 6, 1, 8, 30, tzinfo=UTC)),
    ],
    ids=["run", "date", "naive-datetime-is-utc", "offset"],
)
def test_parse_since(text: str, expected: object) -> None:
    assert parse_since(text) == expected


def test_parse_since_refuses_anything_else() -> None:
    with pytest.raises(ValueError, match="neither a run id"):
        parse_since("last tuesday")
