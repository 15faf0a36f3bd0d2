"""Bounding markup before parsing: hostile nesting and tag floods cost milliseconds, not
minutes, and ordinary pages pass through untouched."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from curator.check.markup import MAX_DEPTH, MAX_OPTIONS, MAX_TAGS, SAFE_TAGS, bound
from curator.check.text import decode, extract_page

MIB = 1024 * 1024

HOSTILE = {
    "nested-divs": "<html><body>" + "<div>" * (2 * MIB // 5) + "deep text",
    "nested-lists": "<html><body>" + "<ul><li>" * (2 * MIB // 8),
    "unclosed-bold-paragraph-ends": "<html><body>" + "<b>x</p>" * (2 * MIB // 8),
    "nested-blockquotes": "<html><body>" + "<blockquote>" * (2 * MIB // 12),
    "spans-then-stray-ends": "<html><body>" + "<span>" * (MIB // 6) + "</div>" * (MIB // 6),
    "self-closed-divs": "<html><body>" + "<div/>" * (2 * MIB // 6),
    "deep-then-closed": "<html><body>" + "<div>" * (MIB // 5) + "</div>" * (MIB // 6),
    "unterminated-comments": "<html><body>" + "<!--" * (2 * MIB // 4),
    "tags-without-ends": "<html><body>" + "<a" * (2 * MIB // 2),
    "links-without-ends": "<html><body>" + "<a " * (2 * MIB // 3),
    "one-long-drop-down": "<html><body><select>" + "<option>x</option>" * (2 * MIB // 18),
    "drop-downs-in-drop-downs": "<html><body>" + "<select><option>" * (2 * MIB // 16),
    "links-to-call-without-ends": "<html><body>tel:" + "<a title=x " * (2 * MIB // 11),
}


@pytest.mark.parametrize("document", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_hostile_page_is_read_in_bounded_time(document: str) -> None:
    data = document.encode()
    start = time.process_time()
    page = extract_page(
        data,
        content_type="text/html",
        base_url="https://a.test/",
        bytes_read=len(data),
        truncated=True,
    )
    spent = time.process_time() - start
    # A 2 MiB page parses in well under a second of CPU; unbounded, these took minutes.
    assert spent < 1.5, f"{spent:.2f} s of CPU"
    assert page.bytes_read == len(data)


def test_deep_nesting_is_flattened_and_keeps_its_text() -> None:
    document = "<html><body>" + "<div>" * (SAFE_TAGS * 2) + "deep text" + "</div>" * 10
    bounded = bound(document)
    assert bounded.limit == "depth"
    page = extract_page(
        bounded.markup.encode(),
        content_type="text/html",
        base_url="https://a.test/",
        bytes_read=1,
        truncated=False,
    )
    assert page.text == "deep text"
    assert (
        extract_page(
            document.encode(),
            content_type="text/html",
            base_url="https://a.test/",
            bytes_read=1,
            truncated=False,
        ).parse_limit
        == "depth"
    )


def test_reading_stops_after_the_tag_budget() -> None:
    document = "<p>first</p>" + "<span>x</span>" * MAX_TAGS + "<p>never read</p>"
    bounded = bound(document)
    assert bounded.limit == "tags"
    assert "first" in bounded.markup and "never read" not in bounded.markup


ORDINARY = {
    "few-tags": "<html><body>" + "<div>" * (SAFE_TAGS // 2),
    "many-tags-shallow": "<html><head><title>T</title><script>if (a<b) {x = '<div>'}</script>"
    "</head><body>"
    + "<div class=row><p>text <b>bold</b><br><img src=x></p><ul><li>a<li>b</ul></div>"
    * (SAFE_TAGS // 4)
    + "<svg><path d='M0'/><circle r='1'/></svg><!-- <div> --></body></html>",
    "unclosed-paragraphs-and-items": "<body>" + "<p>para<li>item<td>cell" * SAFE_TAGS,
    "long-drop-down": "<body><form><select name=school>"
    + "".join(f"<option value={i}>School {i}</option>" for i in range(MAX_OPTIONS))
    + "</select></form>",
}


@pytest.mark.parametrize("document", list(ORDINARY.values()), ids=list(ORDINARY))
def test_ordinary_pages_pass_through_untouched(document: str) -> None:
    bounded = bound(document)
    assert bounded.limit is None
    assert bounded.markup == document


def test_options_past_the_limit_are_dropped_and_their_text_kept() -> None:
    options = "".join(f"<option>choice {i}</option>" for i in range(MAX_OPTIONS + 10))
    document = f"<body><p>Pick one</p><select>{options}</select><p>after</p>"
    bounded = bound(document)
    assert bounded.limit == "options"
    assert bounded.markup.count("<option>") == MAX_OPTIONS
    assert f"choice {MAX_OPTIONS + 9}" in bounded.markup and "<p>after</p>" in bounded.markup
    page = extract_page(
        document.encode(),
        content_type="text/html",
        base_url="https://a.test/",
        bytes_read=len(document),
        truncated=False,
    )
    assert page.parse_limit == "options"
    assert "after" in page.text


def test_depth_is_bounded_not_removed() -> None:
    document = "<body>" + "<section>" * (MAX_DEPTH + 50) + "x" + "</section>" * (MAX_DEPTH + 50)
    document += "<i>" * SAFE_TAGS
    bounded = bound(document)
    assert MAX_DEPTH - 2 <= bounded.markup.count("<section>") <= MAX_DEPTH


_INSIDE = (
    "text ",
    "<br>",
    "<img src=x>",
    "</i>",
    "</p>",
    "<!-- <div> -->",
    "<script>var a = '<div>';</script>",
    "<SCRIPT>'</div>'</Script>",
    "<title>T</TITLE>",
    "<style>p{}</style>",
)
_UNCLOSED = ("<p>para", "<li>item", "<td>cell")
_ELEMENTS = ("div", "DIV", "span", "b", "ul", "table", "svg", "section", "p", "li")


def _page(rng: random.Random, deepest: int) -> str:
    """Elements nested up to `deepest` (closed by name, some left open), with void tags,
    raw text, comments, stray end tags and a few unclosed items among them."""
    out: list[str] = []
    stack: list[str] = []
    while len(out) < 3 * SAFE_TAGS:
        move = rng.random()
        if move < 0.35 and len(stack) < deepest:
            stack.append(rng.choice(_ELEMENTS))
            out.append(f"<{stack[-1]} class=x>")
        elif move < 0.6 and stack:
            name = stack.pop()
            if rng.random() < 0.99:
                out.append(f"</{name.lower()}>")
        elif move < 0.602:
            out.append(rng.choice(_UNCLOSED))
        else:
            out.append(rng.choice(_INSIDE))
    return "".join(out)


def test_a_page_taken_as_shallow_is_one_that_flattening_would_keep() -> None:
    # The quick scan's depth bounds the tag-by-tag reading's from above: whatever page it
    # lets through untouched, reading it tag by tag would neither flatten nor cut it.
    from curator.check.markup import _flatten, _shallow

    taken = 0
    for seed in range(60):
        rng = random.Random(seed)
        document = _page(rng, rng.randrange(10, 3 * MAX_DEPTH))
        if _shallow(document):
            taken += 1
            assert _flatten(document).limit is None, seed
    assert 5 <= taken <= 55  # both kinds of page were tried


def test_real_pages_with_thousands_of_tags_pass_through_untouched() -> None:
    corpus = Path(__file__).parents[1] / "corpus" / "pages"
    large = [
        text
        for path in sorted(corpus.glob("*/*.html"))
        if (text := decode(path.read_bytes(), "text/html")).count("<") > SAFE_TAGS
    ]
    assert len(large) >= 10
    for document in large:
        bounded = bound(document)
        assert bounded.limit is None and bounded.markup == document


def test_text_that_lower_cases_into_a_tag_is_read_tag_by_tag() -> None:
    # The quick scan reads the lower-cased page; "<K" with a Kelvin sign is text, not a tag,
    # but lower-cased it would read as one: such a page is left to the tag-by-tag reading.
    from curator.check.markup import _shallow

    shallow = "<body>" + "<div>x</div>" * SAFE_TAGS
    assert _shallow(shallow)
    assert not _shallow(shallow + "<\u212a>")
    assert not _shallow(shallow + "<\u0130>")
    assert _shallow(shallow + "<é> ünïcödé")
