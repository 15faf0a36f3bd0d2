"""Bodies of the public API: the guides' resource lists and readers' reports."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Annotated

from pydantic import EmailStr, Field

from api.schemas.base import CleanText, Key, SlugText, _In, _Out
from curator import phones
from curator.domain import Group, ResourceKind, Verdict
from curator.reader_reports import NOTE_MAX, FiledReport
from curator.store.publish import PublicGuide, PublicResource

# --- public ----------------------------------------------------------------------------------


class PhoneOut(_Out):
    """A helpline number as the guide prints it, and as a website links it."""

    printed: str
    e164: str | None = Field(
        description="the international form (+443456000459); null for a UK short number "
        "(116 123, 111, 85258), which has none"
    )
    tel: str | None = Field(
        description="the number to link with: tel:+443456000459, or tel:116123 for a short "
        "number (dialled from a phone in the UK)"
    )


class ResourceOut(_Out):
    """One resource of a published list."""

    id: str = Field(
        description="the resource's catalog id, unique within its guide; "
        "POST /v1/reports takes it with the guide's slug"
    )
    title: str
    url: str
    kind: ResourceKind
    description: str | None
    phone: PhoneOut | None
    audience: str | None
    region: str | None
    status: Group = Field(description="working, update, broken or unknown (never checked)")
    verdict: Verdict | None = Field(
        description="the link's confirmed verdict; null if unchecked; ok while an editor has "
        "snoozed a confirmed failure as a false positive"
    )
    last_checked_at: datetime | None
    last_ok_at: datetime | None

    @classmethod
    def of(cls, resource: PublicResource) -> ResourceOut:
        """The public view of a resource."""
        phone = None
        if resource.phone:
            phone = PhoneOut(
                printed=resource.phone,
                e164=phones.e164(resource.phone),
                tel=phones.tel(resource.phone),
            )
        return cls(
            id=resource.id,
            title=resource.title,
            url=resource.url,
            kind=resource.kind,
            description=resource.description,
            phone=phone,
            audience=resource.audience,
            region=resource.region,
            status=resource.status,
            verdict=resource.verdict,
            last_checked_at=resource.last_checked_at,
            last_ok_at=resource.last_ok_at,
        )


class SectionOut(_Out):
    """A heading of a guide's list and its resources, in order."""

    title: str
    resources: list[ResourceOut]


class GuideOut(_Out):
    """A guide's published resource list."""

    slug: str
    title: str
    source_url: str | None
    last_reviewed: date | None
    next_review_due: date | None
    sections: list[SectionOut]

    @classmethod
    def of(cls, guide: PublicGuide) -> GuideOut:
        """The public view of a guide."""
        return cls(
            slug=guide.slug,
            title=guide.title,
            source_url=guide.source_url,
            last_reviewed=guide.last_reviewed,
            next_review_due=guide.next_review_due,
            sections=[
                SectionOut(title=s.title, resources=[ResourceOut.of(r) for r in s.resources])
                for s in guide.sections
            ],
        )


class GuidesOut(_Out):
    """Every guide's published list (`GET /v1/guides?full=true`)."""

    guides: list[GuideOut]


class StatusCountsOut(_Out):
    """How many of a guide's listed resources are in each status."""

    working: int
    update: int
    broken: int
    unknown: int


class GuideSummaryOut(_Out):
    """A guide as the index lists it: its resources are at `href`."""

    slug: str
    title: str
    source_url: str | None
    last_reviewed: date | None
    next_review_due: date | None
    resources: int = Field(description="resources listed (with the same `include` as here)")
    counts: StatusCountsOut
    href: str = Field(description="where the guide's resources are: /v1/guides/{slug}")

    @classmethod
    def of(cls, guide: PublicGuide) -> GuideSummaryOut:
        """The index's line for a guide."""
        statuses = Counter(r.status for s in guide.sections for r in s.resources)
        return cls(
            slug=guide.slug,
            title=guide.title,
            source_url=guide.source_url,
            last_reviewed=guide.last_reviewed,
            next_review_due=guide.next_review_due,
            resources=sum(statuses.values()),
            counts=StatusCountsOut(
                working=statuses[Group.WORKING],
                update=statuses[Group.UPDATE],
                broken=statuses[Group.BROKEN],
                unknown=statuses[Group.UNKNOWN],
            ),
            href=f"/v1/guides/{guide.slug}",
        )


class GuideIndexOut(_Out):
    """Every guide with its counts (`GET /v1/guides`); each guide's list is at its `href`."""

    guides: list[GuideSummaryOut]


class ReportIn(_In):
    """A reader's report that a resource's link is broken."""

    guide: SlugText = Field(description="the guide's slug, as in GET /v1/guides/{slug}")
    resource_id: Key = Field(description="the resource's `id` from the guide's JSON")
    note: Annotated[CleanText, Field(max_length=NOTE_MAX)] = Field(
        default="", description="what the reader saw"
    )
    contact: EmailStr | None = Field(
        default=None, max_length=320, description="optional: an address to reply to"
    )


class ReportOut(_Out):
    """A stored report; a recheck of the resource is queued."""

    id: int
    guide: str
    resource_id: str
    received_at: datetime
    recheck: str = Field(description="'queued': the resource's link will be checked again")

    @classmethod
    def of(cls, report: FiledReport) -> ReportOut:
        """The reader's receipt."""
        return cls(
            id=report.id,
            guide=report.guide,
            resource_id=report.resource_key,
            received_at=report.created_at,
            recheck="queued",
        )
