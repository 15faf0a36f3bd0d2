"""The public routes: the resource lists (ETag, 304, caching, CORS) and readers' reports."""

from __future__ import annotations

import asyncio
import gzip
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from api.background import Background
from api.publishing import GZIP_MIN_BYTES
from curator import editing
from curator.domain import Verdict
from curator.settings import Settings
from curator.store.engine import create_engine, session_factory
from curator.store.models import Check, LinkState, ReaderReport, RecheckRequest
from tests.api.seed import Seeded
from tests.executors import FakeExecutor
from tests.seeding import OK_URL


def _resources(guide: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for s in guide["sections"] for r in s["resources"]]


async def test_guide_lists_resources_in_order_with_status(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await client.get("/v1/guides/sextortion")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    guide = response.json()
    assert guide["slug"] == "sextortion"
    assert guide["source_url"] == "https://hub.example/guides/sextortion"
    assert guide["last_reviewed"] == "2026-06-01"
    assert guide["next_review_due"] == "2026-12-01"
    assert [s["title"] for s in guide["sections"]] == ["Get help now", "From the Police"]
    # Confirmed broken (report-remove) and retired (old-page) are left out.
    assert [r["id"] for r in _resources(guide)] == [
        "stop-ncii",
        "ceop",
        "police-advice",
        "new-page",
    ]
    by_id = {r["id"]: r for r in _resources(guide)}
    assert by_id["police-advice"]["status"] == "working"
    assert by_id["police-advice"]["verdict"] == "ok"
    # A short number has no international form: websites link it as it is dialled in the UK.
    assert by_id["police-advice"]["phone"] == {"printed": "101", "e164": None, "tel": "tel:101"}
    assert by_id["police-advice"]["last_ok_at"] is not None
    assert by_id["police-advice"]["description"] == "What the police advise."
    assert by_id["stop-ncii"]["status"] == "update"
    # One failure, not confirmed: the list goes by the confirmed verdict and hides nothing.
    assert by_id["ceop"]["status"] == "working"
    assert by_id["ceop"]["verdict"] == "ok"
    assert by_id["new-page"]["status"] == "unknown"
    assert by_id["new-page"]["verdict"] is None
    assert by_id["new-page"]["last_checked_at"] is None


async def test_include_all_lists_confirmed_broken_but_never_retired(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    guide = (await client.get("/v1/guides/sextortion", params={"include": "all"})).json()
    ids = [r["id"] for r in _resources(guide)]
    assert ids == ["report-remove", "stop-ncii", "ceop", "police-advice", "new-page"]
    broken = _resources(guide)[0]
    assert broken["status"] == "broken"
    assert broken["phone"] == {
        "printed": "0345 6000 459",
        "e164": "+443456000459",
        "tel": "tel:+443456000459",
    }
    assert broken["kind"] == "helpline"


async def test_all_guides(client: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await client.get("/v1/guides", params={"full": "true"})
    assert response.status_code == 200
    guides = response.json()["guides"]
    assert [g["slug"] for g in guides] == ["online-safety", "sextortion"]
    assert len(_resources(guides[1])) == 4


async def test_the_index_lists_guides_with_their_counts(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await client.get("/v1/guides")
    assert response.status_code == 200
    guides = response.json()["guides"]
    assert [g["slug"] for g in guides] == ["online-safety", "sextortion"]
    sextortion = guides[1]
    assert "sections" not in sextortion
    assert sextortion["href"] == "/v1/guides/sextortion"
    assert sextortion["resources"] == 4
    assert sextortion["counts"] == {"working": 2, "update": 1, "broken": 0, "unknown": 1}
    everything = (await client.get("/v1/guides", params={"include": "all"})).json()["guides"]
    assert everything[1]["resources"] == 5 and everything[1]["counts"]["broken"] == 1
    listed = (await client.get(sextortion["href"])).json()
    assert len(_resources(listed)) == sextortion["resources"]
    bad = await client.get("/v1/guides", params={"full": "maybe"})
    assert bad.status_code == 422


async def test_unknown_guide_is_404_json(client: httpx.AsyncClient, seeded: Seeded) -> None:
    for slug in ("no-such-guide", "Not A Slug!"):
        response = await client.get(f"/v1/guides/{slug}")
        assert response.status_code == 404
        assert response.json()["error"] == "not found"
        assert slug in response.json()["detail"]


async def test_invalid_include_is_422_json(client: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await client.get("/v1/guides/sextortion", params={"include": "everything"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid request"
    assert body["detail"][0]["field"] == "include"
    assert body["detail"][0]["location"] == "query"


async def test_etag_and_304(client: httpx.AsyncClient, settings: Settings, seeded: Seeded) -> None:
    first = await client.get("/v1/guides/sextortion")
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["cache-control"] == f"public, max-age={settings.cache_max_age}"
    again = await client.get("/v1/guides/sextortion", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == f"public, max-age={settings.cache_max_age}"
    listed = await client.get(
        "/v1/guides/sextortion", headers={"If-None-Match": f'"other", W/{etag}'}
    )
    assert listed.status_code == 304
    stale = await client.get("/v1/guides/sextortion", headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200
    assert stale.content == first.content
    everything = await client.get("/v1/guides/sextortion", params={"include": "all"})
    assert everything.headers["etag"] != etag


async def test_gzip_when_asked_with_an_etag_of_its_own(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    plain = await client.get("/v1/guides?full=true", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert len(plain.content) >= GZIP_MIN_BYTES
    for asked in ("gzip", "br;q=1.0, gzip;q=0.8", "*", "GZIP, deflate"):
        # httpx would decode the body itself: read what came over the wire.
        async with client.stream(
            "GET", "/v1/guides?full=true", headers={"Accept-Encoding": asked}
        ) as coded:
            wire = b"".join([chunk async for chunk in coded.aiter_raw()])
        assert coded.headers["content-encoding"] == "gzip", asked
        assert int(coded.headers["content-length"]) == len(wire) < len(plain.content)
        assert gzip.decompress(wire) == plain.content
        # A representation of its own: caches keep the two apart by ETag and by Vary.
        assert coded.headers["etag"] != plain.headers["etag"]
        assert not coded.headers["etag"].startswith("W/")
        assert "accept-encoding" in coded.headers["vary"].lower()
        assert "accept-encoding" in plain.headers["vary"].lower()
    for refused in ("identity", "gzip;q=0", "*;q=0", "br", "gzip;q=0, *"):
        answer = await client.get("/v1/guides?full=true", headers={"Accept-Encoding": refused})
        assert "content-encoding" not in answer.headers, refused
        assert answer.headers["etag"] == plain.headers["etag"]
    etag = coded.headers["etag"]
    again = await client.get(
        "/v1/guides?full=true", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
    )
    assert again.status_code == 304 and again.headers["etag"] == etag
    assert "accept-encoding" in again.headers["vary"].lower()
    head = await client.head("/v1/guides?full=true", headers={"Accept-Encoding": "gzip"})
    assert head.headers["content-encoding"] == "gzip" and head.content == b""
    # A short answer is sent as it is.
    short = await client.get("/v1/guides", headers={"Accept-Encoding": "gzip"})
    assert len(short.content) < GZIP_MIN_BYTES
    assert "content-encoding" not in short.headers


async def test_rendered_once_per_change_of_data(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, seeded: Seeded
) -> None:
    cache = app.state.guide_cache
    first = await client.get("/v1/guides/sextortion")
    for _ in range(3):
        assert (await client.get("/v1/guides/sextortion")).content == first.content
    assert cache.renders == 1

    # The checker confirms the working link broken: the next request sees it gone.
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            state = (
                await session.execute(select(LinkState).where(LinkState.url == OK_URL))
            ).scalar_one()
            check = Check(run_id=seeded.run_id, url=OK_URL + "?again", verdict=Verdict.PARKED)
            session.add(check)
            await session.flush()
            state.verdict = Verdict.PARKED
            state.last_check_id = check.id
    finally:
        await engine.dispose()
    changed = await client.get("/v1/guides/sextortion")
    assert changed.headers["etag"] != first.headers["etag"]
    assert "police-advice" not in [r["id"] for r in _resources(changed.json())]
    assert cache.renders == 2
    old = await client.get(
        "/v1/guides/sextortion", headers={"If-None-Match": first.headers["etag"]}
    )
    assert old.status_code == 200


async def test_requests_finding_a_list_out_of_date_at_once_share_one_rendering(
    app: FastAPI, client: httpx.AsyncClient, seeded: Seeded
) -> None:
    cache = app.state.guide_cache
    answers = await asyncio.gather(*(client.get("/v1/guides/sextortion") for _ in range(6)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert cache.renders == 1
    index = await asyncio.gather(*(client.get("/v1/guides") for _ in range(4)))
    assert len({a.content for a in index}) == 1
    assert cache.renders == 2


async def test_editor_edit_shows_on_the_public_list_at_once(
    client: httpx.AsyncClient, editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    before = await client.get("/v1/guides/sextortion")
    await editor.patch(f"/v1/editor/resources/{seeded.ok_id}", json={"title": "Police: advice"})
    after = (await client.get("/v1/guides/sextortion")).json()
    titles = {r["id"]: r["title"] for r in _resources(after)}
    assert titles["police-advice"] == "Police: advice"
    assert before.json() != after


async def test_cors_for_any_origin(client: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await client.get("/v1/guides/sextortion", headers={"Origin": "https://hub.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "etag" in response.headers["access-control-expose-headers"].lower()
    preflight = await client.options(
        "/v1/guides/sextortion",
        headers={
            "Origin": "https://other.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]


async def test_cors_lets_scripts_send_conditional_and_cache_headers(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    # A refused preflight fails the whole fetch in the browser, not only the header.
    for asked in ("Cache-Control", "cache-control, pragma", "If-None-Match, If-Modified-Since"):
        preflight = await client.options(
            "/v1/guides/sextortion",
            headers={
                "Origin": "https://hub.example",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": asked,
            },
        )
        assert preflight.status_code == 200, asked
        allowed = preflight.headers["access-control-allow-headers"].lower()
        assert "authorization" not in allowed


async def test_cors_does_not_let_browsers_send_editor_tokens(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    preflight = await client.options(
        "/v1/editor/problems",
        headers={
            "Origin": "https://other.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert preflight.status_code == 400


# --- reports ---------------------------------------------------------------------------------


async def test_report_queues_a_recheck_of_that_resource_only(
    app: FastAPI,
    client: httpx.AsyncClient,
    settings: Settings,
    seeded: Seeded,
    checker: FakeExecutor,
) -> None:
    response = await client.post(
        "/v1/reports",
        json={
            "guide": "sextortion",
            "resource_id": "ceop",
            "note": "It says 503 again",
            "contact": "reader@example.org",
        },
    )
    assert response.status_code == 202
    body = response.json()
    assert body["resource_id"] == "ceop"
    assert body["recheck"] == "queued"
    background: Background = app.state.background
    await background.idle()
    assert checker.calls == [("recheck", (seeded.flaky_id,))]
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            report = await session.get(ReaderReport, body["id"])
            assert report is not None
            assert report.resource_id == seeded.flaky_id
            assert report.contact == "reader@example.org"
            assert report.client_hash and "203.0.113.7" not in report.client_hash
            requests = (await session.execute(select(RecheckRequest))).scalars().all()
            assert [(r.resource_id, r.reason) for r in requests] == [(seeded.flaky_id, "report")]
            assert requests[0].finished_at is not None and requests[0].run_id is not None
    finally:
        await engine.dispose()


async def test_report_reaches_the_editors_problems(
    client: httpx.AsyncClient, editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    # The working link: only a reader's report makes it a problem.
    await client.post(
        "/v1/reports",
        json={"guide": "sextortion", "resource_id": "police-advice", "note": "Blank page"},
    )
    problems = (await editor.get("/v1/editor/problems")).json()["problems"]
    reported = [p for p in problems if p["resource_id"] == seeded.ok_id]
    assert len(reported) == 1
    assert reported[0]["status"] == "working"
    assert [r["note"] for r in reported[0]["reports"]] == ["Blank page"]


async def test_report_of_unknown_or_retired_resource_is_404(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    for guide, key in (("sextortion", "nothing-here"), ("sextortion", "old-page"), ("x", "ceop")):
        response = await client.post("/v1/reports", json={"guide": guide, "resource_id": key})
        assert response.status_code == 404, (guide, key)
        assert response.json()["error"] == "not found"


async def test_report_takes_no_url_and_validates(client: httpx.AsyncClient, seeded: Seeded) -> None:
    with_url = await client.post(
        "/v1/reports",
        json={"guide": "sextortion", "resource_id": "ceop", "url": "http://127.0.0.1/"},
    )
    assert with_url.status_code == 422
    assert with_url.json()["detail"][0]["field"] == "url"
    long_note = await client.post(
        "/v1/reports", json={"guide": "sextortion", "resource_id": "ceop", "note": "x" * 1001}
    )
    assert long_note.status_code == 422
    assert long_note.json()["detail"][0]["field"] == "note"
    bad_contact = await client.post(
        "/v1/reports",
        json={"guide": "sextortion", "resource_id": "ceop", "contact": "not an address"},
    )
    assert bad_contact.status_code == 422
    assert bad_contact.json()["detail"][0]["field"] == "contact"


async def test_a_body_that_is_not_json_is_400_as_documented(
    client: httpx.AsyncClient, editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    report = b'{"guide": "sextortion", "resource_id": "ceop"'
    cases = [
        (client, "POST", "/v1/reports", report, "application/json", "not valid JSON"),
        (client, "POST", "/v1/reports", b"guide=sextortion", "application/json", "not valid JSON"),
        # What fetch() sends when a website passes JSON.stringify(...) without a header.
        (client, "POST", "/v1/reports", report + b"}", "text/plain;charset=UTF-8", "Content-Type"),
        (editor, "PATCH", f"/v1/editor/resources/{seeded.ok_id}", b"{", "application/json", "JSON"),
    ]
    documented = (await client.get("/openapi.json")).json()["paths"]
    for c, method, path, body, content_type, says in cases:
        headers = {"Content-Type": content_type}
        response = await c.request(method, path, content=body, headers=headers)
        assert response.status_code == 400, (path, body, response.text)
        assert response.json()["error"] == "bad request"
        assert says in response.json()["detail"]
        operation = documented[path.replace(str(seeded.ok_id), "{resource_id}")][method.lower()]
        assert "400" in operation["responses"]
    # JSON of the wrong shape is still a 422 naming the field.
    listed = await client.post("/v1/reports", json=["sextortion", "ceop"])
    assert listed.status_code == 422


async def test_reports_are_rate_limited_per_address(
    app: FastAPI, settings: Settings, seeded: Seeded
) -> None:
    async def post(address: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(address, 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.post("/v1/reports", json={"guide": "sextortion", "resource_id": "ceop"})

    statuses = [(await post("198.51.100.1")).status_code for _ in range(settings.report_rate_limit)]
    assert statuses == [202] * settings.report_rate_limit
    limited = await post("198.51.100.1")
    assert limited.status_code == 429
    assert limited.json()["error"] == "too many requests"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert (await post("198.51.100.2")).status_code == 202


async def test_openapi_and_docs(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert "/v1/guides/{slug}" in schema["paths"]
    assert "/v1/editor/resources/{resource_id}" in schema["paths"]
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


async def test_unknown_route_and_method_are_json(client: httpx.AsyncClient) -> None:
    missing = await client.get("/v1/nothing")
    assert missing.status_code == 404
    assert missing.json() == {"error": "not found", "detail": "Not Found"}
    wrong = await client.delete("/v1/guides")
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "method not allowed"


async def test_a_trailing_slash_redirects_to_the_list_keeping_the_query(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    moved = await client.get("/v1/guides/sextortion/", params={"include": "all"})
    assert moved.status_code == 307
    assert moved.headers["location"].endswith("/v1/guides/sextortion?include=all")
    followed = await client.get("/v1/guides/sextortion/?include=all", follow_redirects=True)
    assert followed.status_code == 200 and followed.json()["slug"] == "sextortion"
    ignored = await client.get(
        "/v1/guides/sextortion", headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}
    )
    assert ignored.status_code == 200 and "last-modified" not in ignored.headers


async def test_a_405_allows_head_wherever_it_allows_get(client: httpx.AsyncClient) -> None:
    for path in ("/v1/guides", "/v1/guides/sextortion", "/healthz"):
        wrong = await client.post(path)
        assert wrong.status_code == 405
        assert wrong.headers["allow"] == "GET, HEAD"
        assert (await client.head(path)).status_code != 405
    reports = await client.get("/v1/reports")
    assert reports.status_code == 405
    assert reports.headers["allow"] == "POST"


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _change_outside(settings: Settings, seeded: Seeded) -> None:
    """What the checker in another process does: a new check turns the working link parked."""
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            check = Check(run_id=seeded.run_id, url=OK_URL + "?later", verdict=Verdict.PARKED)
            session.add(check)
            await session.flush()
            state = (
                await session.execute(select(LinkState).where(LinkState.url == OK_URL))
            ).scalar_one()
            state.verdict = Verdict.PARKED
            state.last_check_id = check.id
    finally:
        await engine.dispose()


async def test_version_read_serves_requests_within_freshness(
    settings: Settings, checker: FakeExecutor, seeded: Seeded
) -> None:
    from api.app import create_app
    from api.publishing import STALE_LIMIT, GuideCache

    clock = Clock()
    app = create_app(settings, executor=checker, freshness=0.05, clock=clock)
    async with app.router.lifespan_context(app):
        await app.state.background.idle()  # its startup drain commits, which invalidates
        cache: GuideCache = app.state.guide_cache
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            first = await client.get("/v1/guides/sextortion")
            for _ in range(5):
                await client.get("/v1/guides/sextortion")
            assert cache.version_reads == 1

            # Another process's change: a read younger than the window is used as is; one
            # younger than the stale limit still answers while a new read runs behind it;
            # past the limit, a request waits for a new read.
            await _change_outside(settings, seeded)
            clock.now += 0.01
            assert (await client.get("/v1/guides/sextortion")).content == first.content
            clock.now += 0.05
            assert (await client.get("/v1/guides/sextortion")).content == first.content
            clock.now += STALE_LIMIT * 2
            later = await client.get("/v1/guides/sextortion")
            assert "police-advice" not in [r["id"] for r in _resources(later.json())]
            reads = cache.version_reads

            # This process's own write shows at once, whatever the window.
            editor = httpx.AsyncClient(
                transport=transport,
                base_url="http://t",
                headers={"Authorization": f"Bearer {seeded.token}"},
            )
            async with editor:
                await editor.patch(
                    f"/v1/editor/resources/{seeded.moved_id}", json={"title": "StopNCII.org"}
                )
            titles = [
                r["title"] for r in _resources((await client.get("/v1/guides/sextortion")).json())
            ]
            assert "StopNCII.org" in titles
            assert cache.version_reads == reads + 1

            # Any commit through the app's sessions counts, e.g. the dashboard's actions.
            async with app.state.sessions() as session, session.begin():
                await editing.retire(session, resource_id=seeded.moved_id, actor="dashboard")
            listed = _resources((await client.get("/v1/guides/sextortion")).json())
            assert "stop-ncii" not in [r["id"] for r in listed]


async def test_a_large_list_is_gzipped_once_off_the_loop_for_every_request_waiting() -> None:
    from api.publishing import OFF_LOOP_GZIP_BYTES, rendered

    body = b'{"guides": [' + b'{"title": "a resource"},' * (OFF_LOOP_GZIP_BYTES // 20) + b"]}"
    listed = rendered(body, max_age=60)
    variants = await asyncio.gather(*(listed.gzipped() for _ in range(8)))
    assert all(variant is variants[0] for variant in variants)
    assert gzip.decompress(variants[0].body) == body
    assert variants[0].etag == listed.etag[:-1] + '-gzip"'
    assert await listed.gzipped() is variants[0]


async def test_closing_the_cache_waits_for_a_compression_in_progress(app: FastAPI) -> None:
    from api.publishing import OFF_LOOP_GZIP_BYTES, GuideCache, rendered

    cache: GuideCache = app.state.guide_cache
    listed = rendered(b"[" + b"1," * OFF_LOOP_GZIP_BYTES + b"1]", max_age=60)
    cache._entries[(None, False, True)] = ((0,), None, listed)
    asking = asyncio.ensure_future(listed.gzipped())
    await asyncio.sleep(0)  # the compression starts, in a worker thread
    assert listed.compressed and not listed.compressed[0].done()
    await cache.aclose()
    assert listed.compressed[0].done()
    await asking
