"""The editor dashboard under /editor: sign-in, problems, a resource's page, runs, actions.

Every page is server-rendered; every action is a plain HTML form POST carrying the session's
CSRF token, calls the same domain functions as the editor API, and answers with a redirect
(post/redirect/get) that leaves a one-time message for the next page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from api.dashboard import data
from api.dashboard.pages import (
    RECHECK_RELOAD_SECONDS,
    STYLESHEET,
    error_page,
    follows_recheck,
    render,
    render_off_loop,
)
from api.dashboard.session import (
    CSRF_FIELD,
    SESSION_MAX_AGE,
    BrowserSession,
    CookieJar,
    Flash,
    RefusedForm,
    new_session,
)
from api.dashboard.timeline import build_timeline
from api.dashboard.views import sections_of
from api.deps import MAX_ID, SessionDep, get_settings, note_token_use
from api.errors import answer_for
from curator.catalog.schema import SLUG_PATTERN
from curator.domain import Group, State, Verdict
from curator.errors import CuratorError, NotFoundError
from curator.labels import GROUPS, STATES
from curator.store.listing import QUERY_MAX
from curator.store.problems import ProblemFilter


class SignInRequired(Exception):
    """The page needs a signed-in editor; the browser goes to the sign-in page."""


class CsrfRejected(Exception):
    """A form came back without this session's CSRF token."""

    def __init__(self, browser: BrowserSession | None) -> None:
        super().__init__("missing or wrong CSRF token")
        self.browser = browser


class DashboardRoute(APIRoute):
    """Answers the dashboard's refusals with HTML pages and redirects, not the API's JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, wrapped so refusals become pages."""
        handler = super().get_route_handler()

        async def dashboard_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                return await _to_sign_in(request)
            except CsrfRejected as exc:
                return error_page(
                    request,
                    browser=exc.browser,
                    status_code=403,
                    title="Action refused",
                    message="This form did not carry a valid security token, so nothing was "
                    "changed. Open the page again (not this one: reloading it sends the "
                    "same form) and try once more.",
                )
            except CuratorError as exc:
                answer = answer_for(exc)
                if answer is None:
                    raise
                return error_page(
                    request,
                    browser=_jar(request).read_session(request),
                    status_code=answer.status,
                    title=answer.title,
                    message=f"There is {exc}." if isinstance(exc, NotFoundError) else f"{exc}.",
                )
            except RequestValidationError as exc:
                # /editor/resources/abc is a page that does not exist, not a JSON error.
                in_path = any(e.get("loc", ("",))[0] == "path" for e in exc.errors())
                return error_page(
                    request,
                    browser=_jar(request).read_session(request),
                    status_code=404 if in_path else 400,
                    title="Not found" if in_path else "Not understood",
                    message="There is no such page."
                    if in_path
                    else "The form came back incomplete, so nothing was changed.",
                )

        return dashboard_handler


SESSION_ENDED = "Your session has ended: sign in again."
ACTION_LOST = "Your session had ended, so nothing was changed: sign in again and try once more."


async def _to_sign_in(request: Request) -> Response:
    """The sign-in page, then back where the editor was: the page asked for (its filters
    kept), or for a form, the page it was sent from. A browser whose session ended (it expired,
    or its token was revoked) is told so, and an action that it was not carried out."""
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        form = await request.form()
        back = form.get("back")
        referer = urlsplit(request.headers.get("referer", ""))
        from_page = referer.path + (f"?{referer.query}" if referer.query else "")
        if referer.netloc != request.url.netloc:
            from_page = ""
        target = safe_back(
            request,
            back if isinstance(back, str) and back else from_page,
            request.url_for("dashboard_problems").path,
        )
    to = f"{request.url_for('dashboard_sign_in').path}?{urlencode({'next': target})}"
    browser = _jar(request).read_session(request)
    if browser is None or not browser.signed_in:
        return RedirectResponse(to, status_code=303)
    ended = SESSION_ENDED if request.method in ("GET", "HEAD") else ACTION_LOST
    return redirect_to(request, to, Flash("error", ended))


# Healthiest first, as the timeline's bar heights fall.
LEGEND = tuple(
    (group.value, f"{GROUPS[group].label.capitalize()} ({share})")
    for group, share in (
        (Group.WORKING, "full bar"),
        (Group.UPDATE, "¾"),
        (Group.UNKNOWN, "½"),
        (Group.BROKEN, "¼"),
    )
)

ResourceId = Annotated[int, Path(ge=1, le=MAX_ID)]
"""A resource id in a dashboard path: out of range is a page that does not exist."""

router = APIRouter(prefix="/editor", route_class=DashboardRoute, include_in_schema=False)


# --- dependencies ----------------------------------------------------------------------------


def jar(request: Request) -> CookieJar:
    """The dashboard's cookies, signed with the service's key."""
    return CookieJar(get_settings(request).secret_key.get_secret_value())


_jar = jar


@dataclass(frozen=True, slots=True)
class SignedInEditor:
    """A signed-in editor and their browser session."""

    name: str
    browser: BrowserSession


async def _editor(request: Request, db: SessionDep) -> SignedInEditor:
    browser = _jar(request).read_session(request)
    if browser is None or not browser.signed_in:
        raise SignInRequired
    assert browser.editor and browser.token_id is not None and browser.token_tag and browser.key
    # Signing out, or a revoked (or replaced) token, ends the session on the server.
    if not await data.signed_in(
        db, key=browser.key, token_id=browser.token_id, tag=browser.token_tag
    ):
        raise SignInRequired
    return SignedInEditor(browser.editor, browser)


async def _checked_editor(
    request: Request, editor: Annotated[SignedInEditor, Depends(_editor)]
) -> SignedInEditor:
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    if not editor.browser.csrf_matches(submitted if isinstance(submitted, str) else None):
        raise CsrfRejected(editor.browser)
    return editor


EditorPage = Annotated[SignedInEditor, Depends(_editor)]
"""A page only a signed-in editor sees."""
EditorAction = Annotated[SignedInEditor, Depends(_checked_editor)]
"""A form POST of a signed-in editor, CSRF token checked."""


def _flash(request: Request) -> Flash | None:
    return _jar(request).read_flash(request)


def _page_response(request: Request, response: Response) -> Response:
    if request.cookies.get("curator_flash"):
        _jar(request).clear_flash(request, response)
    return response


def redirect_to(request: Request, to: str, flash: Flash) -> RedirectResponse:
    response = RedirectResponse(to, status_code=303)
    _jar(request).write_flash(request, response, flash)
    return response


def safe_back(request: Request, back: str | None, default: str) -> str:
    """Where an action returns to: only a path of this dashboard, never another site."""
    prefix = request.url_for("dashboard_home").path.rstrip("/")
    if back and back.startswith(prefix + "/") and not back.startswith("//") and "\\" not in back:
        return back
    return default


# --- sign-in ---------------------------------------------------------------------------------


@router.get("/static/dashboard.css", name="dashboard_css")
async def stylesheet() -> Response:
    """The dashboard's stylesheet."""
    return Response(
        STYLESHEET,
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("", name="dashboard_home")
@router.get("/", name="dashboard_home_slash")
async def home(request: Request) -> RedirectResponse:
    """The dashboard starts at the problems."""
    return RedirectResponse(request.url_for("dashboard_problems").path, status_code=303)


@router.get("/sign-in", name="dashboard_sign_in")
async def sign_in_form(request: Request, db: SessionDep, next: str | None = None) -> Response:
    """The sign-in form; it opens an anonymous session so the form has a CSRF token."""
    jar = _jar(request)
    browser = jar.read_session(request)
    if browser is not None and browser.signed_in:
        assert browser.token_id is not None and browser.token_tag and browser.key
        if await data.signed_in(
            db, key=browser.key, token_id=browser.token_id, tag=browser.token_tag
        ):
            return RedirectResponse(
                safe_back(request, next, request.url_for("dashboard_problems").path),
                status_code=303,
            )
        browser = None
    if browser is None:
        browser = new_session()
    flash = _flash(request)
    error = None
    if flash is not None and flash.refused is not None and flash.refused.action == "sign_in":
        # A token refused by the POST before the redirect: said beside the field.
        error = flash.refused.errors.get("token")
        flash = None
    response = render(
        request,
        "sign_in.html",
        browser=BrowserSession(csrf=browser.csrf),
        title="Sign in",
        flash=flash,
        context={"next_path": safe_back(request, next, ""), "error": error},
    )
    jar.write_session(request, response, browser)
    return _page_response(request, response)


WRONG_TOKEN = "That token is not a valid editor token. Check it and try again."


@router.post("/sign-in", name="dashboard_sign_in_submit")
async def sign_in(
    request: Request,
    db: SessionDep,
    token: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check the editor token; on success the browser gets a signed-in session."""
    jar = _jar(request)
    browser = jar.read_session(request)
    if browser is None or not browser.csrf_matches(csrf_token):
        raise CsrfRejected(None)
    found = await data.sign_in(db, token=token.strip())
    if found is None:
        # Post/redirect/get: reloading the page that says so sends no token again.
        again = request.url_for("dashboard_sign_in").path
        if target := safe_back(request, next, ""):
            again += "?" + urlencode({"next": target})
        refused = RefusedForm("sign_in", 0, {}, {"token": WRONG_TOKEN})
        return redirect_to(request, again, Flash("error", WRONG_TOKEN, refused))
    signed, tag = found
    name = signed.name
    await db.rollback()  # the read is over; the token's use is noted in a write of its own
    await note_token_use(request, signed)
    async with db.begin():
        key = await data.open_session(
            db, token_id=signed.token_id, lifetime=timedelta(seconds=SESSION_MAX_AGE)
        )
    signed_in = browser.signed_in_as(name, signed.token_id, tag, key)
    target = safe_back(request, next, request.url_for("dashboard_problems").path)
    response = redirect_to(request, target, Flash("success", f"Signed in as {name}."))
    jar.write_session(request, response, signed_in)
    return response


@router.post("/sign-out", name="dashboard_sign_out")
async def sign_out(request: Request, editor: EditorAction, db: SessionDep) -> Response:
    """End the browser's session on the server, and forget it in the browser."""
    assert editor.browser.key
    await end_read(db)
    async with db.begin():
        await data.close_session(db, key=editor.browser.key)
    jar = _jar(request)
    response = redirect_to(
        request, request.url_for("dashboard_sign_in").path, Flash("success", "Signed out.")
    )
    jar.write_session(request, response, new_session())
    return response


# --- pages -----------------------------------------------------------------------------------


E = TypeVar("E", bound=Enum)


def _choice(kind: type[E], value: str) -> E | None:
    """A filter's value as the enum it names; None (no filter) for anything else."""
    try:
        return kind(value) if value else None
    except ValueError:
        return None


@router.get("/problems", name="dashboard_problems")
async def problems_page(
    request: Request,
    editor: EditorPage,
    db: SessionDep,
    guide: Annotated[str, Query(max_length=120)] = "",
    state: Annotated[str, Query(max_length=40)] = "",
    verdict: Annotated[str, Query(max_length=40)] = "",
    group: Annotated[str, Query(max_length=40)] = "",
    after: Annotated[str, Query(max_length=60)] = "",
    snoozed_after: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    """A page of the resources that need an editor, grouped by state, filterable by guide,
    state, verdict and group; a page of the snoozed ones; the watch list."""
    slug = guide if re.fullmatch(SLUG_PATTERN, guide) else None
    where = ProblemFilter(
        guide_slug=slug,
        state=_choice(State, state),
        verdict=_choice(Verdict, verdict),
        group=_choice(Group, group),
    )
    cache = request.app.state.problem_cache
    found = await data.problems(db, where=where, after=after or None, cache=cache)
    snoozed = await data.snoozed(db, guide=slug, after=snoozed_after or None, cache=cache)
    watch = await data.watched(db, get_settings(request).watch_policy())
    filters = {
        "guide": slug or "",
        "state": where.state.value if where.state else "",
        "verdict": where.verdict.value if where.verdict else "",
        "group": where.group.value if where.group else "",
    }
    base = request.url_for("dashboard_problems").path

    def href_with(**changes: str) -> str:
        query = {k: v for k, v in {**filters, **changes}.items() if v}
        return base + ("?" + urlencode(query) if query else "")

    response = await render_off_loop(
        request,
        "problems.html",
        browser=editor.browser,
        title="Problems",
        nav="problems",
        flash=_flash(request),
        context={
            "sections": sections_of(found.problems),
            "found": found,
            "total": found.counts.total,
            "filtered": any(v for k, v in filters.items() if k != "guide"),
            "filters": filters,
            "guides": await data.guides(db),
            "state_counts": data.state_counts(found.counts),
            "verdict_counts": data.verdict_counts(found.counts),
            "next_href": href_with(after=found.next_after) if found.next_after else None,
            "first_href": href_with() if after else None,
            "filter_href": href_with,
            "snoozed": snoozed.problems,
            "snoozed_total": snoozed.matching,
            "snoozed_next_href": href_with(snoozed_after=snoozed.next_after)
            if snoozed.next_after
            else None,
            "snoozed_words": STATES[State.SNOOZED],
            "watch": watch,
            "watch_summary": data.watch_line(watch, get_settings(request).watch_policy()),
            "back": str(request.url.path) + ("?" + request.url.query if request.url.query else ""),
        },
    )
    return _page_response(request, response)


async def resource_response(
    request: Request,
    editor: SignedInEditor,
    db: AsyncSession,
    resource_id: int,
    *,
    errors: dict[str, str] | None = None,
    submitted: dict[str, str] | None = None,
    flash: Flash | None = None,
) -> Response:
    status_code = 400 if errors else 200  # a form refused by this very request
    refused = flash.refused if flash is not None else None
    if errors is None and refused is not None and refused.action == "edit":
        if refused.resource_id == resource_id:
            # An edit refused by the POST before the redirect: the form as it was sent.
            errors, submitted = dict(refused.errors), dict(refused.values)
    page = await data.resource_page(db, resource_id=resource_id)
    follows = (
        not errors and refused is None and follows_recheck(page.problem.recheck, datetime.now(UTC))
    )
    warnings, registration = await data.resource_warnings(
        db, url=page.resource.url, policy=get_settings(request).watch_policy()
    )
    response = render(
        request,
        "resource.html",
        browser=editor.browser,
        title=page.problem.title,
        flash=flash,
        status_code=status_code,
        context={
            "r": page.problem,
            "timeline": build_timeline(page.checks),
            "checks": sorted(page.checks, key=lambda c: c.checked_at, reverse=True),
            "legend": LEGEND,
            "fields": data.edit_fields(page, submitted),
            "errors": errors or {},
            "history": page.history,
            "past_reports": page.past_reports,
            "placement": data.PLACEMENT_NOTE.format(
                key=page.resource.key,
                guide=page.resource.guide.slug,
                section=page.resource.section.title if page.resource.section else "none",
            ),
            "warnings": warnings,
            "registration": registration,
            "back": request.url_for("dashboard_resource", resource_id=resource_id).path,
            "follows_recheck": follows,
        },
    )
    if follows:
        # No script on the page: the browser reloads it (a plain GET) until the recheck is
        # done, and never while a refused form waits there to be corrected.
        response.headers["Refresh"] = str(RECHECK_RELOAD_SECONDS)
    return response


@router.get("/resources/{resource_id}", name="dashboard_resource")
async def resource_page(
    request: Request, resource_id: ResourceId, editor: EditorPage, db: SessionDep
) -> Response:
    """One resource: its health timeline, evidence, actions, edit form and history."""
    response = await resource_response(request, editor, db, resource_id, flash=_flash(request))
    return _page_response(request, response)


@router.get("/resources", name="dashboard_resources")
async def resources_page(
    request: Request,
    editor: EditorPage,
    db: SessionDep,
    q: Annotated[str, Query(max_length=QUERY_MAX)] = "",
    guide: Annotated[str, Query(max_length=120)] = "",
    after: Annotated[str, Query(max_length=330)] = "",
) -> Response:
    """Every resource, working ones too, with its status; searchable and by guide."""
    listing = await data.resource_list(
        db,
        guide=guide if re.fullmatch(SLUG_PATTERN, guide) else None,
        text=q,
        after=after or None,
    )
    next_href = None
    if listing.next_after:
        query = {"q": q, "guide": guide, "after": listing.next_after}
        next_href = (
            request.url_for("dashboard_resources").path
            + "?"
            + urlencode({k: v for k, v in query.items() if v})
        )
    response = await render_off_loop(
        request,
        "resources.html",
        browser=editor.browser,
        title="Resources",
        nav="resources",
        flash=_flash(request),
        context={
            "listing": listing,
            "q": q,
            "guide": guide,
            "paged": bool(after),
            "next_href": next_href,
        },
    )
    return _page_response(request, response)


@router.get("/resources/{guide}/{key}", name="dashboard_resource_at")
async def resource_at(
    request: Request,
    guide: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=120)],
    key: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=200)],
    editor: EditorPage,
    db: SessionDep,
) -> Response:
    """A resource by its guide and catalog id: its page."""
    resource_id = await data.resource_at(db, guide=guide, key=key)
    return RedirectResponse(
        request.url_for("dashboard_resource", resource_id=resource_id).path, status_code=303
    )


@router.get("/runs", name="dashboard_runs")
async def runs_page(request: Request, editor: EditorPage, db: SessionDep) -> Response:
    """Recent check runs, the scheduler's next check and its jobs, and the button that
    starts a run."""
    runs = await data.runs(db)
    schedule = await data.schedule(db)
    settings = get_settings(request)
    running = next((r for r in runs if r.status == "running"), None)
    response = render(
        request,
        "runs.html",
        browser=editor.browser,
        title="Runs",
        nav="runs",
        flash=_flash(request),
        context={
            "runs": runs,
            "running": running,
            "schedule": schedule,
            "crons": {
                "full_check": settings.full_check_cron,
                "confirm_check": settings.confirm_check_cron,
            },
            "timezone": settings.timezone,
        },
    )
    return _page_response(request, response)


@router.get("/runs/{run_id}", name="dashboard_run")
async def run_page(
    request: Request,
    run_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    editor: EditorPage,
    db: SessionDep,
    after: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """One run: what it found for each link, most severe first."""
    page = await data.run_page(db, run_id=run_id, after=after or None)
    next_href = None
    if page.next_after:
        next_href = (
            request.url_for("dashboard_run", run_id=run_id).path
            + "?"
            + urlencode({"after": page.next_after})
        )
    response = await render_off_loop(
        request,
        "run.html",
        browser=editor.browser,
        title=f"Run #{run_id}",
        nav="runs",
        flash=_flash(request),
        context={"page": page, "next_href": next_href, "paged": bool(after)},
    )
    return _page_response(request, response)


async def end_read(db: AsyncSession) -> None:
    """End the read the sign-in check began, so an action opens a write transaction of its
    own (on SQLite it takes the write lock first, so it cannot fail half-way as "locked")."""
    if db.in_transaction():
        await db.rollback()
