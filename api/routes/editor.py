"""Editors' routes (bearer token): problems, runs, a resource's history, and actions.

Every action runs in one transaction with the editor_actions row that records who did it
and when; a recheck it queues is drained in the background right after the commit.
"""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, status

from api.deps import MAX_ID, BackgroundDep, EditorDep, SessionDep, SettingsDep, get_editor
from api.schemas.base import ErrorOut
from api.schemas.editor import (
    ActionOut,
    HistoryOut,
    ProblemOut,
    ProblemsOut,
    ResourcePatch,
    RetireIn,
    RunOut,
    RunsOut,
    SnoozeIn,
    WatchedOut,
    WatchOut,
)
from curator import editing
from curator.catalog.schema import SLUG_PATTERN
from curator.errors import NotFoundError
from curator.store.base import utcnow
from curator.store.history import resource_history, run_summaries, run_summary
from curator.store.problems import problems
from curator.watch.warnings import resource_warnings, watch_of, watched_resources

_AUTH_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut, "description": "The body is not JSON"},
    401: {"model": ErrorOut, "description": "Missing, unknown or revoked token"},
    422: {"model": ErrorOut, "description": "Invalid request"},
}
_RESOURCE_RESPONSES: dict[int | str, dict[str, object]] = {
    **_AUTH_RESPONSES,
    404: {"model": ErrorOut, "description": "No such resource"},
    409: {"model": ErrorOut, "description": "Not possible now (e.g. the resource is retired)"},
}

router = APIRouter(
    prefix="/v1/editor",
    tags=["editor"],
    dependencies=[Depends(get_editor)],
    responses=_AUTH_RESPONSES,
)

ResourceId = Annotated[int, Path(ge=1, le=MAX_ID, description="the resource's numeric id")]
RunId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/problems", summary="Every resource that needs an editor")
async def list_problems(
    session: SessionDep,
    settings: SettingsDep,
    guide: Annotated[
        str | None, Query(pattern=SLUG_PATTERN, max_length=120, description="one guide's slug")
    ] = None,
) -> ProblemsOut:
    """Resources not in the working group, and any with open readers' reports, with the
    latest evidence, suggestions and warnings; most severe first, then oldest. Snoozed ones
    are hidden until their date."""
    now = utcnow()
    found = await problems(session, now=now, guide_slug=guide)
    warnings = await resource_warnings(
        session, urls={p.resource_id: p.url for p in found}, now=now, policy=settings.watch_policy()
    )
    return ProblemsOut(
        count=len(found),
        problems=[ProblemOut.of(p, warnings.get(p.resource_id)) for p in found],
    )


@router.get("/warnings", summary="Resources whose domain or certificate may soon be lost")
async def list_warnings(
    session: SessionDep,
    settings: SettingsDep,
    guide: Annotated[
        str | None, Query(pattern=SLUG_PATTERN, max_length=120, description="one guide's slug")
    ] = None,
) -> WatchOut:
    """Every live resource with a warning (domain expiring, on registry hold, in redemption or
    pending deletion, name servers moved to a parking provider, certificate expiring), in
    catalog order. Warnings never change a verdict or hide a resource."""
    found = await watched_resources(
        session, now=utcnow(), policy=settings.watch_policy(), guide_slug=guide
    )
    return WatchOut(count=len(found), resources=[WatchedOut.of(w) for w in found])


@router.get("/runs", summary="Check runs, newest first")
async def list_runs(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="runs older than")] = None,
) -> RunsOut:
    """Runs with status, duration and counts per verdict."""
    runs = await run_summaries(session, limit=limit, before_id=before)
    return RunsOut(runs=[RunOut.of(r) for r in runs])


@router.get(
    "/runs/{run_id}",
    responses={404: {"model": ErrorOut, "description": "No such run"}},
    summary="One check run",
)
async def get_run(run_id: RunId, session: SessionDep) -> RunOut:
    """A run's status, duration and counts per verdict."""
    run = await run_summary(session, run_id=run_id)
    if run is None:
        raise NotFoundError("run", run_id)
    return RunOut.of(run)


@router.post(
    "/runs",
    status_code=status.HTTP_202_ACCEPTED,
    responses={409: {"model": ErrorOut, "description": "A run is already running"}},
    summary="Start a full check run now",
)
async def start_run(editor: EditorDep, session: SessionDep, background: BackgroundDep) -> ActionOut:
    """Checks every guide's links now, in the background; 409 while a run is running."""
    background.reserve_run()
    try:
        async with session.begin():
            result = await editing.start_run(session, actor=editor.name)
    except BaseException:
        background.release_run()
        raise
    background.start_run()
    return ActionOut.of(result)


@router.get(
    "/resources/{resource_id}/history",
    responses={404: {"model": ErrorOut, "description": "No such resource"}},
    summary="A resource's checks, editors' actions and readers' reports",
)
async def get_history(
    resource_id: ResourceId, session: SessionDep, settings: SettingsDep
) -> HistoryOut:
    """Everything that happened to a resource, newest first (checks of earlier URLs too),
    with its warnings and its domain's registration."""
    history = await resource_history(session, resource_id=resource_id)
    if history is None:
        raise NotFoundError("resource", resource_id)
    url = history.resource.url
    watch = await watch_of(session, urls=[url])
    warnings = watch.warnings(url, now=utcnow(), policy=settings.watch_policy())
    return HistoryOut.of(history, warnings, watch.domain(url))


@router.post(
    "/resources/{resource_id}/accept-suggestion",
    responses=_RESOURCE_RESPONSES,
    summary="Switch to the suggested URL",
)
async def accept_suggestion(
    resource_id: ResourceId,
    editor: EditorDep,
    session: SessionDep,
    background: BackgroundDep,
) -> ActionOut:
    """The resource's URL becomes the checker's suggested one (e.g. a permanent redirect's
    target) and is rechecked; 409 when there is no suggestion."""
    async with session.begin():
        result = await editing.accept_suggestion(
            session, resource_id=resource_id, actor=editor.name
        )
    background.kick()
    return ActionOut.of(result)


@router.patch(
    "/resources/{resource_id}",
    responses=_RESOURCE_RESPONSES,
    summary="Edit a resource",
)
async def edit_resource(
    resource_id: ResourceId,
    patch: ResourcePatch,
    editor: EditorDep,
    session: SessionDep,
    background: BackgroundDep,
) -> ActionOut:
    """Change url, title, description, phone or expect_text, validated as the catalog is;
    a 422 names each invalid field. A new URL, phone or expect_text is rechecked.
    `curator export` writes the change back to resources.yaml."""
    async with session.begin():
        result = await editing.edit_resource(
            session,
            resource_id=resource_id,
            actor=editor.name,
            changes=patch.model_dump(exclude_unset=True),
        )
    if result.recheck_id is not None:
        background.kick()
    return ActionOut.of(result)


@router.post(
    "/resources/{resource_id}/snooze",
    responses=_RESOURCE_RESPONSES,
    summary="Hide a false positive until a date",
)
async def snooze(
    resource_id: ResourceId, body: SnoozeIn, editor: EditorDep, session: SessionDep
) -> ActionOut:
    """The resource leaves the problems list until `until` (UTC when no zone is given)."""
    until = body.until if body.until.tzinfo else body.until.replace(tzinfo=UTC)
    async with session.begin():
        result = await editing.snooze(
            session, resource_id=resource_id, actor=editor.name, until=until, reason=body.reason
        )
    return ActionOut.of(result)


@router.post(
    "/resources/{resource_id}/retire",
    responses=_RESOURCE_RESPONSES,
    summary="Take a resource off its guide's list",
)
async def retire(
    resource_id: ResourceId,
    editor: EditorDep,
    session: SessionDep,
    body: Annotated[RetireIn | None, Body()] = None,
) -> ActionOut:
    """The resource no longer appears on the public list; its history stays."""
    async with session.begin():
        result = await editing.retire(
            session,
            resource_id=resource_id,
            actor=editor.name,
            reason=body.reason if body is not None else None,
        )
    return ActionOut.of(result)


@router.post(
    "/resources/{resource_id}/recheck",
    status_code=status.HTTP_202_ACCEPTED,
    responses=_RESOURCE_RESPONSES,
    summary="Recheck a resource now",
)
async def recheck(
    resource_id: ResourceId, editor: EditorDep, session: SessionDep, background: BackgroundDep
) -> ActionOut:
    """Queues a recheck of the resource's link, run in the background right away."""
    async with session.begin():
        result = await editing.recheck(session, resource_id=resource_id, actor=editor.name)
    background.kick()
    return ActionOut.of(result)
