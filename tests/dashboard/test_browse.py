"""The dashboard's ways in: every resource listed and searched, a resource by guide/key, a
run's results, the scheduler's plan, readers' contacts, catalog notes and every field edited."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import JobStatus, ResourceKind, RunStatus
from curator.store.base import utcnow
from curator.store.job_states import finish_job, plan_job, start_job
from curator.store.models import ReaderReport, Resource, Run
from tests.dashboard.app import csrf_of
from tests.dashboard.seed import Seeded
from tests.seeding import BROKEN_URL, NOW


def _linked_titles(html: str) -> list[str]:
    """The resources a list links to, in order."""
    return re.findall(r'<a href="/editor/resources/\d+">([^<]+)</a>', html)


async def test_resources_lists_every_resource_with_its_status(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    page = await editor.get("/editor/resources")
    assert page.status_code == 200
    html = page.text
    assert '<a href="/editor/resources" aria-current="page">Resources</a>' in html
    assert _linked_titles(html) == [
        "CEOP Safety Centre",
        "Police advice on sextortion",
        "Report Remove",
        "StopNCII",
    ]
    assert "4 resources" in html
    row = html[html.index("Police advice on sextortion") :]
    assert '<span class="badge working">working</span>' in row[: row.index("</tr>")]
    row = html[html.index("CEOP Safety Centre") :]
    cell = row[: row.index("</tr>")]
    assert '<span class="badge unknown">failing, not confirmed yet</span>' in cell
    assert "Still published: failing, not confirmed yet (1 failed check since" in cell


async def test_resources_search_and_guide_filter(editor: httpx.AsyncClient, seeded: Seeded) -> None:
    found = await editor.get("/editor/resources", params={"q": "REPORT"})
    assert _linked_titles(found.text) == ["Report Remove"]
    assert "1 resource match" in found.text
    by_url = await editor.get("/editor/resources", params={"q": "ceop.example"})
    assert _linked_titles(by_url.text) == ["CEOP Safety Centre"]
    guide = await editor.get("/editor/resources", params={"guide": "sextortion", "q": "stop"})
    assert _linked_titles(guide.text) == ["StopNCII"]
    assert '<option value="sextortion" selected>' in guide.text
    none = await editor.get("/editor/resources", params={"q": "nothing like it"})
    assert "No resource matches “nothing like it”." in none.text


async def test_resources_are_paged(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    guide_id = (await session.get(Resource, seeded.broken_id)).guide_id  # type: ignore[union-attr]
    session.add_all(
        Resource(
            guide_id=guide_id,
            key=f"extra-{n:03d}",
            title=f"Extra {n:03d}",
            url=f"https://extra{n}.example.org/",
            position=10 + n,
            expect_text=[],
            synced={},
        )
        for n in range(120)
    )
    await session.commit()
    first = await editor.get("/editor/resources")
    titles = _linked_titles(first.text)
    assert len(titles) == 100 and titles[0] == "CEOP Safety Centre"
    assert "124 resources" in first.text
    link = re.search(r'<a class="button" href="([^"]+)" rel="next">', first.text)
    assert link is not None
    second = await editor.get(link.group(1).replace("&amp;", "&"))
    rest = _linked_titles(second.text)
    assert len(rest) == 24 and not set(rest) & set(titles)
    assert 'rel="next"' not in second.text


async def test_a_resource_by_guide_and_key(editor: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await editor.get("/editor/resources/sextortion/report-remove")
    assert response.status_code == 303
    assert response.headers["location"] == f"/editor/resources/{seeded.broken_id}"
    missing = await editor.get("/editor/resources/sextortion/nope")
    assert missing.status_code == 404
    assert "There is no resource &#39;sextortion/nope&#39;." in missing.text


async def test_a_run_opens_to_its_results(editor: httpx.AsyncClient, seeded: Seeded) -> None:
    runs = (await editor.get("/editor/runs")).text
    assert f'<a href="/editor/runs/{seeded.run_id}">#{seeded.run_id}</a>' in runs
    page = await editor.get(f"/editor/runs/{seeded.run_id}")
    assert page.status_code == 200
    html = page.text
    assert f"<h1>Run #{seeded.run_id}</h1>" in html
    rows = html[html.index("<tbody>") : html.index("</tbody>")].split("<tr>")[1:]
    assert len(rows) == 4
    assert BROKEN_URL in rows[0] and "The page is gone: 404 Not Found" in rows[0]
    assert "ended at https://helpline.example.org/report-remove/" in rows[0]
    assert f'<a href="/editor/resources/{seeded.broken_id}">Report Remove</a>' in rows[0]
    assert '<span class="badge working">working</span>' in rows[-1]
    assert (await editor.get("/editor/runs/999999")).status_code == 404


async def test_a_runs_counts_say_verdicts_in_the_words_of_its_results(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    # The run's results and the problems say "temporary failure (no answer, 5xx)"; its counts
    # said "transient: 1".
    for path in ("/editor/runs", f"/editor/runs/{seeded.run_id}"):
        html = (await editor.get(path)).text
        html = html[html.index(f"#{seeded.run_id}") :]
        counts = html[html.index('<ul class="counts"') :]
        counts = counts[: counts.index("</ul>")]
        items = re.findall(r"<li>(.*?)</li>", counts)
        assert items == [
            "working: 1",
            "moved: 1",
            "broken: 1",
            "temporary failure (no answer, 5xx): 1",
        ], path


async def test_runs_page_says_when_the_next_check_is_due_and_how_jobs_ended(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    before = (await editor.get("/editor/runs")).text
    assert "No scheduled check is planned yet" in before
    now = utcnow()
    async with session.begin():
        await plan_job(session, job_id="full_check", next_due_at=now + timedelta(days=2))
        await start_job(session, job_id="rechecks", now=now - timedelta(minutes=1))
        await finish_job(
            session,
            job_id="rechecks",
            now=now,
            status=JobStatus.FAILED,
            error="Traceback (most recent call last):\n  …\nOSError: disk full",
        )
    html = (await editor.get("/editor/runs")).text
    assert "Next scheduled check: <strong>full check of every guide</strong>" in html
    jobs = html[html.index("How the scheduler") :]
    assert '<span class="badge broken">failed</span> <span class="hint">OSError: disk full' in jobs
    assert "<code>full_check</code>" in jobs


async def test_readers_reports_are_one_entry_with_each_note_and_contact(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    session.add_all(
        [
            ReaderReport(
                resource_id=seeded.broken_id,
                note="Still a 404 for me",
                contact="reader@example.org",
                created_at=NOW - timedelta(hours=3),
            ),
            ReaderReport(
                resource_id=seeded.broken_id,
                note="",
                contact="call me on 0770",
                created_at=NOW - timedelta(hours=1),
            ),
        ]
    )
    await session.commit()
    for path in (f"/editor/resources/{seeded.broken_id}", "/editor/problems"):
        html = (await editor.get(path)).text
        assert html.count("Readers' reports:") == 1, path
        block = html[html.index("Readers' reports:") :]
        block = block[: block.index("</section>")]
        assert "Readers' reports: 3, from" in block
        assert "2 left a contact" in block
        assert '<a href="mailto:reader@example.org">reader@example.org</a>' in block
        assert "Contact: call me on 0770" in block
        assert "Still a 404 for me" in block and "(no note)" in block


async def test_catalog_notes_are_shown_to_editors(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    resource = await session.get(Resource, seeded.broken_id)
    assert resource is not None
    resource.notes = "Agreed with the charity in May.\nAsk <Sam> before changing."
    await session.commit()
    html = (await editor.get(f"/editor/resources/{seeded.broken_id}")).text
    assert "Notes for editors" in html
    assert "Agreed with the charity in May.<br>Ask &lt;Sam&gt; before changing." in html


async def test_every_published_field_is_on_the_edit_form(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    path = f"/editor/resources/{seeded.broken_id}"
    page = await editor.get(path)
    assert '<select id="f-kind" name="kind"' in page.text
    assert "curator sync" in page.text  # where the id and the placement are changed
    token = csrf_of(page.text)
    bad = await editor.post(
        f"{path}/edit",
        data={"csrf_token": token, "kind": "podcast", "region": "a\nb"},
        follow_redirects=True,
    )
    assert bad.status_code == 200 and bad.history[0].status_code == 303
    assert "Must be one of webpage, video, helpline or document" in bad.text
    assert 'id="f-region-error"' in bad.text
    good = await editor.post(
        f"{path}/edit",
        data={
            "csrf_token": token,
            "kind": "helpline",
            "audience": "Under 18s",
            "region": "",
            "notes": "Checked with the charity.",
        },
        follow_redirects=True,
    )
    assert good.status_code == 200
    assert "Saved Report Remove" in good.text
    await session.commit()
    resource = await session.get(Resource, seeded.broken_id)
    assert resource is not None
    await session.refresh(resource)
    assert resource.kind is ResourceKind.HELPLINE
    assert (resource.audience, resource.region) == ("Under 18s", None)
    assert resource.notes == "Checked with the charity."
    assert resource.url == BROKEN_URL  # fields the form did not send are unchanged


async def test_a_readers_contact_stays_on_the_page_after_an_editor_dealt_with_it(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    session.add(
        ReaderReport(
            resource_id=seeded.flaky_id,
            note="Times out on my phone",
            contact="parent@example.org",
            created_at=NOW - timedelta(hours=5),
        )
    )
    await session.commit()
    path = f"/editor/resources/{seeded.flaky_id}"
    page = await editor.get(path)
    assert "Readers' reports already closed" not in page.text
    recheck = await editor.post(
        f"{path}/snooze",
        data={
            "csrf_token": csrf_of(page.text),
            "until": (utcnow() + timedelta(days=5)).date().isoformat(),
            "reason": "Their firewall",
            "back": path,
        },
        follow_redirects=True,
    )
    assert recheck.status_code == 200
    html = recheck.text
    assert "Readers' reports:" not in html  # snoozing dealt with the open report
    past = html[html.index("Readers' reports already closed (1)") :]
    past = past[: past.index("</details>")]
    assert "Times out on my phone" in past
    assert '<a href="mailto:parent@example.org">parent@example.org</a>' in past
    assert "by editor-one: snoozed as a false positive)" in past


async def test_a_running_run_says_it_is_still_running(
    editor: httpx.AsyncClient, seeded: Seeded, session: AsyncSession
) -> None:
    # Tried as a new user would: a run still going on read "took running" on its page.
    run = Run(trigger="editor", status=RunStatus.RUNNING, started_at=NOW, total_urls=4)
    session.add(run)
    await session.commit()
    html = (await editor.get(f"/editor/runs/{run.id}")).text
    assert "took running" not in html
    assert " still running · 0 of 4 links checked" in html
    done = (await editor.get(f"/editor/runs/{seeded.run_id}")).text
    assert re.search(r" took \d+ (s|min)", done)
