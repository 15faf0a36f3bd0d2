"""Pages written as a class of pages is described, served from loopback through the real fetcher
and classifier as tests/corpus serves real pages: the shared parts of the written page classes'
tests (tests/check/test_page_classes.py, tests/check/test_lander_classes.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from curator.check.facts import Expectation
from curator.domain import Verdict
from tests.corpus.manifests import Corpus, Entry, Paths, Source

HTML = (("content-type", "text/html; charset=utf-8"),)
CHARITY = "https://old-charity.example.org.uk/"
CHARITY_TITLE = "Old Charity – support for young people"

# (id, page, url, resource, verdict wanted, how other paths answer)
Case = tuple[str, str, str, Expectation, Verdict, Paths]


def html_page(title: str, body: str, head: str = "") -> str:
    """A small page with `title`, `body` and extra `head` markup."""
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def write_corpus(
    root: Path, cases: Sequence[Case], manifest: str, status: dict[str, int] | None = None
) -> Corpus:
    """`cases` written under `root` as a corpus, each served with 200 unless `status` names
    another."""
    (root / "pages").mkdir()
    source = Source(repository="written/curator", path=manifest, commit="0" * 40)
    entries = []
    for name, html, url, resource, verdict, paths in cases:
        (root / "pages" / f"{name}.html").write_text(html, encoding="utf-8")
        entries.append(
            Entry(
                id=name,
                file=f"{name}.html",
                url=url,
                status=(status or {}).get(name, 200),
                headers=HTML,
                resource=resource,
                expect=verdict,
                klass="written",
                source=source,
                note="written as the class is described",
                manifest=manifest,
                paths=paths,
            )
        )
    return Corpus(root, tuple(entries))
