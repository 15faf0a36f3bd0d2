"""Expectations: phone numbers compared as numbers however a page groups or prefixes them."""

from __future__ import annotations

import pytest

from curator.check.expect import is_phone_number, missing_phone, missing_texts
from curator.check.facts import Page


def on(text: str) -> Page:
    return Page(content_type="text/html", text=text)


PRESENT = {
    "grouped-otherwise": ("0345 6000 459", "Call 03456 000 459."),
    "international": ("0345 6000 459", "From abroad +44 345 6000 459."),
    "bracketed-trunk": ("0345 6000 459", "Phone +44 (0)345 6000 459."),
    "double-zero": ("0345 6000 459", "Dial 0044 345 6000 459."),
    "foreign-international": ("+49 30 854040", "Telefon +49 30 85 40 40"),
    "foreign-national": ("+49 30 854040", "Telefon 030 85 40 40"),
    "short-code": ("116 123", "Samaritans: call 116123 free."),
}


@pytest.mark.parametrize(("phone", "text"), list(PRESENT.values()), ids=list(PRESENT))
def test_a_number_is_found_however_written(phone: str, text: str) -> None:
    assert missing_phone(on(text), phone) is None
    assert missing_texts(on(text), (phone,)) == ()


def test_a_missing_number_lists_the_numbers_the_page_shows() -> None:
    assert missing_phone(on("Call Report Fraud on 0300 123 2040."), "0345 6000 459") == [
        "0300 123 2040"
    ]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("0345 6000 459", True),
        ("+44 (0)345 6000 459", True),
        ("116 123", True),
        ("Since 2009", False),
        ("2009", False),
        ("Don't Panic and Don't Pay", False),
    ],
)
def test_which_expected_texts_are_phone_numbers(text: str, phone: bool) -> None:
    assert is_phone_number(text) is phone
