"""A recheck's progress on the dashboard, over HTTP (in-process), on SQLite and PostgreSQL.

Tried as a new user would: after "Recheck now" nothing on the resource's page said whether
the recheck was still queued, running or done; the editor compared "Last checked" across
reloads. The page (and the problems list's item) now says it, from the recheck queue.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.app import create_app
from api.background import Background
from curator import editing
from curator.rechecks import claim_rechecks
from curator.settings import Settings
from curator.store.models import RecheckRequest
from curator.store.rechecks import finish_rechecks
from tests.dashboard.app import create_test_app, csrf_of, sign_in
from tests.dashboard.seed import Seeded
from tests.executors import FakeExecutor

TIME = r"<time datetime=\"[^\"]+\">[^<]+</time>"


def _said(html: str, item: str | None = None) -> str:
    """The recheck's line on the page (or in one item of the problems list), tags dropped."""
    if item is not None:
        found = re.search(rf'<li class="problem [^"]*" id="{item}">(.*?)</article>', html, re.S)
        assert found, f"no item {item}"
        html = found.group(1)
    line = re.search(r'<p class="recheck [a-z]+"[^>]*>(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", line.group(1)) if line else ""


@asynccontextmanager
async def _signed_in(app: FastAPI, seeded: Seeded) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            assert (await sign_in(c, seeded.token)).status_code == 200
            yield c


@contextmanager
def _statements(app: FastAPI) -> Iterator[list[str]]:
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


async def _recheck_now_and_wait(
    app: FastAPI,
    editor: httpx.AsyncClient,
    page_path: str,
    release: asyncio.Event,
    name: str,
) -> httpx.Response:
    """Press "Recheck now" on the page; check what the next page says; let the recheck
    finish; the page after it."""
    page = await editor.get(page_path)
    assert _said(page.text) == ""
    after = await editor.post(
        f"{page_path}/recheck",
        data={"csrf_token": csrf_of(page.text), "back": page_path},
        follow_redirects=True,
    )
    # The very page after the button says so: taken up at once or not, it is not done.
    assert "CEOP Safety Centre will be rechecked shortly." in after.text
    said = _said(after.text)
    assert re.fullmatch(
        rf"Recheck asked for at \d+ \w+ \d{{4}}, \d\d:\d\d UTC by {name}: "
        r"(waiting to start|running since .+)\. This page reloads itself every 5 seconds "
        r"until it is done \(reload now\)\.",
        said,
    ), said
    assert re.search(rf"Recheck asked for at {TIME} by", after.text)
    release.set()
    background: Background = app.state.background
    await background.idle()
    return await editor.get(page_path)


async def test_after_recheck_now_the_page_says_it_waits_then_that_it_is_done(
    dashboard_settings: Settings, seeded: Seeded, session: AsyncSession
) -> None:
    release = asyncio.Event()  # the checker's recheck is held until the test lets it finish
    app = create_app(dashboard_settings, executor=FakeExecutor(release=release))
    page_path = f"/editor/resources/{seeded.flaky_id}"
    async with _signed_in(app, seeded) as editor:
        try:
            done = await _recheck_now_and_wait(app, editor, page_path, release, seeded.editor)
        finally:
            release.set()  # whatever failed, the held recheck ends, and so does the app
    request = (await session.execute(select(RecheckRequest))).scalars().one()
    assert request.finished_at is not None and request.run_id is not None
    said = _said(done.text)
    assert said.startswith("Last recheck asked for at ")
    assert f" by {seeded.editor}: done at " in said
    assert said.endswith(f"(run #{request.run_id}).")
    assert f'href="/editor/runs/{request.run_id}"' in done.text


async def test_the_page_says_waiting_running_and_done_as_the_queue_goes(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    page_path = f"/editor/resources/{seeded.broken_id}"
    asked = datetime(2026, 12, 3, 14, 2, tzinfo=UTC)
    async with session.begin():  # asked for; no process has taken it up
        await editing.recheck(session, resource_id=seeded.broken_id, actor=seeded.editor, now=asked)
    said = _said((await editor.get(page_path)).text)
    # Asked for long ago (as this test's clock goes): the page no longer reloads itself.
    stale = (
        "Reload the page to see its result (it stopped reloading itself: no process has "
        "finished the recheck within 10 minutes)."
    )
    assert said == (
        f"Recheck asked for at 3 Dec 2026, 14:02 UTC by {seeded.editor}: waiting to start. " + stale
    )
    started = datetime(2026, 12, 3, 14, 3, tzinfo=UTC)
    async with session.begin():  # a process (the scheduler, the API's worker) claims it
        claimed = await claim_rechecks(session, now=started)
    assert _said((await editor.get(page_path)).text) == (
        f"Recheck asked for at 3 Dec 2026, 14:02 UTC by {seeded.editor}: running since "
        "3 Dec 2026, 14:03 UTC. " + stale
    )
    async with session.begin():  # … and finishes (its run stored nothing here)
        await finish_rechecks(
            session,
            request_ids=[r.id for r in claimed],
            run_id=None,
            now=datetime(2026, 12, 3, 14, 4, tzinfo=UTC),
        )
    assert _said((await editor.get(page_path)).text) == (
        f"Last recheck asked for at 3 Dec 2026, 14:02 UTC by {seeded.editor}: done at "
        "3 Dec 2026, 14:04 UTC."
    )


async def test_the_problems_list_says_which_rechecks_wait_or_run_in_one_query(
    dashboard_settings: Settings, seeded: Seeded, session: AsyncSession
) -> None:
    app = create_test_app(dashboard_settings)
    async with _signed_in(app, seeded) as editor:
        async with session.begin():
            for resource_id in (seeded.broken_id, seeded.moved_id):
                await editing.recheck(session, resource_id=resource_id, actor=seeded.editor)
        async with session.begin():  # the older is taken up; the flaky one's comes after
            await claim_rechecks(session, limit=1)
            await editing.recheck(session, resource_id=seeded.flaky_id, actor=seeded.editor)
        with _statements(app) as statements:
            page = await editor.get("/editor/problems")
    assert ": running since " in _said(page.text, f"resource-{seeded.broken_id}")
    assert ": waiting to start." in _said(page.text, f"resource-{seeded.moved_id}")
    assert ": waiting to start." in _said(page.text, f"resource-{seeded.flaky_id}")
    # Three items with a recheck, one query of the queue for the whole page.
    assert len([s for s in statements if "recheck_requests" in s]) == 1


async def test_the_page_reloads_itself_only_while_its_recheck_waits_or_runs(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    # The pages run no script: a Refresh header reloads the resource's page (a GET) every 5
    # seconds while its recheck waits or runs, and not once it is done, nor for ever.
    page_path = f"/editor/resources/{seeded.flaky_id}"
    assert "refresh" not in (await editor.get(page_path)).headers  # nothing asked for
    async with session.begin():
        asked = await editing.recheck(session, resource_id=seeded.flaky_id, actor=seeded.editor)
    waiting = await editor.get(page_path)
    assert waiting.headers["refresh"] == "5"
    assert 'id="recheck"' in waiting.text
    assert f'<a href="{page_path}#recheck">reload now</a>' in waiting.text
    # A form refused and shown again there is never reloaded away.
    refused = await editor.post(
        f"{page_path}/snooze",
        data={"csrf_token": csrf_of(waiting.text), "until": "", "reason": "x", "back": page_path},
        follow_redirects=True,
    )
    assert "Nothing was snoozed" in refused.text
    assert "refresh" not in refused.headers
    async with session.begin():
        claimed = await claim_rechecks(session)
    assert (await editor.get(page_path)).headers["refresh"] == "5"  # running
    async with session.begin():
        await finish_rechecks(
            session, request_ids=[r.id for r in claimed], run_id=None, now=datetime.now(UTC)
        )
    done = await editor.get(page_path)
    assert "refresh" not in done.headers
    assert ": done at " in _said(done.text)
    # The problems list is never reloaded: it only says so.
    async with session.begin():
        await editing.recheck(session, resource_id=seeded.flaky_id, actor=seeded.editor)
    problems = await editor.get("/editor/problems")
    assert "refresh" not in problems.headers
    assert asked.recheck_id is not None
