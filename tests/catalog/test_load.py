"""Catalog validation: every problem with its file, line and field, all at once."""

from __future__ import annotations

import codecs
import textwrap
from datetime import date
from pathlib import Path

import pytest

from curator.catalog import load_catalog
from curator.catalog.document import MAX_CHARS
from curator.catalog.load import catalog_guides, scan_catalog
from curator.catalog.schema import GuideSpec, slugify
from curator.domain import Interval, parse_interval
from curator.errors import CatalogError
from curator.phones import e164 as phone_e164

MINIMAL = """\
guides:
  - slug: sextortion
    title: Sextortion
    sections:
      - title: Police
        resources:
          - title: Report Fraud
            url: https://www.reportfraud.police.uk/
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    return [str(p) for p in info.value.problems]


def test_minimal_form_is_accepted_and_ids_are_derived(tmp_path: Path) -> None:
    catalog = load_catalog(write(tmp_path, MINIMAL))
    (guide,) = catalog.guides
    (section,) = guide.sections
    (resource,) = section.resources
    assert (guide.slug, section.title, resource.key) == ("sextortion", "Police", "report-fraud")
    assert resource.kind.value == "webpage"
    assert guide.next_review_due() is None


@pytest.mark.parametrize("phone", ["116 123", "111", "85258", "'116123'", "+44 345 6000 459"])
def test_a_resource_may_list_a_uk_short_number(tmp_path: Path, phone: str) -> None:
    # Unquoted, 111 and 85258 are integers to YAML: their digits are the number as printed.
    catalog = load_catalog(write(tmp_path, MINIMAL + f"            phone: {phone}\n"))
    assert catalog.guides[0].sections[0].resources[0].phone == phone.strip("'")


def test_a_long_number_read_as_an_integer_must_be_quoted(tmp_path: Path) -> None:
    # YAML reads +443456000459 as an integer: its + is gone, so it is refused, saying why.
    path = write(tmp_path, MINIMAL + "            phone: +443456000459\n")
    assert [p.split(": ", 1)[1] for p in problems_of(path)] == [
        "guides[0].sections[0].resources[0].phone: read as an integer, which "
        'loses a + or a leading 0: write the number in quotes as printed ("+44 345 6000 459")'
    ]


def test_the_shipped_catalog_holds_the_whole_guide(shipped_catalog: Path) -> None:
    catalog = load_catalog(shipped_catalog)
    (guide,) = catalog.guides
    assert [s.title for s in guide.sections] == [
        "From the Non-Government agencies",
        "From the Police",
        "The Legislation",
        "Other useful links",
    ]
    assert len(guide.all_resources()) == 9
    helpline = guide.sections[0].resources[0]
    assert helpline.kind.value == "helpline"
    assert helpline.phone is not None and phone_e164(helpline.phone) == "+443456000459"
    # The guide prints the same number as 03456 000 459.
    assert phone_e164("03456 000 459") == "+443456000459"


CASES = [
    (
        "url-not-http",
        MINIMAL.replace("https://www.reportfraud.police.uk/", "ftp://example.org/x"),
        ["catalog.yaml:8: guides[0].sections[0].resources[0].url: not an http(s) URL"],
    ),
    (
        "url-with-space",
        MINIMAL.replace("https://www.reportfraud.police.uk/", '"https://a.org/x y"'),
        [
            "catalog.yaml:8: guides[0].sections[0].resources[0].url: "
            "not an http(s) URL (it contains spaces)"
        ],
    ),
    (
        "unknown-field",
        MINIMAL + "            expect_txt: [Report]\n",
        ["catalog.yaml:9: guides[0].sections[0].resources[0].expect_txt: unknown field"],
    ),
    (
        "missing-url",
        MINIMAL.replace("            url: https://www.reportfraud.police.uk/\n", ""),
        ["catalog.yaml:7: guides[0].sections[0].resources[0].url: missing (required)"],
    ),
    (
        "bad-phone",
        MINIMAL + "            phone: call us maybe\n",
        [
            "catalog.yaml:9: guides[0].sections[0].resources[0].phone: "
            "not a phone number valid for the UK (region GB): a full number, with its + "
            "country code when abroad, or a UK short number (0345 6000 459, +44 345 6000 459, "
            "116 123)"
        ],
    ),
    (
        "invalid-phone",
        MINIMAL + "            phone: 0345 600\n",
        [
            "catalog.yaml:9: guides[0].sections[0].resources[0].phone: "
            "not a phone number valid for the UK (region GB): a full number, with its + "
            "country code when abroad, or a UK short number (0345 6000 459, +44 345 6000 459, "
            "116 123)"
        ],
    ),
    (
        "bad-review-every",
        MINIMAL.replace(
            "    title: Sextortion\n", "    title: Sextortion\n    review_every: twice a year\n"
        ),
        [
            'catalog.yaml:4: guides[0].review_every: not a review interval such as "6 months", '
            '"1 year", "12 weeks"'
        ],
    ),
    (
        "bad-kind",
        MINIMAL + "            kind: podcast\n",
        [
            "catalog.yaml:9: guides[0].sections[0].resources[0].kind: "
            "must be one of webpage, video, helpline or document"
        ],
    ),
    (
        "bad-slug",
        MINIMAL.replace("slug: sextortion", "slug: Sextortion Guide"),
        [
            "catalog.yaml:2: guides[0].slug: must be lower-case words joined by hyphens "
            "(e.g. revenge-porn-helpline)"
        ],
    ),
    (
        "bad-date",
        MINIMAL.replace(
            "    title: Sextortion\n", "    title: Sextortion\n    last_reviewed: soon\n"
        ),
        ["catalog.yaml:4: guides[0].last_reviewed: must be a date (YYYY-MM-DD)"],
    ),
    (
        "duplicate-explicit-id",
        MINIMAL
        + "          - id: report-fraud\n            title: Other\n            url: https://a.org/\n",
        [
            "catalog.yaml:9: guides[0].sections[0].resources[1].id: duplicate id 'report-fraud'; "
            "first used by guides[0].sections[0].resources[0]"
        ],
    ),
    (
        "duplicate-derived-id",
        MINIMAL + "          - title: Report  fraud!\n            url: https://a.org/\n",
        [
            "catalog.yaml:9: guides[0].sections[0].resources[1].title: duplicate id "
            "'report-fraud' (derived from the title; add an id); first used by "
            "guides[0].sections[0].resources[0]"
        ],
    ),
    (
        "yaml-syntax",
        MINIMAL.replace("title: Police", "title: [Police"),
        [
            "catalog.yaml:6: YAML syntax error, column 18: did not find expected ',' or ']' "
            "(while parsing a flow sequence)"
        ],
    ),
    (
        "impossible-date",
        MINIMAL.replace(
            "    title: Sextortion\n", "    title: Sextortion\n    last_reviewed: 2026-13-01\n"
        ),
        ["catalog.yaml:4: guides[0].last_reviewed: must be a date (YYYY-MM-DD)"],
    ),
    (
        "editor-not-an-email",
        MINIMAL.replace(
            "    title: Sextortion\n", "    title: Sextortion\n    editors: [not-an-email]\n"
        ),
        ["catalog.yaml:4: guides[0].editors[0]: not an email address (e.g. editor@example.org)"],
    ),
    (
        "editor-with-a-comma",
        MINIMAL.replace(
            "    title: Sextortion\n",
            '    title: Sextortion\n    editors: ["a@b.org, evil@x.org"]\n',
        ),
        ["catalog.yaml:4: guides[0].editors[0]: not an email address (e.g. editor@example.org)"],
    ),
    (
        "port-too-high",
        MINIMAL.replace("https://www.reportfraud.police.uk/", "http://example.org:99999/"),
        [
            "catalog.yaml:8: guides[0].sections[0].resources[0].url: "
            "not an http(s) URL (port '99999' is not a number from 1 to 65535)"
        ],
    ),
    (
        "port-negative",
        MINIMAL.replace("https://www.reportfraud.police.uk/", "http://example.org:-1/"),
        [
            "catalog.yaml:8: guides[0].sections[0].resources[0].url: "
            "not an http(s) URL (port '-1' is not a number from 1 to 65535)"
        ],
    ),
    (
        "port-zero",
        MINIMAL.replace("https://www.reportfraud.police.uk/", "http://example.org:0/"),
        [
            "catalog.yaml:8: guides[0].sections[0].resources[0].url: "
            "not an http(s) URL (port '0' is not a number from 1 to 65535)"
        ],
    ),
    (
        "url-too-long",
        MINIMAL.replace("https://www.reportfraud.police.uk/", "https://a.org/" + "x" * 2000),
        [
            "catalog.yaml:8: guides[0].sections[0].resources[0].url: "
            "must be at most 2,000 bytes long (it has 2,014)"
        ],
    ),
    (
        "url-nul",
        MINIMAL.replace("https://www.reportfraud.police.uk/", '"https://a.org/\\0"'),
        [
            "catalog.yaml:8: guides[0].sections[0].resources[0].url: "
            "not an http(s) URL (it contains a control character, U+0000)"
        ],
    ),
    (
        "title-line-break",
        MINIMAL.replace("title: Sextortion", 'title: "Sextortion\\r\\nBcc: x@evil.example"'),
        ["catalog.yaml:3: guides[0].title: must be one line (it contains a line break, U+000D)"],
    ),
    (
        "title-control",
        MINIMAL.replace("title: Report Fraud", 'title: "Report\\aFraud"'),
        [
            "catalog.yaml:7: guides[0].sections[0].resources[0].title: "
            "must not contain control characters (U+0007)"
        ],
    ),
    (
        "title-too-long",
        MINIMAL.replace("title: Police", "title: " + "P" * 501),
        [
            "catalog.yaml:5: guides[0].sections[0].title: "
            "must be at most 500 characters (it has 501)"
        ],
    ),
    (
        "description-nul",
        MINIMAL + '            description: "free\\0help"\n',
        [
            "catalog.yaml:9: guides[0].sections[0].resources[0].description: "
            "must not contain control characters (U+0000)"
        ],
    ),
    (
        "phone-too-long",
        MINIMAL + "            phone: 0345 6000 459" + " " * 40 + "x\n",
        [
            "catalog.yaml:9: guides[0].sections[0].resources[0].phone: "
            "must be at most 40 characters (it has 54)"
        ],
    ),
    (
        "review-every-too-long",
        MINIMAL.replace(
            "    title: Sextortion\n",
            "    title: Sextortion\n    review_every: " + "0" * 40 + "6 months\n",
        ),
        ["catalog.yaml:4: guides[0].review_every: must be at most 40 characters"],
    ),
    (
        "review-every-too-far",
        MINIMAL.replace(
            "    title: Sextortion\n", "    title: Sextortion\n    review_every: 9999 years\n"
        ),
        ["catalog.yaml:4: guides[0].review_every: a review interval of at most 10 years"],
    ),
    (
        "duplicate-key",
        MINIMAL + "            url: https://b.org/\n",
        ["catalog.yaml:9: guides[0].sections[0].resources[0].url: duplicate key (first at line 8)"],
    ),
    (
        "empty-file",
        "",
        ["catalog.yaml: the file is empty; expected a 'guides:' list"],
    ),
    (
        "not-a-mapping",
        "- just a list\n",
        ["catalog.yaml:1: expected a mapping with a 'guides:' list at the top"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validation_messages(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = write(tmp_path, text)
    got = [p.replace(str(path.parent) + "/", "") for p in problems_of(path)]
    assert got == expected
    # Scanning the file (as `curator check` validates it, keeping no guide) says the same.
    with pytest.raises(CatalogError) as info:
        scan_catalog(path)
    assert [str(p) for p in info.value.problems] == problems_of(path)


def test_five_mistakes_are_all_reported_in_line_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        guides:
          - slug: sextortion
            title: Sextortion
            review_every: now and then
            sections:
              - title: Police
                resources:
                  - title: Report Fraud
                    url: not a url
                  - title: Helpline
                    url: https://a.org/
                    phone: "12"
                    colour: blue
                  - title: Report Fraud
                    url: https://b.org/
                    kind: tv
        """,
    )
    got = [
        p.split(": ", 2)[0:2]
        for p in (s.replace(str(tmp_path) + "/", "") for s in problems_of(path))
    ]
    assert got == [
        ["catalog.yaml:4", "guides[0].review_every"],
        ["catalog.yaml:9", "guides[0].sections[0].resources[0].url"],
        ["catalog.yaml:12", "guides[0].sections[0].resources[1].phone"],
        ["catalog.yaml:13", "guides[0].sections[0].resources[1].colour"],
        ["catalog.yaml:14", "guides[0].sections[0].resources[2].title"],
        ["catalog.yaml:16", "guides[0].sections[0].resources[2].kind"],
    ]


def test_missing_file(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.yaml") == [f"{tmp_path}/nope.yaml: no such file"]


def test_a_file_that_is_not_utf8_is_placed_at_its_first_bad_byte(tmp_path: Path) -> None:
    # Saved by hand in Windows-1252, where "é" is the one byte 0xe9.
    text = MINIMAL.replace("title: Sextortion", "title: Sextortion résumé", 1)
    assert "résumé" in text
    path = tmp_path / "catalog.yaml"
    path.write_bytes(text.encode("cp1252"))
    line = text.splitlines().index(next(s for s in text.splitlines() if "résumé" in s)) + 1
    column = text.splitlines()[line - 1].index("é") + 1
    assert problems_of(path) == [
        f"{path}:{line}: not UTF-8 text: byte 0xe9 at column {column} (0xe9 is 'é' in "
        "Windows-1252); save it as UTF-8"
    ]
    path.write_bytes(text.encode("utf-16"))
    assert problems_of(path) == [
        f"{path}: is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8"
    ]
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))  # UTF-8 with a mark is UTF-8
    assert load_catalog(path).guides[0].title == "Sextortion résumé"


@pytest.mark.parametrize(
    ("text", "interval", "start", "due"),
    [
        ("6 months", Interval(6, "month"), date(2026, 6, 1), date(2026, 12, 1)),
        ("6 months", Interval(6, "month"), date(2026, 8, 31), date(2027, 2, 28)),
        ("1 year", Interval(1, "year"), date(2024, 2, 29), date(2025, 2, 28)),
        ("12 Weeks", Interval(12, "week"), date(2026, 1, 1), date(2026, 3, 26)),
        ("90 days", Interval(90, "day"), date(2026, 1, 1), date(2026, 4, 1)),
    ],
    ids=["months", "month-end", "leap-year", "weeks", "days"],
)
def test_review_intervals(text: str, interval: Interval, start: date, due: date) -> None:
    assert parse_interval(text) == interval
    assert interval.after(start) == due


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Revenge Porn Helpline", "revenge-porn-helpline"),
        ("CPS: Revenge Pornography – Guidelines", "cps-revenge-pornography-guidelines"),
        (
            "Sextortion reaction film – Have you met Jess?",
            "sextortion-reaction-film-have-you-met-jess",
        ),
        ("Café Ñandú", "cafe-nandu"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_every_kind_of_problem_at_once_with_an_impossible_date(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        guides:
          - slug: sextortion
            title: Sextortion
            last_reviewed: 2026-13-01
            editors: [not-an-email]
            sections:
              - title: Police
                resources:
                  - title: Report Fraud
                    url: http://example.org:99999/
                    title: Again
        """,
    )
    got = [p.replace(str(tmp_path) + "/", "").split(": ")[0:2] for p in problems_of(path)]
    assert got == [
        ["catalog.yaml:4", "guides[0].last_reviewed"],
        ["catalog.yaml:5", "guides[0].editors[0]"],
        ["catalog.yaml:10", "guides[0].sections[0].resources[0].url"],
        ["catalog.yaml:11", "guides[0].sections[0].resources[0].title"],
    ]


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_CHARS * 4 + 1)  # sparse: nothing is written to disk
    assert problems_of(path) == [f"{path}: longer than 128 MiB"]


def test_a_catalog_built_guide_by_guide_is_the_one_validated_whole(
    tmp_path: Path, shipped_catalog: Path
) -> None:
    from curator.catalog.load import read_file, validate_text

    two = MINIMAL + MINIMAL.split("guides:\n", 1)[1].replace("sextortion", "second")
    for path in (shipped_catalog, write(tmp_path, "exclude: ['^https://x/']\n" + two)):
        whole = validate_text(str(path), read_file(path))
        built = load_catalog(path)
        assert built == whole and built.model_dump() == whole.model_dump()
        assert built.model_fields_set == whole.model_fields_set


def test_a_problem_in_a_later_guide_is_found_on_its_line(tmp_path: Path) -> None:
    second = MINIMAL.split("guides:\n", 1)[1].replace("sextortion", "second")
    path = write(tmp_path, MINIMAL + second.replace("https://www.reportfraud", "ftp://x"))
    assert problems_of(path) == [
        f"{path}:15: guides[1].sections[0].resources[0].url: not an http(s) URL"
    ]


def test_a_scan_keeps_no_guide_and_a_second_read_gives_them_one_at_a_time(
    tmp_path: Path, shipped_catalog: Path
) -> None:
    two = MINIMAL + MINIMAL.split("guides:\n", 1)[1].replace("sextortion", "second")
    for path in (shipped_catalog, write(tmp_path, "exclude: ['^https://x/']\n" + two)):
        whole = load_catalog(path)
        seen: list[GuideSpec] = []
        shell = scan_catalog(path, seen.append)
        assert shell.guides == [] and shell == whole.model_copy(update={"guides": []})
        assert seen == whole.guides
        read = catalog_guides(path, [g.slug for g in whole.guides])
        assert next(read) == whole.guides[0]
        assert [whole.guides[0], *read] == whole.guides


def test_a_file_broken_between_its_scan_and_its_reading_is_refused_on_its_line(
    tmp_path: Path,
) -> None:
    second = MINIMAL.split("guides:\n", 1)[1].replace("sextortion", "second")
    path = write(tmp_path, MINIMAL + second)
    scan_catalog(path)
    write(tmp_path, MINIMAL + second.replace("https://www.reportfraud", "ftp://x"))
    read = catalog_guides(path, ["sextortion", "second"])
    assert next(read).slug == "sextortion"
    with pytest.raises(CatalogError) as info:
        next(read)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:15: guides[1].sections[0].resources[0].url: not an http(s) URL"
    ]


def test_a_file_listing_other_guides_when_read_again_is_refused(tmp_path: Path) -> None:
    second = MINIMAL.split("guides:\n", 1)[1].replace("sextortion", "second")
    path = write(tmp_path, MINIMAL + second)
    slugs: list[str] = []
    scan_catalog(path, lambda guide: slugs.append(guide.slug))
    assert [g.slug for g in catalog_guides(path, slugs)] == ["sextortion", "second"]
    write(tmp_path, MINIMAL)  # valid, but the second guide is gone
    with pytest.raises(CatalogError) as info:
        list(catalog_guides(path, slugs))
    assert [str(p) for p in info.value.problems] == [
        f"{path}: changed while it was read; run it again"
    ]
