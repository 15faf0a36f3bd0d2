"""Expectations: phone numbers compared as numbers however a page groups or prefixes them."""

from __future__ import annotations

import pytest

from curator.check.expect import is_phone_number, missing_phone, missing_texts
from curator.check.facts import Page
from curator.check.text import extract_page


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
    "short-code-grouped": ("116123", "Samaritans: call 116 123 free."),
    "three-digit": ("111", "Call NHS 111 when it is less urgent than 999."),
    "police-non-emergency": ("101", "Call 101, or 999 in an emergency."),
    "text-service": ("85258", "Text SHOUT to 85258."),
}


@pytest.mark.parametrize(("phone", "text"), list(PRESENT.values()), ids=list(PRESENT))
def test_a_number_is_found_however_written(phone: str, text: str) -> None:
    assert missing_phone(on(text), phone) is None
    assert missing_texts(on(text), (phone,)) == ()


def test_a_missing_number_lists_the_numbers_the_page_shows() -> None:
    assert missing_phone(on("Call Report Fraud on 0300 123 2040."), "0345 6000 459") == [
        "0300 123 2040"
    ]


def test_a_short_number_inside_a_longer_one_is_not_shown() -> None:
    page = on("Call our office on 0116 123 4567 or 01011 234567.")
    assert missing_phone(page, "116 123") == ["0116 123 4567", "01011 234567"]
    assert missing_phone(page, "101") == ["0116 123 4567", "01011 234567"]
    # A group of its own counts, even next to other digits: "call 116 123 24 hours a day"
    # shows the number, and a false "number gone" costs an editor more than a late one.
    assert missing_phone(on("Call 116 123 24 hours a day."), "116 123") is None


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


def page_of(markup: str) -> Page:
    """The Page curator reads from `markup`, as the fetcher would."""
    data = markup.encode()
    return extract_page(
        data,
        content_type="text/html; charset=utf-8",
        base_url="https://helpline.example/",
        bytes_read=len(data),
        truncated=False,
    )


DIALLED = {
    "tel-button": (
        "0800 1111",
        '<p>Talk to us any time.</p><a class="button" href="tel:08001111">Call us free</a>',
    ),
    "tel-international": (
        "0345 6000 459",
        "<p>Report it.</p><a href='tel:+443456000459'>Call Action Fraud</a>",
    ),
    "tel-escaped-with-extension": (
        "0300 123 2040",
        '<a href="TEL:%2B44-300-123-2040;ext=2">Phone the team</a>',
    ),
    "sms-short-code": ("85258", '<p>Text SHOUT.</p><a href="sms:85258?body=SHOUT">Text us</a>'),
}


@pytest.mark.parametrize(("phone", "markup"), list(DIALLED.values()), ids=list(DIALLED))
def test_a_number_given_only_as_a_link_to_call_is_on_the_page(phone: str, markup: str) -> None:
    page = page_of(f"<html><body>{markup}</body></html>")
    assert phone.replace(" ", "") not in page.text.replace(" ", "")
    assert missing_phone(page, phone) is None


def test_a_link_to_call_another_number_is_among_the_numbers_the_page_shows() -> None:
    page = page_of(
        '<html><body><p>Call 0300 123 2040.</p><a href="tel:03001232040">Call</a>'
        '<a href="tel:+441234567890">Office</a><a href="/contact">Contact</a></body></html>'
    )
    assert missing_phone(page, "0345 6000 459") == ["03001232040", "+441234567890"]


def test_other_links_and_words_ending_in_tel_are_not_numbers() -> None:
    page = page_of(
        '<html><body><a href="https://hotel.example/">Hotel: 0345 6000 459</a>'
        '<a href="/tel:0800">x</a><p>hotel:0800 1111</p></body></html>'
    )
    assert page.dialled == ()
