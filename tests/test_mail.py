"""Emailed reports through a real SMTP server (aiosmtpd on 127.0.0.1): sent once, retried."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest
import trustme
from pydantic import SecretStr
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.domain import RunStatus
from curator.mail import (
    CLAIM,
    DeliveryStatus,
    SmtpMailer,
    build_message,
    header_text,
    message_id,
    recipients_for,
    retry_delay,
    retry_failed_deliveries,
    send_refresh_report,
    send_review_reminders,
    wrap_text,
)
from curator.settings import Settings
from curator.store import deliveries
from curator.store.engine import session_factory
from curator.store.models import Check, Guide, LinkState, MailDelivery, Run
from tests.report.fakes import FakeArchive
from tests.report.seed import BASE_URL, NOW, Seeded, seed
from tests.smtp_server import HOST, Inbox, free_port, smtp_server

EDITORS = ["editor@hub.example", "chief@hub.example"]
GUIDE_EDITOR = "guide-editor@hub.example"
Sessions = async_sessionmaker[AsyncSession]


class Links(HTMLParser):
    """The href of every link in an HTML part."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")


def hrefs(html: str) -> list[str]:
    """The links of an HTML document."""
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML parts of a multipart/alternative message."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def seeded(session: AsyncSession) -> Seeded:
    """The database with every verdict (tests/report/seed.py)."""
    return await seed(session)


@pytest.fixture
def sessions(engine: AsyncEngine) -> Sessions:
    """A session factory on the test database, as the scheduler passes it."""
    return session_factory(engine)


@pytest.fixture
def archive() -> FakeArchive:
    """An archive with a copy of one page."""
    return FakeArchive()


@pytest.fixture
def inbox() -> Inbox:
    """What the SMTP server receives."""
    return Inbox()


@pytest.fixture
def smtp(inbox: Inbox) -> Iterator[int]:
    """A plain SMTP server on 127.0.0.1; yields its port."""
    with smtp_server(inbox) as port:
        yield port


def mail_settings(settings: Settings, port: int, **extra: object) -> Settings:
    """Settings pointing at the test SMTP server."""
    return settings.model_copy(
        update={
            "public_base_url": BASE_URL,
            "smtp_host": HOST,
            "smtp_port": port,
            "mail_from": "curator@hub.example",
            "mail_to": ", ".join(EDITORS),
            **extra,
        }
    )


async def delivery_rows(sessions: Sessions) -> list[MailDelivery]:
    """Every mail_deliveries row the calls wrote (the seed's earlier report excluded)."""
    async with sessions() as session:
        rows = await session.execute(
            select(MailDelivery)
            .where(MailDelivery.subject != "earlier report")
            .order_by(MailDelivery.id)
        )
        return list(rows.scalars())


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
        "1 unverifiable, 2 not yet confirmed, 2 readers' reports, 1 page changed, "
        "review overdue since 2026-05-01"
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
    assert "REVIEW DUE" in text and "due on 2026-05-01" in text
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
        "curator: time to review Sextortion – Guide and Resources (due 2026-05-01)"
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


# --- TLS and login ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    """A certificate authority the tests trust."""
    return trustme.CA()


@pytest.fixture(scope="module")
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    """The SMTP server's TLS context, with a certificate for 127.0.0.1."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST).configure_cert(context)
    return context


@pytest.fixture(scope="module")
def client_tls(ca: trustme.CA) -> ssl.SSLContext:
    """curator's side: trusts the test CA."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.mark.parametrize("security", ["starttls", "tls"])
async def test_tls_with_login(
    sessions: Sessions,
    seeded: Seeded,
    settings: Settings,
    server_tls: ssl.SSLContext,
    client_tls: ssl.SSLContext,
    security: str,
) -> None:
    inbox = Inbox()
    tls = {"starttls": server_tls} if security == "starttls" else {"implicit_tls": server_tls}
    with smtp_server(inbox, login=("curator", "s3cret"), **tls) as port:  # type: ignore[arg-type]
        current = mail_settings(
            settings,
            port,
            smtp_security=security,
            smtp_username="curator",
            smtp_password=SecretStr("s3cret"),
        )
        mailer = SmtpMailer(current, tls_context=client_tls)
        results = await send_refresh_report(
            sessions, current, run_id=None, clock=lambda: NOW, guide="sextortion", mailer=mailer
        )
        assert [r.status for r in results] == [DeliveryStatus.SENT]
        (received,) = inbox.messages
        assert received.login == "curator"
        assert parts(received.message)[0].startswith("curator refresh report")


async def test_wrong_password_fails_and_is_recorded(
    sessions: Sessions,
    seeded: Seeded,
    settings: Settings,
    server_tls: ssl.SSLContext,
    client_tls: ssl.SSLContext,
) -> None:
    with smtp_server(Inbox(), login=("curator", "s3cret"), starttls=server_tls) as port:
        current = mail_settings(
            settings,
            port,
            smtp_security="starttls",
            smtp_username="curator",
            smtp_password=SecretStr("wrong"),
        )
        (result,) = await send_refresh_report(
            sessions,
            current,
            run_id=None,
            clock=lambda: NOW,
            guide="sextortion",
            mailer=SmtpMailer(current, tls_context=client_tls),
        )
    assert result.status is DeliveryStatus.FAILED
    assert result.error is not None and "535" in result.error


async def test_an_untrusted_certificate_is_refused(
    sessions: Sessions, seeded: Seeded, settings: Settings, server_tls: ssl.SSLContext
) -> None:
    inbox = Inbox()
    with smtp_server(inbox, implicit_tls=server_tls) as port:
        current = mail_settings(settings, port, smtp_security="tls")
        (result,) = await send_refresh_report(
            sessions, current, run_id=None, clock=lambda: NOW, guide="sextortion"
        )
    assert result.status is DeliveryStatus.FAILED and inbox.messages == []


# --- pieces ----------------------------------------------------------------------------------


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
            kind="refresh",
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
