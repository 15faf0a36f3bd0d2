"""Change versions (migration 0011): every insert and update of a resource or a link state is
stamped at or after the look before it, however it is written, and deletions move their own
count; on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from curator.domain import Verdict
from curator.runs.records import state_values
from curator.store.changes import Look, changed_resource_ids, look
from curator.store.link_states import upsert_link_state
from curator.store.models import Guide, LinkState, Resource, Section
from tests.factories import status_after
from tests.store.test_problem_pages import _days


async def _look(session: AsyncSession) -> Look:
    found = await look(await session.connection())
    await session.commit()
    return found


async def _changed(session: AsyncSession, since: int) -> set[int]:
    query = select(Resource.id).where(Resource.id.in_(changed_resource_ids(since)[0]))
    by_link = changed_resource_ids(since)[1]
    found = set((await session.execute(query)).scalars()) | set(
        (await session.execute(by_link)).scalars()
    )
    await session.commit()
    return found


async def test_each_insert_and_update_is_stamped_from_the_look_before_it(
    session: AsyncSession,
) -> None:
    first = await _look(session)
    async with session.begin():
        guide = Guide(slug="g", title="G", editors=[])
        section = Section(guide=guide, title="Help", position=0)
        one = Resource(guide=guide, section=section, key="a", title="A", url="https://a.example/")
        two = Resource(guide=guide, section=section, key="b", title="B", url="https://b.example/")
        session.add_all([one, two])
        await session.flush()
        values = state_values(status_after(_days(Verdict.OK)))
        await upsert_link_state(session, url=one.url, values=values, check_id=None)
        await upsert_link_state(session, url=two.url, values=values, check_id=None)
    assert await _changed(session, first.since) == {one.id, two.id}  # inserted

    second = await _look(session)
    if session.get_bind().dialect.name == "sqlite":
        # One writer at a time: what was committed before a look is not read again after it.
        # (PostgreSQL's next look starts from the oldest transaction still running anywhere.)
        assert await _changed(session, second.since) == set()
    async with session.begin():  # a check's upsert of one link state
        broken = state_values(status_after(_days(Verdict.OK, Verdict.BROKEN)))
        await upsert_link_state(session, url=one.url, values=broken, check_id=None)
    assert await _changed(session, second.since) >= {one.id}

    third = await _look(session)
    async with session.begin():  # an editor's snooze of the other resource (ORM update)
        await session.execute(
            update(Resource).where(Resource.id == two.id).values(snooze_reason="fine")
        )
    assert await _changed(session, third.since) >= {two.id}

    fourth = await _look(session)
    async with session.begin():  # another process's plain SQL, changing nothing
        await session.execute(
            text("UPDATE link_states SET detail = detail WHERE url = :url"), {"url": one.url}
        )
    assert await _changed(session, fourth.since) >= {one.id}


async def test_a_deletion_moves_the_deletions_count(session: AsyncSession) -> None:
    async with session.begin():
        guide = Guide(slug="g", title="G", editors=[])
        resource = Resource(guide=guide, key="a", title="A", url="https://a.example/")
        session.add(resource)
        await session.flush()
        values = state_values(status_after(_days(Verdict.OK)))
        await upsert_link_state(session, url=resource.url, values=values, check_id=None)
    before = await _look(session)
    async with session.begin():
        await session.execute(delete(LinkState).where(LinkState.url == resource.url))
    after_link = await _look(session)
    assert after_link.deletions != before.deletions
    async with session.begin():
        await session.execute(delete(Resource).where(Resource.id == resource.id))
    after_resource = await _look(session)
    assert after_resource.deletions != after_link.deletions


async def test_a_look_reads_what_it_is_given_in_the_same_statement(
    session: AsyncSession,
) -> None:
    found = await look(await session.connection(), also=select(text("41 + 1")))
    assert found.extra == (42,)
    assert isinstance(found.since, int)
    connection: AsyncConnection = await session.connection()
    assert (await look(connection)).extra == ()
