"""The refresh report and review reminder emails for each guide."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from curator.archive import ArchiveLookup
from curator.domain import MailKind
from curator.mail.delivery import (
    Clock,
    DeliveryResult,
    DeliveryStatus,
    Email,
    Mailer,
    Sessions,
    SmtpMailer,
    deliver_once,
    retry_failed_deliveries,
)
from curator.mail.message import (
    recipients_for,
    refresh_subject,
    review_subject,
    wrap_text,
)
from curator.report.build import build_report, review_due
from curator.report.model import PeriodKind, Since
from curator.report.render import (
    render_html,
    render_review_html,
    render_review_text,
    render_text,
)
from curator.settings import Settings
from curator.store import runs as run_queries
from curator.store.catalog import all_guides, require_guide

log = logging.getLogger(__name__)


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

    async def compose(session: AsyncSession, now: datetime) -> Email | DeliveryResult:
        report = await build_report(
            session, settings, now=now, guide=slug, since=since, archive=archive
        )
        guide_report = report.guides[0]
        if not guide_report.needs_sending:
            return DeliveryResult(
                DeliveryStatus.NOTHING_NEW,
                MailKind.REFRESH,
                slug,
                key,
                summary=guide_report.summary,
                first_report=guide_report.period.kind is PeriodKind.BEGINNING,
            )
        recipients = recipients_for(settings, guide_report.editors)
        if not recipients:
            return DeliveryResult(DeliveryStatus.NO_RECIPIENTS, MailKind.REFRESH, slug, key)
        return Email(
            recipients,
            refresh_subject(guide_report),
            wrap_text(render_text(report)),
            render_html(report),
        )

    return await deliver_once(
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
    async def compose(session: AsyncSession, now: datetime) -> Email | DeliveryResult:
        report = await build_report(session, settings, now=now, guide=slug)
        guide_report = report.guides[0]
        recipients = recipients_for(settings, guide_report.editors)
        if not recipients:
            return DeliveryResult(DeliveryStatus.NO_RECIPIENTS, MailKind.REVIEW, slug, key)
        return Email(
            recipients,
            review_subject(guide_report),
            wrap_text(render_review_text(report, guide_report)),
            render_review_html(report, guide_report),
        )

    return await deliver_once(
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
