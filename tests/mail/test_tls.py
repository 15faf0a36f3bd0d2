"""Mail over TLS with a login, against a real SMTP server with a test certificate authority."""

from __future__ import annotations

import ssl

import pytest
import trustme
from pydantic import SecretStr

from curator.mail import (
    DeliveryStatus,
    SmtpMailer,
    send_refresh_report,
)
from curator.settings import Settings
from tests.mail.kit import (
    Sessions,
    mail_settings,
    parts,
)
from tests.report.seed import NOW, Seeded
from tests.smtp_server import HOST, Inbox, smtp_server


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    """A certificate authority the tests trust."""
    return trustme.CA()


@pytest.fixture(scope="module")
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    """The SMTP server's TLS context, with a certificate for 127.0.0.1."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST).configure_cert(context)
    return context


@pytest.fixture(scope="module")
def client_tls(ca: trustme.CA) -> ssl.SSLContext:
    """curator's side: trusts the test CA."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.mark.parametrize("security", ["starttls", "tls"])
async def test_tls_with_login(
    sessions: Sessions,
    seeded: Seeded,
    settings: Settings,
    server_tls: ssl.SSLContext,
    client_tls: ssl.SSLContext,
    security: str,
) -> None:
    inbox = Inbox()
    tls = {"starttls": server_tls} if security == "starttls" else {"implicit_tls": server_tls}
    with smtp_server(inbox, login=("curator", "s3cret"), **tls) as port:  # type: ignore[arg-type]
        current = mail_settings(
            settings,
            port,
            smtp_security=security,
            smtp_username="curator",
            smtp_password=SecretStr("s3cret"),
        )
        mailer = SmtpMailer(current, tls_context=client_tls)
        results = await send_refresh_report(
            sessions, current, run_id=None, clock=lambda: NOW, guide="sextortion", mailer=mailer
        )
        assert [r.status for r in results] == [DeliveryStatus.SENT]
        (received,) = inbox.messages
        assert received.login == "curator"
        assert parts(received.message)[0].startswith("curator refresh report")


async def test_wrong_password_fails_and_is_recorded(
    sessions: Sessions,
    seeded: Seeded,
    settings: Settings,
    server_tls: ssl.SSLContext,
    client_tls: ssl.SSLContext,
) -> None:
    with smtp_server(Inbox(), login=("curator", "s3cret"), starttls=server_tls) as port:
        current = mail_settings(
            settings,
            port,
            smtp_security="starttls",
            smtp_username="curator",
            smtp_password=SecretStr("wrong"),
        )
        (result,) = await send_refresh_report(
            sessions,
            current,
            run_id=None,
            clock=lambda: NOW,
            guide="sextortion",
            mailer=SmtpMailer(current, tls_context=client_tls),
        )
    assert result.status is DeliveryStatus.FAILED
    assert result.error is not None and "535" in result.error


async def test_an_untrusted_certificate_is_refused(
    sessions: Sessions, seeded: Seeded, settings: Settings, server_tls: ssl.SSLContext
) -> None:
    inbox = Inbox()
    with smtp_server(inbox, implicit_tls=server_tls) as port:
        current = mail_settings(settings, port, smtp_security="tls")
        (result,) = await send_refresh_report(
            sessions, current, run_id=None, clock=lambda: NOW, guide="sextortion"
        )
    assert result.status is DeliveryStatus.FAILED and inbox.messages == []
