"""A link found harmful to readers (a lapsed domain taken over by a trade, or a scam page) on
the dashboard: the check that found the harmful site stays its evidence, whatever the checks
since found (a timeout says nothing of the casino), as in the refresh report."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import RunStatus, Verdict
from curator.store.models import Check, Guide, Resource, Run
from tests.dashboard.seed import Seeded
from tests.factories import TAKEOVER, replay_checks
from tests.seeding import CHECKED_AT, NOW, hop

URL = "https://lapsed-charity.example/"
TIMEOUT = "Timed out reading the response."


async def _lapsed(session: AsyncSession, seeded: Seeded) -> int:
    """A charity's link that worked a week ago, was found taken over by a casino three days
    ago, and timed out in the latest run: its id."""
    guide = (await session.execute(select(Guide))).scalars().one()
    resource = Resource(
        guide=guide, key="lapsed", title="Lapsed charity", url=URL, position=9, expect_text=[]
    )
    session.add(resource)
    checks = []
    for days, verdict, status, detail, evidence in (
        (7, Verdict.OK, 200, "OK", {}),
        (3, Verdict.PARKED, 200, TAKEOVER.detail, {"rule": TAKEOVER.rule, **TAKEOVER.evidence}),
    ):
        run = Run(
            trigger="schedule",
            status=RunStatus.COMPLETED,
            started_at=NOW - timedelta(days=days, minutes=1),
            finished_at=NOW - timedelta(days=days),
        )
        session.add(run)
        await session.flush()
        checks.append(
            Check(
                run_id=run.id,
                url=URL,
                checked_at=NOW - timedelta(days=days),
                verdict=verdict,
                status_code=status,
                detail=detail,
                hops=[hop(URL, status)],
                evidence=evidence,
            )
        )
    checks.append(
        Check(
            run_id=seeded.run_id,
            url=URL,
            checked_at=CHECKED_AT,
            verdict=Verdict.TRANSIENT,
            status_code=None,
            detail=TIMEOUT,
            error_kind="read_timeout",
            hops=[hop(URL, None)],
        )
    )
    session.add_all(checks)
    await session.flush()
    session.add(replay_checks(checks))
    await session.commit()
    return resource.id


def _item(html: str, resource_id: int) -> str:
    found = re.search(
        rf'<li class="problem [^"]*" id="resource-{resource_id}">(.*?)</article>', html, re.S
    )
    assert found is not None, f"no problem {resource_id} on the page"
    return found.group(1)


def _evidence(html: str) -> list[str]:
    """Each evidence block's text (tags dropped)."""
    blocks = re.findall(r'<section class="evidence"[^>]*>(.*?)</section>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", b).split()) for b in blocks]


async def test_an_unsafe_item_shows_what_was_found_after_a_timeout(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    resource_id = await _lapsed(session, seeded)
    html = (await editor.get("/editor/problems")).text
    item = unescape(_item(html, resource_id))
    # What the check that found the casino said, in its verdict's words, and when.
    assert TAKEOVER.detail in item
    assert '<span class="badge broken">parked or taken over</span>' in item
    harm, *later = _evidence(item)
    assert "found the harmful site" in harm and "200" in harm
    # The timeout since is there too, said as the latest check, never in the casino's place.
    assert later and TIMEOUT in later[0] and "read_timeout" in later[0]


async def test_an_unsafe_resource_page_shows_what_was_found_after_a_timeout(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    resource_id = await _lapsed(session, seeded)
    html = unescape((await editor.get(f"/editor/resources/{resource_id}")).text)
    lede = html[html.index('<p class="lede">') : html.index('<dl class="facts">')]
    assert "parked or taken over" in lede and TAKEOVER.detail in lede
    assert "temporary failure" not in lede and TIMEOUT not in lede
    harm, latest = _evidence(html)
    assert "found the harmful site" in harm and "200" in harm
    assert "read_timeout" in latest
