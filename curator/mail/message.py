"""Composing an email: safe headers, recipients, the text part wrapped at 78 columns, subjects."""

from __future__ import annotations

import hashlib
import logging
import re
import textwrap
from collections.abc import Iterable, Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from curator.catalog.schema import check_email
from curator.labels import date_label
from curator.report.model import GuideReport
from curator.settings import Settings

# --- messages --------------------------------------------------------------------------------

log = logging.getLogger(__name__)


# Whatever ends a line for Python's email package (str.splitlines), and every other control
# character: none of them may reach a header, where a line break would end it.
_NOT_HEADER_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\s]+")


def header_text(value: str) -> str:
    """`value` as one header line: line breaks and control characters become single spaces.

    The catalog refuses them in titles, but a header is built safely whatever the database
    holds, so one guide's title can never stop an email (or add a header to it).
    """
    return _NOT_HEADER_TEXT.sub(" ", value).strip()


def recipients_for(settings: Settings, guide_editors: Iterable[str]) -> list[str]:
    """The configured editors plus a guide's own, each once (case-insensitively), in order.

    An address that is not one (or would not fit a header as it is) is left out and logged.
    """
    seen: set[str] = set()
    out: list[str] = []
    for address in [*settings.mail_recipients, *guide_editors]:
        address = address.strip()
        if not address or address.lower() in seen:
            continue
        try:
            check_email(address)
        except ValueError:
            log.warning("not emailing %r: not an email address", address)
            continue
        seen.add(address.lower())
        out.append(address)
    return out


def message_id(key: str, sender: str) -> str:
    """A Message-ID stable for one delivery, so a resent email is recognisably the same."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "curator.invalid"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<curator.{digest}@{domain}>"


TEXT_WIDTH = 78
"""The plain-text part's lines are at most this wide (RFC 5322's recommendation), except a
word longer than that, such as an address, which is never broken."""

_HANGING = re.compile(r"^(\s*(?:[-*•→]\s+|\d+[.)]\s+|[A-Za-z][\w ]{0,30}:\s+(?=\S))?)")


def wrap_text(text: str, width: int = TEXT_WIDTH) -> str:
    """`text` with every line longer than `width` folded at spaces; a continuation lines up
    under the start of the line's text (after its indent and any list marker)."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        lead = _HANGING.match(line)
        hang = len(lead.group(1)) if lead else 0
        if hang > width // 2:
            hang = len(line) - len(line.lstrip())
        pieces = textwrap.wrap(
            line,
            width=width,
            subsequent_indent=" " * hang,
            break_long_words=False,
            break_on_hyphens=False,
        )
        marker = lead.group(1).strip() if lead else ""
        if not pieces or (len(marker) <= 2 and pieces[0].strip() == marker):
            pieces = [line]  # only a bullet before a long address: folding would not help
        out.extend(pieces)
    return "\n".join(out)


def build_message(
    *,
    sender: str,
    recipients: Sequence[str],
    subject: str,
    text: str,
    html: str,
    key: str,
    date: datetime,
) -> EmailMessage:
    """A multipart/alternative email: the plain-text part first, then the HTML part."""
    message = EmailMessage()
    message["Subject"] = header_text(subject)
    message["From"] = sender
    message["To"] = ", ".join(header_text(r) for r in recipients)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id(key, sender)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Curator-Key"] = header_text(key)
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def refresh_subject(guide: GuideReport) -> str:
    """A refresh report's subject: the guide and its summary line."""
    return header_text(f"curator: {guide.title}: {guide.summary}")


def review_subject(guide: GuideReport) -> str:
    """A review reminder's subject."""
    review = guide.review
    if review is None or review.due is None:
        return header_text(f"curator: time to review {guide.title}")
    return header_text(f"curator: time to review {guide.title} (due {date_label(review.due)})")
