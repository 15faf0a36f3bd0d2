"""The editor API's ways in: every resource listed and searched, a resource by guide/key,
a run's results, the scheduler's plan, and edits of every published field."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, select

from curator.domain import JobStatus, ResourceKind
from curator.settings import Settings
from curator.store.base import utcnow
from curator.store.engine import create_engine, session_factory
from curator.store.job_states import finish_job, plan_job, start_job
from curator.store.models import Guide, RecheckRequest, Resource, Section
from tests.api.seed import Seeded
from tests.seeding import BROKEN_URL, FLAKY_URL, OK_URL


async def _all_pages(editor: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    for _ in range(100):
        query = {**params, **({"after": after} if after else {})}
        page = (await editor.get("/v1/editor/resources", params=query)).json()
        found.extend(page["resources"])
        after = page["next_after"]
        if after is None:
            return found
    raise AssertionError("the pages never ended")


@contextmanager
def counted_queries(app: FastAPI) -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs."""
    statements: list[str] = []

    def note(*args: Any) -> None:
        statements.append(str(args[2]))

    sync_engine = app.state.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(sync_engine, "before_cursor_execute", note)


# --- the resources list ----------------------------------------------------------------------


async def test_every_resource_is_listed_with_its_status(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    page = (await editor.get("/v1/editor/resources")).json()
    assert page["total"] == 7
    assert page["next_after"] is None
    by_address = {r["address"]: r for r in page["resources"]}
    assert list(by_address) == [
        "online-safety/police-advice",
        "sextortion/ceop",
        "sextortion/new-page",
        "sextortion/old-page",
        "sextortion/police-advice",
        "sextortion/report-remove",
        "sextortion/stop-ncii",
    ]
    working = by_address["sextortion/police-advice"]
    assert (working["status"], working["verdict"], working["pending"]) == ("working", "ok", False)
    assert working["resource_id"] == seeded.ok_id
    assert (working["audience"], working["region"]) == ("Everyone", "England")
    assert working["section"] == "From the Police"
    broken = by_address["sextortion/report-remove"]
    assert (broken["status"], broken["verdict"], broken["open_reports"]) == ("broken", "broken", 1)
    assert broken["kind"] == "helpline"
    flaky = by_address["sextortion/ceop"]
    assert (flaky["status"], flaky["verdict"], flaky["pending"]) == ("unknown", "transient", True)
    assert flaky["consecutive_failures"] == 1
    assert flaky["standing"]["state"] == "failing" and flaky["standing"]["public"]
    assert flaky["standing"]["label"] == "failing, not confirmed yet"
    assert broken["standing"]["readers"].startswith("Hidden from readers since")
    never = by_address["sextortion/new-page"]
    assert (never["status"], never["verdict"], never["last_checked_at"]) == ("unknown", None, None)
    assert by_address["sextortion/old-page"]["retired_at"] is not None
    assert by_address["sextortion/old-page"]["standing"]["state"] == "retired"
    assert by_address["sextortion/stop-ncii"]["status"] == "update"


@pytest.mark.parametrize(
    ("params", "addresses"),
    [
        ({"q": "REPORT remove"}, ["sextortion/report-remove"]),
        ({"q": "ceop.example"}, ["sextortion/ceop"]),
        ({"q": "new-page"}, ["sextortion/new-page"]),
        ({"q": "police"}, ["online-safety/police-advice", "sextortion/police-advice"]),
        ({"q": "police", "guide": "online-safety"}, ["online-safety/police-advice"]),
        ({"q": "100%_"}, []),
        ({"guide": "online-safety"}, ["online-safety/police-advice"]),
        ({"guide": "no-such-guide"}, []),
    ],
    ids=[
        "title-any-case",
        "url",
        "key",
        "two-guides",
        "guide-and-text",
        "wildcards",
        "guide",
        "none",
    ],
)
async def test_search_by_text_and_guide(
    editor: httpx.AsyncClient, seeded: Seeded, params: dict[str, str], addresses: list[str]
) -> None:
    page = (await editor.get("/v1/editor/resources", params=params)).json()
    assert [r["address"] for r in page["resources"]] == addresses
    assert page["total"] == len(addresses)


async def _add_resources(settings: Settings, count: int) -> None:
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            guide = Guide(slug="big", title="A big guide", editors=[], synced={})
            section = Section(guide=guide, title="Links", position=1)
            session.add_all([guide, section])
            session.add_all(
                Resource(
                    guide=guide,
                    section=section,
                    key=f"link-{n:04d}",
                    title=f"Link {n}",
                    url=f"https://site{n}.example.org/",
                    position=n,
                    expect_text=[],
                    synced={},
                )
                for n in range(count)
            )
    finally:
        await engine.dispose()


async def test_pages_cover_every_resource_once_in_a_bounded_number_of_queries(
    app: FastAPI, editor: httpx.AsyncClient, settings: Settings, seeded: Seeded
) -> None:
    await _add_resources(settings, 300)
    paged = await _all_pages(editor, limit=40)
    assert len(paged) == 307
    assert len({r["resource_id"] for r in paged}) == 307
    assert [r["address"] for r in paged] == sorted(r["address"] for r in paged)
    with counted_queries(app) as small:
        assert len((await editor.get("/v1/editor/resources?limit=3")).json()["resources"]) == 3
    with counted_queries(app) as large:
        assert len((await editor.get("/v1/editor/resources?limit=300")).json()["resources"]) == 300
    assert len(large) == len(small) <= 6


async def test_bad_listing_parameters_are_422(editor: httpx.AsyncClient, seeded: Seeded) -> None:
    for params in ({"after": "no slash"}, {"limit": "0"}, {"limit": "501"}, {"guide": "Bad Slug"}):
        response = await editor.get("/v1/editor/resources", params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["location"] == "query"


# --- guide/key addressing --------------------------------------------------------------------


async def test_a_resource_by_id_or_by_guide_and_key(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    by_id = (await editor.get(f"/v1/editor/resources/{seeded.broken_id}")).json()
    by_address = (await editor.get("/v1/editor/resources/sextortion/report-remove")).json()
    assert by_id == by_address
    assert by_id["url"] == BROKEN_URL
    history = await editor.get("/v1/editor/resources/sextortion/report-remove/history")
    assert history.status_code == 200
    assert history.json()["resource"]["id"] == seeded.broken_id
    # The same key in another guide is another resource.
    other = (await editor.get("/v1/editor/resources/online-safety/police-advice")).json()
    assert other["resource_id"] != seeded.ok_id and other["url"] == OK_URL


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/editor/resources/sextortion/nope"),
        ("GET", "/v1/editor/resources/nope/report-remove/history"),
        ("POST", "/v1/editor/resources/sextortion/nope/recheck"),
        ("PATCH", "/v1/editor/resources/sextortion/nope"),
    ],
    ids=["get", "history", "recheck", "patch"],
)
async def test_an_unknown_address_is_404_naming_it(
    editor: httpx.AsyncClient, seeded: Seeded, method: str, path: str
) -> None:
    response = await editor.request(
        method, path, json={"title": "x"} if method == "PATCH" else None
    )
    assert response.status_code == 404
    address = "/".join(path.split("/")[4:6])
    assert response.json() == {"error": "not found", "detail": f"no resource {address!r}"}


async def test_actions_by_guide_and_key(
    editor: httpx.AsyncClient, settings: Settings, seeded: Seeded
) -> None:
    response = await editor.post("/v1/editor/resources/sextortion/ceop/recheck")
    assert response.status_code == 202
    assert response.json()["resource_id"] == seeded.flaky_id
    response = await editor.patch(
        "/v1/editor/resources/sextortion/ceop", json={"title": "CEOP Education"}
    )
    assert response.status_code == 200
    assert (await editor.get(f"/v1/editor/resources/{seeded.flaky_id}")).json()[
        "title"
    ] == "CEOP Education"
    response = await editor.post(
        "/v1/editor/resources/sextortion/ceop/snooze",
        json={"until": (utcnow() + timedelta(days=3)).isoformat(), "reason": "WAF"},
    )
    assert response.status_code == 200
    assert (await editor.post("/v1/editor/resources/sextortion/old-page/retire")).status_code == 409


async def test_numeric_segments_stay_ids(editor: httpx.AsyncClient, seeded: Seeded) -> None:
    assert (await editor.get(f"/v1/editor/resources/{seeded.ok_id}/history")).status_code == 200
    assert (await editor.get("/v1/editor/resources/-3/history")).status_code == 422
    assert (await editor.post("/v1/editor/resources/0/recheck")).status_code == 422


# --- a run's results -------------------------------------------------------------------------


async def test_a_run_opens_to_its_results_worst_first(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    run = (await editor.get(f"/v1/editor/runs/{seeded.run_id}")).json()
    assert run["next_results"] is None
    results = run["results"]
    assert [(r["verdict"], r["status_code"]) for r in results] == [
        ("broken", 404),
        ("moved", 200),
        ("transient", 503),
        ("ok", 200),
    ]
    broken = results[0]
    assert broken["url"] == BROKEN_URL and broken["final_url"] == BROKEN_URL
    assert broken["group"] == "broken" and broken["detail"] == "broken (404)"
    assert [(r["guide"], r["key"]) for r in broken["resources"]] == [
        ("sextortion", "report-remove")
    ]
    ok = results[-1]
    assert [(r["guide"], r["key"]) for r in ok["resources"]] == [
        ("online-safety", "police-advice"),
        ("sextortion", "police-advice"),
    ]


async def test_a_runs_results_page_by_page(editor: httpx.AsyncClient, seeded: Seeded) -> None:
    seen: list[str] = []
    after = None
    for _ in range(10):
        params: dict[str, Any] = {"results_limit": 1}
        if after:
            params["results_after"] = after
        run = (await editor.get(f"/v1/editor/runs/{seeded.run_id}", params=params)).json()
        seen.extend(r["url"] for r in run["results"])
        after = run["next_results"]
        if after is None:
            break
    assert seen == [BROKEN_URL, "http://stopncii.example.org/", FLAKY_URL, OK_URL]
    bad = await editor.get(
        f"/v1/editor/runs/{seeded.run_id}", params={"results_after": "nonsense:12"}
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "results_after"
    assert bad.json()["detail"][0]["location"] == "query"  # where the client sent it


# --- the scheduler on the runs list ----------------------------------------------------------


async def test_runs_say_no_scheduler_has_planned_a_check(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    scheduler = (await editor.get("/v1/editor/runs")).json()["scheduler"]
    assert scheduler["next_check"] is None
    assert scheduler["jobs"] == [] and scheduler["last_heartbeat"] is None
    assert scheduler["full_check_cron"] == "0 3 * * mon"


async def test_runs_show_the_next_check_and_how_jobs_ended(
    editor: httpx.AsyncClient, settings: Settings, seeded: Seeded
) -> None:
    now = utcnow().replace(microsecond=0)
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            await plan_job(session, job_id="full_check", next_due_at=now + timedelta(days=5))
            await plan_job(session, job_id="confirm_check", next_due_at=now + timedelta(hours=7))
            await start_job(session, job_id="domain_watch", now=now - timedelta(minutes=3))
            await finish_job(
                session,
                job_id="domain_watch",
                now=now - timedelta(minutes=2),
                status=JobStatus.FAILED,
                error="RuntimeError: registry unreachable",
            )
    finally:
        await engine.dispose()
    scheduler = (await editor.get("/v1/editor/runs")).json()["scheduler"]
    assert scheduler["next_check"]["job"] == "confirm_check"
    assert scheduler["next_check"]["due_at"].startswith(
        (now + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M")
    )
    jobs = {j["job"]: j for j in scheduler["jobs"]}
    assert [j["job"] for j in scheduler["jobs"]] == ["full_check", "confirm_check", "domain_watch"]
    assert jobs["domain_watch"]["last_status"] == "failed"
    assert jobs["domain_watch"]["last_error"] == "RuntimeError: registry unreachable"
    assert scheduler["last_heartbeat"] is not None


# --- every published field can be edited -----------------------------------------------------


async def test_kind_audience_region_and_notes_are_edited_and_kind_is_rechecked(
    editor: httpx.AsyncClient, settings: Settings, seeded: Seeded
) -> None:
    response = await editor.patch(
        "/v1/editor/resources/sextortion/police-advice",
        json={
            "kind": "document",
            "audience": "Parents and carers",
            "region": None,
            "notes": "Ask the force before changing.\nReviewed in June.",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert sorted(body["changes"]["fields"]) == ["audience", "kind", "notes", "region"]
    assert body["recheck_id"] is not None
    resource = (await editor.get(f"/v1/editor/resources/{seeded.ok_id}")).json()
    assert resource["kind"] == "document"
    assert resource["audience"] == "Parents and carers"
    assert resource["region"] is None
    assert resource["notes"] == "Ask the force before changing.\nReviewed in June."
    history = (await editor.get(f"/v1/editor/resources/{seeded.ok_id}/history")).json()
    assert history["resource"]["notes"] == resource["notes"]
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            row = await session.get(Resource, seeded.ok_id)
            assert row is not None and row.kind is ResourceKind.DOCUMENT
            rechecks = (await session.execute(select(RecheckRequest))).scalars().all()
            assert [r.resource_id for r in rechecks] == [seeded.ok_id]
    finally:
        await engine.dispose()
    notes_only = await editor.patch(
        f"/v1/editor/resources/{seeded.ok_id}", json={"notes": "Reviewed in July."}
    )
    assert notes_only.json()["recheck_id"] is None
