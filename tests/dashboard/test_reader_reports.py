"""Readers' reports of a link curator finds working, on SQLite and PostgreSQL.

Tried as a new editor would: a reader reported the working police page; the dashboard showed
the report, but the only ways to be rid of it were to snooze a working link as a "false
positive" (which would hide a real failure for the snooze's length), edit it, or retire it,
so the link stayed under "Reported by readers" and in every refresh report. An editor now
sees the report beside curator's latest check and closes it with a reason, from the
dashboard or the API, in the same words.
"""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from curator.report.build import build_report
from curator.report.render import render_text
from curator.settings import Settings
from curator.store.base import utcnow
from tests.dashboard.app import csrf_of
from tests.dashboard.seed import Seeded

PROBLEMS = "/editor/problems"
REASON = "Opened by hand on two networks: the page works; the reader's 404 was a typo"


def _words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


async def _report(client: httpx.AsyncClient, note: str) -> None:
    filed = await client.post(
        "/v1/reports",
        json={"guide": "sextortion", "resource_id": "police", "note": note},
    )
    assert filed.status_code == 202, filed.text


async def test_an_editor_closes_a_report_of_a_working_link_with_a_reason(
    editor: httpx.AsyncClient,
    seeded: Seeded,
    session: AsyncSession,
    dashboard_settings: Settings,
) -> None:
    await _report(editor, "The police page says 404 for me")
    page = await editor.get(PROBLEMS, params={"state": "working"})
    item = _words(page.text)
    # Both sides: the reader's words and curator's latest check (its evidence is shown too).
    assert "The police page says 404 for me" in item
    assert "curator's latest check," in item and "before the report: working (status 200)" in item
    assert "Evidence from the check of" in item
    assert f'action="/editor/resources/{seeded.working_id}/close-reports"' in page.text

    # A reason is required; the form comes back open with the problem beside it.
    refused = await editor.post(
        f"/editor/resources/{seeded.working_id}/close-reports",
        data={"csrf_token": csrf_of(page.text), "reason": "   ", "back": PROBLEMS},
    )
    assert refused.status_code == 303
    again = await editor.get(refused.headers["location"])
    assert "Nothing was closed: say why the reports are closed." in _words(again.text)
    assert '<details class="close-reports" open>' in again.text

    closed = await editor.post(
        f"/editor/resources/{seeded.working_id}/close-reports",
        data={"csrf_token": csrf_of(again.text), "reason": REASON, "back": PROBLEMS},
        follow_redirects=True,
    )
    said = (
        "Closed 1 reader's report on Police advice on sextortion: "
        "Opened by hand on two networks: the page works; the reader's 404 was a typo."
    )
    assert said in _words(closed.text)
    # It leaves the problems list: nothing else about the link needs an editor.
    assert "Reported by readers" not in _words(closed.text)
    listed = await editor.get(
        "/v1/editor/problems",
        params={"state": "working"},
        headers={"Authorization": f"Bearer {seeded.token}"},
    )
    assert listed.json()["count"] == 0

    # The resource's page keeps the report, with who closed it and why, and the history says so.
    resource = _words((await editor.get(f"/editor/resources/{seeded.working_id}")).text)
    assert "Readers' reports already closed (1)" in resource
    assert f"by {seeded.editor}: {REASON}" in resource
    assert f"Closed 1 reader's report: {REASON}" in resource

    # The refresh report lists it as closed, in the same words, and counts no open report.
    async with session.begin():
        report = await build_report(
            session, dashboard_settings, now=utcnow(), since=utcnow() - timedelta(days=1)
        )
    text = render_text(report)
    assert f"(closed {_day()} by {seeded.editor}: {REASON})" in text
    guide = next(g for g in report.guides if g.slug == "sextortion")
    assert guide.counts.reader_reports == 1  # the broken link's report is still open


def _day() -> str:
    now = utcnow()
    return f"{now.day} {now:%b}"


async def test_the_api_closes_reports_in_the_dashboards_words(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    auth = {"Authorization": f"Bearer {seeded.token}"}
    await _report(editor, "Not found")
    path = "/v1/editor/resources/sextortion/police/close-reports"
    empty = await editor.post(path, headers=auth, json={"reason": "  "})
    assert empty.status_code == 422
    assert empty.json()["detail"][0]["field"] == "reason"
    closed = await editor.post(path, headers=auth, json={"reason": "Works when opened by hand"})
    assert closed.status_code == 200, closed.text
    assert closed.json()["message"] == (
        "Closed 1 reader's report on Police advice on sextortion: Works when opened by hand."
    )
    history = (
        await editor.get(f"/v1/editor/resources/{seeded.working_id}/history", headers=auth)
    ).json()
    (report,) = history["reports"]
    assert report["resolved_by"] == seeded.editor
    assert report["resolution"] == "Works when opened by hand"
    again = await editor.post(path, headers=auth, json={"reason": "again"})
    assert again.status_code == 409
    assert "has no open readers' reports" in again.json()["detail"]


async def test_reports_closed_by_another_action_say_which(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    auth = {"Authorization": f"Bearer {seeded.token}"}
    edited = await editor.patch(
        f"/v1/editor/resources/{seeded.broken_id}",
        headers=auth,
        json={"title": "Report Remove (Childline)"},
    )
    assert edited.status_code == 200, edited.text
    history = (
        await editor.get(f"/v1/editor/resources/{seeded.broken_id}/history", headers=auth)
    ).json()
    assert [(r["resolved_by"], r["resolution"]) for r in history["reports"]] == [
        (seeded.editor, "the resource was edited")
    ]
