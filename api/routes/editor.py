"""Editors' routes (bearer token): problems, runs, a resource's history, and actions.

Every action runs in one transaction with the editor_actions row that records who did it
and when; a recheck it queues is drained in the background right after the commit.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Awaitable, Callable
from datetime import UTC
from typing import Annotated, Any, get_type_hints

from fastapi import APIRouter, Body, Depends, Path, Query, Request, status
from starlette.convertors import Convertor, register_url_convertor

from api.deps import MAX_ID, BackgroundDep, EditorDep, SessionDep, SettingsDep, get_editor
from api.schemas.base import ErrorOut
from api.schemas.editor import (
    ActionOut,
    CloseReportsIn,
    HistoryOut,
    ProblemCountsOut,
    ProblemOut,
    ProblemsOut,
    ResourceOut,
    ResourcePatch,
    ResourcesOut,
    RetireIn,
    SnoozeIn,
    WatchedOut,
    WatchOut,
)
from api.schemas.runs import RunDetailOut, RunOut, RunsOut, SchedulerOut
from curator import editing
from curator.catalog.schema import SLUG_PATTERN
from curator.domain import Group, State, Verdict
from curator.errors import InvalidEditError, NotFoundError
from curator.registration.warnings import WatchWarning
from curator.store.base import utcnow
from curator.store.history import (
    parse_result_cursor,
    resource_history,
    run_results,
    run_summaries,
    run_summary,
)
from curator.store.job_states import scheduler_overview
from curator.store.listing import (
    CURSOR_PATTERN,
    QUERY_MAX,
    ResourceAddress,
    resource_id_at,
    resource_page,
    resource_summary,
)
from curator.store.problems import (
    MAX_PAGE_SIZE,
    PAGE_CURSOR_PATTERN,
    PAGE_SIZE,
    ProblemFilter,
    ProblemPage,
    problem_page,
)
from curator.store.standings import standings
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

RunId = Annotated[int, Path(ge=1, le=MAX_ID)]
GuideQuery = Annotated[
    str | None, Query(pattern=SLUG_PATTERN, max_length=120, description="one guide's slug")
]


# --- a resource's address: its numeric id, or guide/key -------------------------------------


async def _by_id(
    resource_id: Annotated[int, Path(ge=1, le=MAX_ID, description="the resource's numeric id")],
) -> int:
    return resource_id


async def _by_address(
    guide: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=120, description="guide slug")],
    key: Annotated[
        str,
        Path(pattern=SLUG_PATTERN, max_length=200, description="the resource's id in the guide"),
    ],
    session: SessionDep,
) -> int:
    address = ResourceAddress(guide, key)
    found = await resource_id_at(session, address=address)
    if session.in_transaction():
        await session.rollback()  # the look-up is over: an action opens its own transaction
    if found is None:
        raise NotFoundError("resource", str(address))
    return found


class _SignedNumber(Convertor[str]):
    """A path segment that is a number, signed or not: an id route takes it (and refuses it
    with a 422 when out of range), so a guide/key route never sees one."""

    regex = "-?[0-9]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return str(value)


def _key_not_action(actions: list[str]) -> Convertor[str]:
    """A resource key that is not the name of a resource's action (`history`, `recheck`…):
    `/resources/x/recheck` is always an action on resource x, never the resource `recheck`
    of a guide `x` (such a resource is addressed by its id)."""

    class KeyNotAction(Convertor[str]):
        regex = "(?!(?:" + "|".join(re.escape(a) for a in actions) + ")$)[^/]+"

        def convert(self, value: str) -> str:
            return value

        def to_string(self, value: str) -> str:
            return str(value)

    return KeyNotAction()


register_url_convertor("number", _SignedNumber())

ById = Annotated[int, Depends(_by_id)]
ByAddress = Annotated[int, Depends(_by_address)]
_BY_ADDRESS: list[tuple[str, Callable[..., Awaitable[Any]], dict[str, Any]]] = []


def resource_route(
    method: str, suffix: str = "", **options: Any
) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
    """Serve an endpoint whose `resource_id` parameter names a resource at
    `/resources/{resource_id}{suffix}` and at `/resources/{guide}/{key}{suffix}`.

    The numeric routes are added at once, the guide/key ones after every numeric one (see
    `add_address_routes`), so `/resources/12/history` is resource 12's history, never the
    resource `history` of a guide `12`.
    """

    def register(endpoint: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        hints = get_type_hints(endpoint, include_extras=True)
        signature = inspect.signature(endpoint)

        def variant(ref: object, name: str) -> Callable[..., Awaitable[Any]]:
            @functools.wraps(endpoint)
            async def route(**kwargs: Any) -> Any:
                return await endpoint(**kwargs)

            params = [
                p.replace(annotation=ref if p.name == "resource_id" else hints[p.name])
                for p in signature.parameters.values()
            ]
            route.__signature__ = signature.replace(  # type: ignore[attr-defined]
                parameters=params, return_annotation=hints["return"]
            )
            route.__name__ = name
            return route

        router.add_api_route(
            "/resources/{resource_id:number}" + suffix,
            variant(ById, endpoint.__name__),
            methods=[method],
            **options,
        )
        _BY_ADDRESS.append(
            (
                "/resources/{guide}/{key}" + suffix,
                variant(ByAddress, endpoint.__name__ + "_by_address"),
                {"methods": [method], **options},
            )
        )
        return endpoint

    return register


def add_address_routes() -> None:
    """Add the guide/key routes, after every numeric one."""
    actions = sorted({path.rsplit("/", 1)[1] for path, _, _ in _BY_ADDRESS if path.count("/") > 3})
    register_url_convertor("resource_key", _key_not_action(actions))
    for path, endpoint, options in _BY_ADDRESS:
        if path.endswith("{key}"):
            path = path.replace("{key}", "{key:resource_key}")
        router.add_api_route(path, endpoint, **options)
    _BY_ADDRESS.clear()


_GUIDE_QUERY = Query(pattern=SLUG_PATTERN, max_length=120, description="one guide's slug")
_AFTER_QUERY = Query(
    max_length=60, pattern=PAGE_CURSOR_PATTERN, description="`next_after` of the previous page"
)
_LIMIT_QUERY = Query(ge=1, le=MAX_PAGE_SIZE, description="problems a page")


@router.get("/problems", summary="A page of the resources that need an editor")
async def list_problems(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    guide: Annotated[str | None, _GUIDE_QUERY] = None,
    group: Annotated[Group | None, Query(description="one group's problems")] = None,
    verdict: Annotated[Verdict | None, Query(description="one verdict's problems")] = None,
    state: Annotated[State | None, Query(description="one state's problems")] = None,
    limit: Annotated[int, _LIMIT_QUERY] = PAGE_SIZE,
    after: Annotated[str | None, _AFTER_QUERY] = None,
) -> ProblemsOut:
    """The live resources whose standing needs an editor (unsafe, confirmed broken, failing
    and not confirmed yet, moved, refusing automated checks, or reported by readers), each saying
    what readers see (`public`, `hidden_since`, `readers`), with the latest evidence,
    suggestions and warnings; most severe first, then oldest, a page at a time (`next_after`
    is the next page's `?after=`). `counts` says how many there are in each group, state and
    verdict, whatever the page and filters. Snoozed ones are at `/snoozed`."""
    now = utcnow()
    where = ProblemFilter(guide_slug=guide, group=group, verdict=verdict, state=state)
    page = await problem_page(
        session,
        now=now,
        where=where,
        limit=limit,
        after=after,
        cache=request.app.state.problem_cache,
    )
    warnings = await resource_warnings(
        session,
        urls={p.resource_id: p.url for p in page.problems},
        now=now,
        policy=settings.watch_policy(),
    )
    return _problems_out(page, warnings)


def _problems_out(
    page: ProblemPage, warnings: dict[int, list[WatchWarning]] | None = None
) -> ProblemsOut:
    return ProblemsOut(
        count=page.matching,
        counts=ProblemCountsOut.of(page.counts),
        problems=[ProblemOut.of(p, (warnings or {}).get(p.resource_id)) for p in page.problems],
        next_after=page.next_after,
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
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="runs older than")] = None,
) -> RunsOut:
    """Runs with status, duration and counts per verdict; when the scheduler's next check
    is due and how each of its jobs last ended."""
    runs = await run_summaries(session, limit=limit, before_id=before)
    overview = await scheduler_overview(session)
    return RunsOut(
        runs=[RunOut.of(r) for r in runs],
        scheduler=SchedulerOut.of(
            overview,
            full_cron=settings.full_check_cron,
            confirm_cron=settings.confirm_check_cron,
            timezone=settings.timezone,
        ),
    )


@router.get(
    "/runs/{run_id}",
    responses={404: {"model": ErrorOut, "description": "No such run"}},
    summary="One check run and its results",
)
async def get_run(
    run_id: RunId,
    session: SessionDep,
    results_limit: Annotated[int, Query(ge=1, le=1000, description="results a page")] = 200,
    results_after: Annotated[
        str | None,
        Query(
            max_length=40,
            pattern=r"^[a-z0-9_]+:[0-9]{1,18}$",
            description="`next_results` of the previous page",
        ),
    ] = None,
) -> RunDetailOut:
    """A run's status, duration and counts per verdict, and what it found for each URL (its
    verdict, status code, detail and final URL, with the resources listing it), most severe
    verdict first, a page at a time."""
    run = await run_summary(session, run_id=run_id)
    if run is None:
        raise NotFoundError("run", run_id)
    after = None
    if results_after is not None:
        after = parse_result_cursor(results_after)
        if after is None:
            raise InvalidEditError(
                {"results_after": "is not a cursor this API gave (`next_results`)"},
                location="query",
            )
    results = await run_results(session, run_id=run_id, after=after, limit=results_limit)
    return RunDetailOut.with_results(run, results)


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


@router.get("/resources", summary="Every resource, working ones too; searchable")
async def list_resources(
    session: SessionDep,
    guide: GuideQuery = None,
    q: Annotated[
        str | None,
        Query(max_length=QUERY_MAX, description="text found in the title, URL or key (any case)"),
    ] = None,
    after: Annotated[
        str | None,
        Query(pattern=CURSOR_PATTERN, max_length=330, description="`next_after` of the last page"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ResourcesOut:
    """Every resource of the catalog (or of one guide) with its link's status, in guide and
    key order, retired ones marked; `q` keeps those whose title, URL or key contains it. A
    page costs a few queries whatever the catalog's size; follow `next_after` for the next."""
    cursor = ResourceAddress.parse(after) if after else None
    page = await resource_page(session, guide_slug=guide, text=q, after=cursor, limit=limit)
    return ResourcesOut.of(page)


@resource_route(
    "GET",
    responses={404: {"model": ErrorOut, "description": "No such resource"}},
    summary="One resource and its link's status",
)
async def get_resource(resource_id: int, session: SessionDep) -> ResourceOut:
    """A resource as the resources list shows it: catalog values (notes included), its
    link's status, snooze, retirement and open readers' reports."""
    found = await resource_summary(session, resource_id=resource_id)
    if found is None:
        raise NotFoundError("resource", resource_id)
    return ResourceOut.of(found)


@resource_route(
    "GET",
    "/history",
    responses={404: {"model": ErrorOut, "description": "No such resource"}},
    summary="A resource's checks, editors' actions and readers' reports",
)
async def get_history(resource_id: int, session: SessionDep, settings: SettingsDep) -> HistoryOut:
    """Everything that happened to a resource, newest first (checks of earlier URLs too),
    with its warnings and its domain's registration."""
    history = await resource_history(session, resource_id=resource_id)
    if history is None:
        raise NotFoundError("resource", resource_id)
    url = history.resource.url
    now = utcnow()
    watch = await watch_of(session, urls=[url])
    warnings = watch.warnings(url, now=now, policy=settings.watch_policy())
    (found,) = await standings(session, now=now, resource_ids=[resource_id], include_retired=True)
    return HistoryOut.of(history, warnings, watch.domain(url), found.standing)


@resource_route(
    "POST",
    "/accept-suggestion",
    responses=_RESOURCE_RESPONSES,
    summary="Switch to the suggested URL",
)
async def accept_suggestion(
    resource_id: int,
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


@resource_route(
    "PATCH",
    responses=_RESOURCE_RESPONSES,
    summary="Edit a resource",
)
async def edit_resource(
    resource_id: int,
    patch: ResourcePatch,
    editor: EditorDep,
    session: SessionDep,
    background: BackgroundDep,
) -> ActionOut:
    """Change url, title, kind, description, phone, expect_text, audience, region or notes,
    validated as the catalog is; a 422 names each invalid field, and for the resource's id or
    its guide and section, where in resources.yaml to change them. A new URL, kind, phone or
    expect_text is rechecked. `curator export` writes the change back to resources.yaml."""
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


@resource_route(
    "POST",
    "/snooze",
    responses=_RESOURCE_RESPONSES,
    summary="Hide a false positive until a date",
)
async def snooze(
    resource_id: int, body: SnoozeIn, editor: EditorDep, session: SessionDep
) -> ActionOut:
    """A false positive: the resource stays published (a confirmed broken link as `ok`), counts
    as working and leaves the problems list until `until` (UTC when no zone is given)."""
    until = body.until if body.until.tzinfo else body.until.replace(tzinfo=UTC)
    async with session.begin():
        result = await editing.snooze(
            session, resource_id=resource_id, actor=editor.name, until=until, reason=body.reason
        )
    return ActionOut.of(result)


@resource_route(
    "POST",
    "/retire",
    responses=_RESOURCE_RESPONSES,
    summary="Take a resource off its guide's list",
)
async def retire(
    resource_id: int,
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


@resource_route(
    "POST",
    "/recheck",
    status_code=status.HTTP_202_ACCEPTED,
    responses=_RESOURCE_RESPONSES,
    summary="Recheck a resource now",
)
async def recheck(
    resource_id: int, editor: EditorDep, session: SessionDep, background: BackgroundDep
) -> ActionOut:
    """Queues a recheck of the resource's link, run in the background right away."""
    async with session.begin():
        result = await editing.recheck(session, resource_id=resource_id, actor=editor.name)
    background.kick()
    return ActionOut.of(result)


@resource_route(
    "POST",
    "/close-reports",
    responses=_RESOURCE_RESPONSES,
    summary="Close a resource's open readers' reports, saying why",
)
async def close_reports(
    resource_id: int, body: CloseReportsIn, editor: EditorDep, session: SessionDep
) -> ActionOut:
    """For reports of a link that works (compare them with the problem's `evidence`, open the
    page): closes every open report of the resource with the reason given, kept with who
    closed them (`resolved_by`, `resolution` in its history). The resource leaves the problems
    list unless its link needs an editor too; 409 when it has no open report."""
    async with session.begin():
        result = await editing.close_reports(
            session, resource_id=resource_id, actor=editor.name, reason=body.reason
        )
    return ActionOut.of(result)


@router.get("/snoozed", summary="Resources snoozed as false positives")
async def list_snoozed(
    request: Request,
    session: SessionDep,
    guide: Annotated[str | None, _GUIDE_QUERY] = None,
    limit: Annotated[int, _LIMIT_QUERY] = PAGE_SIZE,
    after: Annotated[str | None, _AFTER_QUERY] = None,
) -> ProblemsOut:
    """The live resources snoozed as false positives, the soonest snooze end first, with
    their standing: each stays published and is not a problem until `snoozed_until`. A page
    at a time, as `/problems`."""
    page = await problem_page(
        session,
        now=utcnow(),
        where=ProblemFilter(guide_slug=guide),
        limit=limit,
        after=after,
        snoozed=True,
        cache=request.app.state.problem_cache,
    )
    return _problems_out(page)


@resource_route(
    "POST",
    "/end-snooze",
    responses=_RESOURCE_RESPONSES,
    summary="End a snooze now",
)
async def end_snooze(resource_id: int, editor: EditorDep, session: SessionDep) -> ActionOut:
    """The resource stands as its link says again: back on the problems list if it needs an
    editor, hidden from readers if it is confirmed broken; 409 when it is not snoozed."""
    async with session.begin():
        result = await editing.end_snooze(session, resource_id=resource_id, actor=editor.name)
    return ActionOut.of(result)


@resource_route(
    "POST",
    "/restore",
    responses=_RESOURCE_RESPONSES,
    summary="Put a retired resource back on its guide's list",
)
async def restore(
    resource_id: int, editor: EditorDep, session: SessionDep, background: BackgroundDep
) -> ActionOut:
    """The resource is published again and rechecked; 409 when it is not retired."""
    async with session.begin():
        result = await editing.restore(session, resource_id=resource_id, actor=editor.name)
    background.kick()
    return ActionOut.of(result)


add_address_routes()
