"""Emails to the editors: refresh reports and review reminders, sent once, retried until sent.

Every email is first recorded in mail_deliveries under a deduplication key, then sent; a
failed send keeps its row (attempts, last_error, next_attempt_at with backoff) and is retried
by the next call. The scheduler calls `send_refresh_report` after a full run,
`send_review_reminders` daily and `retry_failed_deliveries` every few minutes.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import ssl
import textwrap
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

import aiosmtplib
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.archive import ArchiveLookup
from curator.catalog.schema import check_email
from curator.domain import MailKind
from curator.errors import CuratorError, MailError
from curator.registration.warnings import ALERT_KINDS, WarningKind, WatchWarning
from curator.report.build import build_report, review_due
from curator.report.model import GuideReport, Since
from curator.report.render import (
    render_html,
    render_review_html,
    render_review_text,
    render_text,
)
from curator.settings import Settings
from curator.store import deliveries
from curator.store import runs as run_queries
from curator.store.catalog import all_guides, require_guide
from curator.store.models import MailDelivery
from curator.watch.warnings import WatchedResource, watched_resources

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware."""
Sessions = async_sessionmaker[AsyncSession]

FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)
# How long one sending attempt holds a delivery before another process may retry it.
CLAIM = timedelta(minutes=10)
SMTP_TIMEOUT = 60.0


class Mailer(Protocol):
    """Hands a message to a mail server; returns the recipients it refused, with reasons."""

    async def send(self, message: EmailMessage) -> dict[str, str]:
        """Send `message` to its To addresses or raise MailError."""
        ...


class SmtpMailer:
    """aiosmtplib with the configured security: none, STARTTLS or implicit TLS, login if set."""

    def __init__(
        self,
        settings: Settings,
        *,
        tls_context: ssl.SSLContext | None = None,
        timeout: float = SMTP_TIMEOUT,
    ) -> None:
        self._settings = settings
        self._tls_context = tls_context
        self._timeout = timeout

    async def send(self, message: EmailMessage) -> dict[str, str]:
        """Send `message`; MailError when the server is down, refuses or times out."""
        s = self._settings
        password = s.smtp_password.get_secret_value() if s.smtp_password is not None else None
        try:
            refused, _ = await aiosmtplib.send(
                message,
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_username or None,
                password=password if s.smtp_username else None,
                use_tls=s.smtp_security == "tls",
                start_tls=s.smtp_security == "starttls",
                tls_context=self._tls_context,
                timeout=self._timeout,
            )
        except aiosmtplib.SMTPResponseException as exc:
            raise MailError(s.smtp_host, s.smtp_port, f"{exc.code} {exc.message}") from exc
        except aiosmtplib.SMTPRecipientsRefused as exc:
            reasons = "; ".join(f"{e.recipient}: {e.code} {e.message}" for e in exc.recipients)
            raise MailError(
                s.smtp_host, s.smtp_port, f"every recipient refused ({reasons})"
            ) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise MailError(s.smtp_host, s.smtp_port, str(exc) or type(exc).__name__) from exc
        return {address: f"{r.code} {r.message}" for address, r in refused.items()}


class DeliveryStatus(StrEnum):
    """What a call did about one email."""

    SENT = "sent"
    """Handed to the SMTP server now."""
    FAILED = "failed"
    """This attempt failed; recorded, and retried from `next_attempt_at`."""
    PENDING = "pending"
    """Recorded earlier, not sent yet; waits for its next attempt."""
    ALREADY_SENT = "already_sent"
    """Sent before (same deduplication key): nothing new sent."""
    NOTHING_NEW = "nothing_new"
    """Nothing changed since the last report and no review is due: no email."""
    NO_RECIPIENTS = "no_recipients"
    """Neither CURATOR_MAIL_TO nor the guide's editors name anyone."""


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """The outcome of one email: sent, failed (and when it is retried), or why none was due."""

    status: DeliveryStatus
    kind: MailKind
    guide_slug: str | None
    key: str | None = None
    recipients: tuple[str, ...] = ()
    subject: str = ""
    attempts: int = 0
    error: str | None = None
    next_attempt_at: datetime | None = None
    delivery_id: int | None = None


# --- messages --------------------------------------------------------------------------------


# Whatever ends a line for Python's email package (str.splitlines), and every other control
# character: none of them may reach a header, where a line break would end it.
_NOT_HEADER_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\s]+")


def header_text(value: str) -> str:
    """`value` as one header line: line breaks and control characters become single spaces.

    The catalog refuses them in titles, but a header is built safely whatever the database
    holds, so one guide's title can never stop an email (or add a header to it).
    """
    return _NOT_HEADER_TEXT.sub(" ", value).strip()


def recipients_for(settings: Settings, guide_editors: Iterable[str]) -> list[str]:
    """The configured editors plus a guide's own, each once (case-insensitively), in order.

    An address that is not one (or would not fit a header as it is) is left out and logged.
    """
    seen: set[str] = set()
    out: list[str] = []
    for address in [*settings.mail_recipients, *guide_editors]:
        address = address.strip()
        if not address or address.lower() in seen:
            continue
        try:
            check_email(address)
        except ValueError:
            log.warning("not emailing %r: not an email address", address)
            continue
        seen.add(address.lower())
        out.append(address)
    return out


def message_id(key: str, sender: str) -> str:
    """A Message-ID stable for one delivery, so a resent email is recognisably the same."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "curator.invalid"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<curator.{digest}@{domain}>"


TEXT_WIDTH = 78
"""The plain-text part's lines are at most this wide (RFC 5322's recommendation), except a
word longer than that, such as an address, which is never broken."""

_HANGING = re.compile(r"^(\s*(?:[-*•→]\s+|\d+[.)]\s+|[A-Za-z][\w ]{0,30}:\s+(?=\S))?)")


def wrap_text(text: str, width: int = TEXT_WIDTH) -> str:
    """`text` with every line longer than `width` folded at spaces; a continuation lines up
    under the start of the line's text (after its indent and any list marker)."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        lead = _HANGING.match(line)
        hang = len(lead.group(1)) if lead else 0
        if hang > width // 2:
            hang = len(line) - len(line.lstrip())
        pieces = textwrap.wrap(
            line,
            width=width,
            subsequent_indent=" " * hang,
            break_long_words=False,
            break_on_hyphens=False,
        )
        marker = lead.group(1).strip() if lead else ""
        if not pieces or (len(marker) <= 2 and pieces[0].strip() == marker):
            pieces = [line]  # only a bullet before a long address: folding would not help
        out.extend(pieces)
    return "\n".join(out)


def build_message(
    *,
    sender: str,
    recipients: Sequence[str],
    subject: str,
    text: str,
    html: str,
    key: str,
    date: datetime,
) -> EmailMessage:
    """A multipart/alternative email: the plain-text part first, then the HTML part."""
    message = EmailMessage()
    message["Subject"] = header_text(subject)
    message["From"] = sender
    message["To"] = ", ".join(header_text(r) for r in recipients)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id(key, sender)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Curator-Key"] = header_text(key)
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def refresh_subject(guide: GuideReport) -> str:
    """A refresh report's subject: the guide and its summary line."""
    return header_text(f"curator: {guide.title}: {guide.summary}")


def review_subject(guide: GuideReport) -> str:
    """A review reminder's subject."""
    review = guide.review
    if review is None or review.due is None:
        return header_text(f"curator: time to review {guide.title}")
    return header_text(f"curator: time to review {guide.title} (due {review.due.isoformat()})")


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 5 min, doubling, at most 6 hours."""
    delay: timedelta = FIRST_RETRY * (2 ** max(0, attempts - 1))
    return min(delay, LONGEST_RETRY)


# --- deliveries ------------------------------------------------------------------------------


def _result(row: MailDelivery, status: DeliveryStatus) -> DeliveryResult:
    return DeliveryResult(
        status=status,
        kind=row.kind,
        guide_slug=row.guide_slug,
        key=row.key,
        recipients=tuple(row.recipients or ()),
        subject=row.subject,
        attempts=row.attempts,
        error=row.last_error,
        next_attempt_at=row.next_attempt_at,
        delivery_id=row.id,
    )


async def _attempt(
    sessions: Sessions, settings: Settings, delivery_id: int, mailer: Mailer, clock: Clock
) -> DeliveryResult:
    """One sending attempt of a recorded (and claimed) delivery; records how it went."""
    async with sessions() as session:
        row = await session.get(MailDelivery, delivery_id)
        if row is None:
            raise CuratorError(f"mail delivery {delivery_id} disappeared")
        message = build_message(
            sender=settings.mail_from,
            recipients=row.recipients,
            subject=row.subject,
            text=row.body_text or "",
            html=row.body_html or "",
            key=row.key,
            date=clock(),
        )
        attempts = row.attempts + 1
        try:
            refused = await mailer.send(message)
        except MailError as exc:
            retry_at = clock() + retry_delay(attempts)
            log.warning("sending %s failed (attempt %d): %s", row.key, attempts, exc)
            await deliveries.record_failure(
                session,
                delivery_id=row.id,
                attempts=attempts,
                error=str(exc),
                next_attempt_at=retry_at,
            )
            await session.commit()
            await session.refresh(row)
            return _result(row, DeliveryStatus.FAILED)
        note = (
            "refused: " + "; ".join(f"{a}: {why}" for a, why in sorted(refused.items()))
            if refused
            else None
        )
        await deliveries.record_sent(
            session, delivery_id=row.id, at=clock(), attempts=attempts, note=note
        )
        await session.commit()
        await session.refresh(row)
        return _result(row, DeliveryStatus.SENT)


@dataclass(frozen=True, slots=True)
class _Email:
    """An email composed from the store, ready to be recorded."""

    recipients: list[str]
    subject: str
    text: str
    html: str


Compose = Callable[[AsyncSession, datetime], Awaitable["_Email | DeliveryResult"]]


async def _deliver_once(
    sessions: Sessions,
    settings: Settings,
    *,
    kind: MailKind,
    key: str,
    guide_slug: str,
    run_id: int | None,
    compose: Compose,
    clock: Clock,
    mailer: Mailer,
) -> DeliveryResult:
    """Compose, record under `key` and send an email, unless `key` was recorded before."""
    now = clock()
    try:
        async with sessions() as session, session.begin():
            existing = await _existing(session, key)
            if existing is not None:
                return existing
            email = await compose(session, now)
            if isinstance(email, DeliveryResult):
                return email
            row = await deliveries.add_delivery(
                session,
                kind=kind,
                key=key,
                guide_slug=guide_slug,
                run_id=run_id,
                recipients=email.recipients,
                subject=email.subject,
                body_text=email.text,
                body_html=email.html,
                created_at=now,
                claimed_until=now + CLAIM,
            )
            delivery_id = row.id
    except IntegrityError:
        # A concurrent call recorded the same key first: it sends, this one does not.
        async with sessions() as session:
            existing = await _existing(session, key)
        if existing is None:
            raise
        return existing
    return await _attempt(sessions, settings, delivery_id, mailer, clock)


async def _existing(session: AsyncSession, key: str) -> DeliveryResult | None:
    row = await deliveries.delivery_by_key(session, key=key)
    if row is None:
        return None
    return _result(row, DeliveryStatus.ALREADY_SENT if row.sent_at else DeliveryStatus.PENDING)


async def retry_failed_deliveries(
    sessions: Sessions,
    settings: Settings,
    *,
    clock: Clock,
    mailer: Mailer | None = None,
    due_only: bool = True,
) -> list[DeliveryResult]:
    """Send again every recorded email not sent yet (only those due, unless `due_only` is off)."""
    mailer = mailer or SmtpMailer(settings)
    now = clock()
    async with sessions() as session:
        owed = [
            (row.id, row.next_attempt_at)
            for row in await deliveries.owed_deliveries(session, due_by=now if due_only else None)
        ]
    results: list[DeliveryResult] = []
    for delivery_id, seen in owed:
        async with sessions() as session:
            claimed = await deliveries.claim_delivery(
                session,
                delivery_id=delivery_id,
                seen_next_attempt_at=seen,
                claimed_until=now + CLAIM,
            )
            await session.commit()
        if claimed:
            results.append(await _attempt(sessions, settings, delivery_id, mailer, clock))
    return results


async def _guide_slugs(sessions: Sessions, guide: str | None) -> list[str]:
    async with sessions() as session:
        if guide is not None:
            return [(await require_guide(session, slug=guide)).slug]
        return [g.slug for g in await all_guides(session)]


async def send_refresh_report(
    sessions: Sessions,
    settings: Settings,
    *,
    run_id: int | None,
    clock: Clock,
    guide: str | None = None,
    since: Since | None = None,
    archive: ArchiveLookup | None = None,
    mailer: Mailer | None = None,
) -> list[DeliveryResult]:
    """Each guide's refresh report after run `run_id` (None: the latest finished run), once.

    Emails owed from earlier calls are retried first. A guide gets no email when nothing
    changed since its last report, unless its review is due. The deduplication key is
    `refresh:<guide>:run:<run id>`, so a second call for the same run sends nothing new.
    """
    mailer = mailer or SmtpMailer(settings)
    results = await retry_failed_deliveries(sessions, settings, clock=clock, mailer=mailer)
    for slug in await _guide_slugs(sessions, guide):
        results.append(
            await _send_guide_report(
                sessions, settings, slug, run_id, clock, since, archive, mailer
            )
        )
    return results


async def _send_guide_report(
    sessions: Sessions,
    settings: Settings,
    slug: str,
    run_id: int | None,
    clock: Clock,
    since: Since | None,
    archive: ArchiveLookup | None,
    mailer: Mailer,
) -> DeliveryResult:
    async with sessions() as session:
        if run_id is not None:
            run = await run_queries.get_run(session, run_id=run_id)
        else:
            run = await run_queries.latest_finished_run(session, guide_slug=slug)
    found_run_id = run.id if run is not None else None
    key = f"{MailKind.REFRESH}:{slug}:run:{found_run_id if found_run_id is not None else 'none'}"

    async def compose(session: AsyncSession, now: datetime) -> _Email | DeliveryResult:
        report = await build_report(
            session, settings, now=now, guide=slug, since=since, archive=archive
        )
        guide_report = report.guides[0]
        if not guide_report.needs_sending:
            return DeliveryResult(DeliveryStatus.NOTHING_NEW, MailKind.REFRESH, slug, key)
        recipients = recipients_for(settings, guide_report.editors)
        if not recipients:
            return DeliveryResult(DeliveryStatus.NO_RECIPIENTS, MailKind.REFRESH, slug, key)
        return _Email(
            recipients,
            refresh_subject(guide_report),
            wrap_text(render_text(report)),
            render_html(report),
        )

    return await _deliver_once(
        sessions,
        settings,
        kind=MailKind.REFRESH,
        key=key,
        guide_slug=slug,
        run_id=found_run_id,
        compose=compose,
        clock=clock,
        mailer=mailer,
    )


async def send_review_reminders(
    sessions: Sessions,
    settings: Settings,
    *,
    clock: Clock,
    mailer: Mailer | None = None,
) -> list[DeliveryResult]:
    """A reminder for each guide whose review is due or overdue, once per due date.

    The key is `review:<guide>:<due date>` ("never" for a guide never reviewed). The email
    carries the guide's checklist: every resource, its state, and pages that changed a lot.
    """
    mailer = mailer or SmtpMailer(settings)
    results = await retry_failed_deliveries(sessions, settings, clock=clock, mailer=mailer)
    today = clock().astimezone(ZoneInfo(settings.timezone)).date()
    due: list[tuple[str, str]] = []
    async with sessions() as session:
        for guide in await all_guides(session):
            review = review_due(guide, today=today)
            if review is not None:
                when = review.due.isoformat() if review.due is not None else "never"
                due.append((guide.slug, f"{MailKind.REVIEW}:{guide.slug}:{when}"))
    for slug, key in due:
        results.append(await _send_review(sessions, settings, slug, key, clock, mailer))
    return results


async def _send_review(
    sessions: Sessions, settings: Settings, slug: str, key: str, clock: Clock, mailer: Mailer
) -> DeliveryResult:
    async def compose(session: AsyncSession, now: datetime) -> _Email | DeliveryResult:
        report = await build_report(session, settings, now=now, guide=slug)
        guide_report = report.guides[0]
        recipients = recipients_for(settings, guide_report.editors)
        if not recipients:
            return DeliveryResult(DeliveryStatus.NO_RECIPIENTS, MailKind.REVIEW, slug, key)
        return _Email(
            recipients,
            review_subject(guide_report),
            wrap_text(render_review_text(report, guide_report)),
            render_review_html(report, guide_report),
        )

    return await _deliver_once(
        sessions,
        settings,
        kind=MailKind.REVIEW,
        key=key,
        guide_slug=slug,
        run_id=None,
        compose=compose,
        clock=clock,
        mailer=mailer,
    )


# --- domain alerts ---------------------------------------------------------------------------

_ALERT_WORDS = {
    WarningKind.REGISTRY_HOLD: "is on registry hold",
    WarningKind.REDEMPTION_PERIOD: "entered its redemption period",
}


def _alert_text(
    settings: Settings,
    domain: str,
    kind: WarningKind,
    items: Sequence[tuple[WatchedResource, WatchWarning]],
) -> tuple[str, str, str]:
    """An alert's subject, plain text and HTML."""
    base = settings.public_base_url.rstrip("/")
    first = items[0][1]
    count = len(items)
    subject = (
        f"curator: {domain} {_ALERT_WORDS[kind]} "
        f"({count} listed resource{'s' if count != 1 else ''})"
    )
    lines = [
        f"The domain {domain} {_ALERT_WORDS[kind]}.",
        "",
        first.detail[0].upper() + first.detail[1:] + ".",
    ]
    if first.since is not None:
        lines.append(f"curator first saw this on {first.since.date().isoformat()}.")
    lines += [
        "",
        "These resources are on it. Their links are not judged broken for this, and they stay "
        "published until a check finds them broken; act before readers are harmed:",
    ]
    for resource, _ in items:
        lines += [
            f"  * {resource.title} ({resource.guide_title})",
            f"    {resource.url}",
            f"    On the dashboard: {base}/editor/resources/{resource.resource_id}",
        ]
    lines += [
        "",
        "What to do: tell the provider (its holder must renew or redeem the domain with the "
        "registrar), and find a replacement in case the domain is lost and taken by someone "
        "else.",
        "",
        "--",
        f"Sent by curator, once for this domain and status. Every warning: {base}/editor/problems",
    ]
    esc = html.escape
    rows = "".join(
        f'<li><a href="{esc(r.url)}">{esc(r.title)}</a> ({esc(r.guide_title)}) '
        f'&middot; <a href="{esc(base)}/editor/resources/{r.resource_id}">dashboard</a></li>'
        for r, _ in items
    )
    body = (
        '<div style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#101828;">'
        f"<p><strong>The domain {esc(domain)} {esc(_ALERT_WORDS[kind])}.</strong></p>"
        f"<p>{esc(first.detail[0].upper() + first.detail[1:])}.</p>"
        "<p>These resources are on it. Their links are not judged broken for this, and they "
        "stay published until a check finds them broken; act before readers are harmed:</p>"
        f"<ul>{rows}</ul>"
        "<p>What to do: tell the provider (its holder must renew or redeem the domain with the "
        "registrar), and find a replacement in case the domain is lost and taken by someone "
        "else.</p></div>"
    )
    return subject, "\n".join(lines) + "\n", body


async def send_domain_alerts(
    sessions: Sessions,
    settings: Settings,
    *,
    clock: Clock,
    mailer: Mailer | None = None,
) -> list[DeliveryResult]:
    """An email of its own for each domain of a listed resource that is on registry hold or
    in its redemption period, as last looked up; once per domain, status and first sighting
    (key `domain_alert:<domain>:<kind>:<date first seen>`)."""
    mailer = mailer or SmtpMailer(settings)
    results = await retry_failed_deliveries(sessions, settings, clock=clock, mailer=mailer)
    async with sessions() as session:
        watched = await watched_resources(session, now=clock(), policy=settings.watch_policy())
    alerts: dict[tuple[str, WarningKind], list[tuple[WatchedResource, WatchWarning]]] = {}
    for resource in watched:
        for warning in resource.warnings:
            if warning.kind in ALERT_KINDS:
                domain = str(warning.data.get("domain") or "")
                alerts.setdefault((domain, warning.kind), []).append((resource, warning))
    for (domain, kind), items in sorted(alerts.items()):
        since = min((w.since for _, w in items if w.since is not None), default=None)
        seen = since.date().isoformat() if since is not None else "unknown"
        key = f"{MailKind.DOMAIN_ALERT}:{domain}:{kind.value}:{seen}"
        slugs = list(dict.fromkeys(r.guide for r, _ in items))

        async def compose(
            session: AsyncSession,
            now: datetime,
            domain: str = domain,
            kind: WarningKind = kind,
            items: list[tuple[WatchedResource, WatchWarning]] = items,
            slugs: list[str] = slugs,
            key: str = key,
        ) -> _Email | DeliveryResult:
            editors = [
                address
                for guide in await all_guides(session)
                if guide.slug in slugs
                for address in guide.editors or []
            ]
            recipients = recipients_for(settings, editors)
            if not recipients:
                return DeliveryResult(
                    DeliveryStatus.NO_RECIPIENTS, MailKind.DOMAIN_ALERT, slugs[0], key
                )
            subject, text, body = _alert_text(settings, domain, kind, items)
            return _Email(recipients, subject, text, body)

        results.append(
            await _deliver_once(
                sessions,
                settings,
                kind=MailKind.DOMAIN_ALERT,
                key=key,
                guide_slug=slugs[0],
                run_id=None,
                compose=compose,
                clock=clock,
                mailer=mailer,
            )
        )
    return results
