"""A database seeded with every verdict, readers' reports, a review due and a changed page.

Runs and checks are written directly (no network, no checker); each URL's link state is what
the checker's own `advance` makes of its checks, so the seed holds no state the checker could
not have produced. The clock of every report test is NOW; the last refresh report was made at
LAST_REPORT, between run 2 and run 3, so what runs 3 to 5 found is new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from curator.check.state import ConfirmPolicy
from curator.check.text import fingerprint
from curator.domain import ResourceKind, RunStatus, Verdict
from curator.store.models import (
    Check,
    Guide,
    MailDelivery,
    ReaderReport,
    Resource,
    Run,
    Section,
)
from tests.factories import replay_checks

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
# Full runs on R0, R1, R2 and R5; R3 and R4 are the daily rechecks of failing links.
RUN_STARTS = (
    datetime(2026, 4, 6, 3, 0, tzinfo=UTC),
    datetime(2026, 5, 4, 3, 0, tzinfo=UTC),
    datetime(2026, 6, 1, 3, 0, tzinfo=UTC),
    datetime(2026, 6, 3, 6, 0, tzinfo=UTC),
    datetime(2026, 6, 5, 6, 0, tzinfo=UTC),
    datetime(2026, 6, 8, 3, 0, tzinfo=UTC),
)
LAST_REPORT = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
BASE_URL = "https://curator.hub.example"
POLICY = ConfirmPolicy(failures=3, days=3.0)

HELPLINE_TEXT = (
    "Revenge Porn Helpline. We support adults who have experienced intimate image abuse. "
    "Call 0345 6000 459, Monday to Friday 10am to 4pm. Our practitioners help you report "
    "images to platforms and get them removed. We cannot help people under 18; contact CEOP "
    "or Childline's Report Remove tool instead. Everything you tell us stays confidential."
)
CPS_BEFORE = (
    "Revenge Pornography: guidelines on prosecuting the offence of disclosing private sexual "
    "photographs and films. Section 33 of the Criminal Justice and Courts Act 2015 makes it an "
    "offence to disclose a private sexual photograph or film without the consent of an "
    "individual who appears in it and with the intention of causing that individual distress. "
    "Prosecutors should consider the public interest stage of the Full Code Test and the "
    "seriousness of the offence, including the impact on the victim."
)
CPS_AFTER = (
    "Intimate image abuse. From 31 January 2024 the Online Safety Act 2023 repealed section 33 "
    "and inserted new offences into the Sexual Offences Act 2003 at section 66B: sharing or "
    "threatening to share an intimate photograph or film. The base offence needs no proof of an "
    "intention to cause distress. Separate aggravated offences cover sharing intended to cause "
    "alarm, distress or humiliation and sharing for sexual gratification. This guidance explains "
    "charging practice, evidential considerations and ancillary orders."
)
SCAMS_TEXT = "Report Fraud. Report a scam or fraud online or call 0300 123 2040 for advice."


@dataclass
class Seeded:
    """Ids of what the seed wrote, by the names the tests use."""

    guide_id: int = 0
    other_guide_id: int = 0
    run_ids: list[int] = field(default_factory=list)
    inconclusive_run_id: int = 0
    resources: dict[str, int] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)


HELP, POLICE, LAW, OTHER = "Helplines", "From the Police", "The Legislation", "Other useful links"
WEB, LINE, VIDEO, DOC = (
    ResourceKind.WEBPAGE,
    ResourceKind.HELPLINE,
    ResourceKind.VIDEO,
    ResourceKind.DOCUMENT,
)
# name: (section, title, url, kind)
RESOURCES: dict[str, tuple[str, str, str, ResourceKind]] = {
    "helpline": (HELP, "Revenge Porn Helpline", "https://helpline.example/", LINE),
    "phone": (HELP, "Stop It Now helpline", "https://phone.example/", LINE),
    "moved": (POLICE, "Police advice on sextortion", "https://police-old.example/advice", WEB),
    "gone": (
        POLICE,
        "Cleveland Police: Don't panic, don't pay",
        "https://gone.example/release21560.aspx",
        WEB,
    ),
    "soft": (POLICE, "NCA sextortion film", "https://soft.example/deep/link", VIDEO),
    "timeout": (POLICE, "Report Fraud article", "https://slow.example/article", WEB),
    "cps": (LAW, "CPS guidance on sharing intimate images", "https://cps.example/guidance", DOC),
    "parked": (OTHER, "Webcam blackmail advice", "https://parked.example/", WEB),
    "tls": (OTHER, "Get Safe Online", "https://tls.example/", WEB),
    "flaky": (OTHER, "Sextortion and what to do about it", "https://flaky.example/video", VIDEO),
    "blip": (OTHER, "Internet Watch Foundation", "https://blip.example/report", WEB),
    "botwall": (OTHER, "BBC topic page", "https://botwall.example/topics", WEB),
    "fixed": (OTHER, "Childline: Report Remove", "https://fixed.example/report-remove", WEB),
    "snoozed": (OTHER, "CEOP", "https://snoozed.example/", WEB),
    "unchecked": (OTHER, "A resource added yesterday", "https://unchecked.example/", WEB),
}

OK = Verdict.OK


def _check(
    run: Run,
    url: str,
    verdict: Verdict,
    *,
    status: int | None = 200,
    detail: str = "",
    text: str | None = None,
    hops: list[dict[str, Any]] | None = None,
    final_url: str | None = None,
    suggested: str | None = None,
    error_kind: str | None = None,
    minute: int = 5,
) -> Check:
    return Check(
        run=run,
        url=url,
        checked_at=run.started_at + timedelta(minutes=minute),
        verdict=verdict,
        detail=detail or ("Reachable; expected content present." if verdict is OK else ""),
        status_code=status,
        final_url=final_url or (url if status is not None else None),
        suggested_url=suggested,
        elapsed_ms=120,
        error_kind=error_kind,
        hops=hops if hops is not None else [{"url": url, "status": status}],
        evidence={},
        fingerprint=fingerprint(text) if text else None,
    )


def _not_found(run: Run, url: str) -> Check:
    return _check(run, url, Verdict.BROKEN, status=404, detail="404 Not Found.")


async def seed(session: AsyncSession, *, base_editors: list[str] | None = None) -> Seeded:
    """Write the whole scene in one transaction and commit it."""
    seeded = Seeded()
    guide = Guide(
        slug="sextortion",
        title="Sextortion – Guide and Resources",
        review_every="6 months",
        last_reviewed=date(2025, 11, 1),
        editors=base_editors if base_editors is not None else ["guide-editor@hub.example"],
        synced={},
    )
    sections: dict[str, Section] = {}
    for name, (section_title, title, url, kind) in RESOURCES.items():
        if section_title not in sections:
            sections[section_title] = Section(
                guide=guide, title=section_title, position=len(sections) + 1
            )
        resource = Resource(
            guide=guide,
            section=sections[section_title],
            key=name,
            title=title,
            url=url,
            kind=kind,
            position=len(seeded.urls) + 1,
            expect_text=[],
            synced={},
        )
        if name == "snoozed":
            resource.snoozed_until = NOW + timedelta(days=21)
            resource.snooze_reason = "Site blocks data-centre addresses; works in a browser."
        session.add(resource)
        seeded.urls[name] = url
    other = Guide(
        slug="scams",
        title="Online scams",
        review_every="1 year",
        last_reviewed=date(2026, 5, 1),
        editors=[],
        synced={},
    )
    other_section = Section(guide=other, title="Where to report", position=1)
    scams = Resource(
        guide=other,
        section=other_section,
        key="report-fraud",
        title="Report Fraud",
        url="https://scams.example/",
        kind=ResourceKind.WEBPAGE,
        position=1,
        expect_text=[],
        synced={},
    )
    session.add_all([guide, other, scams])

    runs = [
        Run(
            trigger="schedule" if i in (0, 1, 2, 5) else "confirm",
            status=RunStatus.COMPLETED,
            started_at=start,
            finished_at=start + timedelta(minutes=20),
            total_urls=14,
            checked_urls=14,
        )
        for i, start in enumerate(RUN_STARTS)
    ]
    inconclusive = Run(
        trigger="schedule",
        status=RunStatus.INCONCLUSIVE,
        started_at=datetime(2026, 6, 9, 3, 0, tzinfo=UTC),
        finished_at=datetime(2026, 6, 9, 3, 1, tzinfo=UTC),
        total_urls=14,
        checked_urls=14,
    )
    session.add_all([*runs, inconclusive])
    r0, r1, r2, r3, r4, r5 = runs
    full = (r0, r1, r2, r5)
    u = seeded.urls
    moved_to = "https://police-new.example/advice"
    checks: dict[str, list[Check]] = {
        "helpline": [_check(r, u["helpline"], OK, text=HELPLINE_TEXT) for r in full],
        "cps": [
            *(_check(r, u["cps"], OK, text=CPS_BEFORE) for r in (r0, r1, r2)),
            _check(r5, u["cps"], OK, text=CPS_AFTER),
        ],
        "moved": [
            *(_check(r, u["moved"], OK, text="Police advice") for r in (r0, r1, r2)),
            _check(
                r5,
                u["moved"],
                Verdict.MOVED,
                detail="Permanently redirected (301) to https://police-new.example/advice.",
                hops=[
                    {"url": u["moved"], "status": 301, "location": moved_to},
                    {"url": moved_to, "status": 200},
                ],
                final_url=moved_to,
                suggested=moved_to,
                text="Police advice",
            ),
        ],
        # 404 from run 2 on; confirmed by the recheck of 06-05 (3 checks over 4 days).
        "gone": [
            *(_check(r, u["gone"], OK, text="Don't panic") for r in (r0, r1)),
            *(_not_found(r, u["gone"]) for r in (r2, r3, r4, r5)),
        ],
        "soft": [
            *(_check(r, u["soft"], OK, text="Film") for r in (r0, r1, r2)),
            *(
                _check(
                    r,
                    u["soft"],
                    Verdict.SOFT_404,
                    detail="A deep link now redirects to the site's home page.",
                    hops=[
                        {"url": u["soft"], "status": 302, "location": "https://soft.example/"},
                        {"url": "https://soft.example/", "status": 200},
                    ],
                    final_url="https://soft.example/",
                )
                for r in (r3, r4, r5)
            ),
        ],
        "phone": [
            _check(r2, u["phone"], OK, text="Call 0808 1000 900"),
            *(
                _check(
                    r,
                    u["phone"],
                    Verdict.CHANGED,
                    detail="The phone number 0808 1000 900 is no longer on the page.",
                )
                for r in (r3, r4, r5)
            ),
        ],
        # Timeouts on three full runs over 35 days: confirmed broken by run 5, not before.
        "timeout": [
            _check(
                r,
                u["timeout"],
                Verdict.TRANSIENT,
                status=None,
                detail="Timed out reading the response.",
                error_kind="read_timeout",
                hops=[],
            )
            for r in (r1, r2, r5)
        ],
        "parked": [
            _check(r, u["parked"], Verdict.PARKED, detail="The domain is parked: for sale.")
            for r in full
        ],
        "tls": [
            _check(
                r,
                u["tls"],
                Verdict.INSECURE,
                status=None,
                detail="The site's TLS certificate has expired.",
                error_kind="tls_expired",
                hops=[],
            )
            for r in full
        ],
        "flaky": [
            *(_check(r, u["flaky"], OK, text="Video") for r in (r0, r1, r2)),
            _check(
                r5, u["flaky"], Verdict.TRANSIENT, status=503, detail="503 Service Unavailable."
            ),
        ],
        # A definitive verdict waits for confirmation too: one 404 is not proof.
        "blip": [
            *(_check(r, u["blip"], OK, text="Get help") for r in (r0, r1, r2)),
            _not_found(r5, u["blip"]),
        ],
        "botwall": [
            _check(
                r,
                u["botwall"],
                Verdict.UNVERIFIABLE,
                status=403,
                detail="403 with a bot challenge (Cloudflare): the site refuses automated checks.",
            )
            for r in (r2, r5)
        ],
        "fixed": [
            *(_not_found(r, u["fixed"]) for r in (r0, r1, r2)),
            _check(r5, u["fixed"], OK, text="Report Remove"),
        ],
        "snoozed": [_not_found(r, u["snoozed"]) for r in (r2, r3, r4, r5)],
    }
    scam_checks = [_check(r, "https://scams.example/", OK, text=SCAMS_TEXT) for r in full]
    # The inconclusive run's failures must change nothing, in the report as in the state.
    ignored = _check(
        inconclusive,
        u["helpline"],
        Verdict.TRANSIENT,
        status=None,
        error_kind="dns_failure",
        hops=[],
    )
    session.add_all([c for cs in checks.values() for c in cs] + scam_checks + [ignored])
    await session.flush()

    for history in [*checks.values(), scam_checks]:
        session.add(replay_checks(history, policy=POLICY))
    await session.flush()
    seeded.guide_id = guide.id
    seeded.other_guide_id = other.id
    seeded.run_ids = [r.id for r in runs]
    seeded.inconclusive_run_id = inconclusive.id
    by_key = {r.key: r.id for r in guide.resources}
    seeded.resources = by_key
    session.add_all(
        [
            ReaderReport(
                resource_id=by_key["helpline"],
                note="The number was engaged all afternoon.",
                contact="reader@example.org",
                created_at=datetime(2026, 5, 20, 14, 0, tzinfo=UTC),
            ),
            ReaderReport(
                resource_id=by_key["gone"],
                note="The page says <b>not found</b> now.",
                created_at=datetime(2026, 6, 9, 18, 30, tzinfo=UTC),
            ),
            ReaderReport(
                resource_id=by_key["fixed"],
                note="Broken link",
                created_at=datetime(2026, 5, 10, 8, 0, tzinfo=UTC),
                resolved_at=datetime(2026, 5, 30, 8, 0, tzinfo=UTC),
            ),
            MailDelivery(
                kind="refresh",
                key=f"refresh:sextortion:run:{r2.id}",
                guide_slug="sextortion",
                run_id=r2.id,
                recipients=["editor@hub.example"],
                subject="earlier report",
                body_text="earlier",
                body_html="<p>earlier</p>",
                created_at=LAST_REPORT,
                sent_at=LAST_REPORT + timedelta(seconds=5),
                attempts=1,
            ),
        ]
    )
    await session.commit()
    return seeded
