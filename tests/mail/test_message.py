"""The pieces of a message: recipients, retry delays, headers, multipart bodies, wrapping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import select, update

from curator.domain import MailKind
from curator.mail import (
    CLAIM,
    DeliveryStatus,
    build_message,
    header_text,
    message_id,
    recipients_for,
    retry_delay,
    send_refresh_report,
    wrap_text,
)
from curator.settings import Settings
from curator.store import deliveries
from curator.store.models import Check, Guide, LinkState
from tests.mail.kit import (
    EDITORS,
    GUIDE_EDITOR,
    Sessions,
    mail_settings,
    parts,
)
from tests.report.seed import NOW, Seeded
from tests.smtp_server import Inbox


def test_recipients_are_the_editors_then_the_guides_own_each_once(settings: Settings) -> None:
    current = settings.model_copy(update={"mail_to": "a@hub.example, B@hub.example,"})
    assert recipients_for(current, ["b@hub.example", "c@hub.example"]) == [
        "a@hub.example",
        "B@hub.example",
        "c@hub.example",
    ]


@pytest.mark.parametrize(
    ("attempts", "minutes"),
    [(1, 5), (2, 10), (3, 20), (6, 160), (7, 320), (8, 360), (30, 360)],
)
def test_retry_delay_doubles_up_to_six_hours(attempts: int, minutes: int) -> None:
    assert retry_delay(attempts) == timedelta(minutes=minutes)


def test_message_is_multipart_alternative_text_first() -> None:
    message = build_message(
        sender="Curator <curator@hub.example>",
        recipients=["a@hub.example"],
        subject="curator: Guide – ä summary",
        text="plain",
        html="<p>rich</p>",
        key="refresh:g:run:1",
        date=datetime(2026, 6, 10, 9, 0, tzinfo=UTC),
    )
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Message-ID"] == message_id("refresh:g:run:1", "curator@hub.example")
    assert message["Message-ID"].endswith("@hub.example>")
    assert message["Date"] == "Wed, 10 Jun 2026 09:00:00 +0000"


async def test_a_claimed_delivery_cannot_be_claimed_twice(
    sessions: Sessions, seeded: Seeded
) -> None:
    async with sessions() as session:
        row = await deliveries.add_delivery(
            session,
            kind=MailKind.REFRESH,
            key="refresh:x:run:1",
            guide_slug="sextortion",
            run_id=None,
            recipients=["a@hub.example"],
            subject="s",
            body_text="t",
            body_html="h",
            created_at=NOW,
            claimed_until=NOW,
        )
        await session.commit()
        first = await deliveries.claim_delivery(
            session, delivery_id=row.id, seen_next_attempt_at=NOW, claimed_until=NOW + CLAIM
        )
        second = await deliveries.claim_delivery(
            session, delivery_id=row.id, seen_next_attempt_at=NOW, claimed_until=NOW + CLAIM
        )
        await session.commit()
    assert (first, second) == (True, False)


async def test_seeded_check_rows_are_untouched_by_reports(
    sessions: Sessions, seeded: Seeded, settings: Settings, smtp: int
) -> None:
    async with sessions() as session:
        before = (await session.execute(select(Check.id, Check.verdict).order_by(Check.id))).all()
        states = (
            await session.execute(select(LinkState.url, LinkState.verdict).order_by(LinkState.url))
        ).all()
    await send_refresh_report(
        sessions, mail_settings(settings, smtp), run_id=None, clock=lambda: NOW
    )
    async with sessions() as session:
        assert (
            await session.execute(select(Check.id, Check.verdict).order_by(Check.id))
        ).all() == before
        assert (
            await session.execute(select(LinkState.url, LinkState.verdict).order_by(LinkState.url))
        ).all() == states


async def test_a_line_break_in_a_title_or_an_address_never_stops_or_adds_a_header(
    sessions: Sessions, seeded: Seeded, settings: Settings, smtp: int, inbox: Inbox
) -> None:
    # The catalog and the editor API refuse these now; rows synced before they did may hold
    # them, and the email is built safely whatever the database holds.
    async with sessions() as session, session.begin():
        await session.execute(
            update(Guide)
            .where(Guide.slug == "sextortion")
            .values(
                title="Sextortion\r\nBcc: attacker@evil.example\u2028X",
                editors=[GUIDE_EDITOR, "x@hub.example\r\nBcc: attacker@evil.example"],
            )
        )
    current = mail_settings(settings, smtp)
    results = await send_refresh_report(sessions, current, run_id=None, clock=lambda: NOW)
    assert {r.guide_slug: r.status for r in results}["sextortion"] is DeliveryStatus.SENT
    (received,) = inbox.messages
    assert sorted(received.rcpt_tos) == sorted([*EDITORS, GUIDE_EDITOR])
    message = received.message
    assert message["Subject"].startswith("curator: Sextortion Bcc: attacker@evil.example X: ")
    assert message["Bcc"] is None
    assert "attacker" not in message["To"]


@pytest.mark.parametrize(
    ("value", "header"),
    [
        ("plain title", "plain title"),
        ("two\r\nlines", "two lines"),
        ("sep\u2028ar\x85ated\x0bby\x1cbreaks", "sep ar ated by breaks"),
        ("nul\x00and\x07bell", "nul and bell"),
        ("  spaced   out  ", "spaced out"),
    ],
)
def test_header_text_is_one_line(value: str, header: str) -> None:
    assert header_text(value) == header
    message = EmailMessage()
    message["Subject"] = header_text(value)  # the email package accepts it as it is


async def test_the_text_part_wraps_at_78_columns(
    sessions: Sessions, seeded: Seeded, settings: Settings, smtp: int, inbox: Inbox
) -> None:
    current = mail_settings(settings, smtp)
    await send_refresh_report(sessions, current, run_id=None, clock=lambda: NOW)
    (received,) = inbox.messages
    text, _ = parts(received.message)
    for line in text.splitlines():
        # Only a single word longer than the width (an address) may pass it.
        assert len(line) <= 78 or len(line.split()) <= 2, line


def test_wrapping_keeps_addresses_whole_and_lines_up_continuations() -> None:
    long_url = "https://web.archive.org/web/20200101000000/https://example.org/" + "a" * 40
    text = (
        "  - Revenge Porn Helpline: The page is gone (HTTP 404 Not Found). curator looked for "
        f"it on the site.\n    → {long_url}\nshort line"
    )
    assert wrap_text(text).splitlines() == [
        "  - Revenge Porn Helpline: The page is gone (HTTP 404 Not Found). curator",
        "    looked for it on the site.",
        f"    → {long_url}",
        "short line",
    ]
