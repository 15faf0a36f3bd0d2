"""Adding an imported guide to the catalog file: only additions, comments and order kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from curator.catalog import load_catalog
from curator.catalog.importer import parse_guide
from curator.catalog.matching import LinkEntry, normalise_url, pair_links, unique_key
from curator.catalog.merge import GuideMatch, import_guide
from curator.errors import CatalogError

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "sextortion-guide.html"
PAGE_URL = "https://safeguardinghub.example/sextortion-guide-and-resources/"


def _fixture(**replacements: str) -> str:
    html = FIXTURE.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert html.count(old) == 1, old
        html = html.replace(old, new)
    return html


@pytest.fixture
def catalog_copy(shipped_catalog: Path, tmp_path: Path) -> Path:
    """A copy of the shipped resources.yaml to import into."""
    path = tmp_path / "resources.yaml"
    shutil.copy(shipped_catalog, path)
    return path


def test_importing_the_published_guide_into_the_catalog_only_sets_its_address(
    catalog_copy: Path, shipped_catalog: Path
) -> None:
    plan = import_guide(catalog_copy, parse_guide(_fixture()))
    assert plan.guide == "sextortion"
    assert plan.matched_by is GuideMatch.TITLE
    assert plan.source_url_set == PAGE_URL
    assert (plan.sections_added, plan.added) == ((), ())
    assert [k.key for k in plan.kept] == [
        r.key for _, r in load_catalog(shipped_catalog).guides[0].all_resources()
    ]
    assert all(k.same_address for k in plan.kept)

    before = shipped_catalog.read_text().splitlines()
    after = catalog_copy.read_text().splitlines()
    title_line = before.index("    title: Sextortion – Guide and Resources")
    # The one new line sits after the title and its comment; every other line is untouched,
    # comments included.
    assert (
        after
        == before[: title_line + 2] + [f"    source_url: {PAGE_URL}"] + before[title_line + 2 :]
    )

    again = import_guide(catalog_copy, parse_guide(_fixture()))
    assert again.matched_by is GuideMatch.SOURCE_URL and not again.changed
    assert catalog_copy.read_text().splitlines() == after


def test_a_new_link_and_a_new_section_are_added_in_page_order(
    catalog_copy: Path, shipped_catalog: Path
) -> None:
    html = _fixture(
        **{
            '<h4 class="wp-block-heading">The Legislation</h4>': (
                "<h3>For children and young people</h3>\n"
                '<p><a href="https://www.childline.org.uk/info-advice/bullying-abuse-safety/'
                'online-mobile-safety/remove-nude-image-shared-online/">Report Remove</a> – '
                "Childline and the IWF help under-18s remove nude images shared online.</p>\n"
                '<h4 class="wp-block-heading">The Legislation</h4>'
            ),
            "11-minute video explaining sextortion and how to prevent it.</li>": (
                "11-minute video explaining sextortion and how to prevent it.</li>\n"
                '<li><a href="https://www.ceop.police.uk/Safety-Centre/">CEOP Safety Centre</a>'
                " – report online sexual abuse of a child. Call 0370 496 7622.</li>"
            ),
        }
    )
    plan = import_guide(catalog_copy, parse_guide(html))
    assert plan.sections_added == ("For children and young people",)
    assert [(a.section, a.key, a.kind, a.phone) for a in plan.added] == [
        ("For children and young people", "report-remove", "webpage", None),
        ("Other useful links", "ceop-safety-centre", "helpline", "0370 496 7622"),
    ]
    assert len(plan.kept) == 9
    (guide,) = load_catalog(catalog_copy).guides
    assert [s.title for s in guide.sections] == [
        "From the Non-Government agencies",
        "From the Police",
        "For children and young people",
        "The Legislation",
        "Other useful links",
    ]
    assert guide.sections[-1].resources[-1].key == "ceop-safety-centre"
    report_remove = guide.sections[2].resources[0]
    assert report_remove.description == (
        "Childline and the IWF help under-18s remove nude images shared online."
    )
    text = catalog_copy.read_text()
    assert text.startswith("# curator's catalog")
    assert '# The guide prints "03456 000 459"' in text
    new_lines = set(text.splitlines()) - set(shipped_catalog.read_text().splitlines())
    assert any(line.endswith("title: CEOP Safety Centre") for line in new_lines)
    assert max(len(line) for line in new_lines if "url:" not in line) <= 100

    assert not import_guide(catalog_copy, parse_guide(html)).changed


def test_a_resource_with_the_same_id_but_a_new_address_is_kept_not_added(
    catalog_copy: Path,
) -> None:
    html = _fixture(
        **{
            'href="https://www.getsafeonline.org/"': (
                'href="https://www.getsafeonline.org/social-networking/webcam-blackmail/"'
            )
        }
    )
    plan = import_guide(catalog_copy, parse_guide(html))
    assert plan.added == ()
    moved = [k for k in plan.kept if not k.same_address]
    assert [(k.key, k.url, k.page_url) for k in moved] == [
        (
            "get-safe-online",
            "https://www.getsafeonline.org/",
            "https://www.getsafeonline.org/social-networking/webcam-blackmail/",
        )
    ]


def test_dry_run_writes_nothing(catalog_copy: Path) -> None:
    before = catalog_copy.read_bytes()
    plan = import_guide(catalog_copy, parse_guide(_fixture()), dry_run=True)
    assert plan.changed and plan.source_url_set == PAGE_URL
    assert catalog_copy.read_bytes() == before


def test_import_into_a_new_file_then_again(tmp_path: Path, shipped_catalog: Path) -> None:
    path = tmp_path / "new.yaml"
    first = import_guide(path, parse_guide(_fixture()))
    assert first.matched_by is GuideMatch.ADDED and len(first.added) == 9
    (guide,) = load_catalog(path).guides
    (shipped,) = load_catalog(shipped_catalog).guides
    assert guide.slug == "sextortion-guide-and-resources"
    assert guide.source_url == PAGE_URL
    assert [(s.title, len(s.resources)) for s in guide.sections] == [
        (s.title, len(s.resources)) for s in shipped.sections
    ]
    assert [r.kind for _, r in guide.all_resources()] == [
        r.kind for _, r in shipped.all_resources()
    ]
    written = path.read_text()
    second = import_guide(path, parse_guide(_fixture()))
    assert not second.changed and len(second.kept) == 9
    assert path.read_text() == written


def test_guide_option_names_the_guide_to_import_into(catalog_copy: Path) -> None:
    plan = import_guide(catalog_copy, parse_guide(_fixture()), guide_slug="sextortion-published")
    assert (plan.guide, plan.matched_by, len(plan.added)) == (
        "sextortion-published",
        GuideMatch.ADDED,
        9,
    )
    slugs = [g.slug for g in load_catalog(catalog_copy).guides]
    assert slugs == ["sextortion", "sextortion-published"]
    into_existing = import_guide(catalog_copy, parse_guide(_fixture()), guide_slug="sextortion")
    assert (into_existing.guide, into_existing.matched_by) == ("sextortion", GuideMatch.SLUG)
    assert into_existing.added == () and into_existing.source_url_set == PAGE_URL


def test_an_invalid_catalog_is_refused_before_anything_is_merged(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("guides:\n  - slug: Not A Slug\n    title: x\n")
    with pytest.raises(CatalogError) as caught:
        import_guide(path, parse_guide(_fixture()))
    assert caught.value.problems[0].field == "guides[0].slug"
    assert path.read_text() == "guides:\n  - slug: Not A Slug\n    title: x\n"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://www.cps.gov.uk/legal-guidance/x", "http://cps.gov.uk/legal-guidance/x/", True),
        ("https://A.org/page#section", "https://a.org/page", True),
        ("https://a.org/p?utm_source=hub&id=3", "https://a.org/p?id=3", True),
        ("https://a.org:443/", "https://a.org", True),
        ("https://a.org/Page", "https://a.org/page", False),
        ("https://a.org/p?id=3", "https://a.org/p?id=4", False),
        ("https://a.org:8443/", "https://a.org/", False),
    ],
    ids=[
        "scheme-www-slash",
        "host-case-fragment",
        "tracking",
        "default-port",
        "path-case",
        "query",
        "other-port",
    ],
)
def test_normalise_url(a: str, b: str, same: bool) -> None:
    assert (normalise_url(a) == normalise_url(b)) is same


def test_pairing_is_one_to_one_and_prefers_the_same_section() -> None:
    nca = "https://www.nationalcrimeagency.gov.uk/sextortion"
    page = [
        LinkEntry("Other useful links", "what-to-do", "Sextortion and what to do about it", nca),
        LinkEntry("From the Police", "jess", "Have you met Jess?", nca),
        LinkEntry("From the Police", "new", "New", "https://new.example/"),
    ]
    catalog = [
        LinkEntry("From the Police", "nca-have-you-met-jess", "Jess", nca),
        LinkEntry("Other useful links", "sextortion-what-to-do-video", "What to do", nca),
        LinkEntry("Other useful links", "gone", "Gone", "https://gone.example/"),
    ]
    pairing = pair_links(page, catalog)
    assert pairing.pairs == ((0, 1), (1, 0))
    assert (pairing.page_only, pairing.catalog_only) == ((2,), (2,))
    # Without its twin on the page, one NCA resource is left over: the one of the other section.
    assert pair_links(page[1:2], catalog).catalog_only == (1, 2)


def test_unique_key() -> None:
    used = {"get-safe-online"}
    assert unique_key("Get Safe Online", used) == "get-safe-online-2"
    assert unique_key("Get Safe Online", used) == "get-safe-online-3"
    long = unique_key("CPS: Revenge Pornography – Guidelines on prosecuting the offence", set())
    assert long == "cps-revenge-pornography-guidelines-on-prosecuting-the"
