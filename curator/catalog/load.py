"""Reading a catalog file: fast YAML, validated, every problem reported at once with its line.

The file is read with the fast reader (`document`); only when there are problems is it read
again keeping positions, to say on which line each one is.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from curator.catalog.document import (
    MAX_CHARS,
    Document,
    GuideStream,
    Loc,
    field_path,
    read_text,
)
from curator.catalog.schema import Catalog, GuideSpec, slugify
from curator.errors import CatalogError, CatalogProblem

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


def read_file(path: Path) -> str:
    """A catalog file's text, or a CatalogError saying why it cannot be read."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_CHARS * 4:  # at most four bytes a character in UTF-8
            raise CatalogError.single(name, None, "", f"longer than {MAX_CHARS // 2**20} MiB")
        # Line ends as they are (export writes the file back with the same ones).
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        raise CatalogError.single(name, None, "", "no such file") from None
    except UnicodeDecodeError:
        try:
            line, problem = _not_utf8(path.read_bytes())
        except OSError as exc:
            line, problem = None, f"not UTF-8 text, then unreadable ({exc.strerror})"
        raise CatalogError.single(name, line, "", problem) from None
    except IsADirectoryError:
        raise CatalogError.single(name, None, "", "is a directory, not a file") from None
    except OSError as exc:
        raise CatalogError.single(name, None, "", f"cannot be read ({exc.strerror})") from None


_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _not_utf8(data: bytes) -> tuple[int | None, str]:
    """Where a file that is not UTF-8 goes wrong, and what to do: the line and column of its
    first byte that is not UTF-8, with the character that byte is in Windows-1252 (the usual
    other encoding of a file saved by hand), or that the whole file is UTF-16."""
    if data.startswith(_UTF16_MARKS):
        return None, "is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start
    else:  # the file changed between the two reads: say what the first read found
        return None, "not UTF-8 text; save it as UTF-8"
    line = data.count(b"\n", 0, start) + 1
    column = start - (data.rfind(b"\n", 0, start) + 1) + 1
    byte = data[start]
    try:
        seen = f" ({byte:#04x} is {bytes([byte]).decode('cp1252')!r} in Windows-1252)"
    except UnicodeDecodeError:
        seen = ""
    return line, f"not UTF-8 text: byte {byte:#04x} at column {column}{seen}; save it as UTF-8"


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind == "string_pattern_mismatch":
        return "must be lower-case words joined by hyphens (e.g. revenge-porn-helpline)"
    if kind == "enum":
        return f"must be one of {ctx.get('expected', '')}".replace("'", "")
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items"
    if kind.startswith("date_"):
        return "must be a date (YYYY-MM-DD)"
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    return str(error["msg"])


def _validation_problems(exc: ValidationError) -> list[tuple[Loc, str]]:
    return [(tuple(error["loc"]), _message(error)) for error in exc.errors()]


def _duplicate_problems(data: Any) -> list[tuple[Loc, str]]:
    """Duplicate guide slugs and resource ids (explicit or derived from titles)."""
    problems: list[tuple[Loc, str]] = []
    guides = data.get("guides") if isinstance(data, dict) else None
    if not isinstance(guides, list):
        return problems
    seen_slugs: dict[str, int] = {}
    for gi, guide in enumerate(guides):
        problems.extend(_guide_duplicates(gi, guide, seen_slugs))
    return problems


def _guide_duplicates(gi: int, guide: Any, seen_slugs: dict[str, int]) -> list[tuple[Loc, str]]:
    """Guide `gi`'s slug if an earlier guide has it (`seen_slugs`, which it joins), and its
    duplicate resource ids."""
    problems: list[tuple[Loc, str]] = []
    if not isinstance(guide, dict):
        return problems
    slug = guide.get("slug")
    if isinstance(slug, str):
        if slug in seen_slugs:
            problems.append(
                (
                    ("guides", gi, "slug"),
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
        if key in seen_ids:
            field = loc + (("id",) if isinstance(explicit, str) else ("title",))
            how = "" if isinstance(explicit, str) else " (derived from the title; add an id)"
            problems.append((field, f"duplicate id {key!r}{how}; first used by {seen_ids[key]}"))
        else:
            seen_ids[key] = field_path(loc)
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


def parse_catalog(name: str, data: Any, *, document: Document | None = None) -> Catalog:
    """Validate plain data (the file `name`); a CatalogError lists every problem.

    With the `document` the data was read from, each problem names its line.
    """
    if data is None:
        raise CatalogError.single(name, None, "", "the file is empty; expected a 'guides:' list")
    if not isinstance(data, dict):
        document = _with_positions(name, document)
        line = document.line_of(()) if document is not None else None
        raise CatalogError.single(
            name, line, "", "expected a mapping with a 'guides:' list at the top"
        )
    found: list[tuple[Loc, str]] = []
    catalog: Catalog | None = None
    try:
        catalog = Catalog.model_validate(data)
    except ValidationError as exc:
        found.extend(_validation_problems(exc))
    found.extend(_duplicate_problems(data))
    earlier = document.problems if document is not None else ()
    if not found and not earlier:
        assert catalog is not None
        return catalog
    document = _with_positions(name, document)
    earlier = document.problems if document is not None else ()
    problems = [*earlier]
    for loc, problem in found:
        line = document.line_of(loc) if document is not None else None
        problems.append(CatalogProblem(name, line, field_path(loc), problem))
    problems.sort(key=lambda p: (p.line or 0, p.field))
    raise CatalogError(problems)


def _with_positions(name: str, document: Document | None) -> Document | None:
    """The document read again keeping positions (only when there is a problem to place)."""
    if document is None or document.root is not None or not document.text:
        return document
    return read_text(name, document.text, positions=True)


def validate_text(name: str, text: str) -> Catalog:
    """Read and validate a catalog's text; raises CatalogError with every problem found."""
    document = read_text(name, text)
    return parse_catalog(name, document.data, document=document)


def load_catalog(path: str | Path) -> Catalog:
    """Read and validate a catalog file; raises CatalogError with every problem found.

    A large catalog is never in memory three times over (its text, its plain values and its
    model): the file is parsed as it is read, a piece at a time, and each guide's plain values
    are let go once its model is built. When there is any problem the file is read again the
    ordinary way (`validate_text`), which says what it is and where.
    """
    path = Path(path)
    name = str(path)
    catalog = None
    try:
        # At most a character a byte: a file this size holds at most MAX_CHARS characters.
        if path.stat().st_size <= MAX_CHARS:
            with path.open(encoding="utf-8", newline="") as handle:
                document = read_text(name, handle)
            data, problems = document.data, document.problems
            del document
            catalog = None if problems else _built_guide_by_guide(data)
    except (CatalogError, OSError, UnicodeDecodeError):
        catalog = None
    if catalog is None:
        return validate_text(name, read_file(path))
    return catalog


def _built_guide_by_guide(data: Any) -> Catalog | None:
    """The catalog of plain `data`, each guide's values dropped once its model is built (the
    values are used up); None when anything is wrong with them."""
    if not isinstance(data, dict) or not isinstance(data.get("guides"), list):
        return None
    if _duplicate_problems(data):
        return None
    guides: list[Any] = data["guides"]
    try:
        # The file without its guides: the top level's own fields checked as a whole file's.
        shell = Catalog.model_validate({**data, "guides": []})
        built = []
        for index, guide in enumerate(guides):
            built.append(GuideSpec.model_validate(guide))
            guides[index] = None
    except ValidationError:
        return None
    return shell.model_copy(update={"guides": built})


def scan_catalog(path: str | Path, each: Callable[[GuideSpec], None] | None = None) -> Catalog:
    """Validate a catalog file whole, keeping none of its guides: the catalog without them
    (its top level's fields), each guide given to `each` as it is validated and then let go.
    Raises CatalogError with every problem found, as `load_catalog` does.

    A file read this way is never in memory as a whole, in any form: it is parsed as it is
    read, and a guide's values and model are let go before the next guide is read. Its guides
    are read again, once it is known to be valid, by `catalog_guides`.
    """
    path = Path(path)
    shell = None
    try:
        shell = _scanned(path, each or (lambda _: None))
    except (CatalogError, OSError, UnicodeDecodeError):
        shell = None
    if shell is None:  # a problem: read again the ordinary way, which says what and where
        catalog = validate_text(str(path), read_file(path))
        for guide in catalog.guides:
            if each is not None:
                each(guide)
        return catalog.model_copy(update={"guides": []})
    return shell


def catalog_guides(path: str | Path, slugs: Sequence[str]) -> Iterator[GuideSpec]:
    """The guides of a catalog file `scan_catalog` found valid, read again and validated a
    guide at a time, each let go by the file once given out; `slugs` are the guides the scan
    found, in their order. A problem found now (the file changed since) raises CatalogError,
    from the guide that has it; so does a file that now lists other guides."""
    path = Path(path)
    name = str(path)
    changed = CatalogError.single(name, None, "", "changed while it was read; run it again")
    given = 0
    for guide in _guides_again(path):
        if given >= len(slugs) or guide.slug != slugs[given]:
            raise changed
        given += 1
        yield guide
    if given != len(slugs):
        raise changed


def _guides_again(path: Path) -> Iterator[GuideSpec]:
    name = str(path)
    if not path.is_file() or path.stat().st_size > MAX_CHARS:
        yield from load_catalog(path).guides
        return
    with path.open(encoding="utf-8", newline="") as handle:
        stream = GuideStream(name, handle)
        try:
            yield from _validated(stream)
        except _Invalid:
            validate_text(name, read_file(path))  # raises, saying what and where
            raise CatalogError.single(name, None, "", "changed while it was read") from None
        if stream.document.problems:
            raise CatalogError(list(stream.document.problems))


class _Invalid(Exception):
    """A guide of a streamed file has a problem (`validate_text` says which, and where)."""


def _validated(stream: GuideStream) -> Iterator[GuideSpec]:
    """Each guide of `stream` validated as it is read, its plain values let go; _Invalid at
    the first guide with a problem (a duplicate slug or id, or its schema)."""
    seen: dict[str, int] = {}
    for index, guide in stream:
        if _guide_duplicates(index, guide, seen):
            raise _Invalid
        try:
            spec = GuideSpec.model_validate(guide)
        except ValidationError:
            raise _Invalid from None
        del guide
        yield spec


def _scanned(path: Path, each: Callable[[GuideSpec], None]) -> Catalog | None:
    """The catalog without its guides, each guide validated and given to `each`; None when
    anything is wrong with the file."""
    if path.stat().st_size > MAX_CHARS:
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        stream = GuideStream(str(path), handle)
        try:
            for spec in _validated(stream):
                each(spec)
        except _Invalid:
            return None
        document = stream.document
    data = document.data
    if document.problems or not isinstance(data, dict):
        return None
    if not isinstance(data.get("guides"), list):
        return None
    try:
        return Catalog.model_validate({**data, "guides": []})
    except ValidationError:
        return None
