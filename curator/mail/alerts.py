"""Domain alerts: an email for each domain of a listed resource on hold or in redemption."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import MailKind
from curator.labels import date_label
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
)
from curator.registration.warnings import ALERT_KINDS, WarningKind, WatchWarning
from curator.settings import Settings
from curator.store.catalog import all_guides
from curator.watch.warnings import WatchedResource, watched_resources

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
        lines.append(f"curator first saw this on {date_label(first.since.date())}.")
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
        ) -> Email | DeliveryResult:
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
            return Email(recipients, subject, text, body)

        results.append(
            await deliver_once(
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
