"""Signature tables: one combined pattern per part, folded text, every signature named."""

from __future__ import annotations

from pathlib import Path

import pytest
import re2

from curator.check import classifier, signatures
from curator.check.quirks import (
    PREFILTER,
    Parts,
    Prefilter,
    Table,
    Where,
    fold,
    sig,
    without_accents,
)
from curator.check.text import extract_page

CORPUS_PAGES = Path(__file__).parents[1] / "corpus" / "pages"


def parts(**values: str) -> Parts:
    return Parts.of({Where(k): (v,) for k, v in values.items()})


def test_patterns_are_written_in_lower_case() -> None:
    sig("fine", Where.TITLE, r"\bnot found\W")
    with pytest.raises(ValueError, match="lower case"):
        sig("shouty", Where.TITLE, r"Not Found")


def every_table() -> list[Table]:
    """Every signature table the classifier searches (module-level tables)."""
    from curator.check import quirks

    assert classifier.RULES  # every table is built and registered
    found = [
        value
        for module in (signatures, quirks, classifier)
        for value in vars(module).values()
        if isinstance(value, Table)
    ]
    assert len(found) >= 10
    return found


def test_every_signature_of_every_table_compiles() -> None:
    # Patterns compile when first searched for; every one of them does.
    for table in every_table():
        table.compile()
    for where in PREFILTER.wheres():
        assert PREFILTER.hits(where, "nothing to see here") is not None


def test_a_pattern_that_does_not_compile_names_its_signature() -> None:
    table = Table(sig("fine", Where.TITLE, r"alpha"), sig("broken", Where.TITLE, r"beta ("),
                  prefilter=Prefilter())  # fmt: skip
    with pytest.raises(ValueError, match=r"signature broken: the pattern does not compile"):
        table.compile()


def test_text_and_patterns_fold_the_same_way() -> None:
    assert fold("Ce nom de domaine a EXPIRÉ – l’hébergeur") == (
        "ce nom de domaine a expire - l'hebergeur"
    )
    assert without_accents("verfügbar, ważna, Straße") == "verfugbar, wazna, Straße"
    table = Table(sig("expired", Where.TEXT, r"\bdomaine a expiré\b"))
    found = table.first(parts(text=fold("Ce domaine a expiré hier.")))
    assert found is not None and found.name == "expired"


def test_a_table_reports_the_signature_that_matched() -> None:
    table = Table(
        sig("one", Where.TITLE, r"alpha"),
        sig("two", Where.TITLE, r"beta"),
        sig("three", Where.TEXT, r"gamma"),
    )
    found = table.first(parts(title="x beta y", text="gamma"))
    assert found is not None and (found.name, found.matched, found.span) == ("two", "beta", (2, 6))
    long_page = table.first(parts(text="gamma"), short_page=False)
    assert long_page is None  # visible text counts on short pages only


def test_strong_signatures_alone_count_on_a_success() -> None:
    table = Table(
        sig("weak", Where.TITLE, r"access denied"),
        sig("strong", Where.TITLE, r"just a moment", any_status=True),
    )
    assert table.first(parts(title="access denied"), success=True) is None
    assert table.first(parts(title="access denied")) is not None
    assert table.first(parts(title="just a moment"), success=True) is not None


@pytest.mark.parametrize(
    "table",
    [
        signatures.PARKING,
        signatures.BOT_WALLS,
        signatures.ERROR_PAGES,
        signatures.WEAK_ERROR,
        signatures.AD_FEED,
        signatures.MEDIA_GATED_WORDS,
        signatures.MEDIA_PRIVATE_WORDS,
        signatures.MEDIA_GONE_WORDS,
    ],
    ids=lambda t: sorted(t.names())[0],
)
def test_every_table_compiles_into_few_patterns(table: Table) -> None:
    # One search per part and limit, however many rows (headers are looked up by name).
    groups = {
        (s.where, s.short_page_only, s.any_status)
        for s in table.signatures
        if s.where is not Where.HEADER
    }
    assert len(groups) <= 12
    assert all(s.name for s in table.signatures)


def test_a_table_made_later_is_searched_with_its_own_patterns() -> None:
    prefilter = Prefilter()
    first = Table(sig("one", Where.TITLE, r"alpha"), prefilter=prefilter)
    assert first.first(parts(title="alpha")) is not None
    later = Table(sig("two", Where.TITLE, r"beta"), prefilter=prefilter)
    found = later.first(parts(title="x beta"))
    assert found is not None and found.name == "two"
    assert first.first(parts(title="x beta")) is None


def test_a_table_made_later_is_searched_in_parts_read_before_it() -> None:
    prefilter = Prefilter()
    first = Table(sig("one", Where.TITLE, r"alpha"), prefilter=prefilter)
    page = parts(title="x beta")
    assert first.first(page) is None
    later = Table(sig("two", Where.TITLE, r"beta"), prefilter=prefilter)
    found = later.first(page)  # what the prefilter found in the page is out of date
    assert found is not None and found.name == "two"


def test_every_table_reads_each_part_of_a_page_once() -> None:
    reads: list[Where] = []
    values = {Where.TITLE: ("domain for sale",), Where.TEXT: ("buy this domain today",)}

    def read(where: Where) -> tuple[str, ...]:
        reads.append(where)
        return values.get(where, ())

    page = Parts(read)
    tables = [signatures.BOT_WALLS, signatures.ERROR_PAGES, signatures.MEDIA_GONE_WORDS]
    assert all(table.first(page) is None for table in tables)
    assert signatures.PARKING.first(page) is not None
    assert sorted(reads) == sorted(set(reads))


def test_the_prefilter_finds_what_each_pattern_finds_on_real_pages() -> None:
    # The tables search a value only where the prefilter saw one of their patterns: on the
    # corpus's pages, it sees exactly the patterns that each, searched alone, would find.
    assert classifier.RULES  # every table is built and registered
    by_where: dict[Where, list[str]] = {}
    for path in sorted(CORPUS_PAGES.glob("*/*.html")):
        page = extract_page(
            path.read_bytes(),
            content_type="text/html",
            base_url="https://example.org/page",
            bytes_read=0,
            truncated=False,
        )
        by_where.setdefault(Where.TITLE, []).append(fold(page.title or ""))
        by_where.setdefault(Where.HEADING, []).extend(fold(h) for h in page.headings)
        by_where.setdefault(Where.TEXT, []).append(fold(f"{page.text} {page.chrome}"))
        by_where.setdefault(Where.MARKUP, []).append(page.markup_sample.lower())
    assert len(by_where[Where.MARKUP]) > 100
    for where, values in by_where.items():
        patterns = [re2.compile(p) for p in PREFILTER.patterns(where)]
        for value in values:
            alone = {number for number, p in enumerate(patterns) if p.search(value)}
            assert PREFILTER.hits(where, value) == alone, (where, value[:80])
