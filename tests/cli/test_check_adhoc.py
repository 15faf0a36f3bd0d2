"""`curator check URL…` and `curator check --links FILE`, from the real console script: the
verdicts of a run, no catalog, nothing stored; `--exclude` and the catalog's `exclude:`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curator.runs.adhoc import links_in
from curator.store.models import Check, Resource, Run
from tests.cli.script import curator_async, environment
from tests.cli.test_check_cmds import count
from tests.sites import Sites, page


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return environment(
        CURATOR_DATABASE_URL=database_url,
        CURATOR_ALLOW_PRIVATE_ADDRESSES="true",
        CURATOR_RETRY_BACKOFF="0.01",
        CURATOR_PER_HOST_INTERVAL="0",
        CURATOR_VIDEO_OEMBED="false",
    )


async def test_addresses_and_a_file_of_links_are_checked_and_nothing_is_stored(
    tmp_path: Path, sites: Sites, env: dict[str, str], database_url: str
) -> None:
    site = await sites.add("demo.test", {"/": page("Demo", "Demo home."), "/b": page("B", "B.")})
    ok, gone = site.address_url("/"), site.address_url("/gone")
    result = await curator_async("check", ok, gone, "-f", "json", cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    verdicts = {r["url"]: r["verdict"] for r in document["results"]}
    assert verdicts == {ok: "ok", gone: "broken"}
    assert document["summary"] == "Checked 2 addresses: 1 working; 1 broken."

    notes = tmp_path / "notes.md"
    notes.write_text(
        f"# Notes\nSee [the home page]({ok}) and <{site.address_url('/b')}>.\nSkip {gone}.\n"
    )
    listed = await curator_async(
        "check", "--links", str(notes), "--exclude", "/gone$", cwd=tmp_path, env=env
    )
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "Checked 2 addresses: 2 working." in listed.stdout
    assert "/gone" not in listed.stdout
    for model in (Run, Check, Resource):
        assert count(database_url, model) == 0


async def test_the_catalogs_exclude_list_and_exclude_option(
    tmp_path: Path, sites: Sites, env: dict[str, str], database_url: str
) -> None:
    site = await sites.add("demo.test", {"/": page("Demo", "Demo home.")})
    path = tmp_path / "resources.yaml"
    path.write_text(
        "exclude:\n  - /intranet/\n"
        "guides:\n  - slug: demo\n    title: Demo\n    sections:\n      - title: Links\n"
        "        resources:\n"
        f"          - {{id: home, title: Home, url: '{site.address_url('/')}'}}\n"
        f"          - {{id: inside, title: Inside, url: '{site.address_url('/intranet/x')}'}}\n"
        f"          - {{id: old, title: Old, url: '{site.address_url('/old')}'}}\n"
    )
    result = await curator_async(
        "check", "-x", "/old$", "-f", "json", "--catalog", str(path), cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    assert [r["resource"] for r in json.loads(result.stdout)["results"]] == ["home"]
    assert count(database_url, Check) == 1

    # Every link excluded: checking nothing is no pass, as with addresses given ad hoc.
    nothing = await curator_async(
        "check", "-x", "/old$", "-x", "/$", "--catalog", str(path), cwd=tmp_path, env=env
    )
    assert nothing.returncode == 2, nothing.stderr
    assert (
        f"error: no links to check: all 3 addresses of {path} are excluded (by "
        "resources.yaml's exclude: list and --exclude); nothing was written"
    ) in " ".join(nothing.stderr.split())
    assert count(database_url, Check) == 1 and count(database_url, Run) == 1

    path.write_text(path.read_text().replace("/intranet/", "intranet(("))
    bad = await curator_async("validate", "--catalog", str(path), cwd=tmp_path, env=env)
    assert bad.returncode == 2
    assert f"{path}:2: exclude[0]: not a regular expression" in bad.stderr


async def test_bad_input_is_exit_2(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "no-links.md").write_text("# Notes\n\nNothing to follow here.\n")
    for argv, message in [
        (["check", "ftp://x.org/"], "not an http(s) address: ftp://x.org/"),
        (["check", "https://x.org/", "-x", "x(("], "--exclude: 'x((' is not a regular"),
        (["check", "https://x.org/", "-x", "x.org"], "no addresses to check (every one is excl"),
        # Checking nothing is not a pass; and nothing was excluded.
        (
            ["check", "--links", "no-links.md"],
            "no-links.md: no http(s) links found\nerror: no "
            "addresses to check: the files given hold no http(s) links\n",
        ),
    ]:
        result = await curator_async(*argv, cwd=tmp_path, env=env)
        assert result.returncode == 2, argv
        assert message in result.stderr, result.stderr
        assert "is a file" not in result.stderr


async def test_a_file_given_as_an_address_is_named_with_how_to_give_it(
    tmp_path: Path, env: dict[str, str]
) -> None:
    # As other link checkers take their input: the catalog, or a file of links, by position.
    (tmp_path / "resources.yaml").write_text("guides: []\n")
    result = await curator_async("check", "resources.yaml", cwd=tmp_path, env=env)
    assert result.returncode == 2
    said = " ".join(result.stderr.split())
    assert "not an http(s) address: resources.yaml (resources.yaml is a file:" in said
    assert "curator check --catalog resources.yaml" in said
    assert "curator check --links resources.yaml" in said


def test_links_are_read_from_text_markdown_and_html(tmp_path: Path) -> None:
    text = tmp_path / "links.txt"
    text.write_text("# mine\nhttps://a.org/x\n\nhttps://b.org/y, and https://a.org/x.\n")
    assert links_in(text) == ["https://a.org/x", "https://b.org/y"]
    markdown = tmp_path / "page.md"
    markdown.write_text("[A](https://a.org/p_(q)) <https://c.org/> (https://d.org/z).")
    assert links_in(markdown) == ["https://a.org/p_(q)", "https://c.org/", "https://d.org/z"]
    html = tmp_path / "page.html"
    html.write_text(
        '<a href="https://a.org/?x=1&amp;y=2">a</a><a href="/relative">r</a>'
        "<img src='https://img.org/i.png'><a href=mailto:x@y.org>m</a>"
    )
    assert links_in(html) == ["https://a.org/?x=1&y=2", "https://img.org/i.png"]
