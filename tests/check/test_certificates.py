"""Every https check records the peer certificate's expiry and issuer (loopback TLS sites
whose trustme certificates expire soon)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from curator.check.facts import Outcome
from curator.domain import Verdict
from curator.runs.records import check_row
from curator.settings import Settings
from tests.sites import Sites, page, redirect


async def test_an_https_check_records_the_certificate(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add(
        "expiring.test", {"/": page("Helpline", "Call us")}, tls="valid", valid_days=9
    )
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.status == 200
    certificate = facts.certificate
    assert certificate is not None
    assert certificate.host == "expiring.test"
    expected = datetime.now(UTC) + timedelta(days=9)
    assert abs(certificate.expires_at - expected) < timedelta(minutes=5)
    assert certificate.issuer is not None and "trustme" in certificate.issuer.lower()

    row = check_row(
        run_id=1, facts=facts, outcome=Outcome(Verdict.OK, "ok"), checked_at=datetime.now(UTC)
    )
    assert row.cert_expires_at == certificate.expires_at
    assert row.cert_issuer == certificate.issuer


async def test_the_final_hop_certificate_is_the_one_recorded(
    sites: Sites, fetch_settings: Settings
) -> None:
    final = await sites.add(
        "new.test", {"/": page("Helpline", "Call us")}, tls="valid", valid_days=5
    )
    start = await sites.add(
        "old.test", {"/": redirect(final.url("/"), 301)}, tls="valid", valid_days=300
    )
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(start.url("/"))
    assert facts.certificate is not None and facts.certificate.host == "new.test"
    assert facts.certificate.expires_at < datetime.now(UTC) + timedelta(days=6)


async def test_a_plain_http_check_has_no_certificate(
    sites: Sites, fetch_settings: Settings
) -> None:
    site = await sites.add("plain.test", {"/": page("Helpline", "Call us")})
    async with sites.fetcher(fetch_settings) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
    assert facts.status == 200 and facts.certificate is None
