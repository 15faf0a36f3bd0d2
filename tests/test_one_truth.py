"""One link's story, told the same everywhere: the editor API, the dashboard, the refresh report
(text and JSON), the public list and `curator check`'s exit code agree at every step, in the
same words (curator.labels), as the link goes from never checked to working, failing once,
failing and not confirmed, confirmed broken, snoozed as a false positive, working again,
taken over by a casino (hidden at once, unconfirmed) and working again.

The link is a real loopback site checked by the real `curator` console script; confirmation is
the real policy with its days set to 0 (three failed checks confirm).
"""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Any

import httpx

from api.app import create_app
from curator import labels
from curator.domain import State
from curator.report.build import build_report
from curator.report.render import render_json, render_text
from curator.settings import Settings
from curator.store.base import utcnow
from curator.store.engine import create_engine, session_factory
from curator.tokens import create_token
from tests.cli.script import environment, start
from tests.dashboard.app import FakeExecutor, csrf_of, sign_in
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
            url: {url}
"""

GONE = page("Page not found", "Sorry, this page does not exist.", status=404)
HELPLINE = page("The helpline", "Call the helpline any day of the week: we listen and we help.")
CASINO = page(
    "Best Online Casino UK - Free Spins",
    "Best online casino UK 2026. Claim 200 free spins and a no deposit bonus today. Play "
    "roulette, blackjack and online slots with a jackpot every hour. Live casino tables open. " * 3,
)


def free_port(address: str) -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Expected:
    state: State
    readers: str
    public_status: str | None
    """The public list's status; None when readers do not see the resource."""
    needs_editor: bool
    exit_code: int
    confirmed: bool = True

    @property
    def label(self) -> str:
        return labels.STATES[self.state].label


class Story:
    """The service and the CLI on one database, observed the way editors and readers look."""

    def __init__(self, settings: Settings, tmp_path: Path, url: str, token: str) -> None:
        self.settings = settings
        self.tmp_path = tmp_path
        self.token = token
        catalog = tmp_path / "resources.yaml"
        catalog.write_text(CATALOG.format(url=url))
        self.catalog = catalog
        self.env = environment(
            CURATOR_DATABASE_URL=settings.database_url,
            CURATOR_ALLOW_PRIVATE_ADDRESSES="true",
            CURATOR_CONFIRM_FAILURES="3",
            CURATOR_CONFIRM_DAYS="0",
            CURATOR_RETRIES="0",
            CURATOR_PER_HOST_INTERVAL="0",
            CURATOR_VIDEO_OEMBED="false",
            CURATOR_REPLACEMENT_SEARCH="false",
            CURATOR_RDAP_LOOKUPS="false",
        )

    async def check(self, *options: str) -> tuple[int, str]:
        """`curator check` as CI runs it: its exit code and output."""
        return await self.run("check", "--catalog", str(self.catalog), "--no-progress", *options)

    async def sync(self) -> tuple[int, str]:
        """`curator sync` of the catalog: its exit code and output."""
        return await self.run("sync", "--catalog", str(self.catalog))

    async def run(self, *args: str) -> tuple[int, str]:
        """A `curator` command on the story's database: its exit code and output."""
        process = await start(*args, cwd=self.tmp_path, env=self.env)
        out, err = await process.communicate()
        assert process.returncode is not None
        return process.returncode, out.decode() + err.decode()

    async def report(self) -> tuple[str, dict[str, Any]]:
        """The refresh report as text and as JSON (nothing kept)."""
        engine = create_engine(self.settings.database_url)
        try:
            async with session_factory(engine)() as session:
                report = await build_report(session, self.settings, now=utcnow())
                await session.rollback()
        finally:
            await engine.dispose()
        return render_text(report), json.loads(render_json(report))


def _problem(items: list[dict[str, Any]], resource_id: int) -> dict[str, Any] | None:
    return next((p for p in items if p["resource_id"] == resource_id), None)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def test_one_link_tells_one_story_everywhere(
    settings: Settings, sites: Sites, tmp_path: Path
) -> None:
    address = sites.next_address()
    port = free_port(address)
    url = f"http://{address}:{port}/help"
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            _, token = await create_token(session, name="alex")
    finally:
        await engine.dispose()
    story = Story(settings, tmp_path, url, token)
    today = labels.day(utcnow(), now=utcnow())
    app = create_app(settings, executor=FakeExecutor(hold=True), freshness=0)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            bearer = {"Authorization": f"Bearer {token}"}

            async def observe(expected: Expected, exit_code: int, output: str) -> int:
                assert exit_code == expected.exit_code, output
                public = (await client.get("/v1/guides/sextortion")).json()
                listed = {r["id"]: r for s in public["sections"] for r in s["resources"]}
                if expected.public_status is None:
                    assert "helpline" not in listed
                    everything = (await client.get("/v1/guides/sextortion?include=all")).json()
                    hidden = everything["sections"][0]["resources"][0]
                    assert hidden["status"] == "broken"
                else:
                    assert listed["helpline"]["status"] == expected.public_status

                problems = (await client.get("/v1/editor/problems", headers=bearer)).json()
                snoozed = (await client.get("/v1/editor/snoozed", headers=bearer)).json()
                text, data = await story.report()
                (link,) = data["guides"][0]["links"]
                resource_id = link["resource"]["id"]
                item = _problem(problems["problems"], resource_id)
                snoozed_item = _problem(snoozed["problems"], resource_id)
                assert (item is not None) is expected.needs_editor
                assert (snoozed_item is not None) is (expected.state is State.SNOOZED)
                shown = item or snoozed_item
                if shown is not None:
                    assert shown["state"] == expected.state.value
                    assert shown["label"] == expected.label
                    assert shown["readers"] == expected.readers
                    assert shown["public"] is (expected.public_status is not None)
                    assert shown["confirmed"] is expected.confirmed
                    assert (shown["hidden_since"] is not None) is (expected.public_status is None)
                    assert (shown["snoozed_until"] is not None) is (expected.state is State.SNOOZED)

                # The report: the same state, the same words; broken counted only when it is.
                assert link["state"] == expected.state.value
                assert link["label"] == expected.label
                assert link["public"] is (expected.public_status is not None)
                counts = data["guides"][0]["counts"]
                assert counts["broken"] == (1 if expected.state is State.BROKEN else 0)
                assert counts["snoozed"] == (1 if expected.state is State.SNOOZED else 0)
                if expected.state in (State.FAILING, State.BROKEN):
                    assert f"{expected.readers}." in text
                    section = data["guides"][0]
                    items = section["failing"] + section["newly_broken"]
                    assert [i["readers"] for i in items] == [expected.readers]
                    assert [i["label"] for i in items] == [expected.label]
                if expected.state is State.UNSAFE:
                    assert f"{expected.readers}." in text
                    unsafe = data["guides"][0]["unsafe"]
                    assert [i["readers"] for i in unsafe] == [expected.readers]
                    assert [i["label"] for i in unsafe] == [expected.label]

                # The dashboard: the resource's page and the problems page say the same.
                resource_page = _text((await client.get(f"/editor/resources/{resource_id}")).text)
                assert expected.readers in resource_page
                assert expected.label in resource_page
                problems_page = (await client.get("/editor/problems")).text
                assert (f'id="resource-{resource_id}"' in problems_page) is expected.needs_editor
                assert (f'id="snoozed-{resource_id}"' in problems_page) is (
                    expected.state is State.SNOOZED
                )
                if expected.needs_editor or expected.state is State.SNOOZED:
                    assert expected.readers in _text(problems_page)
                    assert labels.STATES[expected.state].heading in _text(problems_page)
                return resource_id

            assert (await sign_in(client, token)).status_code == 200

            # Never checked: the catalog is synced, its one link not checked yet.
            code, output = await story.sync()
            rid = await observe(
                Expected(State.NEVER_CHECKED, "Published: not checked yet", "unknown", False, 0),
                code,
                output,
            )
            text, data = await story.report()
            assert data["guides"][0]["summary"] == "1 link not checked yet"

            site = await sites.add("helpline.test", {"/help": HELPLINE}, address=address, port=port)
            code, output = await story.check()
            await observe(
                Expected(State.WORKING, "Published: working", "working", False, 0), code, output
            )
            text, data = await story.report()
            assert (
                data["guides"][0]["summary"]
                == "no confirmed changes yet: the one checked link works"
            )

            site.route("/help", GONE)
            for failures in (1, 2):
                code, output = await story.check()
                checks = labels.checks(failures)
                await observe(
                    Expected(
                        State.FAILING,
                        f"Still published: failing, not confirmed yet ({checks} since {today})",
                        "working",
                        True,
                        1,
                        confirmed=False,
                    ),
                    code,
                    output,
                )

            code, output = await story.check()
            await observe(
                Expected(
                    State.BROKEN,
                    f"Hidden from readers since {today} (confirmed broken)",
                    None,
                    True,
                    1,
                ),
                code,
                output,
            )

            until = utcnow() + timedelta(days=30)
            snoozed = await client.post(
                f"/v1/editor/resources/{rid}/snooze",
                headers=bearer,
                json={"until": until.isoformat(), "reason": "works in a browser"},
            )
            assert snoozed.status_code == 200, snoozed.text
            code, output = await story.check()
            await observe(
                Expected(
                    State.SNOOZED,
                    "Published as working: snoozed as a false positive until "
                    f"{labels.day(until, now=utcnow())}",
                    "working",
                    False,
                    0,
                ),
                code,
                output,
            )

            # Working again: the site is back, an editor ends the snooze on the dashboard.
            site.route("/help", HELPLINE)
            problems_page = await client.get("/editor/problems")
            ended = await client.post(
                f"/editor/resources/{rid}/end-snooze",
                data={"csrf_token": csrf_of(problems_page.text), "back": "/editor/problems"},
                follow_redirects=True,
            )
            assert ended.status_code == 200
            assert "no longer snoozed" in ended.text
            code, output = await story.check()
            await observe(
                Expected(State.WORKING, "Published: working", "working", False, 0), code, output
            )

            # The domain lapsed and a casino bought it: hidden at once, not in three checks.
            site.route("/help", CASINO)
            code, output = await story.check()
            await observe(
                Expected(
                    State.UNSAFE,
                    f"Hidden from readers since {today} (unsafe: now a harmful site)",
                    None,
                    True,
                    1,
                    confirmed=False,
                ),
                code,
                output,
            )

            # The charity has its domain back: published again at once.
            site.route("/help", HELPLINE)
            code, output = await story.check()
            await observe(
                Expected(State.WORKING, "Published: working", "working", False, 0), code, output
            )
