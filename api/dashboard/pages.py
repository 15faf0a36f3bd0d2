"""Rendering the dashboard's pages: templates, their filters, and the HTML error pages."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from api.dashboard.session import BrowserSession, Flash
from api.dashboard.timeline import format_day, format_moment
from curator.editing import SNOOZE_MAX
from curator.labels import GROUPS

SNOOZE_DAYS = 30
"""The snooze form's default: hide a false positive for a month."""

# Pages load nothing but the stylesheet, post only to themselves and are never framed.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def snooze_first(today: date) -> date:
    """The first day a snooze may end on: tomorrow (a snooze ending today is refused)."""
    return today + timedelta(days=1)


def snooze_last(today: date) -> date:
    """The last day a snooze may end on: as far ahead as a snooze may last, counted from the
    start of that day (a snooze ends at 00:00 UTC of the day chosen)."""
    return today + timedelta(days=SNOOZE_MAX.days)


def is_web_url(value: object) -> bool:
    """True for http(s) URLs: only those become links (a stored URL may be anything)."""
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def ago(moment: datetime, now: datetime) -> str:
    """'today', '1 day ago', '3 weeks ago': how long ago `moment` was."""
    days = (now - moment).days
    if days < 1:
        return "today"
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''} ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    return f"{days // 30} months ago"


# The small pieces every row of a long page shows several times, as Python rather than Jinja
# macros: a macro call costs several times what building the same few tags here does.
# Each piece is built as an f-string of escaped values: what `Markup(template).format(...)`
# gives, byte for byte, without string.Formatter's cost (a few microseconds a piece).
_NO_RESPONSE = Markup('<span class="status bad" title="no response">none</span>')
_STATUS_CLASS = {"bad": "status bad", "redirect": "status redirect", "": "status"}
_FIELD = Markup("{0}")


def _field(value: object) -> str:
    """`value` escaped as a field of `Markup.format` escapes it (which escapes even what an
    object's `__html__` gives): plain strings, numbers and None straight through `escape`."""
    if value is None or type(value) in (str, int):
        return escape(value)
    return _FIELD.format(value)


def link_to(url: object) -> Markup:
    """A URL shown as itself: a link when it is an http(s) URL, else plain text."""
    shown = _field(url)
    if is_web_url(url):
        return Markup(f'<a class="url" href="{shown}" rel="noopener noreferrer">{shown}</a>')
    return Markup(f'<span class="url">{shown}</span>')


def time_tag(moment: datetime | None) -> Markup:
    """A moment as a <time> element in words ('never' for none)."""
    if not moment:
        return Markup("never")
    return Markup(
        f'<time datetime="{_field(moment.isoformat())}">{_field(format_moment(moment))}</time>'
    )


def status_chip(code: int | None) -> Markup:
    """An HTTP status as a chip: bad (none, 4xx, 5xx), a redirect (3xx), or plain."""
    if code is None:
        return _NO_RESPONSE
    kind = "bad" if code >= 400 else "redirect" if code >= 300 else ""
    return Markup(f'<span class="{_STATUS_CLASS[kind]}">{_field(code)}</span>')


RECHECK_RELOAD_SECONDS = 5
"""How often a resource's page reloads itself while its recheck waits or runs."""
RECHECK_FOLLOWED = timedelta(minutes=10)
"""How long after a recheck was asked for its page keeps reloading itself: a recheck takes
seconds, so one still not done by then waits for a process that is not running, and the
page stops asking the server every few seconds."""


def follows_recheck(recheck: Any, now: datetime) -> bool:
    """Whether a resource's page reloads itself to follow its recheck: while the recheck waits
    or runs, for at most RECHECK_FOLLOWED after it was asked for."""
    return (
        recheck is not None
        and recheck.finished_at is None
        and now - recheck.requested_at < RECHECK_FOLLOWED
    )


def recheck_line(recheck: Any, href: Any, *, reloads: bool = False, here: str = "") -> Markup:
    """What became of the latest recheck asked for: 'Recheck asked for at … by NAME: waiting'
    while no process has taken it up, 'running since …' once one has, 'done at …' after.
    `reloads`: the page reloads itself (a Refresh header) until the recheck is done; `here`:
    the page's own address, a link that reloads it."""
    asked = f"{time_tag(recheck.requested_at)} {escape(recheck.asker)}"
    if reloads:
        after = (
            f"This page reloads itself every {RECHECK_RELOAD_SECONDS} seconds until it is done"
            f' (<a href="{escape(here)}#recheck">reload now</a>).'
        )
    elif here:
        after = (
            f'<a href="{escape(here)}#recheck">Reload the page</a> to see its result'
            " (it stopped reloading itself: no process has finished the recheck within"
            f" {RECHECK_FOLLOWED.seconds // 60} minutes)."
        )
    else:
        after = "Reload the page to see its result."
    if recheck.progress == "waiting":
        said = f"Recheck asked for at {asked}: <strong>waiting</strong> to start. {after}"
    elif recheck.progress == "running":
        said = (
            f"Recheck asked for at {asked}: <strong>running</strong> since "
            f"{time_tag(recheck.started_at)}. {after}"
        )
    else:
        run = ""
        if recheck.run_id is not None:
            run_path = escape(href("dashboard_run", run_id=recheck.run_id))
            run = f' (<a href="{run_path}">run #{escape(recheck.run_id)}</a>)'
        said = (
            f"Last recheck asked for at {asked}: <strong>done</strong> at "
            f"{time_tag(recheck.finished_at)}{run}."
        )
    anchor = ' id="recheck"' if here else ""
    return Markup(f'<p class="recheck {escape(recheck.progress)}"{anchor}>{said}</p>')


@dataclass(frozen=True, slots=True)
class _SnoozeForm:
    """The snooze form's changing parts: as new, or as a refused one was sent."""

    rid: str
    until: str
    reason: str = ""
    errors: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, rid: str, default: date, refused: Any, resource_id: int) -> _SnoozeForm:
        """The form for this resource: the refused one's values when it is this one's."""
        if refused is None or refused.action != "snooze" or refused.resource_id != resource_id:
            return cls(rid, escape(default.isoformat()))
        return cls(
            rid,
            escape(refused.values.get("until", default.isoformat())),
            escape(refused.values.get("reason", "")),
            refused.errors,
        )

    @property
    def open(self) -> str:
        """A refused form is shown open."""
        return " open" if self.errors or self.reason else ""

    def invalid(self, name: str) -> str:
        """A field with a problem: marked invalid, its problem as its description, and the
        first such field focused (the page has no script to move focus)."""
        if name not in self.errors:
            return ""
        first = " autofocus" if next(iter(self.errors)) == name else ""
        return f' aria-invalid="true" aria-describedby="{name}-{self.rid}-error"{first}'

    def error(self, name: str) -> str:
        """The field's problem, beside it."""
        if name not in self.errors:
            return ""
        return (
            f'        <p class="field-error" id="{name}-{self.rid}-error">'
            f"{escape(self.errors[name])}</p>\n"
        )


def actions(
    item: Any,
    browser: Any,
    href: Any,
    today: date,
    snooze_default: date,
    back: str,
    on_resource_page: bool = False,
    refused: Any = None,
) -> Markup:
    """A resource's action forms (accept a suggestion, edit, recheck, snooze, retire), as the
    Jinja macro of the same name wrote them, byte for byte: every problem of a page shows
    them, and a macro's call costs several times what these lines do. A snooze the server
    refused (`refused`, a RefusedForm of this resource) comes back open, as it was sent, with
    each problem beside its field."""
    rid = item.resource_id
    title = escape(item.title)

    def path(name: str) -> Markup:
        return escape(href(name, resource_id=rid))

    csrf = f'<input type="hidden" name="csrf_token" value="{escape(browser.csrf)}">\n'
    back_field = f'<input type="hidden" name="back" value="{escape(back)}">\n'
    outer = f"{csrf}    {back_field}"
    inner = f"{csrf}      {back_field}"
    lines = [f'<div class="actions" role="group" aria-label="Actions for {title}">\n']
    if item.suggested_url:
        lines += [
            f'  <form method="post" action="{path("dashboard_accept")}">\n',
            f"    {outer}",
            '    <button type="submit" class="primary">Accept suggestion'
            f'<span class="visually-hidden"> for {title}</span></button>\n',
            "  </form>\n",
        ]
    if not on_resource_page:
        lines.append(
            f'  <a class="button" href="{path("dashboard_resource")}'
            f'#edit">Edit<span class="visually-hidden"> {title}</span></a>\n'
        )
    rid_text = escape(rid)
    snooze = _SnoozeForm.of(rid_text, snooze_default, refused, rid)
    lines += [
        f'  <form method="post" action="{path("dashboard_recheck")}">\n',
        f"    {outer}",
        f'    <button type="submit">Recheck now<span class="visually-hidden"> {title}</span>'
        "</button>\n",
        "  </form>\n",
    ]
    if item.snoozable:
        lines += [
            f"  <details{snooze.open}>\n",
            "    <summary>Snooze as false positive"
            f'<span class="visually-hidden"> ({title})</span></summary>\n',
            f'    <form method="post" action="{path("dashboard_snooze")}">\n',
            f"      {inner}",
            '      <div class="field">\n',
            f'        <label for="until-{rid_text}">Keep published, off the problems list, until'
            "</label>\n",
            f'        <input type="date" id="until-{rid_text}" name="until"'
            f' min="{escape(snooze_first(today).isoformat())}"'
            f' max="{escape(snooze_last(today).isoformat())}"'
            f' value="{snooze.until}" required{snooze.invalid("until")}>\n',
            snooze.error("until"),
            "      </div>\n",
            '      <div class="field">\n',
            f'        <label for="reason-{rid_text}">Why it is a false positive</label>\n',
            f'        <textarea id="reason-{rid_text}" name="reason" maxlength="1000" required'
            f"{snooze.invalid('reason')}>{snooze.reason}</textarea>\n",
            snooze.error("reason"),
            "      </div>\n",
            f'      <button type="submit">Snooze<span class="visually-hidden"> {title}</span>'
            "</button>\n",
            "    </form>\n",
            "  </details>\n",
        ]
    lines += [
        "  <details>\n",
        f'    <summary>Retire<span class="visually-hidden"> {title}</span></summary>\n',
        f'    <form method="post" action="{path("dashboard_retire")}">\n',
        f"      {inner}",
        "      <p>Retiring takes the resource off the published list. Its history stays, and "
        "<code>curator export</code> removes it from resources.yaml.</p>\n",
        f'      <button type="submit" class="danger">Retire {title}</button>\n',
        "    </form>\n",
        "  </details>\n",
        "</div>\n",
    ]
    return Markup("".join(lines))


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("api.dashboard", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = format_moment
    env.filters["day"] = format_day
    env.filters["ago"] = ago
    env.tests["web_url"] = is_web_url
    env.globals.update(
        link_to=link_to,
        time_tag=time_tag,
        status_chip=status_chip,
        actions=actions,
        recheck_line=recheck_line,
        snooze_first=snooze_first,
        snooze_last=snooze_last,
    )
    return env


templates = Jinja2Templates(env=_environment())


def group_colours_css() -> str:
    """Each group's colours as CSS variables (`--broken`, `--broken-soft`, …), from the one
    vocabulary table, so the dashboard and the email show a group alike."""
    lines = [
        f"  --{g.value}: {w.colour};\n  --{g.value}-soft: {w.background};"
        for g, w in GROUPS.items()
    ]
    return ":root {\n" + "\n".join(lines) + "\n}\n\n"


STYLESHEET: bytes = (
    group_colours_css().encode()
    + files("api.dashboard").joinpath("static", "dashboard.css").read_bytes()
)


@functools.lru_cache(maxsize=16_384)
def _route_path(app: Any, name: str, params: tuple[tuple[str, Any], ...]) -> str:
    """A route's path by name and parameters. Finding a route walks the app's routes, a cost
    a page of 50 problems would pay hundreds of times; paths never change while the app runs,
    so they are remembered (an LRU, bounded)."""
    return str(app.url_path_for(name, **dict(params)))


def href(request: Request) -> Any:
    """A template helper: the path of a dashboard route by name (root path included)."""
    prefix = request.base_url.path.rstrip("/")
    app = request.app

    def path(name: str, **params: object) -> str:
        return prefix + _route_path(app, name, tuple(sorted(params.items())))

    return path


async def render_off_loop(request: Request, template: str, **options: Any) -> HTMLResponse:
    """`render` in a worker thread: a long page's rendering would otherwise hold the event
    loop that also serves the public lists, which then wait behind it."""
    return await asyncio.to_thread(functools.partial(render, request, template, **options))


def render(
    request: Request,
    template: str,
    *,
    browser: BrowserSession | None,
    title: str,
    context: Mapping[str, object] | None = None,
    flash: Flash | None = None,
    status_code: int = 200,
    nav: str | None = None,
) -> HTMLResponse:
    """A page of the dashboard, with the frame every page shares."""
    now = datetime.now(UTC)
    today = now.date()
    values: dict[str, object] = {
        "browser": browser or BrowserSession(csrf=""),
        "page_title": title,
        "flash": flash,
        "nav": nav,
        "href": href(request),
        "now": now,
        "today": today,
        "snooze_default": today + timedelta(days=SNOOZE_DAYS),
        "refused": flash.refused if flash is not None else None,
    }
    values.update(context or {})
    return templates.TemplateResponse(
        request, template, values, status_code=status_code, headers=SECURITY_HEADERS
    )


def error_page(
    request: Request,
    *,
    browser: BrowserSession | None,
    status_code: int,
    title: str,
    message: str,
    back_href: str | None = None,
    back_text: str = "Back to the problems",
) -> HTMLResponse:
    """An HTML error page (the dashboard never answers a browser with JSON)."""
    return render(
        request,
        "error.html",
        browser=browser,
        title=title,
        status_code=status_code,
        context={
            "message": message,
            "back_href": back_href or request.url_for("dashboard_problems").path,
            "back_text": back_text,
        },
    )


def parse_day(value: str) -> date | None:
    """A date from an `<input type=date>` (YYYY-MM-DD), or None."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
