"""The corpus's own machinery: manifests are validated entry by entry, and the harness serves
an entry's redirect, paths and probe page as the entry says, so a wrong expectation fails."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from curator.domain import Verdict
from tests.corpus.harness import CorpusSites, corpus_settings
from tests.corpus.manifests import CORPUS, Corpus, Entry, Redirect, load

PAGE = "bot_wall/cloudflare-js-challenge-2020.html"
COMMIT = "9ea528a8675f1bebd49ff853d142e94988a95178"
ENTRY = f"""
- id: one
  file: {PAGE}
  url: https://charity.example.org.uk/help/page
  status: 503
  headers: {{content-type: text/html; charset=UTF-8, server: cloudflare, content-length: "9"}}
  resource: {{title: Help, expect_text: [Call us]}}
  expect: unverifiable
  class: bot_wall
  source: {{repository: VeNoMouS/cloudscraper, path: tests/fixtures/x.html, commit: {COMMIT}}}
  note: a challenge
"""


def corpus_with(tmp_path: Path, manifest: str, *pages: str) -> Corpus:
    for page in pages or (PAGE,):
        target = tmp_path / "pages" / page
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / "pages" / PAGE, target)
    (tmp_path / "manifest").mkdir()
    (tmp_path / "manifest" / "cases.yaml").write_text(manifest)
    return load(tmp_path)


def test_a_valid_entry_loads(tmp_path: Path) -> None:
    corpus = corpus_with(tmp_path, ENTRY)
    assert corpus.problems == ()
    (entry,) = corpus.entries
    assert entry.expect is Verdict.UNVERIFIABLE
    assert entry.resource.expect_text == ("Call us",)
    assert entry.checked_url == "https://charity.example.org.uk/help/page"
    assert ("content-length", "9") not in entry.served_headers()
    assert ("server", "cloudflare") in entry.served_headers()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("commit: " + COMMIT, "commit: abc"), "source.commit: not 40 lower-case hex digits"),
        (("repository: VeNoMouS/cloudscraper, ", ""), "source.repository: missing"),
        (("expect: unverifiable", "expect: fine"), "expect: not a verdict"),
        (("file: " + PAGE, "file: bot_wall/none.html"), "file: no such page"),
        (("class: bot_wall", "class: parking"), "file: bot_wall/"),
        (("status: 503", "status: many"), "status: not an HTTP status"),
        (("url: https://", "url: ftp://"), "url: not an absolute http(s) URL"),
        (("note: a challenge", "nots: a challenge"), "nots: unknown field"),
        (("  note: a challenge", "  paths: 200-error\n  note: x"), "probe_file: missing"),
    ],
    ids=["commit", "repository", "verdict", "file", "class", "status", "url", "field", "probe"],
)
def test_a_wrong_entry_is_reported(tmp_path: Path, change: tuple[str, str], problem: str) -> None:
    corpus = corpus_with(tmp_path, ENTRY.replace(*change))
    assert corpus.entries == ()
    assert any(problem in p for p in corpus.problems), corpus.problems


def test_ids_are_unique(tmp_path: Path) -> None:
    corpus = corpus_with(tmp_path, ENTRY + ENTRY)
    assert corpus.problems == ("cases.yaml: one: id already used in cases.yaml",)


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[CorpusSites]:
    async with CorpusSites(load(CORPUS), corpus_settings(tmp_path)) as sites:
        yield sites


def an_entry(**changes: object) -> Entry:
    entry = next(e for e in load(CORPUS).entries if e.file == PAGE)
    return dataclasses.replace(entry, **changes)  # type: ignore[arg-type]


async def test_a_wrong_expectation_fails(served: CorpusSites) -> None:
    judgement = await served.judge(an_entry(expect=Verdict.OK))
    assert not judgement.exact
    assert "want ok, got unverifiable" in judgement.explain()


async def test_the_page_is_served_with_its_status_and_headers(served: CorpusSites) -> None:
    judgement = await served.judge(an_entry())
    assert judgement.facts.status == 503
    assert judgement.facts.header("server") == "cloudflare"
    assert judgement.facts.page is not None
    assert judgement.facts.page.title == "Just a moment..."
    assert judgement.facts.hops[0].address is not None
    assert judgement.facts.hops[0].address.startswith("127.")


async def test_a_redirect_from_a_lapsed_domain_is_followed(served: CorpusSites) -> None:
    judgement = await served.judge(
        an_entry(status=200, redirect_from=Redirect("http://old.example.org/deep/page", 301))
    )
    first, last = judgement.facts.hops
    assert first.url.startswith("http://old.example.org") and first.status == 301
    assert last.url.startswith("https://www.youngminds-example.org.uk") and last.status == 200
    assert judgement.checked_url.startswith("http://old.example.org")


@pytest.mark.parametrize(("paths", "status"), [("404", 404), ("200-error", 200), ("same", 200)])
async def test_other_paths_answer_as_the_entry_says(
    served: CorpusSites, paths: str, status: int
) -> None:
    entry = an_entry(status=200, paths=paths, probe_file=PAGE if paths == "200-error" else None)
    baseline = await served.probe(entry)
    assert baseline.status == status
