"""The fast YAML reader: the same values as the round-trip loader, positions, and bounds."""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import pytest
from ruamel.yaml import YAML

from curator.catalog.document import ALIAS_BUDGET, MAX_DEPTH, GuideStream, read_text
from curator.catalog.scalars import plain_value, scalar_text
from curator.errors import CatalogError


def round_trip_value(text: str) -> Any:
    """What ruamel's round-trip loader (the one export and import use) makes of `k: text`."""
    loaded = YAML(typ="rt").load(io.StringIO(f"k: {text}\n"))["k"]
    if isinstance(loaded, dt.datetime):
        return dt.datetime(*loaded.timetuple()[:6])
    if isinstance(loaded, bool) or loaded is None:
        return loaded
    for kind in (int, float, str):
        if isinstance(loaded, kind):
            return kind(loaded)
    return loaded


PLAIN = [
    ("text", "Childline"),
    ("yes-is-text", "yes"),
    ("on-is-text", "on"),
    ("true", "true"),
    ("False", "False"),
    ("null", "null"),
    ("tilde", "~"),
    ("int", "42"),
    ("negative", "-7"),
    ("underscores", "1_000"),
    ("hex", "0x1F"),
    ("octal", "0o17"),
    ("float", "3.5"),
    ("exponent", "1e5"),
    ("inf", ".inf"),
    ("date", "2026-06-01"),
    ("datetime", "2026-06-01 10:30:00"),
    ("datetime-t", "2026-06-01T10:30:00Z"),
    ("phone", "0345 6000 459"),
    ("url", "https://example.org/a?b=c"),
    ("version-like", "1.2.3"),
    ("dash-word", "-a"),
    ("merge-like", "<<x"),
    ("nearly-date", "2026-6-1"),
]


@pytest.mark.parametrize("text", [c[1] for c in PLAIN], ids=[c[0] for c in PLAIN])
def test_plain_scalars_mean_what_the_round_trip_loader_says(text: str) -> None:
    ours = plain_value(text)
    theirs = round_trip_value(text)
    assert type(ours) is type(theirs)
    assert ours == theirs or (isinstance(ours, float) and math.isnan(ours))


def test_an_impossible_date_stays_text() -> None:
    assert plain_value("2026-13-01") == "2026-13-01"
    assert plain_value("2026-02-30") == "2026-02-30"


WRITTEN = [
    "Childline",
    "yes",
    "true",
    "12",
    "0o17",
    "1_000",
    "2026-06-01",
    "null",
    "",
    " leading space",
    "trailing space ",
    "a: b",
    "a #b",
    "- dash",
    "[bracket",
    "quote's",
    'say "hi"',
    "line\nbreak",
    "tab\there",
    "nul\x00byte",
    "bell\x07",
    "crlf\r\ninjected",
    "unicode – “quotes” é",
    "emoji 🙂",
    "line\u2028separator",
    "nbsp\xa0here",
    "x" * 200,
    ("A long description that an editor wrote, with words and spaces and more words " * 3).strip(),
    "double  spaces in a long text that would otherwise be folded into lines of eighty-four",
    "#hash first",
    "ends with colon:",
]


@pytest.mark.parametrize("value", WRITTEN, ids=[repr(v)[:30] for v in WRITTEN])
@pytest.mark.parametrize("in_flow", [False, True], ids=["block", "flow"])
def test_written_scalars_read_back_the_same_in_both_readers(value: str, in_flow: bool) -> None:
    written = scalar_text(value, indent=2, in_flow=in_flow)
    text = f"k: [{written}]\n" if in_flow else f"k: {written}\n"
    ours = read_text("t.yaml", text).data["k"]
    theirs = YAML(typ="rt").load(io.StringIO(text))["k"]
    if in_flow:
        ours, theirs = ours[0], theirs[0]
    assert ours == value
    assert str(theirs) == value


def test_long_text_is_folded_at_word_boundaries() -> None:
    value = ("Free, confidential advice for anyone worried about a child " * 3).strip()
    written = scalar_text(value, indent=6)
    assert written.startswith(">-\n      ")
    assert all(len(line) <= 90 for line in written.splitlines())


def test_values_match_the_c_loader_on_an_ordinary_catalog(shipped_catalog: Any) -> None:
    import yaml

    text = shipped_catalog.read_text()
    assert read_text("r.yaml", text).data == yaml.load(text, Loader=yaml.CSafeLoader)


def test_positions_name_lines_and_survive_crlf_and_wide_characters() -> None:
    text = "guides:\r\n  - slug: a\r\n    title: “Wide” 🙂 title\r\n    sections: []\r\n"
    document = read_text("t.yaml", text, positions=True)
    assert document.line_of(("guides", 0, "title")) == 3
    assert document.line_of(("guides", 0, "sections", 5, "title")) == 4
    assert document.root is not None and document.root.values is not None
    guide = document.root.values["guides"].items[0]  # type: ignore[index]
    assert guide.values is not None
    title = guide.values["title"]
    assert text[title.start : title.end] == "“Wide” 🙂 title"


BILLION_LAUGHS = """\
# The classic: nine levels of nine aliases each, 10^9 strings once expanded.
guides:
  - slug: lol
    title: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    x1: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    x2: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    x3: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    x4: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    x5: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    x6: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    x7: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    x8: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_billion_laughs_is_stopped_at_the_alias_that_crosses_the_budget() -> None:
    with pytest.raises(CatalogError) as info:
        read_text("bomb.yaml", BILLION_LAUGHS)
    (problem,) = info.value.problems
    assert problem.line == 9
    assert f"aliases expand to more than {ALIAS_BUDGET:,} values" in problem.problem


def test_aliases_within_the_budget_are_expanded() -> None:
    text = (
        "editors: &e [a@b.org, c@d.org]\nothers: *e\n"
        "base: &m {x: 1, y: 2}\nmerged: {<<: *m, y: 3}\n"
    )
    data = read_text("t.yaml", text).data
    assert data["others"] == ["a@b.org", "c@d.org"]
    assert data["merged"] == {"x": 1, "y": 3}


HOSTILE = [
    ("own-anchor", "a: &x [1, *x]\n", 1, "the alias *x is inside its own anchor"),
    ("unknown-alias", "a: 1\nb: *nowhere\n", 2, "unknown alias *nowhere"),
    ("deep", "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", 1, "nested deeper"),
    ("two-documents", "a: 1\n---\nb: 2\n", 2, "a second YAML document"),
    ("yaml-1.1", "%YAML 1.1\n---\na: yes\n", 1, "YAML 1.1 is not supported"),
    ("python-tag", "a: !!python/object:os.system {}\n", 1, "not supported in a catalog"),
    ("local-tag", "a: !secret x\n", 1, "the YAML tag !secret is not supported"),
    ("bad-int-tag", "a: !!int many\n", 1, "'many' is not a valid !!int"),
    ("complex-key", "? [a, b]\n: c\n", 1, "a mapping key must be plain text"),
    ("merge-a-scalar", "a: {<<: 5, b: 1}\n", 1, "<< merges a mapping or a list of mappings"),
]


@pytest.mark.parametrize(
    ("text", "line", "message"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE]
)
def test_hostile_yaml_is_one_clear_problem(text: str, line: int, message: str) -> None:
    with pytest.raises(CatalogError) as info:
        read_text("h.yaml", text)
    (problem,) = info.value.problems
    assert problem.line == line and message in problem.problem


def test_duplicate_keys_are_problems_with_both_lines() -> None:
    text = "guides:\n  - slug: a\n    title: A\n    title: B\n"
    document = read_text("d.yaml", text, positions=True)
    (problem,) = document.problems
    assert str(problem) == "d.yaml:4: guides[0].title: duplicate key (first at line 3)"
    assert document.data["guides"][0]["title"] == "A"


def test_an_open_file_reads_as_its_text_a_piece_at_a_time(shipped_catalog: Any) -> None:
    text = shipped_catalog.read_text(encoding="utf-8")
    with shipped_catalog.open(encoding="utf-8", newline="") as handle:
        streamed = read_text("resources.yaml", handle)
    assert streamed.data == read_text("resources.yaml", text).data and streamed.text == ""
    with pytest.raises(ValueError, match="positions"):
        read_text("x.yaml", io.StringIO("a: 1\n"), positions=True)
    with pytest.raises(UnicodeDecodeError):
        read_text("x.yaml", io.TextIOWrapper(io.BytesIO(b"a: \xff\n"), encoding="utf-8"))


class _Counting(io.StringIO):
    """A file that says how much of it was read."""

    taken = 0

    def read(self, size: int | None = -1) -> str:
        text = super().read(size)
        self.taken += len(text)
        return text


def test_a_file_is_read_a_guide_at_a_time() -> None:
    guide = "  - slug: g{0}\n    title: Guide {0}\n    sections: [{{title: S, resources: []}}]\n"
    text = "guides:\n" + "".join(guide.format(i) for i in range(2000)) + "exclude: [x]\n"
    handle = _Counting(text)
    stream = GuideStream("f.yaml", handle)
    read = iter(stream)
    index, first = next(read)
    # The first guide comes before the file is read to its end.
    assert (index, first["slug"]) == (0, "g0") and handle.taken < len(text) // 2
    rest = list(read)
    assert [i for i, _ in rest] == list(range(1, 2000)) and rest[-1][1]["slug"] == "g1999"
    # The document keeps the rest of the file, a None where each guide was.
    assert stream.document.data == {"guides": [None] * 2000, "exclude": ["x"]}
    assert read_text("f.yaml", text).data["guides"][1] == rest[0][1]


def test_guides_written_as_aliases_or_scalars_are_given_out_in_their_order() -> None:
    text = "guides:\n  - &a {slug: a}\n  - *a\n  - 3\n  - slug: b\n  - *a\n"
    stream = GuideStream("f.yaml", io.StringIO(text))
    assert list(stream) == list(enumerate(read_text("f.yaml", text).data["guides"]))
    assert stream.document.data == {"guides": [None] * 5}
