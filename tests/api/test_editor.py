"""The editor routes: the 401s, problems, runs, history, and every action with its record."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from api.background import Background
from curator.domain import RunStatus
from curator.settings import Settings
from curator.store.base import utcnow
from curator.store.engine import create_engine, session_factory
from curator.store.models import EditorAction, RecheckRequest, Run
from curator.tokens import revoke_token
from tests.api.seed import PERHAPS_URL, Seeded
from tests.executors import FakeExecutor
from tests.seeding import BROKEN_URL, MOVED_TO, MOVED_URL, hop

ENDPOINTS = [
    ("GET", "/v1/editor/problems"),
    ("GET", "/v1/editor/runs"),
    ("GET", "/v1/editor/runs/1"),
    ("POST", "/v1/editor/runs"),
    ("GET", "/v1/editor/resources/1/history"),
    ("POST", "/v1/editor/resources/1/accept-suggestion"),
    ("PATCH", "/v1/editor/resources/1"),
    ("POST", "/v1/editor/resources/1/snooze"),
    ("POST", "/v1/editor/resources/1/retire"),
    ("POST", "/v1/editor/resources/1/recheck"),
]


async def _actions(settings: Settings) -> list[EditorAction]:
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            rows = await session.execute(select(EditorAction).order_by(EditorAction.id))
            return list(rows.scalars())
    finally:
        await engine.dispose()


def _public_ids(guide: dict[str, Any]) -> list[str]:
    return [r["id"] for s in guide["sections"] for r in s["resources"]]


# --- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=[f"{m} {p}" for m, p in ENDPOINTS])
async def test_missing_or_wrong_token_is_401(
    client: httpx.AsyncClient, seeded: Seeded, method: str, path: str
) -> None:
    missing = await client.request(method, path, json={})
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert missing.json()["error"] == "unauthorized"
    wrong = await client.request(
        method, path, json={}, headers={"Authorization": f"Bearer {seeded.token}x"}
    )
    assert wrong.status_code == 401
    assert 'error="invalid_token"' in wrong.headers["www-authenticate"]
    basic = await client.request(method, path, json={}, headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 401


async def test_revoked_token_is_401(
    editor: httpx.AsyncClient, settings: Settings, seeded: Seeded
) -> None:
    assert (await editor.get("/v1/editor/problems")).status_code == 200
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            await revoke_token(session, name=seeded.editor)
    finally:
        await engine.dispose()
    refused = await editor.get("/v1/editor/problems")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "the token is unknown or revoked"


# --- reads -----------------------------------------------------------------------------------


async def test_problems_most_severe_first_with_evidence(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    body = (await editor.get("/v1/editor/problems")).json()
    problems = body["problems"]
    assert body["count"] == len(problems) == 3
    assert [p["resource_id"] for p in problems] == [
        seeded.broken_id,
        seeded.moved_id,
        seeded.flaky_id,
    ]
    broken, moved, flaky = problems
    assert broken["verdict"] == "broken" and broken["status"] == "broken"
    assert broken["consecutive_failures"] == 3
    assert broken["since"] is not None
    assert broken["evidence"]["status_code"] == 404
    assert broken["evidence"]["title"] == "Page not found"
    assert broken["evidence"]["hops"] == [hop(BROKEN_URL, 404)]  # as the fetcher records it
    assert [r["note"] for r in broken["reports"]] == ["The Report Remove link says page not found."]
    assert moved["suggested_url"] == MOVED_TO
    assert moved["suggestion"] == {
        "url": MOVED_TO,
        "source": "redirect",
        "confidence": "confident",
        "evidence": {"summary": "the old address now redirects here permanently (301)"},
    }
    assert moved["evidence"]["final_url"] == MOVED_TO
    # A possible suggestion is a lead, never the URL the accept action takes.
    assert broken["suggested_url"] is None
    assert broken["suggestion"]["url"] == PERHAPS_URL
    assert broken["suggestion"]["source"] == "sitemap"
    assert broken["suggestion"]["confidence"] == "possible"
    assert broken["suggestion"]["evidence"]["summary"] == "similar title (75 %), 40 % of the text"
    assert flaky["status"] == "unknown"
    assert flaky["evidence"]["attempts"] == 3


async def test_problems_of_one_guide(editor: httpx.AsyncClient, seeded: Seeded) -> None:
    other = (await editor.get("/v1/editor/problems", params={"guide": "online-safety"})).json()
    assert other == {
        "count": 0,
        "counts": {"total": 0, "groups": {}, "states": {}, "verdicts": {}},
        "problems": [],
        "next_after": None,
    }


async def test_problems_a_page_at_a_time_with_counts_and_filters(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    whole = (await editor.get("/v1/editor/problems")).json()
    assert whole["counts"] == {
        "total": 3,
        "groups": {"broken": 1, "update": 1, "unknown": 1},
        "states": {"broken": 1, "moved": 1, "failing": 1},
        "verdicts": {"broken": 1, "moved": 1, "transient": 1},
    }
    walked, after = [], None
    while True:
        page = (
            await editor.get(
                "/v1/editor/problems", params={"limit": 2, **({"after": after} if after else {})}
            )
        ).json()
        assert page["count"] == 3 and page["counts"] == whole["counts"]
        assert len(page["problems"]) <= 2
        walked += [p["resource_id"] for p in page["problems"]]
        after = page["next_after"]
        if after is None:
            break
    assert walked == [p["resource_id"] for p in whole["problems"]]

    moved = (await editor.get("/v1/editor/problems", params={"state": "moved"})).json()
    assert moved["count"] == 1 and moved["problems"][0]["resource_id"] == seeded.moved_id
    unknown = (await editor.get("/v1/editor/problems", params={"group": "unknown"})).json()
    assert [p["resource_id"] for p in unknown["problems"]] == [seeded.flaky_id]
    broken = (await editor.get("/v1/editor/problems", params={"verdict": "broken"})).json()
    assert [p["resource_id"] for p in broken["problems"]] == [seeded.broken_id]
    for bad in ({"after": "not-a-cursor"}, {"state": "asleep"}, {"limit": 0}):
        refused = await editor.get("/v1/editor/problems", params=bad)
        assert refused.status_code == 422, bad


async def test_runs_and_one_run(editor: httpx.AsyncClient, seeded: Seeded) -> None:
    runs = (await editor.get("/v1/editor/runs")).json()["runs"]
    assert [r["id"] for r in runs] == [seeded.run_id]
    run = (await editor.get(f"/v1/editor/runs/{seeded.run_id}")).json()
    assert run["status"] == "completed"
    assert run["duration_seconds"] == 120.0
    assert run["counts"]["ok"] == 1
    assert run["counts"]["broken"] == 1
    assert run["counts"]["moved"] == 1
    assert run["counts"]["transient"] == 1
    assert run["counts"]["parked"] == 0
    missing = await editor.get("/v1/editor/runs/999999")
    assert missing.status_code == 404
    assert missing.json() == {"error": "not found", "detail": "no run 999999"}
    assert (await editor.get("/v1/editor/runs", params={"limit": 0})).status_code == 422


async def test_history_of_unknown_resource_is_404(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await editor.get("/v1/editor/resources/999999/history")
    assert response.status_code == 404
    assert response.json()["error"] == "not found"


# --- actions ---------------------------------------------------------------------------------


async def test_accept_suggestion_switches_url_rechecks_and_is_recorded(
    app: FastAPI,
    client: httpx.AsyncClient,
    editor: httpx.AsyncClient,
    settings: Settings,
    seeded: Seeded,
    checker: FakeExecutor,
) -> None:
    response = await editor.post(f"/v1/editor/resources/{seeded.moved_id}/accept-suggestion")
    assert response.status_code == 200
    body = response.json()
    assert body["actor"] == seeded.editor
    assert body["changes"]["url"] == {"from": MOVED_URL, "to": MOVED_TO}
    assert body["recheck_id"] is not None
    background: Background = app.state.background
    await background.idle()
    assert checker.calls == [("recheck", (seeded.moved_id,))]

    guide = (await client.get("/v1/guides/sextortion")).json()
    urls = {r["id"]: r["url"] for s in guide["sections"] for r in s["resources"]}
    assert urls["stop-ncii"] == MOVED_TO

    history = (await editor.get(f"/v1/editor/resources/{seeded.moved_id}/history")).json()
    assert history["resource"]["url"] == MOVED_TO
    assert history["urls"] == [MOVED_TO, MOVED_URL]
    assert [c["url"] for c in history["checks"]] == [MOVED_URL]  # checks of the old URL stay
    assert [(a["action"], a["actor"]) for a in history["actions"]] == [
        ("accept_suggestion", seeded.editor)
    ]
    assert history["actions"][0]["at"] is not None

    # No suggestion any more (the new URL has no link state yet): 409.
    again = await editor.post(f"/v1/editor/resources/{seeded.moved_id}/accept-suggestion")
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"


async def test_patch_records_changes_and_rechecks_a_new_url(
    app: FastAPI,
    editor: httpx.AsyncClient,
    settings: Settings,
    seeded: Seeded,
    checker: FakeExecutor,
) -> None:
    response = await editor.patch(
        f"/v1/editor/resources/{seeded.broken_id}",
        json={
            "url": "https://helpline.example.org/report-remove/new",
            "phone": "0800 1111",
            "description": None,
            "expect_text": ["Report Remove"],
        },
    )
    assert response.status_code == 200, response.text
    fields = response.json()["changes"]["fields"]
    assert fields["url"]["to"] == "https://helpline.example.org/report-remove/new"
    assert fields["phone"] == {"from": "0345 6000 459", "to": "0800 1111"}
    assert "description" not in fields  # it was empty already
    assert response.json()["changes"]["resolved_reports"] == 1
    await app.state.background.idle()
    assert checker.calls == [("recheck", (seeded.broken_id,))]
    (action,) = await _actions(settings)
    assert (action.action, action.actor, action.resource_id) == (
        "edit",
        seeded.editor,
        seeded.broken_id,
    )

    # The reader's report is resolved with the edit, so only the failing link keeps it listed.
    problems = (await editor.get("/v1/editor/problems")).json()["problems"]
    assert all(p["reports"] == [] for p in problems)


async def test_patch_title_only_queues_no_recheck(
    app: FastAPI, editor: httpx.AsyncClient, seeded: Seeded, checker: FakeExecutor
) -> None:
    response = await editor.patch(f"/v1/editor/resources/{seeded.ok_id}", json={"title": "New"})
    assert response.status_code == 200
    assert response.json()["recheck_id"] is None
    await app.state.background.idle()
    assert checker.calls == []
    same = await editor.patch(f"/v1/editor/resources/{seeded.ok_id}", json={"title": "New"})
    assert same.json()["message"] == "New: nothing changed."


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"url": "ftp://example.org/"}, "url", "not an http(s) URL"),
        ({"url": "https://exa mple.org/"}, "url", "contains spaces"),
        ({"url": None}, "url", "is required"),
        ({"phone": "12"}, "phone", "phone number"),
        ({"title": "   "}, "title", "must not be empty"),
        ({"expect_text": ["ok", ""]}, "expect_text", "item 1"),
        ({"title": 5}, "title", "string"),
        ({"colour": "red"}, "colour", "Extra inputs"),
        ({"kind": "podcast"}, "kind", "must be one of webpage, video, helpline or document"),
        ({"audience": "Adults\n18+"}, "audience", "must be one line"),
        ({"region": "R" * 501}, "region", "at most 500"),
        ({"notes": "bell\x07"}, "notes", "control characters (U+0007)"),
        (
            {"id": "police"},
            "id",
            "cannot be edited here: it is the resource's id in resources.yaml (guide "
            "'sextortion', section 'From the Police', id 'police-advice'): change it there and "
            "run `curator sync`",
        ),
        (
            {"section": "Get help now"},
            "section",
            "cannot be edited here: it is where resources.yaml lists the resource: move its "
            "entry there (under guide 'sextortion', section 'From the Police')",
        ),
        ({}, "body", "nothing to change"),
        ({"title": "a\x00b"}, "title", "NUL"),
        ({"url": "http://example.org:99999/"}, "url", "port '99999' is not a number from 1"),
        ({"url": "http://example.org:-1/"}, "url", "port '-1' is not a number from 1"),
        ({"url": "https://example.org/" + "é" * 1000}, "url", "at most 2,000 bytes"),
        ({"title": "Guide\r\nBcc: x@evil.example"}, "title", "must be one line"),
        ({"title": "P" * 501}, "title", "at most 500"),
        ({"description": "bell\x07"}, "description", "control characters (U+0007)"),
        ({"phone": "0345 6000 459" + " " * 30}, "phone", "at most 40"),
        ({"expect_text": ["two\nlines"]}, "expect_text", "item 0 must be one line"),
    ],
    ids=[
        "ftp-url",
        "spaces",
        "null-url",
        "phone",
        "blank-title",
        "empty-expect",
        "number-title",
        "unknown-field",
        "bad-kind",
        "audience-line-break",
        "region-too-long",
        "notes-control",
        "id-elsewhere",
        "section-elsewhere",
        "empty",
        "nul",
        "port-too-high",
        "port-negative",
        "url-too-long",
        "title-line-break",
        "title-too-long",
        "description-control",
        "phone-too-long",
        "expect-line-break",
    ],
)
async def test_patch_validation_names_the_field(
    editor: httpx.AsyncClient,
    settings: Settings,
    seeded: Seeded,
    body: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = await editor.patch(f"/v1/editor/resources/{seeded.ok_id}", json=body)
    assert response.status_code == 422
    error = response.json()
    assert error["error"] == "invalid request"
    assert [p["field"].split(".")[0] for p in error["detail"]] == [field]
    assert message in error["detail"][0]["message"]
    assert await _actions(settings) == []


async def test_patch_reports_every_invalid_field(editor: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await editor.patch(
        f"/v1/editor/resources/{seeded.ok_id}", json={"url": "nope", "phone": "12", "title": ""}
    )
    assert sorted(p["field"] for p in response.json()["detail"]) == ["phone", "title", "url"]


async def test_snooze_hides_from_problems_until_the_date(
    editor: httpx.AsyncClient, settings: Settings, seeded: Seeded
) -> None:
    until = (utcnow() + timedelta(days=14)).isoformat()
    response = await editor.post(
        f"/v1/editor/resources/{seeded.flaky_id}/snooze",
        json={"until": until, "reason": "Their WAF blocks us; page works in a browser"},
    )
    assert response.status_code == 200
    ids = [p["resource_id"] for p in (await editor.get("/v1/editor/problems")).json()["problems"]]
    assert seeded.flaky_id not in ids
    history = (await editor.get(f"/v1/editor/resources/{seeded.flaky_id}/history")).json()
    assert history["resource"]["snooze_reason"].startswith("Their WAF")
    assert history["actions"][0]["payload"]["until"] == until


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"until": "2001-01-01T00:00:00Z", "reason": "old"}, "until"),
        ({"until": "2999-01-01T00:00:00Z", "reason": ""}, "reason"),
        ({"until": "not a date", "reason": "x"}, "until"),
        ({"reason": "x"}, "until"),
    ],
    ids=["past", "no-reason", "bad-date", "missing-until"],
)
async def test_snooze_validation(
    editor: httpx.AsyncClient, seeded: Seeded, body: dict[str, Any], field: str
) -> None:
    response = await editor.post(f"/v1/editor/resources/{seeded.flaky_id}/snooze", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field


async def test_retire_takes_it_off_the_public_list(
    client: httpx.AsyncClient, editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    before = _public_ids((await client.get("/v1/guides/sextortion")).json())
    assert "police-advice" in before
    response = await editor.post(
        f"/v1/editor/resources/{seeded.ok_id}/retire", json={"reason": "Replaced"}
    )
    assert response.status_code == 200
    after = (await client.get("/v1/guides/sextortion", params={"include": "all"})).json()
    assert "police-advice" not in _public_ids(after)
    again = await editor.post(f"/v1/editor/resources/{seeded.ok_id}/retire")
    assert again.status_code == 409
    assert "retired" in again.json()["detail"]
    gone = await client.post(
        "/v1/reports", json={"guide": "sextortion", "resource_id": "police-advice"}
    )
    assert gone.status_code == 404


async def test_a_snoozed_resource_is_listed_apart_until_its_snooze_is_ended(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    not_yet = await editor.post(f"/v1/editor/resources/{seeded.flaky_id}/end-snooze")
    assert not_yet.status_code == 409
    until = (utcnow() + timedelta(days=14)).isoformat()
    await editor.post(
        f"/v1/editor/resources/{seeded.flaky_id}/snooze",
        json={"until": until, "reason": "Their WAF blocks us"},
    )
    (snoozed,) = (await editor.get("/v1/editor/snoozed")).json()["problems"]
    assert snoozed["resource_id"] == seeded.flaky_id
    assert (snoozed["state"], snoozed["public"]) == ("snoozed", True)
    assert snoozed["label"] == "snoozed as a false positive"
    assert snoozed["snooze_reason"] == "Their WAF blocks us" and not snoozed["needs_editor"]
    history = (await editor.get(f"/v1/editor/resources/{seeded.flaky_id}/history")).json()
    assert history["standing"]["state"] == "snoozed"

    ended = await editor.post(f"/v1/editor/resources/{seeded.flaky_id}/end-snooze")
    assert ended.status_code == 200
    assert ended.json()["action"] == "end_snooze"
    assert (await editor.get("/v1/editor/snoozed")).json()["count"] == 0
    problems = (await editor.get("/v1/editor/problems")).json()["problems"]
    flaky = next(p for p in problems if p["resource_id"] == seeded.flaky_id)
    assert flaky["state"] == "failing" and flaky["snoozed_until"] is None


async def test_a_retired_resource_is_restored_to_the_public_list(
    client: httpx.AsyncClient, editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    live = await editor.post(f"/v1/editor/resources/{seeded.ok_id}/restore")
    assert live.status_code == 409
    await editor.post(f"/v1/editor/resources/{seeded.ok_id}/retire", json={"reason": "Replaced"})
    history = (await editor.get(f"/v1/editor/resources/{seeded.ok_id}/history")).json()
    assert history["standing"]["state"] == "retired" and not history["standing"]["public"]
    restored = await editor.post(f"/v1/editor/resources/{seeded.ok_id}/restore")
    assert restored.status_code == 200
    body = restored.json()
    assert body["action"] == "restore" and body["recheck_id"] is not None
    assert "police-advice" in _public_ids((await client.get("/v1/guides/sextortion")).json())
    history = (await editor.get(f"/v1/editor/resources/{seeded.ok_id}/history")).json()
    assert history["standing"]["state"] == "working"


async def test_recheck_now(
    app: FastAPI,
    editor: httpx.AsyncClient,
    settings: Settings,
    seeded: Seeded,
    checker: FakeExecutor,
) -> None:
    response = await editor.post(f"/v1/editor/resources/{seeded.flaky_id}/recheck")
    assert response.status_code == 202
    await app.state.background.idle()
    assert checker.calls == [("recheck", (seeded.flaky_id,))]
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            request = (await session.execute(select(RecheckRequest))).scalar_one()
            assert request.requested_by == seeded.editor
            assert request.finished_at is not None
    finally:
        await engine.dispose()
    missing = await editor.post("/v1/editor/resources/999999/recheck")
    assert missing.status_code == 404


async def test_start_run_in_background_and_409_while_running(
    app: FastAPI,
    editor: httpx.AsyncClient,
    settings: Settings,
    seeded: Seeded,
    checker: FakeExecutor,
) -> None:
    checker.release = asyncio.Event()
    started = await editor.post("/v1/editor/runs")
    assert started.status_code == 202
    assert started.json()["action"] == "start_run"
    await checker.called.wait()
    assert checker.calls == [("editor", None)]
    busy = await editor.post("/v1/editor/runs")
    assert busy.status_code == 409
    checker.release.set()
    background: Background = app.state.background
    run_id = await background.wait_run()
    assert run_id is not None
    run = (await editor.get(f"/v1/editor/runs/{run_id}")).json()
    assert run["trigger"] == "editor"
    actions = await _actions(settings)
    assert [(a.action, a.actor, a.resource_id) for a in actions] == [
        ("start_run", seeded.editor, None)
    ]


async def test_start_run_409_while_another_process_runs_one(
    editor: httpx.AsyncClient, settings: Settings, seeded: Seeded, checker: FakeExecutor
) -> None:
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            session.add(Run(trigger="schedule", status=RunStatus.RUNNING))
    finally:
        await engine.dispose()
    response = await editor.post("/v1/editor/runs")
    assert response.status_code == 409
    # Worded as the dashboard words a moment ("3 Dec 2026, 14:02 UTC"), not a raw timestamp.
    assert re.search(
        r"already running \(started \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC\)$",
        response.json()["detail"],
    )
    assert checker.calls == []
    assert await _actions(settings) == []


async def test_start_run_is_not_refused_by_a_run_its_process_left_behind(
    app: FastAPI, editor: httpx.AsyncClient, settings: Settings, seeded: Seeded
) -> None:
    # A run whose process died (or whose end the database could not take) is marked
    # interrupted, as a run started anywhere else would, not reported as "already running".
    an_hour_ago = utcnow() - timedelta(hours=1)
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            left = Run(
                trigger="schedule",
                status=RunStatus.RUNNING,
                started_at=an_hour_ago,
                heartbeat_at=an_hour_ago,
                owner="elsewhere:4242",
            )
            session.add(left)
    finally:
        await engine.dispose()
    response = await editor.post("/v1/editor/runs")
    assert response.status_code == 202, response.json()
    background: Background = app.state.background
    await background.wait_run()
    left_now = (await editor.get(f"/v1/editor/runs/{left.id}")).json()
    assert left_now["status"] == "interrupted"


async def test_an_unexpected_failure_is_a_500_in_json(
    app: FastAPI, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.routes import editor as editor_routes

    async def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(editor_routes, "problem_page", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get(
            "/v1/editor/problems", headers={"Authorization": f"Bearer {seeded.token}"}
        )
    assert response.status_code == 500
    assert response.json() == {
        "error": "internal server error",
        "detail": "the server failed; the error is logged",
    }
    assert "on fire" not in response.text
