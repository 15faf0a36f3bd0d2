"""The one exception tree of curator; every error builds its message from context.

    CuratorError
    ├── CatalogError          a catalog file cannot be used (every CatalogProblem in it)
    ├── PageError             a published guide page could not be read (import, audit)
    ├── InvalidEditError      an editor's values are not valid (field → problem)
    ├── RateLimitedError      a client sent more readers' reports than allowed
    ├── MailError             an email could not be handed to the SMTP server
    ├── SettingsError         a setting has a value curator cannot use
    ├── StoreError            the database cannot do what was asked
    │   ├── DatabaseUnreachableError   it cannot be reached or opened at all
    │   ├── NotFoundError     a named row does not exist
    │   ├── RevisionError     a schema revision asked for does not exist or cannot be reached
    │   └── ConflictError     an action conflicts with the current state
    │       └── RunConflictError   another check run is running
    └── (inside the checker, translated into facts at the fetcher's boundary, never raised
         past it: check.body.DecodingError, check.resolver.ResolveError,
         check.streams.BlockedAddressError)

The edges map these to answers in one table each: HTTP statuses in `api/errors.py` (the JSON
API and the dashboard share it), exit codes in `curator/cli/app.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


class CuratorError(Exception):
    """Base of every error curator raises on purpose."""


@dataclass(frozen=True, slots=True)
class CatalogProblem:
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

    def __init__(self, problems: Sequence[CatalogProblem]) -> None:
        self.problems: tuple[CatalogProblem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the catalog"
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, path: str | Path, line: int | None, field: str, problem: str) -> CatalogError:
        """One problem, e.g. a missing file."""
        return cls([CatalogProblem(str(path), line, field, problem)])


class StoreError(CuratorError):
    """The database cannot do what was asked (not migrated, unreachable, missing row)."""


class DatabaseUnreachableError(StoreError):
    """The database cannot be reached or opened; the message names it and says why."""

    def __init__(self, database: str, cause: str, remedy: str) -> None:
        self.database = database
        self.cause = cause
        self.remedy = remedy
        super().__init__(f"database {database} is unreachable: {cause}. {remedy}")


class NotFoundError(StoreError):
    """A named row does not exist."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"no {kind} {key!r}")


class RevisionError(StoreError):
    """A schema revision asked for (`curator db upgrade REV`, `db downgrade REV`) does not
    exist or cannot be reached from where the database is."""

    def __init__(self, revision: str, problem: str, known: str) -> None:
        self.revision = revision
        self.problem = problem
        super().__init__(f"cannot migrate to revision {revision!r}: {problem} ({known})")


class ConflictError(StoreError):
    """An action conflicts with the current state (e.g. a run is already running)."""


class SettingsError(CuratorError):
    """A setting has a value curator cannot use."""


class DatabaseUrlError(SettingsError):
    """The database URL is not one curator can use; the message names the environment
    variable it came from ("CURATOR_DATABASE_URL 'mysql://…': curator supports …")."""

    def __init__(self, url: str, problem: str, variable: str = "DATABASE_URL") -> None:
        self.url = url
        self.problem = problem
        self.variable = variable
        super().__init__(f"{variable} {url!r}: {problem}")

    def named(self, variable: str) -> DatabaseUrlError:
        """The same error, naming the variable the URL was actually read from."""
        return DatabaseUrlError(self.url, self.problem, variable)


class PageError(CuratorError):
    """A guide page could not be read: it names the page and says why."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class InvalidEditError(CuratorError):
    """An action's values are not valid; `errors` maps each field to what is wrong with it,
    each field found in `location` (the request's "body", or its "query" string)."""

    def __init__(self, errors: Mapping[str, str], *, location: str = "body") -> None:
        self.errors = dict(errors)
        self.location = location
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in self.errors.items()))


class RateLimitedError(CuratorError):
    """A client sent more reports than allowed; `retry_after` says when it may send again."""

    def __init__(self, limit: int, retry_after: int) -> None:
        self.limit = limit
        self.retry_after = retry_after
        super().__init__(
            f"at most {limit} report{'s' if limit != 1 else ''} a minute from one address; "
            f"try again in {retry_after} s"
        )


class MailError(CuratorError):
    """An email could not be handed to the SMTP server."""

    def __init__(self, host: str, port: int, problem: str) -> None:
        self.host = host
        self.port = port
        self.problem = problem
        super().__init__(f"SMTP {host}:{port}: {problem}")


class RunConflictError(ConflictError):
    """Another run is running; only one at a time (the API answers 409)."""

    def __init__(self, *, run_id: int, started_at: datetime, checked: int, total: int) -> None:
        self.run_id = run_id
        # As `curator.labels.moment_label` words a moment ("3 Dec 2026, 14:02 UTC"): errors sit
        # below the wording's layer, so the form is written out here.
        at = started_at.astimezone(UTC)
        super().__init__(
            f"run {run_id} is already running (started {at.day} {at:%b %Y}, {at:%H:%M} UTC, "
            f"{checked} of {total} addresses checked)"
        )
