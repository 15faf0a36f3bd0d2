"""Reading a catalog file: YAML with positions, validated, every problem reported at once."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from curator.catalog.schema import Catalog, slugify
from curator.errors import CatalogError, CatalogProblem

Loc = Sequence[int | str]


def round_trip_yaml() -> YAML:
    """The YAML reader/writer that keeps comments, order and quoting."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def read_document(path: Path) -> Any:
    """The parsed YAML document of `path` with positions, or a CatalogError naming the spot."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError.single(name, None, "", "no such file") from None
    except UnicodeDecodeError as exc:
        raise CatalogError.single(name, None, "", f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise CatalogError.single(name, None, "", f"cannot be read ({exc.strerror})") from None
    try:
        return round_trip_yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        column = f", column {mark.column + 1}" if mark is not None else ""
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise CatalogError.single(name, line, "", f"YAML syntax error{column}: {problem}") from None
    except YAMLError as exc:
        raise CatalogError.single(name, None, "", f"YAML error: {exc}") from None


def write_document(path: Path, document: Any) -> None:
    """Write a round-trip document to `path` atomically: a crash never leaves half a catalog."""
    # Write beside the file and rename, so readers see the old file or the new one.
    directory = path.resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            round_trip_yaml().dump(document, handle)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def plain(node: Any) -> Any:
    """ruamel's commented nodes as plain dicts, lists and scalars, for validation."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.datetime):
        return dt.datetime(*node.timetuple()[:6])
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    if isinstance(node, str):
        return str(node)
    return node


def field_path(loc: Loc) -> str:
    """('guides', 0, 'title') → 'guides[0].title'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(document: Any, loc: Loc) -> int | None:
    """The 1-based line where the node at `loc` is written, or its nearest parent."""
    node = document
    line: int | None = _own_line(document)
    for part in loc:
        if isinstance(node, CommentedMap) and isinstance(part, str) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    return line


def _own_line(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    return lc.line + 1 if lc is not None and lc.line is not None else None


_MESSAGES = {
    "missing": "missing (required)",
    "extra_forbidden": "unknown field",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "date_from_datetime_inexact": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_type": "must be a date (YYYY-MM-DD)",
    "string_too_short": "must not be empty",
}


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "string_pattern_mismatch":
        return "must be lower-case words joined by hyphens (e.g. revenge-porn-helpline)"
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}".replace("'", "")
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind.startswith("date_"):
        return "must be a date (YYYY-MM-DD)"
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    return str(error["msg"])


def _validation_problems(name: str, document: Any, exc: ValidationError) -> list[CatalogProblem]:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        problems.append(
            CatalogProblem(name, line_of(document, loc), field_path(loc), _message(error))
        )
    return problems


def _duplicate_problems(name: str, document: Any) -> list[CatalogProblem]:
    """Duplicate guide slugs and resource ids (explicit or derived from titles)."""
    problems: list[CatalogProblem] = []
    guides = document.get("guides") if isinstance(document, dict) else None
    if not isinstance(guides, list):
        return problems
    seen_slugs: dict[str, int] = {}
    for gi, guide in enumerate(guides):
        if not isinstance(guide, dict):
            continue
        slug = guide.get("slug")
        if isinstance(slug, str):
            if slug in seen_slugs:
                slug_loc: tuple[int | str, ...] = ("guides", gi, "slug")
                problems.append(
                    CatalogProblem(
                        name,
                        line_of(document, slug_loc),
                        field_path(slug_loc),
                        f"duplicate guide slug {slug!r} (first at guides[{seen_slugs[slug]}])",
                    )
                )
            else:
                seen_slugs[slug] = gi
        seen_ids: dict[str, str] = {}
        for loc, resource in _resources(guide, ("guides", gi)):
            explicit = resource.get("id")
            title = resource.get("title")
            key = (
                explicit
                if isinstance(explicit, str)
                else (slugify(title) if isinstance(title, str) else None)
            )
            if not key:
                continue
            where = field_path(loc)
            if key in seen_ids:
                field: tuple[int | str, ...] = loc + (
                    ("id",) if isinstance(explicit, str) else ("title",)
                )
                how = "" if isinstance(explicit, str) else " (derived from the title; add an id)"
                problems.append(
                    CatalogProblem(
                        name,
                        line_of(document, field),
                        field_path(field),
                        f"duplicate id {key!r}{how}; first used by {seen_ids[key]}",
                    )
                )
            else:
                seen_ids[key] = where
    return problems


def _resources(
    guide: dict[str, Any], at: tuple[int | str, ...]
) -> Iterable[tuple[tuple[int | str, ...], dict[str, Any]]]:
    sections = guide.get("sections")
    if not isinstance(sections, list):
        return
    for si, section in enumerate(sections):
        resources = section.get("resources") if isinstance(section, dict) else None
        if not isinstance(resources, list):
            continue
        for ri, resource in enumerate(resources):
            if isinstance(resource, dict):
                yield at + ("sections", si, "resources", ri), resource


def parse_catalog(name: str, document: Any) -> Catalog:
    """Validate a parsed document; a CatalogError lists every problem with its line."""
    if document is None:
        raise CatalogError.single(name, None, "", "the file is empty; expected a 'guides:' list")
    if not isinstance(document, dict):
        raise CatalogError.single(
            name, _own_line(document), "", "expected a mapping with a 'guides:' list at the top"
        )
    problems: list[CatalogProblem] = []
    catalog: Catalog | None = None
    try:
        catalog = Catalog.model_validate(plain(document))
    except ValidationError as exc:
        problems.extend(_validation_problems(name, document, exc))
    problems.extend(_duplicate_problems(name, document))
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.field))
        raise CatalogError(problems)
    assert catalog is not None
    return catalog


def load_catalog(path: str | Path) -> Catalog:
    """Read and validate a catalog file; raises CatalogError with every problem found."""
    path = Path(path)
    return parse_catalog(str(path), read_document(path))
