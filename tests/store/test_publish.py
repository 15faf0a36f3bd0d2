"""The public lists built again after a write: rows read again unchanged keep how they were
published, and the lists are exactly those built with nothing kept, after every kind of write;
on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from curator import editing
from curator.domain import State, Verdict
from curator.runs.records import state_values
from curator.store import publish
from curator.store.link_states import upsert_link_state
from curator.store.models import Resource
from curator.store.publish import Published, public_rows, published_of
from curator.store.standings import standings
from tests.factories import status_after
from tests.store.test_problem_pages import NOW, _days, combinations


@pytest.mark.parametrize("by_id", [True, False], ids=["unknown rows by id", "all rows"])
async def test_lists_built_again_after_each_kind_of_write_are_the_lists_built_afresh(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, by_id: bool
) -> None:
    if by_id:  # however many rows are not known, read them by id
        monkeypatch.setattr(publish, "RETYPE_ALL_SHARE", 0)
    await combinations(session, copies=2)
    async with session.begin():
        every = await standings(session, now=NOW)
    quiet = [
        (s.resource.id, s.resource.url)
        for s in every
        if s.standing.state is State.WORKING and s.resource.snoozed_until is None
    ]
    broken = [
        (s.resource.id, s.resource.url)
        for s in every
        if s.standing.state is State.BROKEN and s.resource.snoozed_until is None
    ]
    kept: dict[bool, Published] = {}

    async def built() -> dict[bool, Published]:
        known = kept[False].decided if kept else None
        async with session.begin():
            rows = await public_rows(session, known=known)
            every_row = await public_rows(session)
        assert len(every_row.typed) == len(every_row.stored)
        if kept and by_id:  # only what changed (and what is snoozed) is read as values again
            assert 0 < len(rows.typed) < len(every_row.typed)
        lists = {}
        for include_broken in (False, True):
            again = published_of(rows, include_broken=include_broken, now=NOW, known=known)
            afresh = published_of(every_row, include_broken=include_broken, now=NOW)
            assert again.guides == afresh.guides and again.changes_at == afresh.changes_at
            lists[include_broken] = again
        return lists

    kept = await built()

    async def after(change: Callable[[], Awaitable[object]]) -> None:
        nonlocal kept
        async with session.begin():
            await change()
        lists = await built()
        assert lists[True].guides != kept[True].guides  # every write here changes the list
        kept = lists

    async def confirmed_broken() -> None:
        values = state_values(status_after(_days(Verdict.OK, *[Verdict.BROKEN] * 3)))
        await upsert_link_state(session, url=quiet[0][1], values=values, check_id=None)

    async def recovered() -> None:
        values = state_values(status_after(_days(Verdict.OK)))
        await upsert_link_state(session, url=broken[0][1], values=values, check_id=None)

    async def snoozed() -> None:
        await editing.snooze(
            session,
            resource_id=broken[1][0],
            actor="editor",
            until=NOW + timedelta(days=3),
            reason="works in a browser",
            now=NOW,
        )

    async def edited() -> None:
        await editing.edit_resource(
            session, resource_id=quiet[1][0], actor="editor", changes={"title": "New"}, now=NOW
        )

    async def moved_to_a_broken_link() -> None:
        await editing.edit_resource(
            session,
            resource_id=quiet[2][0],
            actor="editor",
            changes={"url": broken[2][1]},
            now=NOW,
        )

    async def retired() -> None:
        await editing.retire(session, resource_id=quiet[3][0], actor="editor", now=NOW)

    async def resectioned() -> None:
        await session.execute(
            update(Resource).where(Resource.id == quiet[4][0]).values(section_id=None)
        )

    for change in (
        confirmed_broken,
        recovered,
        snoozed,
        edited,
        moved_to_a_broken_link,
        retired,
        resectioned,
    ):
        await after(change)
    async with session.begin():
        titles = (await session.execute(select(Resource.title))).scalars().all()
    assert "New" in titles
