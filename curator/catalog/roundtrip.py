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
    """Write `text` to `path` atomically: a crash never leaves half a catalog.

    A symlinked catalog is written where the link points (the link stays); the file keeps its
    permissions, and a new one gets those the umask gives any new file."""
    target = path.resolve()
    # Write beside the file and rename, so readers see the old file or the new one.
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else _new_file_mode())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _new_file_mode() -> int:
    """The permissions `open` would give a new file (mkstemp's are 0600, owner only)."""
    umask = os.umask(0o022)  # read by setting it: Python 3.11 has no getter
    os.umask(umask)
    return 0o666 & ~umask
