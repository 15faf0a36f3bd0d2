"""What changed since a reader last looked: the rows of resources and link_states written since.

The database stamps every insert and update of those rows with a `change_version` (triggers,
migration 0011), in the writer's own transaction, so no writer can forget it:

- on PostgreSQL the writing transaction's id. A look remembers the oldest transaction its
  snapshot still saw running (`pg_snapshot_xmin`): every transaction that commits later has
  an id from there on, so the rows stamped from it on hold every write the look did not see
  (and some it saw: read again, they are found unchanged);
- on SQLite (one writer at a time) one more than the data version (migration 0007) at the
  write. A look remembers one more than the version it read: a write committed later was
  made at that version or a higher one.

Deleting those rows (curator retires resources instead) raises the `data_versions` row
'deletions': a reader that sees it move reads whole again, since a deleted row leaves no
stamp behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, literal, literal_column, select
from sqlalchemy.ext.asyncio import AsyncConnection

from curator.store.models import DataVersion, LinkState, Resource

PUBLIC_VERSION = "public"
DELETIONS = "deletions"

_VERSION = select(DataVersion.version).where(DataVersion.name == PUBLIC_VERSION)
_DELETIONS = select(DataVersion.version).where(DataVersion.name == DELETIONS)
_SNAPSHOT_XMIN: ColumnElement[Any] = literal_column(
    "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
)


@dataclass(frozen=True, slots=True)
class Look:
    """What a reader saw of the data at one moment, and where its next look starts."""

    version: int | None
    """The data version (None: no write yet): unchanged, nothing changed."""
    deletions: int | None
    """How many deletions there have been (None: none since the database was made)."""
    since: int
    """Rows stamped from here on may have been written after this look."""
    extra: tuple[Any, ...] = ()
    """What the caller read alongside (`look`'s `also`)."""


def look_columns(dialect: str) -> list[ColumnElement[Any]]:
    """The columns a look reads, in one statement with whatever else the caller reads."""
    since: ColumnElement[Any] = _SNAPSHOT_XMIN if dialect == "postgresql" else literal(0)
    return [_VERSION.scalar_subquery(), _DELETIONS.scalar_subquery(), since]


async def look(connection: AsyncConnection, *, also: Select[Any] | None = None) -> Look:
    """Read the data version, the deletions and where the next look starts; with `also` (a
    one-row select), its columns too, in the same statement (so the same snapshot)."""
    dialect = connection.dialect.name
    columns = look_columns(dialect)
    statement = also.add_columns(*columns) if also is not None else select(*columns)
    row = tuple((await connection.execute(statement)).one())
    *extra, version, deletions, xmin = row
    since = int(xmin) if dialect == "postgresql" else int(version or 0) + 1
    return Look(version, deletions, since, tuple(extra))


def changed_resource_ids(since: int | BindParameter[Any]) -> list[Select[Any]]:
    """Selects of the ids of the resources whose row, or whose URL's link-state row, was
    written at or after `since` (a `Look.since`), to be joined in a union."""
    return [
        select(Resource.id).where(Resource.change_version >= since),
        select(Resource.id)
        .join(LinkState, LinkState.url == Resource.url)
        .where(LinkState.change_version >= since),
    ]
