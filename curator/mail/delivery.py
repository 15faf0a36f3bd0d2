"""Sending an email once under a deduplication key, and retrying failed sends with backoff."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from enum import StrEnum
from typing import Protocol

import aiosmtplib
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.domain import MailKind
from curator.errors import CuratorError, MailError
from curator.mail.message import (
    build_message,
)
from curator.settings import Settings
from curator.store import deliveries
from curator.store.models import MailDelivery

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
        except (aiosmtplib.SMTPConnectError, ConnectionRefusedError) as exc:
            # Nothing listens there: most often no mail server was set up yet.
            raise MailError(
                s.smtp_host,
                s.smtp_port,
                f"no mail server answers there ({exc}); start one, or set CURATOR_SMTP_HOST "
                "and CURATOR_SMTP_PORT to yours",
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
    summary: str = ""
    """The guide's first line, when its report was not worth sending."""
    first_report: bool = False
    """The guide never had a refresh report: nothing is confirmed changed yet."""


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
class Email:
    """An email composed from the store, ready to be recorded."""

    recipients: list[str]
    subject: str
    text: str
    html: str


Compose = Callable[[AsyncSession, datetime], Awaitable["Email | DeliveryResult"]]


async def deliver_once(
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
