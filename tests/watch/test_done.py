"""Warnings before a resource is lost, end to end: a catalog with a domain that expires soon,
one on registry hold, one in its redemption period, one whose name servers move to a parking
provider and a certificate that expires soon shows each warning in the editor API, the
dashboard, the refresh report (text, HTML, JSON) and, for hold and redemption, an email of its
own (once) — while every link stays `ok` and published. RDAP through respx, sites on loopback.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
import respx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.app import create_app
from curator.catalog.load import parse_catalog
from curator.domain import RunTrigger, Verdict
from curator.mail import DeliveryStatus, send_domain_alerts
from curator.registration.rdap import RdapClient
from curator.report.build import build_report
from curator.report.render import render_html, render_json, render_markdown, render_text
from curator.settings import Settings
from curator.store.engine import session_factory
from curator.sync import sync_catalog
from curator.tokens import create_token
from curator.watch.lookups import refresh_registrations
from tests.dashboard.app import sign_in
from tests.executors import FakeExecutor
from tests.registration import answers
from tests.running import check_run
from tests.sites import Sites, page

RDAP = "https://rdap.registry.example/"


class Outbox:
    """A mailer that keeps what it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> dict[str, str]:
        self.messages.append(message)
        return {}


@dataclass
class World:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    urls: dict[str, str]


def _days(n: int) -> str:
    return (datetime.now(UTC) + timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
async def world(
    sites: Sites, settings: Settings, engine: AsyncEngine, tmp_path: Path
) -> AsyncIterator[World]:
    bootstrap = tmp_path / "dns.json"
    bootstrap.write_text(json.dumps({"services": [[["test"], [RDAP]]]}))
    settings = settings.model_copy(
        update={"rdap_bootstrap": bootstrap, "mail_to": "editors@hub.example"}
    )
    hosts = {
        "expiring": ("expiring-charity.test", None),
        "hold": ("held-helpline.test", None),
        "redemption": ("lapsed-charity.test", None),
        "parking": ("moving-charity.test", None),
        "certificate": ("cert-charity.test", 9),
    }
    urls: dict[str, str] = {}
    for key, (host, valid_days) in hosts.items():
        title = f"{key.title()} Helpline"
        site = await sites.add(
            host,
            {"/": page(title, f"The {title} is here for you. Call 0800 1111.")},
            tls="valid" if valid_days else None,
            valid_days=valid_days,
        )
        urls[key] = site.url("/")
    catalog = parse_catalog(
        "watch.yaml",
        {
            "guides": [
                {
                    "slug": "sextortion",
                    "title": "Sextortion",
                    "editors": ["guide-editor@hub.example"],
                    "sections": [
                        {
                            "title": "Helplines",
                            "resources": [
                                {"title": f"{key.title()} Helpline", "url": url}
                                for key, url in urls.items()
                            ],
                        }
                    ],
                }
            ]
        },
    )
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        await sync_catalog(session, catalog)
    yield World(settings, sessions, urls)


def _registry(router: respx.Router, *, parked: bool) -> None:
    def answer(domain: str, **kwargs: object) -> None:
        router.get(f"{RDAP}domain/{domain}").mock(
            return_value=httpx.Response(200, json=answers.pir(domain, **kwargs))  # type: ignore[arg-type]
        )

    answer("expiring-charity.test", expires=_days(12))
    answer("held-helpline.test", status=("client hold",))
    answer("lapsed-charity.test", status=("redemption period",), expires=_days(-5))
    answer(
        "moving-charity.test",
        name_servers=("ns1.sedoparking.com", "ns2.sedoparking.com")
        if parked
        else ("ns1.charity-hosting.net", "ns2.charity-hosting.net"),
    )
    answer("cert-charity.test")


async def test_every_warning_everywhere_while_every_link_stays_ok(
    world: World, sites: Sites
) -> None:
    settings, sessions = world.settings, world.sessions
    async with sites.checker(settings) as checker:
        run = await check_run(sessions, settings, trigger=RunTrigger.CLI, checker=checker)
    assert {r.verdict for r in run.results} == {Verdict.OK}
    cert = next(r for r in run.results if r.url == world.urls["certificate"])
    assert cert.facts.certificate is not None

    router = respx.Router(assert_all_called=False)
    clock_now = datetime.now(UTC)
    async with httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)) as http:
        rdap = RdapClient(http, settings.rdap_bootstrap_file(), interval=0.0)
        _registry(router, parked=False)
        first = await refresh_registrations(
            sessions, rdap, settings=settings, clock=lambda: clock_now - timedelta(days=1)
        )
        assert len(first.looked_up) == 5
        router.routes.clear()
        _registry(router, parked=True)
        second = await refresh_registrations(
            sessions, rdap, settings=settings, clock=lambda: clock_now
        )
        assert len(second.looked_up) == 5

    expected = {
        "expiring": ("domain_expiry", "domain expiring-charity.test expires in 12 days"),
        "hold": ("registry_hold", "domain held-helpline.test is on registry hold (client hold)"),
        "redemption": (
            "redemption_period",
            "domain lapsed-charity.test entered its redemption period",
        ),
        "parking": (
            "parking_name_servers",
            "name servers of moving-charity.test changed to a parking provider (Sedo: "
            "ns1.sedoparking.com, ns2.sedoparking.com) since the last check",
        ),
        "certificate": ("certificate_expiry", "certificate of cert-charity.test expires in 9 days"),
    }

    # --- the editor API -----------------------------------------------------------------
    async with sessions() as session, session.begin():
        _, token = await create_token(session, name="watcher")
    app = create_app(settings, executor=FakeExecutor(hold=True), freshness=0)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {token}"},
        ) as api:
            watched = (await api.get("/v1/editor/warnings")).json()
            problems = (await api.get("/v1/editor/problems")).json()
            public = (await api.get("/v1/guides/sextortion")).json()
            by_url = {r["url"]: r for r in watched["resources"]}
            assert set(by_url) == set(world.urls.values())
            for key, (kind, detail) in expected.items():
                resource = by_url[world.urls[key]]
                assert resource["verdict"] == "ok"
                found = {w["kind"]: w["detail"] for w in resource["warnings"]}
                # The lapsed domain's expiry is past too: that is a warning of its own.
                assert set(found) == ({kind, "domain_expiry"} if key == "redemption" else {kind})
                assert found[kind].startswith(detail), key
            history = (
                await api.get(
                    f"/v1/editor/resources/{by_url[world.urls['hold']]['resource_id']}/history"
                )
            ).json()
            assert history["warnings"][0]["kind"] == "registry_hold"
            assert history["registration"]["statuses"] == ["client hold"]
            # Warnings are not verdicts: nothing is a problem, everything is published.
            assert problems["count"] == 0
            listed = [r for s in public["sections"] for r in s["resources"]]
            assert {r["url"] for r in listed} == set(world.urls.values())
            assert {r["status"] for r in listed} == {"working"}

        # --- the dashboard ------------------------------------------------------------------
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
            await sign_in(browser, token)
            html = (await browser.get("/editor/problems")).text
            held_id = by_url[world.urls["hold"]]["resource_id"]
            held_page = (await browser.get(f"/editor/resources/{held_id}")).text
        assert "Domain registration (held-helpline.test)" in held_page
        assert "is on registry hold (client hold)" in held_page
        assert 'id="watch"' in html
        for _, detail in expected.values():
            assert detail.split(" (")[0] in html

    # --- the refresh report ------------------------------------------------------------------
    async with sessions() as session:
        report = await build_report(session, settings, now=datetime.now(UTC))
    text, html, data = render_text(report), render_html(report), json.loads(render_json(report))
    assert "Watch: 2 domains expire within 30 days, 1 domain on registry hold" in text
    assert "watch: 2 domains expire within 30 days" in text
    assert "1 domain on registry hold" in text
    assert "1 certificate expires within 14 days" in text
    markdown = render_markdown(report)
    assert "### Watch: 2 domains expire within 30 days" in markdown
    guide = data["guides"][0]
    assert {i["kind"] for i in guide["watch"]} == {k for k, _ in expected.values()}
    assert guide["counts"]["broken"] == 0
    for _, detail in expected.values():
        assert detail in text
        assert detail.split(" (")[0] in html

    # --- an email of its own for hold and redemption, once ----------------------------------
    outbox = Outbox()
    results = await send_domain_alerts(
        sessions, settings, clock=lambda: datetime.now(UTC), mailer=outbox
    )
    assert [r.status for r in results] == [DeliveryStatus.SENT, DeliveryStatus.SENT]
    subjects = sorted(str(m["Subject"]) for m in outbox.messages)
    assert subjects == [
        "curator: held-helpline.test is on registry hold (1 listed resource)",
        "curator: lapsed-charity.test entered its redemption period (1 listed resource)",
    ]
    assert all(m["To"] == "editors@hub.example, guide-editor@hub.example" for m in outbox.messages)
    again = await send_domain_alerts(
        sessions, settings, clock=lambda: datetime.now(UTC), mailer=outbox
    )
    assert [r.status for r in again] == [DeliveryStatus.ALREADY_SENT] * 2
    assert len(outbox.messages) == 2
