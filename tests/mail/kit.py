"""Shared by the mail tests: reading messages, a clock moved by hand, settings for the test SMTP."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from html.parser import HTMLParser

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.settings import Settings
from curator.store.models import MailDelivery
from tests.report.seed import BASE_URL
from tests.smtp_server import HOST

EDITORS = ["editor@hub.example", "chief@hub.example"]
GUIDE_EDITOR = "guide-editor@hub.example"
Sessions = async_sessionmaker[AsyncSession]


class Links(HTMLParser):
    """The href of every link in an HTML part."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")


def hrefs(html: str) -> list[str]:
    """The links of an HTML document."""
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML parts of a multipart/alternative message."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def mail_settings(settings: Settings, port: int, **extra: object) -> Settings:
    """Settings pointing at the test SMTP server."""
    return settings.model_copy(
        update={
            "public_base_url": BASE_URL,
            "smtp_host": HOST,
            "smtp_port": port,
            "mail_from": "curator@hub.example",
            "mail_to": ", ".join(EDITORS),
            **extra,
        }
    )


async def delivery_rows(sessions: Sessions) -> list[MailDelivery]:
    """Every mail_deliveries row the calls wrote (the seed's earlier report excluded)."""
    async with sessions() as session:
        rows = await session.execute(
            select(MailDelivery)
            .where(MailDelivery.subject != "earlier report")
            .order_by(MailDelivery.id)
        )
        return list(rows.scalars())
