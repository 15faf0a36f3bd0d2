"""curator's tables: the catalog, check runs and their results, link state, editors' work."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from curator.domain import (
    ActionKind,
    JobStatus,
    MailKind,
    RecheckReason,
    ResourceKind,
    RunStatus,
    RunTrigger,
    Verdict,
)
from curator.store.base import Base, partial_index, str_enum, utcnow

UNSETTLED_WHERE = (
    "verdict IS NULL OR verdict <> 'ok' OR last_verdict <> 'ok' OR consecutive_failures <> 0"
)
"""The link states the unsettled index covers: a link not plainly working (migration 0010)."""
SNOOZED_WHERE = "snoozed_until IS NOT NULL"
"""The resources the snooze index covers (migration 0010)."""


class Guide(Base):
    """A published guide whose resource list curator keeps honest."""

    __tablename__ = "guides"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    review_every: Mapped[str | None] = mapped_column(String(40))
    last_reviewed: Mapped[date | None] = mapped_column(Date)
    editors: Mapped[list[str]] = mapped_column(JSON, default=list)
    source_file: Mapped[str | None] = mapped_column(Text)
    # The values as of the last sync: tells an editor's change from a change in the file.
    synced: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    sections: Mapped[list[Section]] = relationship(
        back_populates="guide", order_by="Section.position", cascade="all, delete-orphan"
    )
    resources: Mapped[list[Resource]] = relationship(
        back_populates="guide", order_by="Resource.position", cascade="all, delete-orphan"
    )


class Section(Base):
    """A heading of a guide's resource list."""

    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[datetime | None]

    guide: Mapped[Guide] = relationship(back_populates="sections")
    resources: Mapped[list[Resource]] = relationship(
        back_populates="section", order_by="Resource.position"
    )


class Resource(Base):
    """One curated external resource of a guide."""

    __tablename__ = "resources"
    __table_args__ = (
        UniqueConstraint("guide_id", "key"),
        # The snoozed ones, found without reading every resource (the problems list).
        partial_index("ix_resources_snoozed_until", "snoozed_until", where=SNOOZED_WHERE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("sections.id", ondelete="SET NULL"), index=True
    )
    key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text, index=True)
    kind: Mapped[ResourceKind] = mapped_column(str_enum(ResourceKind), default=ResourceKind.WEBPAGE)
    description: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(40))
    expect_text: Mapped[list[str]] = mapped_column(JSON, default=list)
    audience: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[datetime | None]
    snoozed_until: Mapped[datetime | None]
    snooze_reason: Mapped[str | None] = mapped_column(Text)
    synced: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    change_version: Mapped[int] = mapped_column(BigInteger, server_default="0", index=True)
    """When the row last changed, stamped by the database (migration 0011; see
    curator.store.changes): the problems list reads again only the rows changed since."""

    guide: Mapped[Guide] = relationship(back_populates="resources")
    section: Mapped[Section | None] = relationship(back_populates="resources")


ONE_RUNNING_WHERE = "status = 'running' AND \"trigger\" <> 'recheck'"
"""The runs the one-running index covers: every running run but a recheck."""


class Run(Base):
    """One pass of the checker over a set of URLs."""

    __tablename__ = "runs"
    __table_args__ = (
        # At most one run other than a recheck is `running`: the database says so, not a
        # read before the insert (two processes starting at once cannot both win).
        partial_index("uq_runs_one_running", "status", where=ONE_RUNNING_WHERE, unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[RunTrigger] = mapped_column(str_enum(RunTrigger))
    status: Mapped[RunStatus] = mapped_column(str_enum(RunStatus), default=RunStatus.RUNNING)
    guide_slug: Mapped[str | None] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    owner: Mapped[str | None] = mapped_column(String(200))
    total_urls: Mapped[int] = mapped_column(Integer, default=0)
    checked_urls: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    summary: Mapped[str | None] = mapped_column(Text)
    resumed_from_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))

    checks: Mapped[list[Check]] = relationship(
        back_populates="run", cascade="all, delete-orphan", foreign_keys="Check.run_id"
    )


class RunPlan(Base):
    """The URLs a run set out to check, so an interrupted run can be resumed.

    Written once, beside the run's row: the row itself stays small, since a run counts its
    checks on it as they are stored.
    """

    __tablename__ = "run_plans"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    urls: Mapped[list[str]] = mapped_column(JSON, default=list)


class Check(Base):
    """The facts and verdict of one URL in one run."""

    __tablename__ = "checks"
    __table_args__ = (
        UniqueConstraint("run_id", "url"),
        Index("ix_checks_url_checked_at", "url", "checked_at"),
        Index("ix_checks_cert_expires_at", "cert_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    verdict: Mapped[Verdict] = mapped_column(str_enum(Verdict))
    detail: Mapped[str] = mapped_column(Text, default="")
    status_code: Mapped[int | None] = mapped_column(Integer)
    final_url: Mapped[str | None] = mapped_column(Text)
    suggested_url: Mapped[str | None] = mapped_column(Text)
    elapsed_ms: Mapped[int | None] = mapped_column(Integer)
    error_kind: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str | None] = mapped_column(Text)
    hops: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # A fingerprint of the page's visible text: tells editors when a page changed a lot.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    # With `title` and `fingerprint`, what a link's snapshot of a good page is made from.
    heading: Mapped[str | None] = mapped_column(Text)
    site_name: Mapped[str | None] = mapped_column(Text)
    text_sample: Mapped[str | None] = mapped_column(Text)
    # Where the page is now (curator.suggestions.Suggestion as JSON): a redirect's target, or
    # what the search of the site found; `suggested_url` is its URL when confident.
    suggestion: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The final response's TLS certificate (https only): when it expires, who issued it.
    cert_expires_at: Mapped[datetime | None]
    cert_issuer: Mapped[str | None] = mapped_column(Text)

    run: Mapped[Run] = relationship(back_populates="checks", foreign_keys=[run_id])


class LinkState(Base):
    """What curator currently believes about one URL, confirmed over time."""

    __tablename__ = "link_states"
    __table_args__ = (
        # The links not plainly working, found without reading every (wide) row: where the
        # problems list starts (curator.store.problems).
        partial_index("ix_link_states_unsettled", "url", where=UNSETTLED_WHERE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    verdict: Mapped[Verdict | None] = mapped_column(str_enum(Verdict))
    last_verdict: Mapped[Verdict | None] = mapped_column(str_enum(Verdict))
    detail: Mapped[str | None] = mapped_column(Text)
    suggested_url: Mapped[str | None] = mapped_column(Text)
    first_failure_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_ok_at: Mapped[datetime | None]
    last_checked_at: Mapped[datetime | None]
    last_check_id: Mapped[int | None] = mapped_column(ForeignKey("checks.id", ondelete="SET NULL"))
    # Visible-text fingerprint as of the guide's last review (see the refresh report).
    baseline_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # The last good page (curator.check.facts.Snapshot): history for the classifier (a lapsed
    # domain now showing another site) and for suggestions (where the page moved).
    snapshot_title: Mapped[str | None] = mapped_column(Text)
    snapshot_heading: Mapped[str | None] = mapped_column(Text)
    snapshot_site_name: Mapped[str | None] = mapped_column(Text)
    snapshot_text: Mapped[str | None] = mapped_column(Text)
    snapshot_fingerprint: Mapped[str | None] = mapped_column(String(64))
    snapshot_at: Mapped[datetime | None]
    # Last, where migration 0008 added it: a database created from these models has the columns
    # in the order a migrated one has them (tests/store/test_migrations.py).
    confirmed_since: Mapped[datetime | None]
    """When the confirmed verdict entered its group (see curator.check.state.advance)."""
    change_version: Mapped[int] = mapped_column(BigInteger, server_default="0", index=True)
    """When the row last changed, stamped by the database (migration 0011; see
    curator.store.changes)."""
    unsafe_since: Mapped[datetime | None]
    """Since when checks have found a site harmful to readers at the URL, with no working
    check since (see curator.check.state.advance; migration 0013)."""


class DomainRegistration(Base):
    """What a registry said of a registrable domain over RDAP, cached until `next_lookup_at`."""

    __tablename__ = "domain_registrations"

    domain: Mapped[str] = mapped_column(String(253), primary_key=True)
    expires_at: Mapped[datetime | None]
    registered_at: Mapped[datetime | None]
    # RDAP status values, lower case ("client hold", "redemption period").
    statuses: Mapped[list[str]] = mapped_column(JSON, default=list)
    # When each status was first seen, ISO 8601 by status: how long a hold has lasted.
    status_since: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    registrar: Mapped[str | None] = mapped_column(Text)
    name_servers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The name servers before the last change, and when the change was seen.
    previous_name_servers: Mapped[list[str] | None] = mapped_column(JSON)
    name_servers_changed_at: Mapped[datetime | None]
    source: Mapped[str | None] = mapped_column(Text)
    looked_up_at: Mapped[datetime | None]
    """The last look-up that succeeded."""
    attempted_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    """Why the last look-up failed (None when it succeeded)."""
    next_lookup_at: Mapped[datetime | None] = mapped_column(index=True)


class DataVersion(Base):
    """A counter the database raises on every write to what the public lists show.

    Kept by triggers (migration 0007; curator.store.schema for a database created in one go) on
    guides, sections, resources and link_states, so no writer can forget it; the public lists
    read this one row to know whether to render anew.
    """

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class EditorToken(Base):
    """An editor's API token; only its hash is stored."""

    __tablename__ = "editor_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class DashboardSession(Base):
    """A signed-in browser of the dashboard; signing out (or the token's revocation) ends it
    here, so a copy of its cookie stops working too."""

    __tablename__ = "dashboard_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_id: Mapped[int] = mapped_column(
        ForeignKey("editor_tokens.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class EditorAction(Base):
    """Who did what to which resource, and when."""

    __tablename__ = "editor_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[ActionKind] = mapped_column(str_enum(ActionKind, length=40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReaderReport(Base):
    """A reader's report that a catalogued resource's link is broken."""

    __tablename__ = "reader_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str | None] = mapped_column(String(320))
    client_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    """The editor who closed the report (none for reports closed before who was kept)."""
    resolution: Mapped[str | None] = mapped_column(Text)
    """Why it was closed, in editors' words: the reason given, or the action that did it."""


class RecheckRequest(Base):
    """A recheck of one resource asked for by a reader's report or an editor."""

    __tablename__ = "recheck_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[RecheckReason] = mapped_column(str_enum(RecheckReason))
    requested_by: Mapped[str | None] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))


class MailDelivery(Base):
    """An email curator owes the editors, sent once and retried until it is."""

    __tablename__ = "mail_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MailKind] = mapped_column(str_enum(MailKind))
    # Deduplication key, e.g. "refresh:run:12" or "review:sextortion:2026-05-01".
    key: Mapped[str] = mapped_column(String(200), unique=True)
    guide_slug: Mapped[str | None] = mapped_column(String(120))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]


class JobState(Base):
    """When a scheduled job last ran and is next due; kept here, not in the scheduler."""

    __tablename__ = "job_states"

    job_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    next_due_at: Mapped[datetime | None]
    last_status: Mapped[JobStatus | None] = mapped_column(str_enum(JobStatus))
    last_error: Mapped[str | None] = mapped_column(Text)


class Lease(Base):
    """A named lease (e.g. the active scheduler) held by one process until it expires."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
