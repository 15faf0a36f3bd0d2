"""The API with curator's real checker: a reader's report rechecks that one link, for real,
against test sites on loopback, and the public list and the editors' problems follow."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.background import Background
from curator import labels
from curator.catalog import load_catalog
from curator.domain import RunStatus, RunTrigger, State
from curator.settings import Settings
from curator.store.base import utcnow
from curator.store.engine import create_engine, session_factory
from curator.store.listing import ResourceAddress, resource_id_at
from curator.sync import sync_catalog
from curator.tokens import create_token
from tests.running import check_run
from tests.sites import Sites, page

CATALOG = """\
guides:
  - slug: sextortion
    title: Sextortion
    sections:
      - title: Get help
        resources:
          - id: helpline
            title: The helpline
            url: {helpline}
          - id: gone
            title: A page that is gone
            url: {gone}
"""


@pytest.fixture
async def sites() -> AsyncIterator[Sites]:
    """Real HTTP test sites on 127.0.0.x."""
    kit = Sites()
    try:
        yield kit
    finally:
        await kit.aclose()


async def test_report_rechecks_the_link_for_real(
    settings: Settings, sites: Sites, tmp_path: Path
) -> None:
    site = await sites.add(
        "helpline.test", {"/help": page("The helpline", "Call us any day, we listen.")}
    )
    catalog = tmp_path / "resources.yaml"
    catalog.write_text(
        CATALOG.format(helpline=site.address_url("/help"), gone=site.address_url("/gone"))
    )
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            await sync_catalog(session, load_catalog(catalog))
            _, token = await create_token(session, name="alex")
    finally:
        await engine.dispose()

    app: FastAPI = create_app(settings.model_copy(update={"retries": 0}), freshness=0)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            before = (await client.get("/v1/guides/sextortion")).json()
            statuses = {r["id"]: r["status"] for r in before["sections"][0]["resources"]}
            assert statuses == {"helpline": "unknown", "gone": "unknown"}

            report = await client.post(
                "/v1/reports", json={"guide": "sextortion", "resource_id": "helpline"}
            )
            assert report.status_code == 202
            background: Background = app.state.background
            await background.idle()

            assert site.hits("/help") >= 1
            assert site.hits("/gone") == 0  # only the reported resource is rechecked
            after = (await client.get("/v1/guides/sextortion")).json()
            helpline = after["sections"][0]["resources"][0]
            assert (helpline["id"], helpline["status"], helpline["verdict"]) == (
                "helpline",
                "working",
                "ok",
            )
            assert helpline["last_checked_at"] is not None

            headers = {"Authorization": f"Bearer {token}"}
            runs = (await client.get("/v1/editor/runs", headers=headers)).json()["runs"]
            assert [(r["trigger"], r["status"], r["counts"]["ok"]) for r in runs] == [
                ("recheck", "completed", 1)
            ]


CASINO = page(
    "Best Online Casino UK - Free Spins",
    "Best online casino UK 2026. Claim 200 free spins and a no deposit bonus today. Play "
    "roulette, blackjack and online slots with a jackpot every hour. Live casino tables open. " * 3,
)
GONE = page("Page not found", "Sorry, this page does not exist.", status=404)
HELPLINE = page("The helpline", "Call the helpline any day of the week: we listen and we help.")
ADVICE = page("Advice for parents", "How to talk with your child about images shared online.")

TWO = """\
guides:
  - slug: sextortion
    title: Sextortion
    sections:
      - title: Get help
        resources:
          - id: helpline
            title: The helpline
            url: {helpline}
          - id: advice
            title: Advice for parents
            url: {advice}
"""


async def test_a_casino_where_the_helpline_was_leaves_the_public_list_at_once(
    settings: Settings, sites: Sites, tmp_path: Path
) -> None:
    """The real checker finds a casino where the helpline was: the public list leaves the
    helpline out after that one check (its ETag changes), the editors see it first of all,
    a working check publishes it again at once, and a snooze keeps it published; a plain 404
    is still hidden only once three checks confirm it."""
    helpline = await sites.add("helpline.test", {"/help": HELPLINE})
    advice = await sites.add("advice.test", {"/advice": ADVICE})
    catalog = tmp_path / "resources.yaml"
    catalog.write_text(
        TWO.format(helpline=helpline.address_url("/help"), advice=advice.address_url("/advice"))
    )
    settings = settings.model_copy(update={"retries": 0, "confirm_failures": 3, "confirm_days": 0})
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    try:
        async with sessions() as session, session.begin():
            await sync_catalog(session, load_catalog(catalog))
            _, token = await create_token(session, name="alex")

        async def check() -> None:
            report = await check_run(sessions, settings, trigger=RunTrigger.CLI)
            assert report.status is RunStatus.COMPLETED

        app: FastAPI = create_app(settings, freshness=0)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                bearer = {"Authorization": f"Bearer {token}"}

                async def listed() -> tuple[dict[str, str], str]:
                    answer = await client.get("/v1/guides/sextortion")
                    assert answer.status_code == 200
                    resources = answer.json()["sections"][0]["resources"]
                    return {r["id"]: r["status"] for r in resources}, answer.headers["etag"]

                async def unchanged(etag: str) -> bool:
                    again = await client.get(
                        "/v1/guides/sextortion", headers={"If-None-Match": etag}
                    )
                    return again.status_code == 304

                async def problem(key: str) -> dict[str, Any] | None:
                    found = (await client.get("/v1/editor/problems", headers=bearer)).json()
                    return next((p for p in found["problems"] if p["key"] == key), None)

                await check()
                statuses, working_etag = await listed()
                assert statuses == {"helpline": "working", "advice": "working"}

                # One check finds a casino: out of the list at once, not in three days.
                helpline.route("/help", CASINO)
                await check()
                statuses, etag = await listed()
                assert statuses == {"advice": "working"}
                assert etag != working_etag and not await unchanged(working_etag)
                everything = (await client.get("/v1/guides/sextortion?include=all")).json()
                hidden = everything["sections"][0]["resources"][0]
                assert (hidden["id"], hidden["status"]) == ("helpline", "broken")
                urgent = await problem("helpline")
                assert urgent is not None
                assert (urgent["state"], urgent["public"], urgent["confirmed"]) == (
                    "unsafe",
                    False,
                    False,
                )
                assert urgent["label"] == labels.STATES[State.UNSAFE].label
                assert urgent["readers"].startswith("Hidden from readers since ")
                assert urgent["hidden_since"] is not None
                assert "gambling" in urgent["detail"]
                problems = (await client.get("/v1/editor/problems", headers=bearer)).json()
                assert problems["problems"][0]["key"] == "helpline"  # first of all

                # The charity's site is back: published again at the next check.
                helpline.route("/help", HELPLINE)
                await check()
                statuses, back_etag = await listed()
                assert statuses == {"helpline": "working", "advice": "working"}
                assert back_etag != etag and await problem("helpline") is None

                # An editor who found the page fine snoozed it: it stays published.
                helpline.route("/help", CASINO)
                async with sessions() as session:
                    rid = await resource_id_at(
                        session, address=ResourceAddress("sextortion", "helpline")
                    )
                until = utcnow() + timedelta(days=30)
                snoozed = await client.post(
                    f"/v1/editor/resources/{rid}/snooze",
                    headers=bearer,
                    json={"until": until.isoformat(), "reason": "it is the charity's page"},
                )
                assert snoozed.status_code == 200, snoozed.text
                await check()
                statuses, _ = await listed()
                assert statuses == {"helpline": "working", "advice": "working"}

                # A plain 404 still waits for confirmation: three checks.
                advice.route("/advice", GONE)
                for _ in range(2):
                    await check()
                    statuses, _ = await listed()
                    assert statuses["advice"] == "working"
                    failing = await problem("advice")
                    assert failing is not None and failing["state"] == "failing"
                await check()
                statuses, _ = await listed()
                assert "advice" not in statuses
    finally:
        await engine.dispose()
