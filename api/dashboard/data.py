"""What the dashboard reads and does, through the same domain functions as the editor API.

This module is the dashboard's one seam to the rest of curator: it calls the store's queries
and curator.editing's actions, and turns their results into the views the templates show.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.dashboard.views import (
    ActionRow,
    CheckRow,
    EditField,
    EvidenceView,
    ProblemView,
    ReportView,
    RunRow,
    action_summary,
    hops_of,
    ordered_counts,
)
from curator.errors import ConflictError, NotFoundError
from curator.store.catalog import resource_by_id
from curator.store.models import (
    Check,
    EditorAction,
    EditorToken,
    LinkState,
    ReaderReport,
    RecheckRequest,
    Resource,
    Run,
    RunStatus,
)
from curator.verdicts import Group, group_of, severity_rank

EDITABLE = ("url", "title", "description", "phone", "expect_text")
"""The resource fields the edit form offers."""


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    factory: async_sessionmaker[AsyncSession] = request.app.state.sessions
    async with factory() as session:
        yield session


DbSession = Annotated[AsyncSession, Depends(_session)]


def secret_key(request: Request) -> str:
    """The key that signs the dashboard's cookies."""
    return str(request.app.state.settings.secret_key.get_secret_value())


class InvalidEdit(Exception):
    """The edit form's values are not valid; one message per field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


# --- tokens ----------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def verify_token(session: AsyncSession, *, token: str) -> tuple[str, int] | None:
    """The editor's name and token id for a valid token, else None."""
    if not token:
        return None
    digest = _hash(token)
    rows = (
        await session.execute(select(EditorToken).where(EditorToken.revoked_at.is_(None)))
    ).scalars()
    for row in rows:
        if hmac.compare_digest(row.token_hash, digest):
            row.last_used_at = datetime.now(UTC)
            return row.name, row.id
    return None


async def token_still_valid(session: AsyncSession, *, token_id: int, editor: str) -> bool:
    """Whether the token a session was opened with is still there and not revoked."""
    row = await session.get(EditorToken, token_id)
    return row is not None and row.revoked_at is None and row.name == editor


# --- reads -----------------------------------------------------------------------------------


def _evidence(check: Check | None) -> EvidenceView | None:
    if check is None:
        return None
    return EvidenceView(
        checked_at=check.checked_at,
        status_code=check.status_code,
        final_url=check.final_url,
        error_kind=check.error_kind,
        elapsed_ms=check.elapsed_ms,
        attempts=check.attempts,
        hops=hops_of(check.hops),
    )


async def _reports(session: AsyncSession, resource_id: int) -> tuple[ReportView, ...]:
    rows = (
        await session.execute(
            select(ReaderReport)
            .where(ReaderReport.resource_id == resource_id, ReaderReport.resolved_at.is_(None))
            .order_by(ReaderReport.created_at.desc())
        )
    ).scalars()
    return tuple(ReportView(created_at=r.created_at, note=r.note) for r in rows)


async def _view(session: AsyncSession, resource: Resource, state: LinkState | None) -> ProblemView:
    check = await session.get(Check, state.last_check_id) if state and state.last_check_id else None
    verdict = (state.verdict or state.last_verdict) if state else None
    return ProblemView(
        resource_id=resource.id,
        title=resource.title,
        url=resource.url,
        guide_title=resource.guide.title,
        section_title=resource.section.title if resource.section else None,
        verdict=verdict,
        detail=(state.detail or "") if state else "",
        since=state.first_failure_at if state else None,
        consecutive_failures=state.consecutive_failures if state else 0,
        last_checked_at=state.last_checked_at if state else None,
        last_ok_at=state.last_ok_at if state else None,
        suggested_url=state.suggested_url if state else None,
        evidence=_evidence(check),
        reports=await _reports(session, resource.id),
        retired_at=resource.retired_at,
        snoozed_until=resource.snoozed_until,
        snooze_reason=resource.snooze_reason,
    )


async def problems(session: AsyncSession) -> list[ProblemView]:
    """Every resource that needs an editor, most severe first, then oldest first."""
    from sqlalchemy.orm import selectinload

    now = datetime.now(UTC)
    rows = (
        await session.execute(
            select(Resource, LinkState)
            .join(LinkState, LinkState.url == Resource.url)
            .where(Resource.retired_at.is_(None))
            .options(selectinload(Resource.guide), selectinload(Resource.section))
        )
    ).all()
    views = []
    for resource, state in rows:
        verdict = state.verdict or state.last_verdict
        if verdict is None or group_of(verdict) is Group.WORKING:
            continue
        if resource.snoozed_until is not None and resource.snoozed_until > now:
            continue
        views.append(await _view(session, resource, state))
    far = datetime.max.replace(tzinfo=UTC)
    views.sort(key=lambda v: (severity_rank(v.verdict) if v.verdict else 99, v.since or far))
    return views


@dataclass(frozen=True, slots=True)
class ResourcePage:
    """Everything the resource page shows."""

    problem: ProblemView
    resource: Resource
    checks: tuple[CheckRow, ...]
    history: tuple[ActionRow, ...]
    retired_at: datetime | None


async def resource_page(session: AsyncSession, *, resource_id: int) -> ResourcePage:
    """A resource with its link state, past checks and editors' actions."""
    resource = await resource_by_id(session, resource_id=resource_id)
    if resource is None:
        raise NotFoundError("resource", resource_id)
    state = (
        await session.execute(select(LinkState).where(LinkState.url == resource.url))
    ).scalar_one_or_none()
    checks = (
        await session.execute(
            select(Check).where(Check.url == resource.url).order_by(Check.checked_at.desc())
        )
    ).scalars()
    actions = (
        await session.execute(
            select(EditorAction)
            .where(EditorAction.resource_id == resource_id)
            .order_by(EditorAction.created_at.desc())
        )
    ).scalars()
    return ResourcePage(
        problem=await _view(session, resource, state),
        resource=resource,
        checks=tuple(
            CheckRow(c.checked_at, c.verdict, c.status_code, c.detail, c.url) for c in checks
        ),
        history=tuple(
            ActionRow(a.created_at, a.actor, action_summary(a.action, a.payload)) for a in actions
        ),
        retired_at=resource.retired_at,
    )


def edit_fields(page: ResourcePage, submitted: Mapping[str, str] | None) -> list[EditField]:
    """The edit form's fields, showing what was submitted when it comes back with errors."""
    r = page.resource
    current = {
        "url": r.url,
        "title": r.title,
        "description": r.description or "",
        "phone": r.phone or "",
        "expect_text": "\n".join(r.expect_text or []),
    }
    values = {**current, **(submitted or {})}
    return [
        EditField("url", "Link (URL)", values["url"], "url", required=True),
        EditField("title", "Title", values["title"], required=True),
        EditField("description", "Description", values["description"], multiline=True),
        EditField(
            "phone",
            "Phone number",
            values["phone"],
            "tel",
            hint="As printed on the guide; checked against the provider's page.",
        ),
        EditField(
            "expect_text",
            "Text the page must show",
            values["expect_text"],
            hint="One per line, e.g. the helpline's name.",
            multiline=True,
        ),
    ]


async def runs(session: AsyncSession) -> list[RunRow]:
    """The most recent runs, newest first."""
    rows = (await session.execute(select(Run).order_by(Run.id.desc()).limit(50))).scalars()
    return [
        RunRow(
            id=run.id,
            trigger=run.trigger,
            guide_slug=run.guide_slug,
            status=run.status.value,
            started_at=run.started_at,
            finished_at=run.finished_at,
            checked=run.checked_urls,
            total=run.total_urls,
            counts=ordered_counts(run.counts or {}),
            summary=run.summary,
        )
        for run in rows
    ]


# --- actions ---------------------------------------------------------------------------------


async def _resource(session: AsyncSession, resource_id: int) -> Resource:
    resource = await resource_by_id(session, resource_id=resource_id)
    if resource is None:
        raise NotFoundError("resource", resource_id)
    return resource


def _record(
    session: AsyncSession, resource_id: int | None, actor: str, action: str, **payload: object
) -> None:
    session.add(EditorAction(resource_id=resource_id, actor=actor, action=action, payload=payload))


async def accept_suggestion(session: AsyncSession, *, resource_id: int, actor: str) -> str:
    """The resource now links to the suggested URL."""
    resource = await _resource(session, resource_id)
    state = (
        await session.execute(select(LinkState).where(LinkState.url == resource.url))
    ).scalar_one_or_none()
    if state is None or not state.suggested_url:
        raise ConflictError(f"{resource.title} has no suggested URL")
    old, resource.url = resource.url, state.suggested_url
    _record(session, resource_id, actor, "accept_suggestion", url=resource.url, previous=old)
    session.add(RecheckRequest(resource_id=resource_id, reason="editor", requested_by=actor))
    return f"{resource.title} now links to {resource.url}; it will be rechecked."


async def recheck(session: AsyncSession, *, resource_id: int, actor: str) -> str:
    """Queue a recheck."""
    resource = await _resource(session, resource_id)
    session.add(RecheckRequest(resource_id=resource_id, reason="editor", requested_by=actor))
    _record(session, resource_id, actor, "recheck")
    return f"{resource.title} will be rechecked shortly."


async def snooze(
    session: AsyncSession, *, resource_id: int, actor: str, until: datetime, reason: str
) -> str:
    """Hide a false positive until a date."""
    resource = await _resource(session, resource_id)
    resource.snoozed_until, resource.snooze_reason = until, reason
    _record(session, resource_id, actor, "snooze", until=until.isoformat(), reason=reason)
    return f"{resource.title} is snoozed until {until:%d %b %Y}."


async def retire(session: AsyncSession, *, resource_id: int, actor: str) -> str:
    """Take the resource off the list."""
    resource = await _resource(session, resource_id)
    resource.retired_at = datetime.now(UTC)
    _record(session, resource_id, actor, "retire")
    return f"{resource.title} is retired."


async def edit(
    session: AsyncSession, *, resource_id: int, actor: str, values: Mapping[str, str]
) -> str:
    """Change the resource's details."""
    resource = await _resource(session, resource_id)
    errors = {}
    if not values.get("url", "").startswith(("http://", "https://")):
        errors["url"] = "Enter a web address starting with https:// or http://."
    if not values.get("title"):
        errors["title"] = "Enter a title."
    if errors:
        raise InvalidEdit(errors)
    resource.url = values["url"]
    resource.title = values["title"]
    resource.description = values.get("description") or None
    resource.phone = values.get("phone") or None
    resource.expect_text = [
        t.strip() for t in values.get("expect_text", "").splitlines() if t.strip()
    ]
    _record(session, resource_id, actor, "edit", changes=dict(values))
    return f"Saved {resource.title}."


async def start_run(request: Request, session: AsyncSession, *, actor: str) -> str:
    """Start a full run now."""
    running = (
        (await session.execute(select(Run).where(Run.status == RunStatus.RUNNING)))
        .scalars()
        .first()
    )
    if running is not None:
        raise ConflictError(f"run #{running.id} is already running")
    run = Run(trigger="editor")
    session.add(run)
    await session.flush()
    _record(session, None, actor, "start_run", run_id=run.id)
    return f"Run #{run.id} started."
