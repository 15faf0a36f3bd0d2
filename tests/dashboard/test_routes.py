"""The dashboard over HTTP (in-process), on SQLite and PostgreSQL: auth, CSRF, pages, actions."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.dashboard import data
from curator.domain import RunStatus, Verdict
from curator.editing import SNOOZE_MAX
from curator.settings import Settings
from curator.store.models import (
    Check,
    DashboardSession,
    EditorAction,
    LinkState,
    ReaderReport,
    RecheckRequest,
    Resource,
    Run,
)
from curator.suggestions import Confidence, Suggestion, SuggestionSource
from curator.tokens import create_token, revoke_token
from tests.dashboard.app import create_test_app, csrf_of, sign_in
from tests.dashboard.seed import Seeded
from tests.seeding import BROKEN_URL, MOVED_TO, MOVED_URL
from tests.seeding import OK_URL as WORKING_URL


def _headings(html: str, level: int) -> list[str]:
    found = re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", h).split("(")[0].strip() for h in found]


async def test_pages_send_strangers_to_sign_in(client: httpx.AsyncClient, seeded: Seeded) -> None:
    for path in ("/editor/problems", "/editor/runs", f"/editor/resources/{seeded.broken_id}"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/editor/sign-in?next=")
    home = await client.get("/editor")
    assert home.headers["location"] == "/editor/problems"


async def test_wrong_token_is_refused(client: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await sign_in(client, "not-" + seeded.token)
    assert response.status_code == 200  # the sign-in page again, after a redirect (PRG)
    assert response.history[0].status_code == 303
    assert "not a valid editor token" in response.text
    assert 'aria-invalid="true"' in response.text
    assert (await client.get("/editor/problems")).status_code == 303


async def test_sign_in_cookie_is_signed_httponly_strict(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    form = await client.get("/editor/sign-in")
    response = await client.post(
        "/editor/sign-in", data={"token": seeded.token, "csrf_token": csrf_of(form.text)}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/editor/problems"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("curator_editor=")
    )
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "samesite", "path"} <= attributes
    assert "samesite=strict" in cookie.lower()
    assert "secure" not in attributes  # plain http here; https sets Secure (next test)
    # The session's CSRF token is new: the anonymous one from the sign-in form is dead.
    problems = await client.get("/editor/problems")
    assert problems.status_code == 200
    assert csrf_of(problems.text) != csrf_of(form.text)


async def test_cookie_is_secure_over_https(dashboard_settings: Settings, seeded: Seeded) -> None:
    app = create_test_app(dashboard_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            form = await c.get("/editor/sign-in")
            assert "; secure" in form.headers["set-cookie"].lower()
            response = await c.post(
                "/editor/sign-in", data={"token": seeded.token, "csrf_token": csrf_of(form.text)}
            )
            assert "; secure" in response.headers["set-cookie"].lower()


async def test_forged_session_cookie_is_ignored(editor: httpx.AsyncClient, seeded: Seeded) -> None:
    value = editor.cookies["curator_editor"]
    editor.cookies.set("curator_editor", value[:-3] + "AAA", path="/editor")
    assert (await editor.get("/editor/problems")).status_code == 303


async def test_next_never_leaves_the_dashboard(client: httpx.AsyncClient, seeded: Seeded) -> None:
    form = await client.get("/editor/sign-in?next=//evil.example/editor/")
    assert 'name="next" value=""' in form.text
    response = await client.post(
        "/editor/sign-in",
        data={
            "token": seeded.token,
            "csrf_token": csrf_of(form.text),
            "next": "https://evil.example/editor/x",
        },
    )
    assert response.headers["location"] == "/editor/problems"


async def test_sign_in_keeps_where_the_editor_was_going(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    target = f"/editor/resources/{seeded.broken_id}"
    redirect = await client.get(target)
    form = await client.get(redirect.headers["location"])
    assert f'name="next" value="{target}"' in form.text
    response = await client.post(
        "/editor/sign-in",
        data={"token": seeded.token, "csrf_token": csrf_of(form.text), "next": target},
    )
    assert response.headers["location"] == target


async def test_sign_in_without_csrf_is_refused(client: httpx.AsyncClient, seeded: Seeded) -> None:
    await client.get("/editor/sign-in")
    response = await client.post("/editor/sign-in", data={"token": seeded.token})
    assert response.status_code == 403
    assert "Action refused" in response.text


async def test_problems_grouped_by_severity_with_evidence(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    page = await editor.get("/editor/problems")
    html = page.text
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert _headings(html, 1) == ["Problems"]
    assert _headings(html, 2) == ["Confirmed broken", "Moved", "Failing, not confirmed yet"]
    assert _headings(html, 3) == ["Report Remove", "StopNCII", "CEOP Safety Centre"]
    assert "Police advice on sextortion" not in html  # working: not a problem
    assert "The page is gone: 404 Not Found after a redirect." in html
    assert '<span class="status redirect">301</span>' in html
    assert '<span class="status bad">404</span>' in html
    assert "The Report Remove link says page not found." in html
    assert "Sextortion – Guide and Resources" in html
    assert "3 failed checks" in html
    assert f'href="{MOVED_TO}"' in html  # the suggested fix
    assert html.count("Accept suggestion") == 1  # only the moved one has a suggestion
    # Sign-out, then recheck, snooze and retire on each of three problems, one accept, and
    # closing the broken link's reader's report.
    assert html.count('name="csrf_token"') == 1 + 3 * 3 + 1 + 1


async def test_problems_filtered_by_state_and_a_page_at_a_time(
    editor: httpx.AsyncClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = (await editor.get("/editor/problems", params={"state": "moved"})).text
    assert _headings(html, 2) == ["Moved"]
    assert _headings(html, 3) == ["StopNCII"]
    assert "Showing 1 of 1 matching" in html and 'href="/editor/problems">every problem' in html
    # The summary still counts every state, each a link to its own filter.
    assert 'href="/editor/problems?state=broken">Confirmed broken: 1</a>' in html
    assert '<option value="moved" selected>Moved (1)</option>' in html

    monkeypatch.setattr(data, "PROBLEMS_PAGE", 2)
    first = (await editor.get("/editor/problems")).text
    assert _headings(first, 3) == ["Report Remove", "StopNCII"]
    found = re.search(r'<a href="(/editor/problems\?after=[^"]+)" rel="next">', first)
    assert found is not None
    second = (await editor.get(found.group(1).replace("&amp;", "&"))).text
    assert _headings(second, 3) == ["CEOP Safety Centre"]
    assert "back to the first page" in second and 'rel="next"' not in second
    # An action on the second page returns to it.
    assert f'name="back" value="{found.group(1)}"' in second
    # A cursor the page never wrote, or an unknown state, is not an error: the first page.
    odd = await editor.get("/editor/problems", params={"after": "x", "state": "asleep"})
    assert odd.status_code == 200 and _headings(odd.text, 3) == ["Report Remove", "StopNCII"]


async def test_a_reported_working_link_is_listed_last(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    session.add(ReaderReport(resource_id=seeded.working_id, note="Asks me to log in"))
    await session.commit()
    html = (await editor.get("/editor/problems")).text
    assert _headings(html, 2) == [
        "Confirmed broken",
        "Moved",
        "Failing, not confirmed yet",
        "Reported by readers",
    ]
    assert _headings(html, 3)[-1] == "Police advice on sextortion"
    assert "Asks me to log in" in html


def _problem(html: str, resource_id: int) -> str:
    """One problem's entry of the problems page."""
    found = re.search(
        rf'<li class="problem [^"]*" id="resource-{resource_id}">(.*?)</li>\n', html, re.S
    )
    assert found is not None, f"no problem {resource_id} on the page"
    return found.group(1)


async def test_only_a_failure_says_since_when_it_fails(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    # Tried as a new user would: a moved link said "Moved since: unknown", and a working one
    # readers reported "Failing since: unknown", though neither was failing.
    session.add(ReaderReport(resource_id=seeded.working_id, note="Asks me to log in"))
    await session.commit()
    html = (await editor.get("/editor/problems")).text
    assert "unknown</dd>" not in html
    assert "since</dt>" not in _problem(html, seeded.moved_id)
    assert "since</dt>" not in _problem(html, seeded.working_id)
    assert "<dt>Failing since</dt>" in _problem(html, seeded.broken_id)


async def test_a_failing_link_says_since_when_once(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    # Tried as an editor reads it: "Still published: failing, not confirmed yet (1 failed
    # check since 3 Dec)" over "Failing since 3 Dec 2026, 17:37 UTC (2 hours ago), 1 failed
    # check", the same fact twice.
    problems = (await editor.get("/editor/problems")).text
    page = (await editor.get(f"/editor/resources/{seeded.flaky_id}")).text
    for said in (_problem(problems, seeded.flaky_id), page):
        assert "Still published: failing, not confirmed yet (1 failed check since" in said
        assert "Failing since" not in said and said.count("1 failed check") == 1
    # A confirmed broken link says two facts: hidden since it was confirmed, failing since
    # its first failure.
    broken = _problem(problems, seeded.broken_id)
    assert "Hidden from readers since" in broken and "<dt>Failing since</dt>" in broken


async def test_another_process_writes_show_on_the_next_problems_page(
    editor: httpx.AsyncClient, seeded: Seeded, engine: AsyncEngine
) -> None:
    """The page keeps its lists between requests; a write by another process (its own engine:
    a check run, a sync) shows on the very next load, a deletion too."""
    row = f'id="resource-{seeded.working_id}"'
    assert row not in (await editor.get("/editor/problems")).text
    since = datetime.now(UTC) - timedelta(days=4)
    async with engine.begin() as connection:  # a run confirms the working link broken
        await connection.execute(
            update(LinkState)
            .where(LinkState.url == WORKING_URL)
            .values(
                verdict=Verdict.BROKEN,
                last_verdict=Verdict.BROKEN,
                consecutive_failures=3,
                first_failure_at=since,
                confirmed_since=since,
                detail="Not found (404)",
            )
        )
    assert row in (await editor.get("/editor/problems")).text
    async with engine.begin() as connection:  # its state is deleted: never checked again
        await connection.execute(delete(LinkState).where(LinkState.url == WORKING_URL))
    assert row not in (await editor.get("/editor/problems")).text


async def test_a_suggestion_says_where_it_was_found_and_only_a_confident_one_is_the_button(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    found_at = "https://helpline.example.org/help/report-remove"
    latest = (
        (
            await session.execute(
                select(Check).where(Check.url == BROKEN_URL).order_by(Check.id.desc())
            )
        )
        .scalars()
        .first()
    )
    state = await session.scalar(select(LinkState).where(LinkState.url == BROKEN_URL))
    assert latest is not None and state is not None
    possible = Suggestion(
        found_at, SuggestionSource.SITEMAP, Confidence.POSSIBLE,
        {"summary": "similar title (75 %), 40 % of the text"},
    )  # fmt: skip
    latest.suggestion = possible.to_json()
    await session.commit()
    html = (await editor.get("/editor/problems")).text
    assert "Possibly moved" in html
    assert "Perhaps on the same site" in html and f'href="{found_at}"' in html
    assert "(similar title (75 %), 40 % of the text)" in html
    assert html.count("Accept suggestion") == 1  # still only the moved one

    confident = Suggestion(
        found_at, SuggestionSource.SITEMAP, Confidence.CONFIDENT,
        {"summary": "same title, 94 % of the text"},
    )  # fmt: skip
    latest.suggestion, latest.suggested_url = confident.to_json(), found_at
    state.suggested_url = found_at
    await session.commit()
    html = (await editor.get("/editor/problems")).text
    assert "Found on the same site:" in html
    assert "(same title, 94 % of the text)" in html
    assert html.count("Accept suggestion") == 2
    page = (await editor.get(f"/editor/resources/{seeded.broken_id}")).text
    assert "Found on the same site:" in page and "Accept suggestion" in page


async def test_action_without_csrf_is_refused(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    path = f"/editor/resources/{seeded.moved_id}/accept-suggestion"
    missing = await editor.post(path, data={})
    wrong = await editor.post(path, data={"csrf_token": "x" * 43})
    for response in (missing, wrong):
        assert response.status_code == 403
        assert "<h1>Action refused</h1>" in response.text
    resource = await session.get(Resource, seeded.moved_id)
    assert resource is not None and resource.url == MOVED_URL
    actions = (await session.execute(select(EditorAction))).scalars().all()
    assert actions == []


async def test_actions_by_strangers_go_to_sign_in(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await client.post(f"/editor/resources/{seeded.moved_id}/recheck", data={})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/editor/sign-in")


async def test_accept_suggestion_fixes_the_link(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    page = await editor.get("/editor/problems")
    response = await editor.post(
        f"/editor/resources/{seeded.moved_id}/accept-suggestion",
        data={"csrf_token": csrf_of(page.text), "back": "/editor/problems"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/editor/problems"
    after = await editor.get("/editor/problems")
    assert "StopNCII now links to https://stopncii.example.org/en-gb/" in after.text
    assert 'role="status"' in after.text
    assert "StopNCII" not in _headings(after.text, 3)
    # The message is shown once.
    again = await editor.get("/editor/problems")
    assert "now links to" not in again.text
    resource = await session.get(Resource, seeded.moved_id)
    assert resource is not None and resource.url == MOVED_TO
    action = (await session.execute(select(EditorAction))).scalars().one()
    assert (action.actor, action.resource_id) == (seeded.editor, seeded.moved_id)
    assert action.created_at is not None


async def test_recheck_queues_one_resource(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    page = await editor.get("/editor/problems")
    response = await editor.post(
        f"/editor/resources/{seeded.flaky_id}/recheck",
        data={"csrf_token": csrf_of(page.text), "back": "/editor/problems"},
        follow_redirects=True,
    )
    assert "CEOP Safety Centre will be rechecked" in response.text
    requests = (await session.execute(select(RecheckRequest))).scalars().all()
    assert [(r.resource_id, r.requested_by) for r in requests] == [(seeded.flaky_id, seeded.editor)]


async def test_snooze_hides_a_false_positive_until_the_date(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    page = await editor.get("/editor/problems")
    token = csrf_of(page.text)
    path = f"/editor/resources/{seeded.flaky_id}/snooze"
    past = await editor.post(
        path,
        data={"csrf_token": token, "until": "2020-01-01", "reason": "fine"},
        follow_redirects=True,
    )
    assert "choose a date after today" in past.text
    assert 'role="alert"' in past.text
    until = (datetime.now(UTC) + timedelta(days=10)).date()
    done = await editor.post(
        path,
        data={"csrf_token": token, "until": until.isoformat(), "reason": "Works in a browser"},
        follow_redirects=True,
    )
    assert "CEOP Safety Centre is snoozed as a false positive until" in done.text
    assert f'id="resource-{seeded.flaky_id}"' not in done.text  # off the problems …
    assert f'id="snoozed-{seeded.flaky_id}"' in done.text  # … and on the snoozed list
    assert _headings(done.text, 2)[-1] == "Snoozed"
    assert ": snoozed as a false positive until" in done.text
    resource = await session.get(Resource, seeded.flaky_id)
    assert resource is not None and resource.snoozed_until is not None
    assert resource.snoozed_until.date() == until
    assert resource.snooze_reason == "Works in a browser"


async def test_the_snooze_form_offers_only_the_days_a_snooze_may_end(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    # Tried as a new user would: the date picker offered today (min was today), which the
    # server refused, and any day years ahead, refused as "until: must be within 732 days"
    # with the reason typed lost. The picker now offers tomorrow to the last day allowed.
    page = await editor.get(f"/editor/resources/{seeded.flaky_id}")
    today = datetime.now(UTC).date()
    first, last = today + timedelta(days=1), today + timedelta(days=SNOOZE_MAX.days)
    assert f'min="{first.isoformat()}" max="{last.isoformat()}"' in page.text
    path = f"/editor/resources/{seeded.flaky_id}/snooze"
    token = csrf_of(page.text)
    for day, said in (
        (today, "Nothing was snoozed: choose a date after today."),
        (
            last + timedelta(days=1),
            f"Nothing was snoozed: choose a date no later than {last.day} {last:%b %Y}.",
        ),
    ):
        refused = await editor.post(
            path,
            data={"csrf_token": token, "until": day.isoformat(), "reason": "Fine in a browser"},
            follow_redirects=True,
        )
        assert said in refused.text
        assert "732" not in refused.text
    done = await editor.post(
        path,
        data={"csrf_token": token, "until": last.isoformat(), "reason": "Fine in a browser"},
        follow_redirects=True,
    )
    assert "CEOP Safety Centre is snoozed as a false positive until" in done.text
    resource = await session.get(Resource, seeded.flaky_id)
    assert resource is not None and resource.snoozed_until is not None
    assert resource.snoozed_until.date() == last


async def test_retire_takes_it_off_the_problems(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    page = await editor.get("/editor/problems")
    done = await editor.post(
        f"/editor/resources/{seeded.broken_id}/retire",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=True,
    )
    assert "Report Remove is retired" in done.text
    assert "Report Remove" not in _headings(done.text, 3)
    retired = await editor.get(f"/editor/resources/{seeded.broken_id}")
    assert "retired" in retired.text and "can no longer be edited" in retired.text
    assert "Save changes" not in retired.text and "Recheck now" not in retired.text
    resource = await session.get(Resource, seeded.broken_id)
    assert resource is not None and resource.retired_at is not None


async def test_a_retired_resource_is_restored_from_its_page(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    page = await editor.get("/editor/problems")
    await editor.post(
        f"/editor/resources/{seeded.broken_id}/retire", data={"csrf_token": csrf_of(page.text)}
    )
    retired = await editor.get(f"/editor/resources/{seeded.broken_id}")
    assert "Off the list since" in retired.text and "Restore" in retired.text
    done = await editor.post(
        f"/editor/resources/{seeded.broken_id}/restore",
        data={"csrf_token": csrf_of(retired.text)},
        follow_redirects=True,
    )
    assert "Report Remove is restored" in done.text
    assert "Hidden from readers since" in done.text  # confirmed broken, as before retiring
    resource = await session.get(Resource, seeded.broken_id)
    assert resource is not None and resource.retired_at is None


async def test_edit_shows_each_problem_then_saves(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    path = f"/editor/resources/{seeded.broken_id}"
    page = await editor.get(path)
    token = csrf_of(page.text)
    values = {
        "csrf_token": token,
        "url": "not a url",
        "title": "",
        "description": "",
        "phone": "",
        "expect_text": "Report Remove",
    }
    bad = await editor.post(f"{path}/edit", data=values, follow_redirects=True)
    assert bad.status_code == 200 and bad.history[0].status_code == 303
    assert 'id="f-url" name="url" value="not a url"' in bad.text
    assert 'aria-describedby="f-url-error" aria-invalid="true"' in bad.text
    assert "Nothing was saved" in bad.text
    good = await editor.post(
        f"{path}/edit",
        data={**values, "url": "https://helpline.example.org/report", "title": "Report Remove"},
        follow_redirects=True,
    )
    assert good.status_code == 200
    assert "Saved Report Remove" in good.text
    await session.commit()
    resource = await session.get(Resource, seeded.broken_id)
    assert resource is not None and resource.url == "https://helpline.example.org/report"


async def test_resource_page_draws_its_health_timeline(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    page = await editor.get(f"/editor/resources/{seeded.broken_id}")
    html = page.text
    assert page.status_code == 200
    assert _headings(html, 1) == ["Report Remove"]
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert svg.count('class="bar"') == 7  # six past checks and the latest
    assert "7 checks from" in html
    assert "3 working, 2 unknown, 2 broken" in html
    assert html.count("<tr>") == 1 + 7  # header row and one row per check


async def test_a_check_that_got_an_answer_is_never_no_response(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    # The working link's latest check answered 200 at its one request: shown as that answer.
    page = await editor.get(f"/editor/resources/{seeded.working_id}")
    assert page.status_code == 200
    evidence = page.text[page.text.index('class="evidence"') :]
    evidence = evidence[: evidence.index("</section>")]
    assert "No response" not in evidence
    assert 'class="status">200<' in evidence and WORKING_URL in evidence


async def test_unknown_resource_is_a_404_page(editor: httpx.AsyncClient) -> None:
    for path in ("/editor/resources/999999", "/editor/resources/not-a-number"):
        response = await editor.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "<h1>Not found</h1>" in response.text


async def test_ids_beyond_the_database_integer_are_404_pages_not_500(
    editor: httpx.AsyncClient,
) -> None:
    page = await editor.get("/editor/problems")
    token = csrf_of(page.text)
    for big in (2**31, 2**63, 2**64 + 1):
        response = await editor.get(f"/editor/resources/{big}")
        assert response.status_code == 404
        assert "<h1>Not found</h1>" in response.text
        action = await editor.post(f"/editor/resources/{big}/recheck", data={"csrf_token": token})
        assert action.status_code == 404


async def test_run_all_now_once_at_a_time(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    page = await editor.get("/editor/runs")
    assert "Run all checks now" in page.text
    assert f"#{seeded.run_id}" in page.text
    token = csrf_of(page.text)
    session.add(Run(trigger="schedule", status=RunStatus.RUNNING, total_urls=4))
    await session.commit()
    refused = await editor.post("/editor/runs", data={"csrf_token": token}, follow_redirects=True)
    assert "Not started" in refused.text and "already running" in refused.text
    assert 'role="alert"' in refused.text


async def test_run_all_now_starts_a_run_and_records_who(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    page = await editor.get("/editor/runs")
    token = csrf_of(page.text)
    started = await editor.post("/editor/runs", data={"csrf_token": token}, follow_redirects=True)
    assert "A full check run has started." in started.text
    again = await editor.post("/editor/runs", data={"csrf_token": token}, follow_redirects=True)
    assert "Not started: a run started by an editor is still running." in again.text
    action = (await session.execute(select(EditorAction))).scalars().one()
    assert (action.action, action.actor, action.resource_id) == ("start_run", seeded.editor, None)


async def test_revoking_the_token_ends_the_session(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    await revoke_token(session, name=seeded.editor)
    await session.commit()
    assert (await editor.get("/editor/problems")).status_code == 303


async def test_a_new_token_of_the_same_name_does_not_revive_old_sessions(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    await revoke_token(session, name=seeded.editor)
    _, fresh = await create_token(session, name=seeded.editor)
    await session.commit()
    assert (await editor.get("/editor/problems")).status_code == 303
    assert (await sign_in(editor, fresh)).status_code == 200


async def test_sign_out(editor: httpx.AsyncClient) -> None:
    page = await editor.get("/editor/problems")
    done = await editor.post(
        "/editor/sign-out", data={"csrf_token": csrf_of(page.text)}, follow_redirects=True
    )
    assert "Signed out." in done.text
    assert (await editor.get("/editor/problems")).status_code == 303


async def test_a_cookie_copied_before_sign_out_no_longer_works(
    editor: httpx.AsyncClient,
) -> None:
    copied = dict(editor.cookies)
    assert (await editor.get("/editor/problems")).status_code == 200
    page = await editor.get("/editor/problems")
    await editor.post("/editor/sign-out", data={"csrf_token": csrf_of(page.text)})
    editor.cookies.clear()
    editor.cookies.update(copied)
    replayed = await editor.get("/editor/problems")
    assert replayed.status_code == 303
    assert "/editor/sign-in" in replayed.headers["location"]


async def test_stylesheet(client: httpx.AsyncClient) -> None:
    response = await client.get("/editor/static/dashboard.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ":focus-visible" in response.text


async def test_edit_form_refuses_what_the_catalog_refuses(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    path = f"/editor/resources/{seeded.broken_id}"
    token = csrf_of((await editor.get(path)).text)
    bad = await editor.post(
        f"{path}/edit",
        data={
            "csrf_token": token,
            "url": "https://helpline.example.org:99999/report",
            "title": "Report\r\nBcc: someone@evil.example",
            "description": "",
            "phone": "",
            "expect_text": "",
        },
        follow_redirects=True,
    )
    assert bad.status_code == 200 and bad.history[0].status_code == 303
    assert "port &#39;99999&#39; is not a number from 1 to 65535" in bad.text
    assert 'aria-describedby="f-title-error" aria-invalid="true"' in bad.text
    assert "Nothing was saved" in bad.text


async def test_an_expected_text_problem_names_the_line_the_editor_sees(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    # Tried as a new user would: a too-long second line of "Text the page must show" came back
    # as "Item 1 must be at most 500 characters", counting from 0 and skipping blank lines.
    path = f"/editor/resources/{seeded.broken_id}"
    token = csrf_of((await editor.get(path)).text)
    bad = await editor.post(
        f"{path}/edit",
        data={
            "csrf_token": token,
            "url": "not a url",
            "title": "Report Remove",
            "expect_text": "Report Remove\n\n" + "y" * 501,
        },
        follow_redirects=True,
    )
    assert bad.status_code == 200 and bad.history[0].status_code == 303
    assert (
        '<p class="field-error" id="f-expect_text-error">'
        "Line 3 must be at most 500 characters (it has 501)</p>" in bad.text
    )
    assert '<p class="field-error" id="f-url-error">' in bad.text  # every field's problem
    assert "Item " not in bad.text


async def _end_sessions(session: AsyncSession) -> None:
    await session.execute(
        update(DashboardSession).values(expires_at=datetime(2020, 1, 1, tzinfo=UTC))
    )
    await session.commit()


async def test_an_action_after_the_session_ended_says_it_was_not_made(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    # Tried as a new user would: when the session expired, a snooze sent from a filtered
    # problems page led to a bare sign-in page (nothing said the snooze was not made), and
    # then to the first problems page, not the one it was sent from.
    page = await editor.get("/editor/problems", params={"state": "failing"})
    token = csrf_of(page.text)
    await _end_sessions(session)
    # The edit form carries no `back`: the page it was sent from is where to return.
    edited = await editor.post(
        f"/editor/resources/{seeded.flaky_id}/edit",
        data={"csrf_token": token, "title": "Lost"},
        headers={"referer": f"http://testserver/editor/resources/{seeded.flaky_id}"},
    )
    assert edited.headers["location"] == "/editor/sign-in?" + urlencode(
        {"next": f"/editor/resources/{seeded.flaky_id}"}
    )
    back = "/editor/problems?state=failing"
    action = await editor.post(
        f"/editor/resources/{seeded.flaky_id}/snooze",
        data={"csrf_token": token, "until": "2099-01-01", "reason": "Fine", "back": back},
    )
    assert action.status_code == 303
    assert action.headers["location"] == "/editor/sign-in?" + urlencode({"next": back})
    sign_in_page = await editor.get(action.headers["location"])
    assert "Your session had ended, so nothing was changed" in sign_in_page.text
    assert f'name="next" value="{back}"' in sign_in_page.text
    resource = await session.get(Resource, seeded.flaky_id)
    assert resource is not None and resource.snoozed_until is None and resource.title != "Lost"


async def test_a_page_asked_for_after_the_session_ended_keeps_its_filters(
    editor: httpx.AsyncClient, session: AsyncSession
) -> None:
    # Tried as a new user would: signing in again led to the problems page without the
    # filters asked for, and the sign-in page did not say why it was shown.
    await _end_sessions(session)
    asked = await editor.get("/editor/problems", params={"state": "moved", "guide": "sextortion"})
    assert asked.headers["location"] == "/editor/sign-in?" + urlencode(
        {"next": "/editor/problems?state=moved&guide=sextortion"}
    )
    assert "Your session has ended" in (await editor.get(asked.headers["location"])).text


async def test_a_stranger_is_not_told_of_a_session_that_ended(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    asked = await client.get("/editor/runs")
    assert "session" not in (await client.get(asked.headers["location"])).text.lower()


def _snooze_form(html: str, resource_id: int) -> str:
    found = re.search(
        r"<details( open)?>\s*<summary>Snooze as false positive"
        rf'(?:(?!</details>).)*id="until-{resource_id}".*?</details>',
        html,
        re.S,
    )
    assert found, "no snooze form"
    return found.group(0)


@pytest.mark.parametrize("back", ["/editor/resources/{id}", "/editor/problems?state=failing"])
async def test_a_refused_snooze_comes_back_as_it_was_sent_with_the_problem_by_its_field(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession, back: str
) -> None:
    # Tried as a new user would: a reason of only spaces passed the browser's `required`, the
    # server refused it, and the form came back closed with the default date, the date chosen
    # lost. It now comes back open as it was sent, the problem tied to its field.
    rid = seeded.flaky_id
    back = back.format(id=rid)
    page = await editor.get(back)
    chosen = datetime.now(UTC).date() + timedelta(days=5)
    refused = await editor.post(
        f"/editor/resources/{rid}/snooze",
        data={
            "csrf_token": csrf_of(page.text),
            "until": chosen.isoformat(),
            "reason": "   ",
            "back": back,
        },
        follow_redirects=True,
    )
    assert str(refused.url).endswith(back)
    assert "Nothing was snoozed: say why it is a false positive." in refused.text
    form = _snooze_form(refused.text, rid)
    assert form.startswith("<details open>")
    assert f'value="{chosen.isoformat()}"' in form
    assert (
        f'<textarea id="reason-{rid}" name="reason" maxlength="1000" required '
        f'aria-invalid="true" aria-describedby="reason-{rid}-error" autofocus>'
    ) in form
    assert (
        f'<p class="field-error" id="reason-{rid}-error">Say why it is a false positive.</p>'
    ) in form
    # A date refused keeps the reason typed, the problem by the date.
    reason = 'Works in a browser: <the> "bot wall" & more'
    too_late = datetime.now(UTC).date() + timedelta(days=SNOOZE_MAX.days + 1)
    refused = await editor.post(
        f"/editor/resources/{rid}/snooze",
        data={
            "csrf_token": csrf_of(page.text),
            "until": too_late.isoformat(),
            "reason": reason,
            "back": back,
        },
        follow_redirects=True,
    )
    form = _snooze_form(refused.text, rid)
    assert f'value="{too_late.isoformat()}" required aria-invalid="true"' in form
    assert "Works in a browser: &lt;the&gt; &#34;bot wall&#34; &amp; more</textarea>" in form
    assert f'id="until-{rid}-error">Choose a date no later than' in form
    # Shown once: the next page's form is new again, and nothing was snoozed.
    again = _snooze_form((await editor.get(back)).text, rid)
    assert again.startswith("<details>") and "aria-invalid" not in again
    resource = await session.get(Resource, rid)
    assert resource is not None and resource.snoozed_until is None


async def test_a_snooze_refused_by_the_domain_or_with_the_longest_reason_keeps_it(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    rid = seeded.flaky_id
    back = f"/editor/resources/{rid}"
    token = csrf_of((await editor.get(back)).text)
    chosen = (datetime.now(UTC).date() + timedelta(days=5)).isoformat()
    # The form allows 1,000 characters, a snooze's reason at most 500: the domain's refusal
    # comes back by its field, the reason kept.
    long_reason = "Fine in a browser. " * 30
    refused = await editor.post(
        f"/editor/resources/{rid}/snooze",
        data={"csrf_token": token, "until": chosen, "reason": long_reason, "back": back},
        follow_redirects=True,
    )
    form = _snooze_form(refused.text, rid)
    assert f'id="reason-{rid}-error">Must be at most 500 characters' in form
    assert f'value="{chosen}"' in form and long_reason.strip() in form
    # The longest reason the form sends, in any script, comes back with a refused date, in a
    # cookie the browser keeps (past 4 KB it would drop it, message and all); a date of any
    # length is cut to what a date could be.
    rng = random.Random(7)
    reason = "".join(chr(rng.randrange(0x1F300, 0x1FAFF)) for _ in range(1000))
    response = await editor.post(
        f"/editor/resources/{rid}/snooze",
        data={"csrf_token": token, "until": "9" * 5000, "reason": reason, "back": back},
    )
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("curator_flash=")
    )
    assert len(cookie) < 4096
    shown = await editor.get(back)
    assert "Nothing was snoozed: choose a date after today." in shown.text
    form = _snooze_form(shown.text, rid)
    assert f'id="until-{rid}-error">Choose a date after today.' in form
    assert f'value="{"9" * 40}"' in form and f">{reason}</textarea>" in form
    resource = await session.get(Resource, rid)
    assert resource is not None and resource.snoozed_until is None


async def test_a_working_link_is_not_offered_a_snooze(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    # Tried as a new editor would: "Snooze as false positive" sat on the page of a link that
    # works, where there is nothing false to hide.
    working = (await editor.get(f"/editor/resources/{seeded.working_id}")).text
    assert "Recheck now" in working
    assert "Snooze as false positive" not in working
    broken = (await editor.get(f"/editor/resources/{seeded.broken_id}")).text
    assert "Snooze as false positive" in broken
