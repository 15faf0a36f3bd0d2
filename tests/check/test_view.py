"""The view rules read a page through: whole-word look-ups as a word-boundary pattern finds
them, with no pattern compiled per page."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from curator.check.expect import normal
from curator.check.facts import Facts, Page
from curator.check.view import PageView

LETTERS = st.sampled_from("abcé")
WORDS = st.frozensets(st.text(LETTERS, min_size=1, max_size=4), min_size=1, max_size=3)
TEXT = st.text(st.sampled_from("abcé_1 -·\u0301"), max_size=40)


def _view(title: str, text: str) -> PageView:
    page = Page(title=title, text=text)
    return PageView(page, Facts(url="https://a.test/page", status=200, page=page))


def _as_pattern(words: frozenset[str], *texts: str) -> bool:
    pattern = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, words))) + r")\b")
    return any(pattern.search(text) for text in texts)


@given(words=WORDS, title=TEXT, text=TEXT)
def test_a_page_shows_a_word_where_a_word_boundary_pattern_finds_it(
    words: frozenset[str], title: str, text: str
) -> None:
    view = _view(title, text)
    assert view.shows_any(words) is _as_pattern(words, normal(title), normal(text))


def test_a_word_inside_a_longer_word_or_number_is_not_shown() -> None:
    words = frozenset({"care"})
    assert not _view("Careful", "carers, care_home, 2care").shows_any(words)
    assert _view("Childcare", "in care.").shows_any(words)
    assert _view("Take care", "").shows_any(words)
