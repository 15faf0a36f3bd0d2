"""The scheduler's domain_watch job: registrations looked up within their cache (respx stands
in for the registry behind the checker's guarded client), and an email of its own, once, for a
listed domain on registry hold."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import respx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.domain import JobStatus
from curator.settings import Settings
from curator.store.engine import session_factory
from curator.store.registrations import registrations
from jobs import tasks
from tests.jobs.test_tasks import Clock, Outbox, load, make_runner, state
from tests.registration import answers

RDAP = "https://rdap.registry.example/"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
def watch_settings(settings: Settings, tmp_path: Path) -> Settings:
    bootstrap = tmp_path / "dns.json"
    bootstrap.write_text(json.dumps({"services": [[["example"], [RDAP]]]}))
    return settings.model_copy(
        update={"rdap_bootstrap": bootstrap, "mail_to": "editors@hub.example", "retries": 0}
    )


async def test_the_job_looks_up_within_the_cache_and_alerts_once(
    watch_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await load(
        sessions,
        [
            {"title": "Held Helpline", "url": "https://www.held-helpline.example/"},
            {"title": "Fine Helpline", "url": "https://fine-helpline.example/help"},
        ],
    )
    outbox, clock = Outbox(), Clock(NOW)
    with respx.mock(assert_all_called=False, using="httpx") as registry:
        held = registry.get(f"{RDAP}domain/held-helpline.example").mock(
            return_value=httpx.Response(
                200, json=answers.pir("held-helpline.example", status=("server hold",))
            )
        )
        fine = registry.get(f"{RDAP}domain/fine-helpline.example").mock(
            return_value=httpx.Response(200, json=answers.pir("fine-helpline.example"))
        )
        await make_runner(watch_settings, sessions, clock, outbox).run(tasks.DOMAIN_WATCH)
        assert (held.call_count, fine.call_count) == (1, 1)
        assert [str(m["Subject"]) for m in outbox.messages] == [
            "curator: held-helpline.example is on registry hold (1 listed resource)"
        ]
        assert "Held Helpline" in outbox.messages[0].get_body(("plain",)).get_content()
        done = await state(sessions, tasks.DOMAIN_WATCH)
        assert done.last_status is JobStatus.SUCCEEDED
        assert "2 of 2 registrations looked up" in (done.last_error or "")

        # An hour later: nothing is due (cached for a day), nothing is sent again.
        clock.set(NOW + timedelta(hours=1))
        await make_runner(watch_settings, sessions, clock, outbox).run(tasks.DOMAIN_WATCH)
        assert (held.call_count, fine.call_count) == (1, 1)
        assert len(outbox.messages) == 1

        # A day later the registry fails: the hold is kept, and no second email.
        held.mock(return_value=httpx.Response(503))
        clock.set(NOW + timedelta(days=1, hours=1))
        await make_runner(watch_settings, sessions, clock, outbox).run(tasks.DOMAIN_WATCH)
        assert held.call_count == 2
        assert len(outbox.messages) == 1
    async with sessions() as session:
        row = (await registrations(session))["held-helpline.example"]
    assert row.statuses == ["server hold"]
    assert row.last_error is not None and "503" in row.last_error


async def test_with_lookups_off_nothing_is_asked(
    watch_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await load(sessions, [{"title": "Helpline", "url": "https://helpline.example/"}])
    settings = watch_settings.model_copy(update={"rdap_lookups": False})
    outbox = Outbox()
    with respx.mock(assert_all_called=False, using="httpx") as registry:
        route = registry.get(url__startswith=RDAP).mock(return_value=httpx.Response(500))
        await make_runner(settings, sessions, Clock(NOW), outbox).run(tasks.DOMAIN_WATCH)
    assert route.call_count == 0 and outbox.messages == []
    done = await state(sessions, tasks.DOMAIN_WATCH)
    assert "look-ups are off" in (done.last_error or "")
