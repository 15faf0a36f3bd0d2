"""A small guide whose links are in every state the API shows, stored straight in the DB."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import ResourceKind, Verdict
from curator.store.models import Guide, Resource, Section
from curator.suggestions import Confidence, Suggestion, SuggestionSource
from tests.seeding import (
    BROKEN_URL,
    EDITOR,
    FLAKY_URL,
    MOVED_TO,
    MOVED_URL,
    NOW,
    OK_URL,
    check,
    hop,
    latest_run,
    link_states,
    moved_hops,
    report_and_token,
)

NEW_URL = "https://new.example.org/"
RETIRED_URL = "https://retired.example.org/"
PERHAPS_URL = "https://helpline.example.org/help/report-and-remove"
REDIRECTED = Suggestion(
    MOVED_TO,
    SuggestionSource.REDIRECT,
    Confidence.CONFIDENT,
    {"summary": "the old address now redirects here permanently (301)"},
)
PERHAPS = Suggestion(
    PERHAPS_URL,
    SuggestionSource.SITEMAP,
    Confidence.POSSIBLE,
    {"summary": "similar title (75 %), 40 % of the text", "text": 0.4},
)


@dataclass(frozen=True, slots=True)
class Seeded:
    """Ids and the editor's token of what `seed` stored."""

    token: str
    editor: str
    guide: str
    ok_id: int
    moved_id: int
    broken_id: int
    flaky_id: int
    new_id: int
    retired_id: int
    run_id: int
    broken_check_id: int


async def seed(session: AsyncSession) -> Seeded:
    """Two guides; the first with a working, a moved, a broken, a flaky, an unchecked and a
    retired resource, their checks and link states, a reader's report and an editor token."""
    guide = Guide(
        slug="sextortion",
        title="Sextortion – Guide and Resources",
        source_url="https://hub.example/guides/sextortion",
        review_every="6 months",
        last_reviewed=date(2026, 6, 1),
        editors=[],
        synced={},
    )
    other = Guide(slug="online-safety", title="Online safety", editors=[], synced={})
    help_now = Section(guide=guide, title="Get help now", position=1)
    police = Section(guide=guide, title="From the Police", position=2)
    other_section = Section(guide=other, title="Reading", position=1)

    def resource(section: Section, key: str, title: str, url: str, position: int) -> Resource:
        return Resource(
            guide=section.guide,
            section=section,
            key=key,
            title=title,
            url=url,
            position=position,
            expect_text=[],
            synced={},
        )

    ok = resource(police, "police-advice", "Police advice on sextortion", OK_URL, 4)
    moved = resource(help_now, "stop-ncii", "StopNCII", MOVED_URL, 2)
    broken = resource(help_now, "report-remove", "Report Remove", BROKEN_URL, 1)
    broken.kind = ResourceKind.HELPLINE
    broken.phone = "0345 6000 459"
    flaky = resource(help_now, "ceop", "CEOP Safety Centre", FLAKY_URL, 3)
    new = resource(police, "new-page", "A page never checked yet", NEW_URL, 5)
    retired = resource(police, "old-page", "An old page", RETIRED_URL, 6)
    retired.retired_at = NOW - timedelta(days=30)
    ok.description = "What the police advise."
    ok.audience = "Everyone"
    ok.region = "England"
    ok.phone = "101"
    shared = resource(other_section, "police-advice", "Police advice", OK_URL, 1)
    session.add_all([guide, other, ok, moved, broken, flaky, new, retired, shared])

    run = latest_run()
    session.add(run)
    await session.flush()

    ok_check = check(run, OK_URL, Verdict.OK, 200, title="Sextortion advice")
    moved_check = check(
        run,
        MOVED_URL,
        Verdict.MOVED,
        200,
        final_url=MOVED_TO,
        suggested_url=MOVED_TO,
        hops=moved_hops(),
        suggestion=REDIRECTED.to_json(),
    )
    broken_check = check(
        run,
        BROKEN_URL,
        Verdict.BROKEN,
        404,
        final_url=BROKEN_URL,
        title="Page not found",
        hops=[hop(BROKEN_URL, 404)],
        suggestion=PERHAPS.to_json(),
    )
    flaky_check = check(run, FLAKY_URL, Verdict.TRANSIENT, 503, attempts=3)
    session.add_all([ok_check, moved_check, broken_check, flaky_check])
    await session.flush()
    session.add_all(
        link_states(ok=ok_check, moved=moved_check, broken=broken_check, flaky=flaky_check)
    )
    token = await report_and_token(session, broken=broken)
    return Seeded(
        token=token,
        editor=EDITOR,
        guide="sextortion",
        ok_id=ok.id,
        moved_id=moved.id,
        broken_id=broken.id,
        flaky_id=flaky.id,
        new_id=new.id,
        retired_id=retired.id,
        run_id=run.id,
        broken_check_id=broken_check.id,
    )
