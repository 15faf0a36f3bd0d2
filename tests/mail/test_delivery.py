"""Emailed reports through a real SMTP server (aiosmtpd on 127.0.0.1): sent once, retried."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import RunStatus
from curator.mail import (
    DeliveryStatus,
    message_id,
    retry_failed_deliveries,
    send_refresh_report,
    send_review_reminders,
)
from curator.settings import Settings
from curator.store.models import Guide, Run
from tests.mail.kit import (
    EDITORS,
    GUIDE_EDITOR,
    Clock,
    Sessions,
    delivery_rows,
    hrefs,
    mail_settings,
    parts,
)
from tests.report.fakes import FakeArchive
from tests.report.seed import BASE_URL, NOW, Seeded, seed
from tests.smtp_server import HOST, Inbox, free_port, smtp_server


async def test_refresh_report_is_delivered_as_multipart_to_every_editor(
    sessions: Sessions,
    seeded: Seeded,
    settings: Settings,
    smtp: int,
    inbox: Inbox,
    archive: FakeArchive,
) -> None:
    current = mail_settings(settings, smtp)
    results = await send_refresh_report(
        sessions, current, run_id=None, clock=lambda: NOW, archive=archive
    )
    by_guide = {r.guide_slug: r for r in results}
    assert by_guide["scams"].status is DeliveryStatus.NOTHING_NEW
    sent = by_guide["sextortion"]
    assert sent.status is DeliveryStatus.SENT
    latest_run = seeded.run_ids[-1]
    assert sent.key == f"refresh:sextortion:run:{latest_run}"
    assert sent.attempts == 1

    (received,) = inbox.messages
    assert sorted(received.rcpt_tos) == sorted([*EDITORS, GUIDE_EDITOR])
    assert received.mail_from == "curator@hub.example"
    message = received.message
    assert message["Subject"] == (
        "curator: Sextortion – Guide and Resources: 6 broken (4 new), 1 moved, 1 fixed, "
        "1 unverifiable, 2 failing, not confirmed yet, 2 readers' reports, 1 page changed, "
        "review overdue since 1 May 2026"
    )
    assert message["To"] == ", ".join([*EDITORS, GUIDE_EDITOR])
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == message_id(sent.key or "", "curator@hub.example")
    folded, html = parts(message)
    text = " ".join(folded.split())  # the text part is folded at 78 columns

    moved = seeded.resources["moved"]
    accept_page = f"{BASE_URL}/editor/problems#resource-{moved}"
    accept_api = f"{BASE_URL}/v1/editor/resources/{moved}/accept-suggestion"
    assert "NEWLY BROKEN (4)" in text and "STILL BROKEN (2)" in text
    assert "https://gone.example/release21560.aspx" in text
    assert "https://web.archive.org/web/20260115120000/https://gone.example/" in text
    assert f"Accept the new address: {accept_page}" in text and accept_api in text
    assert "The page says <b>not found</b> now." in text
    assert "REVIEW DUE" in text and "due on 1 May 2026" in text
    assert "Online scams" not in text  # one guide per email

    links = hrefs(html)
    assert accept_page in links
    assert "https://police-new.example/advice" in links
    assert f"{BASE_URL}/editor/resources/{seeded.resources['cps']}" in links
    assert "https://gone.example/release21560.aspx" in links
    assert accept_api in html and "<script" not in html.lower()

    (row,) = await delivery_rows(sessions)
    assert row.sent_at == NOW and row.attempts == 1 and row.last_error is None
    assert row.recipients == [*EDITORS, GUIDE_EDITOR]
    assert (row.body_text or "").strip() == folded.strip()


async def test_a_second_call_sends_nothing_new(
    sessions: Sessions, seeded: Seeded, settings: Settings, smtp: int, inbox: Inbox
) -> None:
    current = mail_settings(settings, smtp)
    await send_refresh_report(sessions, current, run_id=None, clock=lambda: NOW)
    again = await send_refresh_report(
        sessions, current, run_id=None, clock=lambda: NOW + timedelta(hours=1)
    )
    assert {r.guide_slug: r.status for r in again} == {
        "scams": DeliveryStatus.NOTHING_NEW,
        "sextortion": DeliveryStatus.ALREADY_SENT,
    }
    assert len(inbox.messages) == 1
    assert len(await delivery_rows(sessions)) == 1


async def test_no_email_when_nothing_changed_unless_a_review_is_due(
    sessions: Sessions, seeded: Seeded, settings: Settings, smtp: int, inbox: Inbox
) -> None:
    current = mail_settings(settings, smtp)
    await send_refresh_report(sessions, current, run_id=None, clock=lambda: NOW)
    later = NOW + timedelta(days=7)

    async def quiet_run() -> int:
        """A full run that finds every link as it was."""
        async with sessions() as session:
            run = Run(
                trigger="schedule",
                status=RunStatus.COMPLETED,
                started_at=later - timedelta(hours=1),
                finished_at=later - timedelta(minutes=40),
            )
            session.add(run)
            await session.commit()
            return run.id

    run_id = await quiet_run()
    # The review is still overdue: the editors hear about it again after the next full run.
    results = await send_refresh_report(sessions, current, run_id=run_id, clock=lambda: later)
    assert {r.guide_slug: r.status for r in results}["sextortion"] is DeliveryStatus.SENT
    assert len(inbox.messages) == 2
    _, html = parts(inbox.messages[1].message)
    assert "Review overdue." in html and "Newly broken" not in html

    async with sessions() as session:
        await session.execute(
            update(Guide).where(Guide.slug == "sextortion").values(last_reviewed=date(2026, 6, 15))
        )
        await session.commit()
    run_id = await quiet_run()
    results = await send_refresh_report(
        sessions, current, run_id=run_id, clock=lambda: later + timedelta(minutes=1)
    )
    assert {r.guide_slug: r.status for r in results} == {
        "scams": DeliveryStatus.NOTHING_NEW,
        "sextortion": DeliveryStatus.NOTHING_NEW,
    }
    assert len(inbox.messages) == 2


async def test_server_down_is_recorded_and_retried_until_sent(
    sessions: Sessions, seeded: Seeded, settings: Settings, inbox: Inbox
) -> None:
    port = free_port()  # nothing listens here yet
    current = mail_settings(settings, port)
    clock = Clock(NOW)
    results = await send_refresh_report(sessions, current, run_id=None, clock=clock)
    failed = {r.guide_slug: r for r in results}["sextortion"]
    assert failed.status is DeliveryStatus.FAILED
    assert failed.error is not None and failed.error.startswith(f"SMTP {HOST}:{port}: ")
    # What to do about it, for an operator who has not set a mail server up yet.
    assert "no mail server answers there" in failed.error
    assert failed.error.endswith("set CURATOR_SMTP_HOST and CURATOR_SMTP_PORT to yours")
    assert failed.next_attempt_at == NOW + timedelta(minutes=5)
    (row,) = await delivery_rows(sessions)
    assert (row.sent_at, row.attempts, row.last_error) == (None, 1, failed.error)

    # Still down, before the backoff is over: nothing is tried, the email stays owed.
    clock.now = NOW + timedelta(minutes=1)
    results = await send_refresh_report(sessions, current, run_id=None, clock=clock)
    assert {r.guide_slug: r.status for r in results}["sextortion"] is DeliveryStatus.PENDING
    # Still down after it: a second failure doubles the wait.
    clock.now = NOW + timedelta(minutes=6)
    (retried,) = await retry_failed_deliveries(sessions, current, clock=clock)
    assert retried.status is DeliveryStatus.FAILED and retried.attempts == 2
    assert retried.next_attempt_at == clock.now + timedelta(minutes=10)

    with smtp_server(inbox, port=port):
        clock.now = NOW + timedelta(minutes=20)
        results = await send_refresh_report(sessions, current, run_id=None, clock=clock)
        statuses = [(r.guide_slug, r.status) for r in results]
        assert statuses[0] == ("sextortion", DeliveryStatus.SENT)  # the owed email first
        assert ("sextortion", DeliveryStatus.ALREADY_SENT) in statuses
        assert len(inbox.messages) == 1
        assert inbox.messages[0].message["Subject"].startswith("curator: Sextortion")
        (row,) = await delivery_rows(sessions)
        assert (row.sent_at, row.attempts) == (clock.now, 3)
        # Nothing left to retry.
        assert await retry_failed_deliveries(sessions, current, clock=clock, due_only=False) == []
        assert len(inbox.messages) == 1


async def test_a_rejecting_server_is_recorded_and_retried(
    sessions: Sessions, seeded: Seeded, settings: Settings
) -> None:
    inbox = Inbox(reject_data="554 5.7.1 Message refused by policy")
    with smtp_server(inbox) as port:
        current = mail_settings(settings, port)
        results = await send_refresh_report(
            sessions, current, run_id=None, clock=lambda: NOW, guide="sextortion"
        )
        (failed,) = results
        assert failed.status is DeliveryStatus.FAILED
        assert failed.error is not None and "554 5.7.1 Message refused by policy" in failed.error
        inbox.reject_data = None
        (sent,) = await retry_failed_deliveries(
            sessions, current, clock=lambda: NOW + timedelta(minutes=5)
        )
        assert sent.status is DeliveryStatus.SENT and sent.attempts == 2
        assert len(inbox.messages) == 1


async def test_a_refused_recipient_is_noted_and_the_rest_receive_it(
    sessions: Sessions, seeded: Seeded, settings: Settings
) -> None:
    inbox = Inbox(refuse_recipients={GUIDE_EDITOR})
    with smtp_server(inbox) as port:
        results = await send_refresh_report(
            sessions, mail_settings(settings, port), run_id=None, clock=lambda: NOW
        )
    sent = {r.guide_slug: r for r in results}["sextortion"]
    assert sent.status is DeliveryStatus.SENT
    assert sent.error == f"refused: {GUIDE_EDITOR}: 550 5.1.1 No such user here"
    assert sorted(inbox.messages[0].rcpt_tos) == sorted(EDITORS)


async def test_no_recipients_records_nothing(
    sessions: Sessions, session: AsyncSession, settings: Settings, smtp: int, inbox: Inbox
) -> None:
    await seed(session, base_editors=[])
    current = mail_settings(settings, smtp, mail_to="")
    results = await send_refresh_report(sessions, current, run_id=None, clock=lambda: NOW)
    assert {r.guide_slug: r.status for r in results}["sextortion"] is (DeliveryStatus.NO_RECIPIENTS)
    assert inbox.messages == [] and await delivery_rows(sessions) == []


async def test_review_reminders_once_per_due_date(
    sessions: Sessions, seeded: Seeded, settings: Settings, smtp: int, inbox: Inbox
) -> None:
    current = mail_settings(settings, smtp)
    results = await send_review_reminders(sessions, current, clock=lambda: NOW)
    (sent,) = results  # the other guide is not due until 2027
    assert sent.status is DeliveryStatus.SENT
    assert sent.key == "review:sextortion:2026-05-01"
    (received,) = inbox.messages
    assert received.message["Subject"] == (
        "curator: time to review Sextortion – Guide and Resources (due 1 May 2026)"
    )
    text, html = parts(received.message)
    assert "Time to review" in text and "[ ] Webcam blackmail advice" in text
    assert "https://cps.example/guidance" in hrefs(html)
    again = await send_review_reminders(sessions, current, clock=lambda: NOW + timedelta(days=1))
    assert [r.status for r in again] == [DeliveryStatus.ALREADY_SENT]
    assert len(inbox.messages) == 1


async def test_scheduler_passes_the_run_it_just_finished(
    sessions: Sessions, seeded: Seeded, settings: Settings, smtp: int, inbox: Inbox
) -> None:
    current = mail_settings(settings, smtp)
    run_id = seeded.run_ids[-1]
    results = await send_refresh_report(
        sessions, current, run_id=run_id, clock=lambda: NOW, guide="sextortion"
    )
    assert [r.key for r in results] == [f"refresh:sextortion:run:{run_id}"]
    assert len(inbox.messages) == 1
