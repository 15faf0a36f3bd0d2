"""End to end: the real checker runs against loopback sites, then the report is emailed.

What the scheduler does after each full run: `execute_run`, then `send_refresh_report` with
the run's id; one email per run with news, none when nothing changed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.catalog.load import parse_catalog
from curator.mail import DeliveryStatus, send_refresh_report
from curator.settings import Settings
from curator.store.engine import session_factory
from curator.sync import sync_catalog
from tests.running import check_run
from tests.sites import Response, Sites, page, redirect
from tests.smtp_server import HOST, Inbox, smtp_server

T0 = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
BEFORE = (
    "Revenge Porn Helpline supports adults in the United Kingdom who have had intimate images "
    "shared without consent. Call 0345 6000 459 from Monday to Friday, ten until four. Our "
    "practitioners report images to platforms and help to have them taken down for good."
)
AFTER = (
    "Intimate image abuse became a new offence under the Online Safety Act 2023, replacing the "
    "old law on disclosing private sexual photographs. Prosecutors now charge sharing or "
    "threatening to share an intimate image, with aggravated forms for distress and gratification."
)


@pytest.fixture
async def sites() -> AsyncIterator[Sites]:
    """Loopback test sites (the checker's own test kit)."""
    kit = Sites()
    try:
        yield kit
    finally:
        await kit.aclose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions as the scheduler holds them."""
    return session_factory(engine)


def ticking(start: datetime) -> Callable[[], datetime]:
    """A clock that moves one second per reading."""
    ticks = iter(range(1_000_000))
    return lambda: start + timedelta(seconds=next(ticks))


async def test_each_full_run_sends_what_changed(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, sites: Sites
) -> None:
    helpline = await sites.add("helpline.test", {"/": page("Revenge Porn Helpline", BEFORE)})
    police = await sites.add(
        "police.test",
        {
            "/old": redirect("/advice", 301),
            "/advice": page("Sextortion advice", "Don't panic and don't pay."),
            "/release": Response(404, "Not here"),
        },
    )
    urls = {
        "helpline": helpline.url("/"),
        "moved": police.url("/old"),
        "gone": police.url("/release"),
    }
    catalog: dict[str, Any] = {
        "guides": [
            {
                "slug": "sextortion",
                "title": "Sextortion",
                "editors": ["guide-editor@hub.example"],
                "sections": [
                    {
                        "title": "Resources",
                        "resources": [
                            {"id": k, "title": k.title(), "url": u} for k, u in urls.items()
                        ],
                    }
                ],
            }
        ]
    }
    async with sessions() as session, session.begin():
        await sync_catalog(session, parse_catalog("resources.yaml", catalog))

    inbox = Inbox()
    with smtp_server(inbox) as port:
        current = settings.model_copy(
            update={
                "retries": 0,
                "video_oembed": False,
                # One failed check is enough here; confirmation has its own tests.
                "confirm_failures": 1,
                "confirm_days": 0.0,
                "smtp_host": HOST,
                "smtp_port": port,
                "mail_to": "editor@hub.example",
                "public_base_url": "https://curator.hub.example",
            }
        )

        async def full_run(at: datetime) -> int:
            async with sites.fetcher(current) as fetcher:
                report = await check_run(
                    sessions, current, trigger="schedule", fetcher=fetcher, clock=ticking(at)
                )
            return report.run_id

        first = await full_run(T0)
        results = await send_refresh_report(
            sessions, current, run_id=first, clock=ticking(T0 + timedelta(hours=1))
        )
        assert [(r.key, r.status) for r in results] == [
            (f"refresh:sextortion:run:{first}", DeliveryStatus.SENT)
        ]
        text = inbox.messages[0].message.get_body(preferencelist=("plain",))
        assert text is not None
        body = text.get_content()
        assert "NEWLY BROKEN (1)" in body and urls["gone"] in body
        assert "Evidence: HTTP 404" in body
        flat = " ".join(body.split())  # the text part is folded at 78 columns
        assert f"Suggested fix: the address it now redirects to: {police.url('/advice')}" in flat
        assert "/v1/editor/resources/" in body

        # A week later the page is back and the helpline's page says something else entirely.
        police.route("/release", page("Don't panic, don't pay", "Advice from the police."))
        helpline.route("/", page("Revenge Porn Helpline", AFTER))
        second = await full_run(T0 + timedelta(days=7))
        results = await send_refresh_report(
            sessions, current, run_id=second, clock=ticking(T0 + timedelta(days=7, hours=1))
        )
        assert [r.status for r in results] == [DeliveryStatus.SENT]
        text = inbox.messages[1].message.get_body(preferencelist=("plain",))
        assert text is not None
        body = text.get_content()
        assert "FIXED (1)" in body and "PAGES THAT CHANGED A LOT SINCE THE LAST REVIEW (1)" in body
        assert "NEWLY BROKEN" not in body

        # Nothing changes: the next run sends nothing.
        third = await full_run(T0 + timedelta(days=14))
        results = await send_refresh_report(
            sessions, current, run_id=third, clock=ticking(T0 + timedelta(days=14, hours=1))
        )
        assert [r.status for r in results] == [DeliveryStatus.NOTHING_NEW]
        assert len(inbox.messages) == 2
