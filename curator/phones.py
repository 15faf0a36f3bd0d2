"""Helpline numbers: what a catalog may list, how a website dials it, how a page shows it.

Numbers are read for the UK (region GB) by phonenumbers. A catalogued number is either a
full number valid there ("0345 6000 459", "+44 345 6000 459", or another country's with its
+ code) or a UK short number: the harmonised 116 numbers (Samaritans' 116 123), NHS 111,
police 101, text services (Shout's 85258), 999. A short number has no international form: it
is dialled as it is printed, from a phone in the country (`tel:116123`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers

REGION = "GB"
EXAMPLES = "0345 6000 459, +44 345 6000 459, 116 123"

_SHORT_CANDIDATE = re.compile(
    r"(?<![\d+\w])(\d{3}(?:[ \u00a0\u2009\u202f-]\d{3})?|\d{5})(?![\d\w])"
)
"""A digit group a short number is printed as: 3 or 5 digits, or 3 and 3 (116 123, 118 118)."""
_DIALLING = re.compile(
    r"\b(?:call|calls|calling|ring|phone|dial|text|texting|sms|free|freephone|helpline|"
    r"hotline|line|number|tel|telephone|contact)\b[^\d\n]{0,24}$|[^\W\d_]\s*[:\u2013\u2014-]\s*$",
    re.IGNORECASE,
)
"""What offers a number just before it: a word ("call free on", "text SHOUT to"), or a name
and a colon or dash ("Samaritans: 116 123", "NHS – 111")."""


@dataclass(frozen=True, slots=True)
class Number:
    """A catalogued number: its country code and national digits; short when it is a UK
    short number."""

    country: int
    national: str
    short: bool


def read(value: str) -> Number | None:
    """The number `value` prints, when it is a full number valid for the UK or abroad, or a
    UK short number; None otherwise."""
    try:
        number = phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException:
        return None
    national = phonenumbers.national_significant_number(number)
    country = number.country_code or 0  # set by every parse that succeeds
    if phonenumbers.is_valid_number(number):
        return Number(country, national, short=False)
    if phonenumbers.is_valid_short_number_for_region(number, REGION):
        return Number(country, national, short=True)
    return None


def check(value: str) -> str:
    """`value` when it is a number `read` accepts; else ValueError saying what is accepted."""
    if read(value) is None:
        raise ValueError(
            f"not a phone number valid for the UK (region {REGION}): a full number, with its "
            f"+ country code when abroad, or a UK short number ({EXAMPLES})"
        )
    return value


def e164(value: str) -> str | None:
    """The E.164 form of a full number ("0345 6000 459" → "+443456000459"); None for a short
    number, which has none, or a value that is not a number."""
    number = read(value)
    if number is None or number.short:
        return None
    return f"+{number.country}{number.national}"


def tel(value: str) -> str | None:
    """The `tel:` URI a website links the number with: E.164 for a full number, the digits
    for a short one (dialled in the country); None for a value that is not a number."""
    number = read(value)
    if number is None:
        return None
    return f"tel:{number.national}" if number.short else f"tel:+{number.country}{number.national}"


def shows_short(text: str, number: Number) -> bool:
    """True when `text` prints the short number, as a group of its own (not inside a longer
    number): "116 123", "116123", "116-123"."""
    digits = number.national
    gaps = r"[\s\-.]?".join(re.escape(d) for d in digits)
    return re.search(rf"(?<![\d+]){gaps}(?![\d])", text) is not None


def offered_short_numbers(text: str) -> Iterator[tuple[int, str]]:
    """(position, as printed) of each UK short number `text` offers to call or text: a
    valid short number just after a dialling word ("call free on 116 123", "text SHOUT to
    85258"). Emergency numbers are left out: "call 999 in an emergency" is advice, not a
    resource's helpline."""
    for match in _SHORT_CANDIDATE.finditer(text):
        printed = match.group(1)
        if not _DIALLING.search(text, max(0, match.start() - 40), match.start()):
            continue
        if phonenumbers.is_emergency_number(printed, REGION):
            continue
        number = read(printed)
        if number is not None and number.short:
            yield match.start(), printed
