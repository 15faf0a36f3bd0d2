"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, a free port, optional TLS and login."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Received:
    """One message as the server received it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    login: str | None


@dataclass
class Inbox:
    """The aiosmtpd handler: keeps what it receives; can refuse recipients or whole messages."""

    refuse_recipients: set[str] = field(default_factory=set)
    reject_data: str | None = None
    messages: list[Received] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refuse_recipients:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        if self.reject_data is not None:
            return self.reject_data
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        login = session.auth_data.login.decode() if session.auth_data is not None else None
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed, login))
        return "250 Message accepted for delivery"


def _authenticator(user: str, password: str) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == user
            and data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False, auth_data=data if ok else None)

    return check


@contextmanager
def smtp_server(
    inbox: Inbox,
    *,
    port: int | None = None,
    implicit_tls: ssl.SSLContext | None = None,
    starttls: ssl.SSLContext | None = None,
    login: tuple[str, str] | None = None,
) -> Iterator[int]:
    """Run an SMTP server until the block ends; yields its port."""
    kwargs: dict[str, Any] = {}
    if starttls is not None:
        kwargs.update(tls_context=starttls, require_starttls=True)
    if login is not None:
        # aiosmtpd only notices STARTTLS, not implicit TLS (where the whole session is
        # encrypted): there it offers AUTH without insisting, and the tests check who logged in.
        kwargs.update(
            authenticator=_authenticator(*login),
            auth_required=implicit_tls is None,
            auth_require_tls=implicit_tls is None,
        )
    chosen = port if port is not None else free_port()
    controller = Controller(inbox, hostname=HOST, port=chosen, ssl_context=implicit_tls, **kwargs)
    controller.start()
    try:
        yield chosen
    finally:
        controller.stop()
