"""Helpline numbers a catalog may list: full numbers and the UK's short numbers, how a website
dials each, and where a guide's text offers one."""

from __future__ import annotations

import pytest

from curator import phones


@pytest.mark.parametrize(
    ("printed", "e164", "tel"),
    [
        ("0345 6000 459", "+443456000459", "tel:+443456000459"),
        ("+44 (0)808 800 5000", "+448088005000", "tel:+448088005000"),
        ("+353 1 234 5678", "+35312345678", "tel:+35312345678"),
        # Short numbers: Samaritans, NHS 111, police 101, Shout's text number, 999.
        ("116 123", None, "tel:116123"),
        ("111", None, "tel:111"),
        ("101", None, "tel:101"),
        ("85258", None, "tel:85258"),
        ("999", None, "tel:999"),
    ],
)
def test_a_catalog_may_list_full_and_short_numbers(
    printed: str, e164: str | None, tel: str
) -> None:
    assert phones.check(printed) == printed
    assert phones.e164(printed) == e164
    assert phones.tel(printed) == tel


@pytest.mark.parametrize("printed", ["call us maybe", "0345 600", "2024", "+1 988", "12"])
def test_other_values_are_refused_saying_what_is_accepted(printed: str) -> None:
    with pytest.raises(ValueError, match=r"a UK short number \(0345 6000 459, .*116 123\)"):
        phones.check(printed)
    assert phones.e164(printed) is None and phones.tel(printed) is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Call free on 116 123, any time", True),
        ("Call free on 116123.", True),
        ("Call free on 116\u00a0123.", True),
        ("Call free on 116-123.", True),
        ("Call 0116 123 4567", False),  # inside a longer number
        ("Ref 1161234", False),
        ("Call +116 123", False),
    ],
)
def test_a_short_number_is_shown_as_digits_of_its_own(text: str, shown: bool) -> None:
    number = phones.read("116 123")
    assert number is not None and number.short
    assert phones.shows_short(text, number) is shown


def test_a_guide_offers_short_numbers_after_a_word_that_dials_them() -> None:
    text = (
        "Samaritans: call free on 116 123. Text SHOUT to 85258. Call 999 in an emergency. "
        "Read our 101 ways to stay safe. In 2024, 111 schools took part. Phone 111. "
        "NHS – 111. Police: 101. Pages 101-111."
    )
    offered = [printed for _, printed in phones.offered_short_numbers(text)]
    # Not 999 (advice, not a resource's helpline), not "101 ways", "111 schools" or a range.
    assert offered == ["116 123", "85258", "111", "111", "101"]
