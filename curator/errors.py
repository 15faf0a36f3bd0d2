"""The one exception tree of curator; every error builds its message from context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class CuratorError(Exception):
    """Base of every error curator raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a catalog file, located by file, line and field path."""

    path: str
    line: int | None
    field: str
    problem: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return (
            f"{where}: {self.field}: {self.problem}" if self.field else f"{where}: {self.problem}"
        )


class CatalogError(CuratorError):
    """A catalog file cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the catalog"
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, path: str | Path, line: int | None, field: str, problem: str) -> CatalogError:
        """One problem, e.g. a missing file."""
        return cls([Problem(str(path), line, field, problem)])


class StoreError(CuratorError):
    """The database cannot do what was asked (not migrated, unreachable, missing row)."""


class NotFoundError(StoreError):
    """A named row does not exist."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"no {kind} {key!r}")


class ConflictError(StoreError):
    """An action conflicts with the current state (e.g. a run is already running)."""


class SettingsError(CuratorError):
    """A setting has a value curator cannot use."""
