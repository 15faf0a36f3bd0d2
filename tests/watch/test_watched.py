"""The watch list starts from what warns (registrations, expiring certificates) and still lists
exactly the resources every resource's own warnings would: any letter case in the address, a
subdomain, a certificate of the resource's own URL, in catalog order; on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import RunStatus, RunTrigger, Verdict
from curator.registration.warnings import WatchPolicy
from curator.store import runs
from curator.store.catalog import active_resources
from curator.store.models import Check, Guide, Resource, Section
from curator.store.registrations import expiring_certificate_urls, record_registration
from curator.watch.warnings import resource_warnings, watched_resources
from tests.factories import create_run

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
POLICY = WatchPolicy()

ADDRESSES = (
    "https://www.expiring-charity.org.uk/help",
    "https://WWW.Expiring-Charity.ORG.UK/contact",
    "https://advice.expiring-charity.org.uk/",
    "https://healthy-charity.org.uk/help",
    "https://short-certificate.example/page",
    "https://long-certificate.example/page",
    "https://expiring-charity.org.uk.elsewhere.example/",
    "http://192.0.2.7/page",
)


async def test_the_watch_list_is_every_resource_whose_own_warnings_say_so(
    session: AsyncSession,
) -> None:
    async with session.begin():
        guide = Guide(slug="g", title="Guide", editors=[])
        section = Section(guide=guide, title="Help", position=0)
        session.add_all(
            Resource(guide=guide, section=section, key=f"r{i}", title=url, url=url, position=i)
            for i, url in enumerate(ADDRESSES)
        )
        for domain, expires in (
            ("expiring-charity.org.uk", NOW + timedelta(days=10)),
            ("healthy-charity.org.uk", NOW + timedelta(days=400)),
        ):
            await record_registration(
                session,
                domain=domain,
                expires_at=expires,
                registered_at=NOW - timedelta(days=3000),
                statuses=["active"],
                registrar="Example Registrar",
                name_servers=["ns1.example.net"],
                source="test",
                now=NOW,
                next_lookup_at=NOW + timedelta(days=1),
            )
        run = await create_run(session, trigger=RunTrigger.CLI, planned_urls=[], started_at=NOW)
        for url, days in (
            ("https://short-certificate.example/page", 5),
            ("https://long-certificate.example/page", 200),
        ):
            session.add(
                Check(
                    run_id=run.id,
                    url=url,
                    checked_at=NOW - timedelta(hours=1),
                    verdict=Verdict.OK,
                    detail="",
                    cert_expires_at=NOW + timedelta(days=days),
                    cert_issuer="Example CA",
                )
            )
        await runs.finish_run(
            session, run_id=run.id, status=RunStatus.COMPLETED, counts={}, finished_at=NOW
        )

    async with session.begin():
        watched = await watched_resources(session, now=NOW, policy=POLICY)
        every = await active_resources(session)
        expected = await resource_warnings(
            session, urls={r.id: r.url for r in every}, now=NOW, policy=POLICY
        )
    assert [w.url for w in watched] == [r.url for r in every if r.id in expected]
    assert {w.resource_id: list(w.warnings) for w in watched} == expected
    assert [w.url for w in watched] == [
        "https://www.expiring-charity.org.uk/help",
        "https://WWW.Expiring-Charity.ORG.UK/contact",
        "https://advice.expiring-charity.org.uk/",
        "https://short-certificate.example/page",
    ]


async def test_nothing_warns_nothing_is_read(session: AsyncSession) -> None:
    async with session.begin():
        guide = Guide(slug="g", title="Guide", editors=[])
        session.add(Resource(guide=guide, key="r", title="R", url=ADDRESSES[0], position=0))
    async with session.begin():
        assert await watched_resources(session, now=NOW, policy=POLICY) == []


async def test_expiring_certificates_are_found_through_their_index(
    session: AsyncSession,
) -> None:
    """The cost follows the expiring certificates, not every check ever stored: SQLite's plan
    searches the expiry's index (without saying NOT NULL it walked every check in URL order)."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the planner in question is SQLite's")
    statements: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:
        statements.append((args[2], args[3]))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        await expiring_certificate_urls(session, before=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    [(statement, parameters)] = statements
    connection = await session.connection()
    plan = [
        row[-1]
        for row in await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
    ]
    await session.commit()
    assert any("ix_checks_cert_expires_at" in step for step in plan), plan
    assert not any(step.startswith("SCAN checks") for step in plan), plan
