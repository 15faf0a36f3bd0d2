"""Editors' actions on the catalog: accept a suggestion, edit, snooze and end a snooze, retire
and restore, recheck, close readers' reports, run.

Each function does one action in the caller's transaction (`async with session.begin():`),
so the change, the queued recheck and the editor_actions row that records who did it and
when are committed together or not at all. Nothing here knows about HTTP: the editor API and
the dashboard both call these functions.

Edits leave the catalog's `synced` snapshot alone: `curator sync` sees them as editors'
changes (kept, reported as conflicts) and `curator export` writes them back to the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from curator import labels
from curator.catalog.schema import (
    LIST_MAX,
    TEXT_MAX,
    check_http_url,
    check_line,
    check_phone,
    check_text,
    check_title,
)
from curator.domain import ActionKind, RecheckReason, ResourceKind
from curator.errors import ConflictError, InvalidEditError, NotFoundError
from curator.rechecks import queue_recheck
from curator.runs.recovery import recover_runs
from curator.store.base import utcnow
from curator.store.catalog import resource_by_id
from curator.store.editor_actions import add_action
from curator.store.link_states import link_states
from curator.store.models import Resource
from curator.store.reader_reports import resolve_open_reports
from curator.store.runs import running_full_run

EDITABLE_FIELDS = (
    "url",
    "title",
    "kind",
    "description",
    "phone",
    "expect_text",
    "audience",
    "region",
    "notes",
)
"""The resource fields an edit may change: every field of a resource in resources.yaml but
its id (and where the file lists it, which is no field)."""
RECHECKED_FIELDS = frozenset({"url", "kind", "phone", "expect_text"})
"""Fields whose change makes the last verdict stale, so an edit of them queues a recheck."""
REASON_MAX = 500
SNOOZE_MAX = timedelta(days=2 * 366)
"""The longest snooze: a false positive is looked at again within two years."""


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What an action did, for the caller to show."""

    action: ActionKind
    actor: str
    at: datetime
    resource_id: int | None
    message: str
    changes: Mapping[str, Any]
    recheck_id: int | None = None
    action_id: int | None = None


# --- shared steps ----------------------------------------------------------------------------


async def _live_resource(session: AsyncSession, resource_id: int) -> Resource:
    resource = await resource_by_id(session, resource_id=resource_id)
    if resource is None:
        raise NotFoundError("resource", resource_id)
    if resource.retired_at is not None:
        raise ConflictError(f"resource {resource_id} ({resource.title}) is retired")
    return resource


async def _resolve_reports(
    session: AsyncSession, resource_id: int, at: datetime, actor: str, action: ActionKind
) -> int:
    """Close the resource's open readers' reports: an editor has dealt with the resource."""
    why = labels.REPORTS_CLOSED_BY.get(action, action.value.replace("_", " "))
    return await resolve_open_reports(
        session, resource_id=resource_id, at=at, by=actor, resolution=why
    )


async def _finish(
    session: AsyncSession,
    *,
    resource: Resource | None,
    actor: str,
    action: ActionKind,
    at: datetime,
    message: str,
    changes: Mapping[str, Any],
    recheck: bool = False,
    resolve: bool = False,
) -> ActionResult:
    resource_id = resource.id if resource is not None else None
    payload: dict[str, Any] = dict(changes)
    recheck_id = None
    if resource is not None and recheck:
        request = await queue_recheck(
            session,
            resource_id=resource.id,
            reason=RecheckReason.EDITOR if action == ActionKind.RECHECK else RecheckReason.EDIT,
            requested_by=actor,
            now=at,
        )
        recheck_id = request.id
        payload["recheck_id"] = recheck_id
    if resource is not None and resolve:
        resolved = await _resolve_reports(session, resource.id, at, actor, action)
        if resolved:
            payload["resolved_reports"] = resolved
    row = await add_action(
        session, resource_id=resource_id, actor=actor, action=action, at=at, payload=payload
    )
    return ActionResult(action, actor, at, resource_id, message, payload, recheck_id, row.id)


def _sentence(text: str) -> str:
    """`text` ending as a sentence does."""
    return text if text.endswith((".", "!", "?")) else text + "."


# --- the actions -----------------------------------------------------------------------------


async def accept_suggestion(
    session: AsyncSession, *, resource_id: int, actor: str, now: datetime | None = None
) -> ActionResult:
    """The resource's URL becomes the checker's suggested URL, and a recheck is queued."""
    at = now or utcnow()
    resource = await _live_resource(session, resource_id)
    state = (await link_states(session, urls=[resource.url])).get(resource.url)
    suggested = state.suggested_url if state is not None else None
    if not suggested or suggested == resource.url:
        raise ConflictError(f"resource {resource_id} ({resource.title}) has no suggested URL")
    try:
        check_http_url(suggested)
    except ValueError as exc:
        raise ConflictError(f"the suggested URL {suggested!r} is unusable: {exc}") from None
    previous, resource.url = resource.url, suggested
    resource.updated_at = at
    return await _finish(
        session,
        resource=resource,
        actor=actor,
        action=ActionKind.ACCEPT_SUGGESTION,
        at=at,
        message=f"{resource.title} now links to {suggested}; it will be rechecked.",
        changes={"url": {"from": previous, "to": suggested}},
        recheck=True,
        resolve=True,
    )


# Each field is validated by the catalog's own rule for it, so nothing an edit stores could
# fail `curator validate` after an export (or fail on PostgreSQL).


def _text(value: object, *, required: bool) -> str | None:
    if value is None:
        if required:
            raise ValueError("is required")
        return None
    if not isinstance(value, str):
        raise ValueError("must be text")
    if not value.strip():
        if required:
            raise ValueError("must not be empty")
        return None
    return value


def _url(value: object) -> str | None:
    text = _text(value, required=True)
    assert text is not None
    return check_http_url(text)


def _title(value: object) -> str | None:
    text = _text(value, required=True)
    assert text is not None
    return check_title(text.strip())


def _description(value: object) -> str | None:
    text = _text(value, required=False)
    return None if text is None else check_text(text, TEXT_MAX)


def _phone(value: object) -> str | None:
    text = _text(value, required=False)
    return None if text is None else check_phone(text.strip())


def _kind(value: object) -> ResourceKind:
    names = [k.value for k in ResourceKind]
    kinds = f"{', '.join(names[:-1])} or {names[-1]}"
    if not isinstance(value, str):
        raise ValueError(f"must be one of {kinds}")
    try:
        return ResourceKind(value.strip())
    except ValueError:
        raise ValueError(f"must be one of {kinds}") from None


def _line(value: object) -> str | None:
    text = _text(value, required=False)
    return None if text is None else check_line(text.strip())


def _notes(value: object) -> str | None:
    text = _text(value, required=False)
    return None if text is None else check_text(text, TEXT_MAX)


def expected_text(item: object) -> str:
    """One of `expect_text`'s texts, validated as the catalog validates it; else ValueError
    saying what is wrong with it (the dashboard names its line, the API its item)."""
    if not isinstance(item, str) or not item.strip():
        raise ValueError("must be a text that is not empty")
    return check_line(item.strip())


def _expect_text(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise ValueError("must be a list of texts")
    if len(value) > LIST_MAX:
        raise ValueError(f"must have at most {LIST_MAX} items")
    texts = []
    for index, item in enumerate(value):
        try:
            texts.append(expected_text(item))
        except ValueError as exc:
            raise ValueError(f"item {index} {exc}") from None
    return texts


_VALIDATORS: dict[str, Callable[[object], object]] = {
    "url": _url,
    "title": _title,
    "description": _description,
    "phone": _phone,
    "expect_text": _expect_text,
    "kind": _kind,
    "audience": _line,
    "region": _line,
    "notes": _notes,
}

_PLACEMENT = (
    "where {file} lists the resource: move its entry there (under guide {guide!r}, section "
    "{section!r}) and run `curator sync`"
)
NOT_EDITABLE: dict[str, str] = {
    "id": "is the resource's id in {file} (guide {guide!r}, section {section!r}, id {key!r}): "
    "change it there and run `curator sync`; the old id is retired with its history",
    "key": "is the resource's id in {file} (guide {guide!r}, section {section!r}, id {key!r}): "
    "change it there and run `curator sync`; the old id is retired with its history",
    "section": "is " + _PLACEMENT,
    "guide": "is " + _PLACEMENT,
}
"""Fields of a resource an edit cannot change, with where to change them instead."""


def _where(resource: Resource | None) -> dict[str, str]:
    if resource is None:
        return {"file": "resources.yaml", "guide": "?", "section": "?", "key": "?"}
    return {
        "file": resource.guide.source_file or "resources.yaml",
        "guide": resource.guide.slug,
        "section": resource.section.title if resource.section is not None else "",
        "key": resource.key,
    }


def validate_edit(
    changes: Mapping[str, object], resource: Resource | None = None
) -> dict[str, object]:
    """The edit's values, cleaned, validated as the catalog validates them; else InvalidEditError.

    Every field's problem is reported, not just the first; a field set to None is cleared. A
    field no edit may change is refused with where to change it instead (in `resource`'s file).
    """
    errors: dict[str, str] = {}
    clean: dict[str, object] = {}
    for name, value in changes.items():
        validator = _VALIDATORS.get(name)
        if name in NOT_EDITABLE:
            errors[name] = "cannot be edited here: it " + NOT_EDITABLE[name].format(
                **_where(resource)
            )
            continue
        if validator is None:
            errors[name] = f"cannot be edited (editable: {', '.join(EDITABLE_FIELDS)})"
            continue
        try:
            clean[name] = validator(value)
        except ValueError as exc:
            errors[name] = str(exc)
    if not changes:
        errors["body"] = f"nothing to change (editable: {', '.join(EDITABLE_FIELDS)})"
    if errors:
        raise InvalidEditError(errors)
    return clean


async def edit_resource(
    session: AsyncSession,
    *,
    resource_id: int,
    actor: str,
    changes: Mapping[str, object],
    now: datetime | None = None,
) -> ActionResult:
    """Change any of EDITABLE_FIELDS; a recheck follows when the URL, the kind or what the page
    must show changed. An edit that changes nothing records nothing."""
    at = now or utcnow()
    resource = await _live_resource(session, resource_id)
    clean = validate_edit(changes, resource)
    changed: dict[str, dict[str, Any]] = {}
    for name, value in clean.items():
        current = getattr(resource, name)
        if (current or None) != (value or None):
            changed[name] = {"from": current, "to": value}
            setattr(resource, name, value)
    if not changed:
        return ActionResult(
            ActionKind.EDIT, actor, at, resource.id, f"{resource.title}: nothing changed.", {}
        )
    resource.updated_at = at
    return await _finish(
        session,
        resource=resource,
        actor=actor,
        action=ActionKind.EDIT,
        at=at,
        message=f"Saved {resource.title}.",
        changes={"fields": changed},
        recheck=bool(RECHECKED_FIELDS & changed.keys()),
        resolve=True,
    )


async def snooze(
    session: AsyncSession,
    *,
    resource_id: int,
    actor: str,
    until: datetime,
    reason: str,
    now: datetime | None = None,
) -> ActionResult:
    """Call a failure a false positive until `until`, saying why: the resource stays published
    and leaves the problems list (see curator.standing)."""
    at = now or utcnow()
    errors = {}
    if until.tzinfo is None:
        errors["until"] = "must carry a time zone (e.g. 2026-07-01T00:00:00Z)"
    else:
        try:
            until = until.astimezone(UTC)
        except OverflowError:
            errors["until"] = "is not a representable moment"
        else:
            if until <= at:
                errors["until"] = "must be in the future"
            elif until - at > SNOOZE_MAX:
                errors["until"] = f"must be within {SNOOZE_MAX.days} days"
    if not reason or not reason.strip():
        errors["reason"] = "must not be empty: say why this is a false positive"
    else:
        try:
            check_text(reason, REASON_MAX)
        except ValueError as exc:
            errors["reason"] = str(exc)
    if errors:
        raise InvalidEditError(errors)
    resource = await _live_resource(session, resource_id)
    resource.snoozed_until, resource.snooze_reason = until, reason.strip()
    return await _finish(
        session,
        resource=resource,
        actor=actor,
        action=ActionKind.SNOOZE,
        at=at,
        message=(
            f"{resource.title} is snoozed as a false positive until"
            f" {labels.day(until, now=at)}: it stays published and leaves the problems list."
        ),
        changes={"until": until.isoformat(), "reason": reason.strip()},
        resolve=True,
    )


async def retire(
    session: AsyncSession,
    *,
    resource_id: int,
    actor: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> ActionResult:
    """Take the resource off its guide's public list (its history stays)."""
    at = now or utcnow()
    if reason is not None and len(reason) > REASON_MAX:
        raise InvalidEditError({"reason": f"must be at most {REASON_MAX} characters"})
    resource = await _live_resource(session, resource_id)
    resource.retired_at = at
    resource.updated_at = at
    changes = {"reason": reason.strip()} if reason and reason.strip() else {}
    return await _finish(
        session,
        resource=resource,
        actor=actor,
        action=ActionKind.RETIRE,
        at=at,
        message=f"{resource.title} is retired: it no longer appears on the guide.",
        changes=changes,
        resolve=True,
    )


async def end_snooze(
    session: AsyncSession, *, resource_id: int, actor: str, now: datetime | None = None
) -> ActionResult:
    """End a snooze before its date: the resource is what its link says again (hidden from
    readers at once if it is confirmed broken). 409 when it is not snoozed."""
    at = now or utcnow()
    resource = await _live_resource(session, resource_id)
    if resource.snoozed_until is None or resource.snoozed_until <= at:
        raise ConflictError(f"resource {resource_id} ({resource.title}) is not snoozed")
    was = resource.snoozed_until
    resource.snoozed_until, resource.snooze_reason = None, None
    resource.updated_at = at
    return await _finish(
        session,
        resource=resource,
        actor=actor,
        action=ActionKind.END_SNOOZE,
        at=at,
        message=f"{resource.title} is no longer snoozed: it stands as its link says again.",
        changes={"until": was.isoformat()},
    )


async def restore(
    session: AsyncSession, *, resource_id: int, actor: str, now: datetime | None = None
) -> ActionResult:
    """Put a retired resource back on its guide's list, and recheck it. 409 when it is not
    retired."""
    at = now or utcnow()
    resource = await resource_by_id(session, resource_id=resource_id)
    if resource is None:
        raise NotFoundError("resource", resource_id)
    if resource.retired_at is None:
        raise ConflictError(f"resource {resource_id} ({resource.title}) is not retired")
    retired = resource.retired_at
    resource.retired_at = None
    resource.updated_at = at
    return await _finish(
        session,
        resource=resource,
        actor=actor,
        action=ActionKind.RESTORE,
        at=at,
        message=f"{resource.title} is restored: it is on its guide's list again.",
        changes={"retired_at": retired.isoformat()},
        recheck=True,
    )


async def recheck(
    session: AsyncSession, *, resource_id: int, actor: str, now: datetime | None = None
) -> ActionResult:
    """Queue a recheck of the resource now (one already waiting is reused)."""
    at = now or utcnow()
    resource = await _live_resource(session, resource_id)
    return await _finish(
        session,
        resource=resource,
        actor=actor,
        action=ActionKind.RECHECK,
        at=at,
        message=f"{resource.title} will be rechecked shortly.",
        changes={},
        recheck=True,
    )


async def close_reports(
    session: AsyncSession,
    *,
    resource_id: int,
    actor: str,
    reason: str,
    now: datetime | None = None,
) -> ActionResult:
    """Close the resource's open readers' reports, saying why (say, the link works when opened
    by hand): it leaves the problems list unless its link needs an editor too. 409 when none is
    open; the reports stay listed on the resource's page, with who closed them and why."""
    at = now or utcnow()
    if not reason or not reason.strip():
        raise InvalidEditError({"reason": "must not be empty: say why the reports are closed"})
    try:
        check_text(reason, REASON_MAX)
    except ValueError as exc:
        raise InvalidEditError({"reason": str(exc)}) from None
    why = reason.strip()
    resource = await _live_resource(session, resource_id)
    closed = await resolve_open_reports(
        session, resource_id=resource.id, at=at, by=actor, resolution=why
    )
    if not closed:
        raise ConflictError(
            f"resource {resource_id} ({resource.title}) has no open readers' reports"
        )
    return await _finish(
        session,
        resource=resource,
        actor=actor,
        action=ActionKind.CLOSE_REPORTS,
        at=at,
        message=f"Closed {labels.reports(closed)} on {resource.title}: {_sentence(why)}",
        changes={"reason": why, "resolved_reports": closed},
    )


async def start_run(
    session: AsyncSession,
    *,
    actor: str,
    guide_slug: str | None = None,
    now: datetime | None = None,
) -> ActionResult:
    """Record an editor's request for a full run; ConflictError while a run is running.

    The caller starts the run itself (in the background) once this is committed.
    """
    at = now or utcnow()
    # A run left `running` by a process that died, or whose end the database could not take,
    # is no reason to refuse: marked interrupted first, as the run itself would mark it.
    await recover_runs(session, now=at)
    running = await running_full_run(session)  # a recheck beside it is no reason to refuse
    if running is not None:
        started = labels.moment_label(running.started_at)
        raise ConflictError(f"run {running.id} is already running (started {started})")
    changes = {"guide": guide_slug} if guide_slug else {}
    return await _finish(
        session,
        resource=None,
        actor=actor,
        action=ActionKind.START_RUN,
        at=at,
        message="A full check run has started."
        if not guide_slug
        else f"A run of {guide_slug} has started.",
        changes=changes,
    )
