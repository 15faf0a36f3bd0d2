"""Queries over `link_states`: what curator currently believes about each URL.

Confirmation (`curator.check.state.advance`) decides the values; `curator.runs.records` maps
them to the columns written here. None of these queries commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import Verdict
from curator.store.base import chunks, upsert
from curator.store.models import Check, LinkState

LINK_STATE_FIELDS = (
    "verdict",
    "last_verdict",
    "detail",
    "suggested_url",
    "first_failure_at",
    "consecutive_failures",
    "last_ok_at",
    "last_checked_at",
    "confirmed_since",
    "unsafe_since",
)
"""The columns of a link state that confirmation decides (see curator.check.state)."""


SNAPSHOT_FIELDS = (
    "snapshot_title",
    "snapshot_heading",
    "snapshot_site_name",
    "snapshot_text",
    "snapshot_fingerprint",
    "snapshot_at",
)
"""The link's last good page; written only when a check renews it."""

_WRITABLE = frozenset(LINK_STATE_FIELDS + SNAPSHOT_FIELDS)


async def link_states(
    session: AsyncSession, *, urls: Sequence[str], for_update: bool = False
) -> dict[str, LinkState]:
    """The link-state rows of `urls` that exist; locked on PostgreSQL when `for_update`."""
    found: dict[str, LinkState] = {}
    for chunk in chunks(list(dict.fromkeys(urls))):
        query = select(LinkState).where(LinkState.url.in_(chunk))
        if for_update:
            query = query.with_for_update()
        found.update((row.url, row) for row in (await session.execute(query)).scalars())
    return found


async def snapshot_rows(session: AsyncSession, *, urls: Sequence[str]) -> list[Row[Any]]:
    """The URL and SNAPSHOT_FIELDS of each of `urls` whose state has a last good page, as
    plain rows (a query per chunk of URLs)."""
    states = cast(Table, LinkState.__table__)
    columns = [states.c.url, *(states.c[name] for name in SNAPSHOT_FIELDS)]
    found: list[Row[Any]] = []
    for chunk in chunks(list(dict.fromkeys(urls))):
        query = select(*columns).where(states.c.url.in_(chunk), states.c.snapshot_at.is_not(None))
        found.extend((await session.execute(query)).all())
    return found


async def settling_states(
    session: AsyncSession, *, run_ids: Sequence[int], after: str | None, last: str
) -> dict[str, Row[Any]]:
    """The link states of the URLs these runs checked after `after` up to `last` (a page of
    `curator.store.runs.settling_page`), as rows of the URL, LINK_STATE_FIELDS and
    SNAPSHOT_FIELDS; locked on PostgreSQL. One statement, binding no URL but the bounds."""
    states = cast(Table, LinkState.__table__)
    checks = cast(Table, Check.__table__)
    checked = select(checks.c.url).where(checks.c.run_id.in_(list(run_ids)), checks.c.url <= last)
    bounds = [states.c.url <= last]
    if after is not None:
        checked = checked.where(checks.c.url > after)
        bounds.append(states.c.url > after)
    query = (
        select(*(states.c[name] for name in ("url", *LINK_STATE_FIELDS, *SNAPSHOT_FIELDS)))
        .where(*bounds, states.c.url.in_(checked))
        .with_for_update()
    )
    return {row.url: row for row in (await session.execute(query)).all()}


async def upsert_link_state(
    session: AsyncSession, *, url: str, values: Mapping[str, Any], check_id: int | None
) -> None:
    """Write a URL's state, `values` keyed by LINK_STATE_FIELDS and SNAPSHOT_FIELDS (insert or
    update in one statement on both databases)."""
    unknown = values.keys() - _WRITABLE
    if unknown:
        raise ValueError(f"not link-state fields: {sorted(unknown)}")
    values = {**values, "last_check_id": check_id}
    statement = upsert(session, LinkState).values(url=url, **values)
    await session.execute(
        statement.on_conflict_do_update(index_elements=[LinkState.url], set_=values)
    )


async def upsert_link_states(
    session: AsyncSession, *, states: Mapping[str, tuple[Mapping[str, Any], int | None]]
) -> None:
    """Write many URLs' states at once: `states` maps a URL to its values (as
    `upsert_link_state` takes them) and the id of the check that decided them. One statement
    per chunk of URLs giving the same columns (in the same order: a run's states give them
    alike)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for url, (values, check_id) in states.items():
        unknown = values.keys() - _WRITABLE
        if unknown:
            raise ValueError(f"not link-state fields: {sorted(unknown)}")
        row = {**values, "last_check_id": check_id, "url": url}
        groups.setdefault(tuple(row), []).append(row)
    table = cast(Table, LinkState.__table__)
    for columns, rows in groups.items():
        statement = upsert(session, table)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.url],
            set_={name: statement.excluded[name] for name in columns if name != "url"},
        )
        for chunk in chunks(rows, ROWS_PER_STATEMENT):
            await session.execute(statement, list(chunk))


ROWS_PER_STATEMENT = 500
"""Link-state rows one upsert carries (about 16 columns each: well under any parameter limit)."""


async def failing_urls(session: AsyncSession) -> list[str]:
    """URLs whose latest checks failed (a streak is open): what confirmation rechecks."""
    query = (
        select(LinkState.url)
        .where(LinkState.consecutive_failures > 0)
        .order_by(LinkState.first_failure_at, LinkState.url)
    )
    return list((await session.execute(query)).scalars())


async def recently_ok_urls(
    session: AsyncSession, *, exclude: Sequence[str] = (), limit: int = 20
) -> list[str]:
    """URLs whose latest check worked, most recently first (controls for an outage)."""
    states = cast(Table, LinkState.__table__).c
    query = (
        select(states.url)
        .where(states.last_verdict.in_((Verdict.OK, Verdict.MOVED)))
        .order_by(states.last_ok_at.desc(), states.url)
        .limit(limit + len(exclude))
    )
    found = [u for u in (await session.execute(query)).scalars() if u not in set(exclude)]
    return found[:limit]


async def set_baseline_fingerprint(
    session: AsyncSession, *, url: str, fingerprint: str | None
) -> None:
    """Record the visible-text fingerprint a URL's later checks are compared with."""
    await session.execute(
        update(LinkState).where(LinkState.url == url).values(baseline_fingerprint=fingerprint)
    )


async def set_baseline_fingerprints(
    session: AsyncSession, *, fingerprints: Mapping[str, str | None]
) -> None:
    """Record many URLs' baseline fingerprints in one bulk UPDATE (no unit of work: rows of
    these URLs already loaded in the session keep their old value)."""
    if not fingerprints:
        return
    table = cast(Table, LinkState.__table__)
    statement = (
        update(table)
        .where(table.c.url == bindparam("key_url"))
        .values(baseline_fingerprint=bindparam("new_fingerprint"))
    )
    params = [{"key_url": url, "new_fingerprint": f} for url, f in fingerprints.items()]
    for chunk in chunks(params, ROWS_PER_STATEMENT):
        await session.execute(statement, list(chunk))
