"""The public lists' data version: one row the database raises on every write to what the
lists show, whoever writes; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import Verdict
from curator.store import link_states
from curator.store.models import Guide, LinkState, Resource, Section
from curator.store.publish import data_version, published_guides

T0 = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


async def version(session: AsyncSession) -> object:
    async with session.begin():
        return (await data_version(session))[0]


async def test_every_write_to_what_the_lists_show_raises_the_version(
    session: AsyncSession,
) -> None:
    seen = [await version(session)]

    async def changed() -> bool:
        seen.append(await version(session))
        return seen[-1] != seen[-2]

    async with session.begin():
        guide = Guide(slug="g", title="Guide", editors=[])
        section = Section(guide=guide, title="Help", position=0)
        session.add(
            Resource(guide=guide, section=section, key="a", title="A", url="https://a.example/")
        )
    assert await changed()
    async with session.begin():
        await published_guides(session)  # reading changes nothing
    assert not await changed()
    async with session.begin():
        await link_states.upsert_link_states(
            session,
            states={
                f"https://a.example/{i}": ({"verdict": Verdict.OK, "last_checked_at": T0}, None)
                for i in range(30)
            },
        )
    assert await changed()
    async with session.begin():
        await session.execute(update(Resource).values(title="A, renamed"))
    assert await changed()
    async with session.begin():
        await session.execute(update(Section).values(position=1))
    assert await changed()
    async with session.begin():
        await session.execute(delete(LinkState))
    assert await changed()
    async with session.begin():
        await session.execute(update(Guide).values(title="Guide, renamed"))
    assert await changed()
