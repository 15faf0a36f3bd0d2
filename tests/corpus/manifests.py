"""The corpus's manifests: real pages, how their sites served them, and the verdict wanted.

    corpus = load(CORPUS)
    assert not corpus.problems
    for entry in corpus.entries: ...

A manifest (`manifest/<class>.yaml`) is a list of entries, one per served case; the page's
bytes are in `pages/<class>/<name>.html`. `load` validates every entry and reports each
problem with its file, entry and field instead of raising at the first, so one bad entry
never hides the rest of the corpus (see README.md for the format).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from curator.check.facts import Expectation
from curator.domain import Verdict

CORPUS = Path(__file__).resolve().parent
"""The corpus committed with curator."""

Paths = Literal["same", "404", "200-error"]
PATHS: tuple[Paths, ...] = ("same", "404", "200-error")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
NOT_SERVED_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "content-encoding", "connection", "keep-alive"}
)
"""Headers about the bytes on the wire, not the page: the kit sends the page's bytes as they
are, so it frames them itself and these are left out."""
MAX_PAGE_BYTES = 1024 * 1024
"""A page over 1 MiB is kept truncated (its entry's note says so)."""

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+$")
_FIELDS = frozenset(
    {
        "id", "file", "url", "status", "headers", "redirect_from", "paths", "probe_file",
        "resource", "expect", "class", "source", "note",
    }
)  # fmt: skip
_RESOURCE_FIELDS = frozenset({"title", "kind", "expect_text", "phone", "description"})
_SOURCE_FIELDS = frozenset({"repository", "path", "commit", "original_url", "licence", "license"})


@dataclass(frozen=True, slots=True)
class Source:
    """Where a page came from: a file of a public repository at one commit."""

    repository: str
    path: str
    commit: str
    original_url: str | None = None
    licence: str | None = None


@dataclass(frozen=True, slots=True)
class Redirect:
    """An address that redirects to the entry's `url` (e.g. a lapsed domain to its parking
    service's own host): when present it is the address the catalog lists and curator checks."""

    url: str
    status: int = 302


@dataclass(frozen=True, slots=True)
class Entry:
    """One served case: a page, how its site answered, what the catalog said, the verdict."""

    id: str
    file: str
    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    resource: Expectation
    expect: Verdict
    klass: str
    source: Source
    note: str
    manifest: str
    redirect_from: Redirect | None = None
    paths: Paths = "same"
    probe_file: str | None = None

    @property
    def checked_url(self) -> str:
        """The address the catalog lists: where curator's check starts."""
        return self.redirect_from.url if self.redirect_from is not None else self.url

    def served_headers(self) -> list[tuple[str, str]]:
        """The headers the site answered with, less those about framing the bytes."""
        return [(k, v) for k, v in self.headers if k.lower() not in NOT_SERVED_HEADERS]


@dataclass(frozen=True, slots=True)
class Corpus:
    """Every valid entry of a corpus directory, and what is wrong with the others."""

    root: Path
    entries: tuple[Entry, ...]
    problems: tuple[str, ...] = ()

    def page(self, name: str) -> bytes:
        """The bytes of a page named relative to `pages/`."""
        return (self.root / "pages" / name).read_bytes()

    def classes(self) -> list[str]:
        """The classes present, in the order they first appear."""
        return list(dict.fromkeys(e.klass for e in self.entries))


@dataclass
class _Reader:
    """Validates one entry, collecting problems as `file: entry: field: problem`."""

    root: Path
    where: str
    problems: list[str] = field(default_factory=list)

    def fail(self, name: str, problem: str) -> None:
        self.problems.append(f"{self.where}: {name}: {problem}")

    def text(
        self, data: Mapping[str, Any], name: str, *, required: bool = True, within: str = ""
    ) -> str | None:
        value = data.get(name)
        if value is None:
            if required:
                self.fail(within + name, "missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(within + name, f"not a non-empty string: {value!r}")
            return None
        return value

    def url(
        self, data: Mapping[str, Any], name: str, *, required: bool = True, within: str = ""
    ) -> str | None:
        value = self.text(data, name, required=required, within=within)
        if value is None:
            return None
        try:
            parts = urlsplit(value)
            host = parts.hostname
        except ValueError:
            parts, host = None, None
        if parts is None or parts.scheme not in ("http", "https") or not host:
            self.fail(within + name, f"not an absolute http(s) URL: {value!r}")
            return None
        return value

    def page(self, data: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
        value = self.text(data, name, required=required)
        if value is None:
            return None
        path = (self.root / "pages" / value).resolve()
        if not path.is_relative_to((self.root / "pages").resolve()):
            self.fail(name, f"{value} is outside pages/")
            return None
        if not path.is_file():
            self.fail(name, f"no such page: pages/{value}")
            return None
        if path.stat().st_size > MAX_PAGE_BYTES:
            self.fail(name, f"pages/{value} is over {MAX_PAGE_BYTES} bytes: truncate it")
        return value

    def entry(self, data: Any) -> Entry | None:
        if not isinstance(data, Mapping):
            self.fail("entry", f"not a mapping: {data!r}")
            return None
        for unknown in sorted(set(data) - _FIELDS):
            self.fail(unknown, "unknown field")
        ident = self.text(data, "id")
        if ident is not None and not _ID.match(ident):
            self.fail("id", f"{ident!r} is not lower-case letters, digits and hyphens")
        file = self.page(data, "file")
        url = self.url(data, "url")
        status = data.get("status")
        if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 999:
            self.fail("status", f"not an HTTP status: {status!r}")
        headers = self.headers(data.get("headers"))
        redirect = self.redirect(data.get("redirect_from"))
        paths = str(data.get("paths", "same"))
        if paths not in PATHS:
            self.fail("paths", f"{paths!r} is not one of {', '.join(PATHS)}")
        probe_file = self.page(data, "probe_file", required=paths == "200-error")
        if paths != "200-error" and probe_file is not None:
            self.fail("probe_file", "only for paths: 200-error")
        resource = self.resource(data.get("resource"))
        expect = self.verdict(data.get("expect"))
        klass = self.text(data, "class")
        if klass is not None and file is not None and not file.startswith(f"{klass}/"):
            self.fail("file", f"{file} is not under pages/{klass}/")
        source = self.source(data.get("source"))
        note = self.text(data, "note")
        if None in (ident, file, url, headers, resource, expect, klass, source, note):
            return None
        if not isinstance(status, int) or paths not in PATHS or self.problems:
            return None
        assert ident and file and url and headers is not None and resource and expect
        assert klass and source and note
        return Entry(
            id=ident,
            file=file,
            url=url,
            status=status,
            headers=headers,
            resource=resource,
            expect=expect,
            klass=klass,
            source=source,
            note=note,
            manifest=self.where.split(":", 1)[0],
            redirect_from=redirect,
            paths=paths,  # type: ignore[arg-type]
            probe_file=probe_file,
        )

    def headers(self, value: Any) -> tuple[tuple[str, str], ...] | None:
        if value is None:
            return ()
        if not isinstance(value, Mapping):
            self.fail("headers", f"not a mapping: {value!r}")
            return None
        return tuple((str(k).lower(), str(v)) for k, v in value.items())

    def redirect(self, value: Any) -> Redirect | None:
        if value is None:
            return None
        if isinstance(value, str):
            url = self.url({"redirect_from": value}, "redirect_from")
            return Redirect(url) if url else None
        if not isinstance(value, Mapping):
            self.fail("redirect_from", f"not a URL or {{url, status}}: {value!r}")
            return None
        url = self.url(value, "url", within="redirect_from.")
        status = value.get("status", 302)
        if status not in REDIRECT_STATUSES:
            self.fail("redirect_from.status", f"not a redirect status: {status!r}")
            return None
        return Redirect(url, status) if url else None

    def resource(self, value: Any) -> Expectation | None:
        if not isinstance(value, Mapping):
            self.fail("resource", f"not a mapping with a title: {value!r}")
            return None
        for unknown in sorted(set(value) - _RESOURCE_FIELDS):
            self.fail(f"resource.{unknown}", "unknown field")
        title = self.text(value, "title", within="resource.")
        expect_text = value.get("expect_text") or []
        if not isinstance(expect_text, list) or not all(isinstance(t, str) for t in expect_text):
            self.fail("resource.expect_text", f"not a list of strings: {expect_text!r}")
            return None
        if title is None:
            return None
        return Expectation(
            title=title,
            kind=str(value.get("kind") or "webpage"),
            expect_text=tuple(expect_text),
            phone=self.text(value, "phone", required=False, within="resource."),
            description=self.text(value, "description", required=False, within="resource."),
        )

    def verdict(self, value: Any) -> Verdict | None:
        try:
            return Verdict(value)
        except ValueError:
            self.fail("expect", f"not a verdict: {value!r}")
            return None

    def source(self, value: Any) -> Source | None:
        if not isinstance(value, Mapping):
            self.fail("source", f"not a mapping (repository, path, commit): {value!r}")
            return None
        for unknown in sorted(set(value) - _SOURCE_FIELDS):
            self.fail(f"source.{unknown}", "unknown field")
        repository = self.text(value, "repository", within="source.")
        if repository is not None and not _REPOSITORY.match(repository):
            self.fail("source.repository", f"not owner/name: {repository!r}")
        path = self.text(value, "path", within="source.")
        commit = str(value.get("commit") or "")
        if not _COMMIT.match(commit):
            self.fail("source.commit", f"not 40 lower-case hex digits: {commit!r}")
        original = value.get("original_url")
        if original is not None:
            self.url(value, "original_url", within="source.")
        licence = value.get("licence", value.get("license"))
        if repository is None or path is None or not _COMMIT.match(commit):
            return None
        return Source(
            repository=repository,
            path=path,
            commit=commit,
            original_url=original if isinstance(original, str) else None,
            licence=str(licence) if licence is not None else None,
        )


def load(root: Path = CORPUS) -> Corpus:
    """Every entry of every manifest under `root/manifest/`, validated."""
    entries: list[Entry] = []
    problems: list[str] = []
    manifests = sorted((root / "manifest").glob("*.yaml"))
    if not manifests:
        problems.append(f"{root}: no manifest/*.yaml")
    for manifest in manifests:
        entries_of, problems_of = _load_manifest(root, manifest)
        entries += entries_of
        problems += problems_of
    problems += _duplicates(entries)
    return Corpus(root, tuple(entries), tuple(problems))


def _load_manifest(root: Path, manifest: Path) -> tuple[list[Entry], list[str]]:
    name = manifest.name
    try:
        data = YAML(typ="safe", pure=True).load(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        return [], [f"{name}: cannot read: {exc}"]
    if not isinstance(data, list):
        return [], [f"{name}: not a list of entries"]
    entries: list[Entry] = []
    problems: list[str] = []
    for index, item in enumerate(data):
        ident = item.get("id") if isinstance(item, Mapping) else None
        reader = _Reader(root, f"{name}: [{index}] {ident or '?'}")
        entry = reader.entry(item)
        problems += reader.problems
        if entry is not None:
            entries.append(entry)
    return entries, problems


def _duplicates(entries: Iterable[Entry]) -> list[str]:
    seen: dict[str, str] = {}
    problems = []
    for entry in entries:
        if entry.id in seen:
            problems.append(f"{entry.manifest}: {entry.id}: id already used in {seen[entry.id]}")
        seen.setdefault(entry.id, entry.manifest)
    return problems
