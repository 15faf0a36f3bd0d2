"""The house column types: UTC datetimes written alike on SQLite however they are bound."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator

from curator.store.base import UTCDateTime

MOMENTS = [
    datetime(2026, 12, 3, 9, 33, 17, 318980, tzinfo=UTC),
    datetime(2026, 12, 3, 9, 33, 17, tzinfo=UTC),
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=timezone(timedelta(hours=-8))),
    None,
]


@pytest.mark.parametrize("moment", MOMENTS, ids=lambda m: str(m))
def test_sqlite_stores_the_text_its_own_datetime_type_writes(moment: datetime | None) -> None:
    dialect = sqlite.dialect()
    column = UTCDateTime()
    one_step = column._cached_bind_processor(dialect)
    two_steps = TypeDecorator.bind_processor(column.dialect_impl(dialect), dialect)
    assert one_step is not None and two_steps is not None
    assert one_step(moment) == two_steps(moment)


def test_sqlite_text_is_naive_utc_to_the_microsecond() -> None:
    bind = UTCDateTime()._cached_bind_processor(sqlite.dialect())
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert bind is not None
    assert bind(moment) == "2026-03-28 20:00:00.000000"


def test_a_naive_datetime_is_refused_on_every_database() -> None:
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        bind = UTCDateTime()._cached_bind_processor(dialect)
        assert bind is not None
        with pytest.raises(ValueError, match="naive datetime"):
            bind(datetime(2026, 1, 1))


def test_postgresql_binds_the_aware_utc_value() -> None:
    dialect = postgresql.dialect()
    bind = UTCDateTime()._cached_bind_processor(dialect)
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert bind is not None
    bound = bind(moment)
    assert bound == moment and bound.tzinfo is UTC
