"""The dashboard's actions (POST forms): accept a suggestion, recheck, snooze and end a snooze,
retire and restore, close readers' reports, edit, start a run. Each runs in its own transaction
and answers with a redirect to a page that says what happened (a refused form comes back
there as it was sent). They are registered on the dashboard's router (`api.dashboard.routes`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time
from typing import Annotated

from fastapi import Form, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.background import Background
from api.dashboard import data
from api.dashboard.pages import parse_day, snooze_last
from api.dashboard.routes import (
    EditorAction,
    ResourceId,
    end_read,
    jar,
    redirect_to,
    resource_response,
    router,
    safe_back,
)
from api.dashboard.session import Flash, RefusedForm
from api.dashboard.timeline import format_day
from api.deps import BackgroundDep, SessionDep
from curator import editing
from curator.editing import ActionResult
from curator.errors import ConflictError, CuratorError, InvalidEditError, NotFoundError


async def _act(
    request: Request,
    db: AsyncSession,
    background: Background,
    back: str | None,
    default: str,
    action: Callable[[], Awaitable[ActionResult]],
    refused: RefusedForm | None = None,
) -> Response:
    """Run one action in its own transaction; report what happened on the next page. A form
    given as `refused` comes back as it was sent when the action is refused."""
    target = safe_back(request, back, default)
    await end_read(db)
    try:
        async with db.begin():
            result = await action()
    except NotFoundError:
        raise
    except CuratorError as exc:
        if refused is not None and isinstance(exc, InvalidEditError):
            errors = {k: v[:1].upper() + v[1:] + "." for k, v in exc.errors.items()}
            refused = RefusedForm(refused.action, refused.resource_id, refused.values, errors)
        return redirect_to(request, target, Flash("error", f"Nothing was changed: {exc}", refused))
    if result.recheck_id is not None:
        background.kick()  # recheck now, in this process, rather than at the next poll
    return redirect_to(request, target, Flash("success", result.message))


def _refuse(
    request: Request, target: str, nothing: str, form: RefusedForm, field: str, problem: str
) -> Response:
    """Back to `target` with `form` as it was sent and `problem` beside its `field`; the
    message says `nothing` ("Nothing was snoozed") happened, and why."""
    refused = RefusedForm(form.action, form.resource_id, form.values, {field: problem})
    text = f"{nothing}: {problem[:1].lower()}{problem[1:]}"
    return redirect_to(request, target, Flash("error", text, refused))


@router.post("/resources/{resource_id}/accept-suggestion", name="dashboard_accept")
async def accept_suggestion(
    request: Request,
    resource_id: ResourceId,
    editor: EditorAction,
    db: SessionDep,
    background: BackgroundDep,
    back: Annotated[str, Form()] = "",
) -> Response:
    """Point the resource at the suggested URL and recheck it."""
    return await _act(
        request,
        db,
        background,
        back,
        request.url_for("dashboard_problems").path,
        lambda: data.accept_suggestion(db, resource_id=resource_id, actor=editor.name),
    )


@router.post("/resources/{resource_id}/recheck", name="dashboard_recheck")
async def recheck(
    request: Request,
    resource_id: ResourceId,
    editor: EditorAction,
    db: SessionDep,
    background: BackgroundDep,
    back: Annotated[str, Form()] = "",
) -> Response:
    """Queue a recheck of this resource."""
    return await _act(
        request,
        db,
        background,
        back,
        request.url_for("dashboard_problems").path,
        lambda: data.recheck(db, resource_id=resource_id, actor=editor.name),
    )


REASON_SHOWN = 1000
"""The most of a refused reason the form gets back: the snooze form's maxlength."""
UNTIL_SHOWN = 40
"""The most of a refused date the form gets back (a date is 10 characters)."""


@router.post("/resources/{resource_id}/snooze", name="dashboard_snooze")
async def snooze(
    request: Request,
    resource_id: ResourceId,
    editor: EditorAction,
    db: SessionDep,
    background: BackgroundDep,
    until: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """Hide a false positive from the problems until a date."""
    target = safe_back(request, back, request.url_for("dashboard_problems").path)
    # A refusal brings the form back as it was sent (the chosen date, the reason typed), the
    # problem beside its field: nothing the editor chose is lost.
    form = RefusedForm(
        "snooze", resource_id, {"until": until[:UNTIL_SHOWN], "reason": reason[:REASON_SHOWN]}
    )

    def refuse(field: str, problem: str) -> Response:
        return _refuse(request, target, "Nothing was snoozed", form, field, problem)

    day = parse_day(until)
    today = datetime.now(UTC).date()
    if day is None or day <= today:
        return refuse("until", "Choose a date after today.")
    if day > (last := snooze_last(today)):
        return refuse("until", f"Choose a date no later than {format_day(last)}.")
    if not reason.strip():
        return refuse("reason", "Say why it is a false positive.")
    until_at = datetime.combine(day, time.min, tzinfo=UTC)
    return await _act(
        request,
        db,
        background,
        back,
        target,
        lambda: data.snooze(
            db, resource_id=resource_id, actor=editor.name, until=until_at, reason=reason.strip()
        ),
        refused=form,
    )


CLOSE_REASON_SHOWN = 500
"""The most of a refused reason the close form gets back: its maxlength."""


@router.post("/resources/{resource_id}/close-reports", name="dashboard_close_reports")
async def close_reports(
    request: Request,
    resource_id: ResourceId,
    editor: EditorAction,
    db: SessionDep,
    background: BackgroundDep,
    reason: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """Close the resource's open readers' reports, saying why."""
    target = safe_back(request, back, request.url_for("dashboard_problems").path)
    form = RefusedForm("close_reports", resource_id, {"reason": reason[:CLOSE_REASON_SHOWN]})
    if not reason.strip():
        return _refuse(
            request, target, "Nothing was closed", form, "reason", "Say why the reports are closed."
        )
    return await _act(
        request,
        db,
        background,
        back,
        target,
        lambda: data.close_reports(
            db, resource_id=resource_id, actor=editor.name, reason=reason.strip()
        ),
        refused=form,
    )


@router.post("/resources/{resource_id}/end-snooze", name="dashboard_end_snooze")
async def end_snooze(
    request: Request,
    resource_id: ResourceId,
    editor: EditorAction,
    db: SessionDep,
    background: BackgroundDep,
    back: Annotated[str, Form()] = "",
) -> Response:
    """End a snooze now: the resource stands as its link says again."""
    return await _act(
        request,
        db,
        background,
        back,
        request.url_for("dashboard_problems").path,
        lambda: data.end_snooze(db, resource_id=resource_id, actor=editor.name),
    )


@router.post("/resources/{resource_id}/restore", name="dashboard_restore")
async def restore(
    request: Request,
    resource_id: ResourceId,
    editor: EditorAction,
    db: SessionDep,
    background: BackgroundDep,
    back: Annotated[str, Form()] = "",
) -> Response:
    """Put a retired resource back on its guide's list (and recheck it)."""
    return await _act(
        request,
        db,
        background,
        back,
        request.url_for("dashboard_resource", resource_id=resource_id).path,
        lambda: data.restore(db, resource_id=resource_id, actor=editor.name),
    )


@router.post("/resources/{resource_id}/retire", name="dashboard_retire")
async def retire(
    request: Request,
    resource_id: ResourceId,
    editor: EditorAction,
    db: SessionDep,
    background: BackgroundDep,
    back: Annotated[str, Form()] = "",
) -> Response:
    """Take the resource off the published list."""
    return await _act(
        request,
        db,
        background,
        back,
        request.url_for("dashboard_problems").path,
        lambda: data.retire(db, resource_id=resource_id, actor=editor.name),
    )


EDIT_REFUSED = "Nothing was saved: the edit form below says what to change."


@router.post("/resources/{resource_id}/edit", name="dashboard_edit")
async def edit(
    request: Request,
    resource_id: ResourceId,
    editor: EditorAction,
    db: SessionDep,
    background: BackgroundDep,
) -> Response:
    """Save the edit form; invalid values re-show the form with each field's problem."""
    page = request.url_for("dashboard_resource", resource_id=resource_id).path
    form = await request.form()
    # A field the form did not send is left as it is.
    submitted = {
        name: value.strip() for name in data.EDITABLE if isinstance(value := form.get(name), str)
    }
    await end_read(db)
    try:
        async with db.begin():
            result = await data.edit(
                db, resource_id=resource_id, actor=editor.name, values=submitted
            )
    except InvalidEditError as exc:
        errors = {k: v[:1].upper() + v[1:] for k, v in exc.errors.items()}
        # Post/redirect/get: the form comes back on the page the redirect shows, as it was
        # sent (the fields that differ from the resource's values), so reloading that page
        # sends nothing again.
        kept = await data.changed_values(db, resource_id=resource_id, submitted=submitted)
        await end_read(db)
        refused = RefusedForm("edit", resource_id, kept, errors)
        flash = Flash("error", EDIT_REFUSED, refused)
        if not jar(request).fits(flash):
            # Values past what a cookie holds (pages of notes): shown at once rather than
            # lost; the only answer to a form that is not a redirect.
            return await resource_response(
                request, editor, db, resource_id, errors=errors, submitted=submitted
            )
        return redirect_to(request, page + "#edit", flash)
    except NotFoundError:
        raise
    except CuratorError as exc:
        return redirect_to(request, page, Flash("error", f"Nothing was saved: {exc}"))
    if result.recheck_id is not None:
        background.kick()
    return redirect_to(request, page, Flash("success", result.message))


@router.post("/runs", name="dashboard_start_run")
async def start_run(
    request: Request, editor: EditorAction, db: SessionDep, background: BackgroundDep
) -> Response:
    """Start a full run now, unless one is already running."""
    runs_path = request.url_for("dashboard_runs").path
    try:
        background.reserve_run()  # as the editor API does: two clicks cannot start two runs
        try:
            await end_read(db)
            async with db.begin():
                result = await editing.start_run(db, actor=editor.name)
        except BaseException:
            background.release_run()
            raise
    except ConflictError as exc:
        return redirect_to(request, runs_path, Flash("error", f"Not started: {exc}."))
    background.start_run()
    return redirect_to(request, runs_path, Flash("success", result.message))
