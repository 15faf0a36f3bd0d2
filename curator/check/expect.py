"""Does a page still show what its resource promises? Texts, a phone number, its words.

Texts compare case- and whitespace-insensitively (typographic quotes and dashes folded too).
Phone numbers compare as numbers: phonenumbers finds them on the page for region GB, so
"03456 000 459", "0345 6000 459" and "+44 345 6000 459" are the same helpline; a UK short
number ("116 123", "111", "85258") is found as its digits standing on their own.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

import phonenumbers

from curator import phones
from curator.check.common_words import COMMON_WORDS
from curator.check.facts import Expectation, Page

PHONE_REGION = phones.REGION
_FOLDED = (("‘", "'"), ("’", "'"), ("‚", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"))
_WORD = re.compile(r"[^\W\d_]{4,}")
_DIGIT_RUN = re.compile(r"\+?\d[\d\s().\-/]{5,}\d")
_DIGITS = re.compile(r"\d")
_MATCHER_TEXT_LIMIT = 200_000
"""Characters of a page phonenumbers reads: enough for any real page, bounded for hostile ones."""


def normal(text: str) -> str:
    """`text` folded for comparison: NFKC, case, quotes and dashes, runs of whitespace."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        for typographic, plain in _FOLDED:
            if typographic in text:
                text = text.replace(typographic, plain)
    return " ".join(text.casefold().split())


def quote(text: str, limit: int = 80) -> str:
    """`text` in single quotes for a detail line, shortened to `limit` characters."""
    text = " ".join(text.split())
    return f"'{text if len(text) <= limit else text[: limit - 1] + '…'}'"


def has_readable_text(page: Page) -> bool:
    """True when the page is text curator can read (HTML or plain text), not a PDF or image."""
    if page.text.strip():
        return True
    kind = (page.content_type or "").lower()
    return kind.startswith(("text/", "application/xhtml"))


def _haystack(page: Page) -> str:
    return normal(" ".join((page.title or "", *page.headings, page.text, page.chrome)))


_PHONE_ONLY = re.compile(r"\+?[\d\s().\-/]{6,30}")


@functools.lru_cache(maxsize=1024)
def is_phone_number(text: str) -> bool:
    """True when an expected text is a phone number (phonenumbers reads it, region GB): it is
    then compared as a number, whatever the page's grouping of its digits."""
    text = text.strip()
    if not _PHONE_ONLY.fullmatch(text) or sum(c.isdigit() for c in text) < 6:
        return False
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(number) or len(str(number.national_number)) >= 6


def missing_texts(page: Page, expected: Sequence[str]) -> tuple[str, ...]:
    """The expected texts the page no longer shows, in catalog order; phone numbers are
    compared as numbers (see `is_phone_number`)."""
    missing = []
    haystack: str | None = None
    for text in expected:
        if is_phone_number(text):
            if missing_phone(page, text) is not None:
                missing.append(text)
            continue
        wanted = normal(text)
        if haystack is None:
            haystack = _haystack(page)
        if wanted and wanted not in haystack:
            missing.append(text)
    return tuple(missing)


def _national(digits: str) -> str:
    """A UK number's national significant digits from any of its printed forms."""
    if digits.startswith("0044"):
        digits = digits[4:]
    elif digits.startswith("44") and len(digits) >= 12:
        digits = digits[2:]
    return digits[1:] if digits.startswith("0") else digits


def missing_phone(page: Page, phone: str | None) -> list[str] | None:
    """None when the page shows `phone` (or none is expected); else the numbers it does show."""
    if not phone:
        return None
    key = _phone_key(phone)
    # A number the page offers to call or text (a "Call us free" button's tel: link) is on
    # the page even where its text does not print it.
    for dialled in page.dialled:
        if _same_number(re.sub(r"\D", "", dialled), key):
            return None
    text = " ".join((page.title or "", page.text, page.chrome))[:_MATCHER_TEXT_LIMIT]
    # A UK short number (116 123, 111, 85258) is its digits standing on their own.
    short = phones.read(phone)
    if short is not None and short.short and phones.shows_short(text, short):
        return None
    # The digits themselves first (cheap): the number however it is grouped, with its
    # country code or its trunk 0. phonenumbers is asked only when they are not there.
    for run in _DIGIT_RUN.finditer(text):
        if _same_number(re.sub(r"\D", "", run.group()), key):
            return None
    seen: list[str] = [number for number in page.dialled if _DIGITS.search(number)]
    for match in phonenumbers.PhoneNumberMatcher(
        text, PHONE_REGION, leniency=phonenumbers.Leniency.POSSIBLE
    ):
        number = match.number
        if (number.country_code, str(number.national_number)) == key or (
            key[0] is None and str(number.national_number) == key[1]
        ):
            return None
        seen.append(match.raw_string)
    # Each number once (as first given), however many times and ways the page gives it.
    once: dict[str, str] = {}
    for shown in seen:
        once.setdefault(re.sub(r"\D", "", shown), shown)
    return list(once.values())


@functools.lru_cache(maxsize=1024)
def _phone_key(phone: str) -> tuple[int | None, str]:
    """(country code, national number) of a catalogued number (digits only when unreadable)."""
    try:
        wanted = phonenumbers.parse(phone, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None, _national(re.sub(r"\D", "", phone))
    return wanted.country_code, str(wanted.national_number)


def _same_number(digits: str, key: tuple[int | None, str]) -> bool:
    """True when a run of digits is the number `key` (country code, national number),
    written nationally (with or without its trunk 0) or internationally (+, 00)."""
    country, national = key
    if country is None or country == 44:
        if _national(digits) == national:
            return True
    if country is None:
        return False
    # Internationally (+49 30…, 0049 30…, +44 (0)345…) or nationally with a trunk 0.
    return digits.lstrip("0") in (f"{country}{national}", f"{country}0{national}") or (
        digits in (national, f"0{national}")
    )


@functools.lru_cache(maxsize=4096)
def distinctive_words(text: str) -> frozenset[str]:
    """The words of `text` that tell one page from another: four letters or more, the words
    every site uses left out."""
    return frozenset(w for w in _WORD.findall(normal(text)) if w not in COMMON_WORDS)


def expected_words(expectation: Expectation) -> frozenset[str]:
    """The distinctive words of a resource's title (four letters or more, common words out)."""
    return distinctive_words(expectation.title)


def shows_any_expected_word(page: Page, expectation: Expectation) -> bool | None:
    """True when the page shows a title word, an expected text or the phone; None when the
    resource gives nothing to look for."""
    words = expected_words(expectation)
    if not words and not expectation.expect_text and not expectation.phone:
        return None
    haystack = _haystack(page)
    if words & set(_WORD.findall(haystack)):
        return True
    if expectation.expect_text and len(missing_texts(page, expectation.expect_text)) < len(
        expectation.expect_text
    ):
        return True
    return bool(expectation.phone) and missing_phone(page, expectation.phone) is None
