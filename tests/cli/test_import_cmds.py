"""`curator import` and `curator audit` as an editor uses them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curator.catalog import load_catalog
from curator.cli import app
from tests.catalog.site import HubSite, hub_site

runner = CliRunner()
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sextortion-guide.html"
PUBLISHED = "https://safeguardinghub.example/sextortion-guide-and-resources/"
PATH = "/sextortion-guide-and-resources/"
BBC_ITEM = (
    '<li>From the <a href="https://www.bbc.co.uk/news/topics/sextortion" target="_blank" '
    'rel="noreferrer noopener">BBC topics page</a> &#8211; a number of informative articles on '
    "various aspects of sextortion.</li>\n"
)
CEOP = '<p><a href="https://www.ceop.police.uk/">CEOP</a> – for under-18s. Call 0370 496 7622.</p>'


@pytest.fixture
def catalog_copy(shipped_catalog: Path, tmp_path: Path) -> Path:
    """A copy of the shipped resources.yaml."""
    path = tmp_path / "resources.yaml"
    shutil.copy(shipped_catalog, path)
    return path


@pytest.fixture
def fetch_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's settings for fetching from a loopback site."""
    monkeypatch.setenv("CURATOR_ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("CURATOR_RETRIES", "0")
    monkeypatch.setenv("CURATOR_PER_HOST_INTERVAL", "0")
    monkeypatch.setenv("CURATOR_URL_DEADLINE", "5")


@pytest.fixture
def site() -> Iterator[HubSite]:
    """The hub's site on loopback, publishing the sextortion guide at its own address."""
    with hub_site() as running:
        running.publish(PATH, _published(running))
        yield running


def _published(site: HubSite, *, extra: str = "", drop_bbc: bool = False) -> str:
    html = FIXTURE.read_text(encoding="utf-8").replace(
        "https://safeguardinghub.example/", site.url("/")
    )
    if drop_bbc:
        html = html.replace(BBC_ITEM, "")
    return html.replace("<h4 class", extra + "\n<h4 class") if extra else html


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_import_and_audit() -> None:
    code, output, _ = _invoke("--help")
    assert code == 0
    assert "  import " in output and "  audit " in output


def test_import_a_saved_page_dry_run_then_for_real_then_again(
    catalog_copy: Path, shipped_catalog: Path
) -> None:
    code, output, _ = _invoke("import", str(FIXTURE), "--catalog", str(catalog_copy), "--dry-run")
    assert code == 0, output
    assert output.splitlines()[:3] == [
        "Dry run: nothing written.",
        f"guide sextortion (Sextortion – Guide and Resources) found in {catalog_copy} by its title",
        f"set      source_url {PUBLISHED}",
    ]
    assert "Would add 0 resources" in output
    assert catalog_copy.read_text() == shipped_catalog.read_text()

    code, output, _ = _invoke("import", str(FIXTURE), "--catalog", str(catalog_copy))
    assert code == 0, output
    assert f"Added 0 resources to {catalog_copy}; 9 of the page's 9 already" in output
    assert load_catalog(catalog_copy).guides[0].source_url == PUBLISHED

    code, output, _ = _invoke("import", str(FIXTURE), "--catalog", str(catalog_copy))
    assert code == 0
    assert output.splitlines() == [
        f"guide sextortion (Sextortion – Guide and Resources) found in {catalog_copy} "
        "by its source_url",
        "No changes: all 9 resources on the page are already in the catalog.",
    ]


def test_import_into_a_new_catalog_names_every_addition(tmp_path: Path) -> None:
    path = tmp_path / "guides.yaml"
    code, output, _ = _invoke("import", str(FIXTURE), "--catalog", str(path), "--guide", "sx")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == "added    guide    sx: Sextortion – Guide and Resources"
    assert (
        "added    resource sx/revenge-porn-helpline (helpline, phone 03456 000 459) "
        "https://revengepornhelpline.org.uk/"
    ) in lines
    assert sum(line.startswith("added    section  sx: ") for line in lines) == 4
    assert sum(line.startswith("added    resource sx/") for line in lines) == 9
    assert lines[-1] == (
        f"Added 9 resources in 4 new sections to {path}; 0 of the page's 9 already in the catalog."
    )
    validated = runner.invoke(app, ["validate", "--catalog", str(path)])
    assert validated.exit_code == 0
    assert validated.stdout.strip().endswith("valid: 1 guide, 9 resources.")


def test_import_refuses_what_it_cannot_use(tmp_path: Path, catalog_copy: Path) -> None:
    shipped_before = catalog_copy.read_bytes()
    code, _, error = _invoke("import", str(tmp_path / "missing.html"), "-c", str(catalog_copy))
    assert code == 2
    assert "missing.html: no such file" in error
    code, _, error = _invoke("import", "ftp://hub.example/guide", "-c", str(catalog_copy))
    assert code == 2
    assert "ftp://hub.example/guide: not an http(s) address" in " ".join(error.split())

    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><article><h1>Draft</h1><p>No links yet.</p></article>")
    code, _, error = _invoke("import", str(empty), "-c", str(catalog_copy))
    assert code == 2
    said = " ".join(error.split())
    assert "empty.html: no resource links found: the page links nowhere" in said
    assert said.endswith("Nothing was written.")

    # The guide as a text copy (the project's seed, as published): its links are lost.
    text = tmp_path / "sextortion-guide.txt"
    text.write_text(
        "The Resources\n\nFrom the Police\n\nWebpage from Cleveland Police given good "
        "practical advice on being a victim of Sextortion.\n\nTel: 03456 000 459\n"
    )
    code, _, error = _invoke("import", str(text), "-c", str(catalog_copy))
    assert code == 2
    said = " ".join(error.split())
    assert "no resource links found: it is plain text, not a web page" in said
    assert "Import the published page from its address" in said

    article = (
        '<html><head><link rel="canonical" href="https://hub.example/guide/"></head><body>'
        '<article><h2>The Resources</h2><p><a href="/contact">Contact us</a> and '
        '<a href="mailto:editors@hub.example">write</a>.</p></article>'
    )
    own = tmp_path / "own.html"
    own.write_text(article + "</body></html>")
    code, _, error = _invoke("import", str(own), "-c", str(catalog_copy))
    assert code == 2
    assert "its 2 links all lead to its own site or are not web addresses" in " ".join(
        error.split()
    )
    own.write_text(
        article + '<nav><a href="https://one.example/">One</a><a href="https://two.example/">'
        "Two</a></nav></body></html>"
    )
    code, _, error = _invoke("import", str(own), "-c", str(catalog_copy))
    assert code == 2
    assert (
        "none of its 2 links to other sites is in the page's article (menus, headers, footers "
        "and share buttons are left out)" in " ".join(error.split())
    )
    assert catalog_copy.read_bytes() == shipped_before

    broken = tmp_path / "broken.yaml"
    broken.write_text("guides:\n  - slug: x\n")
    code, _, error = _invoke("import", str(FIXTURE), "-c", str(broken))
    assert code == 2
    assert f"{broken}:2: guides[0].title: missing (required)" in error
    assert broken.read_text() == "guides:\n  - slug: x\n"


def test_import_a_url_through_the_fetcher_then_audit(
    site: HubSite, catalog_copy: Path, fetch_env: None
) -> None:
    address = site.url(PATH)
    code, output, _ = _invoke("import", address, "--catalog", str(catalog_copy))
    assert code == 0, output
    assert f"set      source_url {address}" in output
    assert site.requests == [PATH]

    code, output, _ = _invoke("audit", "--catalog", str(catalog_copy))
    assert code == 0, output
    assert output.splitlines() == [
        f"sextortion {address}",
        "  page and catalog agree: 9 resources.",
    ]

    site.publish(PATH, _published(site, extra=CEOP, drop_bbc=True))
    code, output, _ = _invoke("audit", "--catalog", str(catalog_copy), "--format", "json")
    assert code == 1
    report = json.loads(output)
    (guide,) = report["guides"]
    assert report["drift"] is True and guide["status"] == "compared"
    assert guide["not_in_catalog"] == [
        {
            "section": "From the Police",
            "title": "CEOP",
            "url": "https://www.ceop.police.uk/",
            "kind": "helpline",
            "phone": "0370 496 7622",
        }
    ]
    assert guide["not_on_page"] == [
        {
            "section": "Other useful links",
            "resource": "bbc-sextortion-topic",
            "title": "BBC – sextortion topic page",
            "url": "https://www.bbc.co.uk/news/topics/sextortion",
        }
    ]

    code, output, _ = _invoke("audit", "--catalog", str(catalog_copy), "--guide", "sextortion")
    assert code == 1
    assert "1 link on the page that the catalog lacks, 1 catalog resource" in output
    assert "on the page only" in output and "not on the page" in output

    # Importing the changed page adds the new link; the audit then finds only the removal.
    code, output, _ = _invoke("import", address, "--catalog", str(catalog_copy))
    assert code == 0 and "added    resource sextortion/ceop (helpline" in output
    code, output, _ = _invoke("audit", "--catalog", str(catalog_copy), "--format", "json")
    (guide,) = json.loads(output)["guides"]
    assert code == 1 and guide["not_in_catalog"] == []
    assert [r["resource"] for r in guide["not_on_page"]] == ["bbc-sextortion-topic"]


def test_audit_of_an_unreachable_page_is_inconclusive(
    site: HubSite, catalog_copy: Path, fetch_env: None
) -> None:
    text = catalog_copy.read_text().replace(
        "    review_every: 6 months",
        f"    source_url: {site.url('/moved-away/')}\n    review_every: 6 months",
    )
    catalog_copy.write_text(text)
    code, output, _ = _invoke("audit", "--catalog", str(catalog_copy))
    assert code == 3
    assert "not compared: answered HTTP 404" in output


def test_fetching_a_private_address_is_refused_by_default(
    site: HubSite, catalog_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CURATOR_ALLOW_PRIVATE_ADDRESSES", raising=False)
    code, _, error = _invoke("import", site.url(PATH), "--catalog", str(catalog_copy))
    assert code == 4
    assert "could not be fetched" in error
    assert site.requests == []


def test_audit_needs_a_published_page(catalog_copy: Path) -> None:
    code, output, _ = _invoke("audit", "--catalog", str(catalog_copy))
    assert (code, output.strip()) == (
        0,
        "Not audited (no source_url): sextortion\nNo guide has a source_url: nothing to audit.",
    )
    code, _, error = _invoke("audit", "--catalog", str(catalog_copy), "--guide", "sextortion")
    assert code == 2 and "guide 'sextortion' has no source_url" in error
    code, _, error = _invoke("audit", "--catalog", str(catalog_copy), "--guide", "nope")
    assert code == 2 and "no guide 'nope'" in error
