"""The house declarative base: constraint naming convention and UTC-aware datetimes."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import DateTime, Dialect, Enum, Index, MetaData, TypeDecorator, text
from sqlalchemy.orm import DeclarativeBase

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import DeclarativeBase as Mapped

# Named constraints let Alembic's batch mode alter SQLite tables reliably.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to a UTC column")
        value = value.astimezone(UTC)
        # SQLite stores text; keep it naive-UTC so ordering by text stays correct.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """On SQLite, the stored text in one step: what `process_bind_param` and SQLite's own
        DATETIME write in two (`YYYY-MM-DD HH:MM:SS.ffffff`, naive UTC; settling a run binds
        thousands); elsewhere theirs."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is None:
                raise ValueError(f"naive datetime {value!r} given to a UTC column")
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

        return process


def str_enum(enum_cls: type[StrEnum], length: int = 20) -> Enum:
    """A StrEnum column stored by value as plain text (no native enum types to migrate)."""
    return Enum(
        enum_cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        create_constraint=False,
        length=length,
        validate_strings=True,
    )


T = TypeVar("T")

ID_MAX = 2**31 - 1
"""The largest id a row can have: ids are 32-bit integers on PostgreSQL (a larger one bound
to a query is an error there, and on SQLite past 2**63)."""

CHUNK = 1000
"""Values a query binds at most at once (an IN list, rows of a bulk insert): well under
SQLite's 32,766 and PostgreSQL's 65,535 bound parameters, whatever the run's size."""


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """`values` in slices of at most `size` (a query per slice keeps its parameters bounded)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def upsert(session: AsyncSession, table: Table | type[Mapped]) -> PostgresqlInsert | SqliteInsert:
    """An INSERT into `table` that takes an ON CONFLICT clause, for the session's database.

    PostgreSQL's dialect is loaded only when the database is PostgreSQL: on SQLite, the
    embedded default, every command is spared loading it (about 65 ms)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


async def refresh_loaded(
    session: AsyncSession, model: type[Any], *, ids: Collection[int], names: Sequence[str]
) -> None:
    """Objects of `model` with these ids that `session` holds are given the values a Core
    statement just wrote to `names`. Their identity keys are spelt out, as
    `sqlalchemy.orm.util.identity_key` makes them ((class, primary key, token)): asking it
    would have every mapper configured, which a check's path (no object held) never needs."""
    for row_id in ids:
        loaded = session.identity_map.get((model, (row_id,), None))
        if loaded is not None:
            await session.refresh(loaded, attribute_names=list(names))


_PARTIAL: dict[Index, str] = {}
"""Each partial index, with its WHERE clause, to give PostgreSQL when a schema is created."""


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """An index of the rows matching `where` only, on SQLite and PostgreSQL.

    SQLite's clause is given at once; PostgreSQL's by `postgresql_partial_indexes` when a
    PostgreSQL schema is created: naming `postgresql_where` here would load PostgreSQL's
    dialect (to check the argument) in every process that imports the models, SQLite's
    included. Migrations create these indexes with both clauses themselves."""
    index = Index(name, *columns, unique=unique, sqlite_where=text(where))
    _PARTIAL[index] = where
    return index


def postgresql_partial_indexes() -> None:
    """Give every partial index its PostgreSQL clause (before creating a PostgreSQL schema;
    harmless to do twice, and ignored by SQLite)."""
    for index, where in _PARTIAL.items():
        index.dialect_kwargs["postgresql_where"] = text(where)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Every curator table derives from this."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: UTCDateTime()}
