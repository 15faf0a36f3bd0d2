"""The API with curator's real checker: a reader's report rechecks that one link, for real,
against test sites on loopback, and the public list and the editors' problems follow."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.background import Background
from curator.catalog import load_catalog
from curator.settings import Settings
from curator.store.engine import create_engine, session_factory
from curator.sync import sync_catalog
from curator.tokens import create_token
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
