"""One truth in one set of words: a snooze's end said alike by the API's message, the
dashboard's message, its snoozed list, the API's `readers` and the editors' history.

Tried as a new editor would: the API (and the dashboard's own message after "Snooze") said
"until 2027-01-10 00:00 UTC" where the dashboard's snoozed list said "until 10 Jan 2027"
and the resource's history "until 2027-01-10".
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import httpx

from curator import labels
from curator.store.base import utcnow
from tests.dashboard.app import csrf_of
from tests.dashboard.seed import Seeded


def _words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


async def test_a_snooze_ends_on_the_same_words_everywhere(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    auth = {"Authorization": f"Bearer {seeded.token}"}
    day = (utcnow() + timedelta(days=400)).date()  # next year's: the year is said
    ends = datetime.combine(day, time.min, UTC)
    said = f"{day.day} {day:%b %Y}"
    assert labels.day(ends, now=utcnow()) == said

    by_api = await editor.post(
        f"/v1/editor/resources/{seeded.flaky_id}/snooze",
        headers=auth,
        json={"until": ends.isoformat(), "reason": "Their firewall"},
    )
    assert by_api.status_code == 200, by_api.text
    assert f"until {said}: it stays published" in by_api.json()["message"]

    page = await editor.get("/editor/problems")
    by_dashboard = await editor.post(
        f"/editor/resources/{seeded.broken_id}/snooze",
        data={
            "csrf_token": csrf_of(page.text),
            "until": day.isoformat(),
            "reason": "Works in a browser",
            "back": "/editor/problems",
        },
        follow_redirects=True,
    )
    html = _words(by_dashboard.text)
    assert f"Report Remove is snoozed as a false positive until {said}: it stays" in html
    assert f"snoozed as a false positive until {said}" in html.split("Snoozed")[-1]
    snoozed = (await editor.get("/v1/editor/snoozed", headers=auth)).json()["problems"]
    assert {p["readers"].rsplit(" until ", 1)[1] for p in snoozed} == {said}
    resource = _words((await editor.get(f"/editor/resources/{seeded.flaky_id}")).text)
    assert f"Snoozed as a false positive until {said}: Their firewall" in resource
    assert "00:00 UTC" not in html + resource


def test_a_snooze_is_said_by_its_day_the_year_left_out_in_this_one() -> None:
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert labels.day(datetime(2026, 12, 10, tzinfo=UTC), now=now) == "10 Dec"
    assert labels.day(datetime(2027, 1, 10, 15, 30, tzinfo=UTC), now=now) == "10 Jan 2027"


def test_a_run_already_running_says_when_it_started_as_the_dashboard_does() -> None:
    from curator.errors import RunConflictError

    started = datetime(2026, 12, 3, 14, 2, 41, tzinfo=UTC)
    refused = RunConflictError(run_id=12, started_at=started, checked=5, total=9)
    assert str(refused) == (
        f"run 12 is already running (started {labels.moment_label(started)}, "
        "5 of 9 addresses checked)"
    )
