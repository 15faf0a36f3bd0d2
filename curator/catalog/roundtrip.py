"""The round-trip YAML reader/writer (ruamel), for the one command that rewrites a file's
structure: import, which adds guides, sections and resources keeping comments and order; and
writing a catalog file atomically, for import and export.

Validation never goes through here: it reads with the fast reader (`document`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curator.catalog.load import read_file, validate_text
from curator.errors import CatalogError

if TYPE_CHECKING:
    from ruamel.yaml import YAML


def round_trip_yaml() -> YAML:
    """The YAML reader/writer that keeps comments, order and quoting."""
    from ruamel.yaml import YAML  # only import needs it: export edits text, validate reads fast

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def read_round_trip(path: Path) -> Any:
    """The file's round-trip document; the file must be a valid catalog (CatalogError if not)."""
    text = read_file(path)
    validate_text(str(path), text)
    from ruamel.yaml.error import YAMLError

    try:
        return round_trip_yaml().load(text)
    except (YAMLError, ValueError) as exc:  # what the fast reader took and ruamel does not
        raise CatalogError.single(str(path), None, "", f"YAML error: {exc}") from None


def dump_round_trip(document: Any) -> str:
    """A round-trip document as text."""
    from io import StringIO

    buffer = StringIO()
    round_trip_yaml().dump(document, buffer)
    return buffer.getvalue()


def write_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically: a crash never leaves half a catalog."""
    # Write beside the file and rename, so readers see the old file or the new one.
    directory = path.resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
