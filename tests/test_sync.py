"""Sync: idempotent, retires instead of deleting, keeps editors' changes as conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from curator.catalog import load_catalog
from curator.catalog.load import parse_catalog
from curator.store.catalog import active_resource_urls, active_resources, guide_by_slug
from curator.store.models import Guide, Resource
from curator.sync import ChangeKind, FieldChange, sync_catalog

BASE = {
    "guides": [
        {
            "slug": "g",
            "title": "Guide",
            "review_every": "6 months",
            "sections": [
                {
                    "title": "Police",
                    "resources": [
                        {"title": "Alpha", "url": "https://a.example/"},
                        {"id": "beta", "title": "Beta", "url": "https://b.example/"},
                    ],
                },
                {"title": "Other", "resources": [{"title": "Gamma", "url": "https://c.example/"}]},
            ],
        }
    ]
}


def catalog(**edits: object) -> object:
    import copy

    data = copy.deepcopy(BASE)
    resources = [r for s in data["guides"][0]["sections"] for r in s["resources"]]  # type: ignore[index]
    for key, value in edits.items():
        for r in resources:
            if r.get("id", r["title"].lower()) == key:
                if value is None:
                    for s in data["guides"][0]["sections"]:  # type: ignore[index]
                        if r in s["resources"]:
                            s["resources"].remove(r)
                else:
                    r.update(value)  # type: ignore[arg-type]
    return parse_catalog("test.yaml", data)


async def apply(session: AsyncSession, data: object, force: bool = False):  # type: ignore[no-untyped-def]
    plan = await sync_catalog(session, data, force=force)  # type: ignore[arg-type]
    await session.commit()
    return plan


async def test_first_sync_adds_and_second_changes_nothing(session: AsyncSession) -> None:
    first = await apply(session, catalog())
    assert [c.key for c in first.of(ChangeKind.ADDED)] == ["g", "alpha", "beta", "gamma"]
    second = await apply(session, catalog())
    assert not second.changed_anything
    assert second.counts()["unchanged"] == 3


async def test_shipped_catalog_syncs_idempotently(
    session: AsyncSession, shipped_catalog: Path
) -> None:
    first = await apply(session, load_catalog(shipped_catalog))
    assert first.counts()["added"] == 9
    second = await apply(session, load_catalog(shipped_catalog))
    assert not second.changed_anything
    guide = await guide_by_slug(session, slug="sextortion")
    assert (
        guide is not None
        and [s.title for s in guide.sections][0] == "From the Non-Government agencies"
    )


async def test_changed_field_is_applied_and_named(session: AsyncSession) -> None:
    await apply(session, catalog())
    plan = await apply(session, catalog(alpha={"url": "https://a2.example/"}))
    (change,) = plan.of(ChangeKind.CHANGED)
    assert (change.key, change.fields) == (
        "alpha",
        (FieldChange("url", "https://a.example/", "https://a2.example/"),),
    )
    (alpha,) = [r for r in await active_resources(session) if r.key == "alpha"]
    assert alpha.url == "https://a2.example/"


async def test_removed_resource_is_retired_with_history_and_restored(session: AsyncSession) -> None:
    await apply(session, catalog())
    plan = await apply(session, catalog(beta=None))
    assert [c.key for c in plan.of(ChangeKind.RETIRED)] == ["beta"]
    rows = (await session.execute(select(Resource).where(Resource.key == "beta"))).scalars().all()
    assert len(rows) == 1 and rows[0].retired_at is not None
    assert [r.key for r in await active_resources(session)] == ["alpha", "gamma"]
    plan = await apply(session, catalog())
    assert [c.key for c in plan.of(ChangeKind.RESTORED)] == ["beta"]
    assert [r.key for r in await active_resources(session)] == ["alpha", "beta", "gamma"]


async def test_active_resource_urls_of_chosen_guides(session: AsyncSession) -> None:
    await apply(session, catalog())
    other = parse_catalog(
        "other.yaml",
        {
            "guides": [
                {
                    "slug": "o",
                    "title": "Other",
                    "sections": [
                        {"title": "S", "resources": [{"title": "X", "url": "https://x/"}]}
                    ],
                }
            ]
        },
    )
    await apply(session, other)
    await apply(session, catalog(beta=None))  # beta retired
    ids = {r.key: r.id for r in await active_resources(session)}
    assert await active_resource_urls(session, guide_slugs=["g"]) == [
        (ids["alpha"], "https://a.example/"),
        (ids["gamma"], "https://c.example/"),
    ]
    assert [url for _, url in await active_resource_urls(session, guide_slugs=["g", "o"])] == [
        "https://a.example/",
        "https://c.example/",
        "https://x/",
    ]
    assert await active_resource_urls(session, guide_slugs=[]) == []


async def test_editor_change_is_kept_as_conflict_unless_forced(session: AsyncSession) -> None:
    await apply(session, catalog())
    (beta,) = [r for r in await active_resources(session) if r.key == "beta"]
    beta.url = "https://b-new.example/"  # an editor accepted a suggestion through the API
    await session.commit()

    plan = await apply(session, catalog())
    (conflict,) = plan.of(ChangeKind.CONFLICT)
    assert conflict.fields == (FieldChange("url", "https://b-new.example/", "https://b.example/"),)
    assert not plan.changed_anything
    await session.refresh(beta)
    assert beta.url == "https://b-new.example/"

    forced = await apply(session, catalog(), force=True)
    assert [c.key for c in forced.of(ChangeKind.CHANGED)] == ["beta"]
    await session.refresh(beta)
    assert beta.url == "https://b.example/"


async def test_editor_retirement_is_a_conflict(session: AsyncSession) -> None:
    from curator.store.base import utcnow

    await apply(session, catalog())
    (gamma,) = [r for r in await active_resources(session) if r.key == "gamma"]
    gamma.retired_at = utcnow()
    await session.commit()
    plan = await apply(session, catalog())
    assert [c.key for c in plan.of(ChangeKind.CONFLICT)] == ["gamma"]
    assert [r.key for r in await active_resources(session)] == ["alpha", "beta"]


async def test_file_and_editor_agreeing_is_no_conflict(session: AsyncSession) -> None:
    await apply(session, catalog())
    (alpha,) = [r for r in await active_resources(session) if r.key == "alpha"]
    alpha.title = "Alpha (new)"
    alpha.key = "alpha"
    await session.commit()
    plan = await apply(session, catalog(alpha={"title": "Alpha (new)", "id": "alpha"}))
    assert not plan.of(ChangeKind.CONFLICT) and not plan.changed_anything


async def test_sync_touches_only_the_guides_in_the_file(session: AsyncSession) -> None:
    await apply(session, catalog())
    other = parse_catalog(
        "other.yaml",
        {
            "guides": [
                {
                    "slug": "o",
                    "title": "O",
                    "sections": [
                        {"title": "S", "resources": [{"title": "X", "url": "https://x.example/"}]}
                    ],
                }
            ]
        },
    )
    await apply(session, other)
    keys = sorted(r.key for r in await active_resources(session))
    assert keys == ["alpha", "beta", "gamma", "x"]


async def test_moving_a_resource_between_sections(session: AsyncSession) -> None:
    import copy

    await apply(session, catalog())
    data = copy.deepcopy(BASE)
    sections = data["guides"][0]["sections"]  # type: ignore[index]
    sections[1]["resources"].append(sections[0]["resources"].pop(0))
    plan = await apply(session, parse_catalog("t.yaml", data))
    (change,) = plan.of(ChangeKind.CHANGED)
    assert change.fields == (FieldChange("section", "Police", "Other"),)
    resources = await active_resources(session)
    assert [(r.section.title if r.section else None, r.key) for r in resources] == [
        ("Police", "beta"),
        ("Other", "gamma"),
        ("Other", "alpha"),
    ]


def generated(resources: int, *, guides: int = 2, change: int | None = None) -> object:
    """A catalog of `resources` resources over `guides` guides (resource `change` retitled)."""
    data: dict[str, object] = {
        "guides": [
            {
                "slug": f"g{g}",
                "title": f"Guide {g}",
                "sections": [
                    {
                        "title": f"S{s}",
                        "resources": [
                            {
                                "id": f"r{g}-{s}-{i}",
                                "title": f"R {i}{' (new)' if change == i else ''}",
                                "url": f"https://h{i % 7}.example/{g}/{s}/{i}",
                                "expect_text": ["Help"] if i % 3 == 0 else [],
                            }
                            for i in range(resources // guides // 4)
                        ],
                    }
                    for s in range(4)
                ],
            }
            for g in range(guides)
        ]
    }
    return parse_catalog("big.yaml", data)


class Statements:
    """Counts the SQL statements an engine runs, and how many of them write."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.all: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self.seen)
        self._engine = engine

    def seen(self, conn: object, cursor: object, statement: str, *args: object) -> None:
        self.all.append(statement.split(None, 1)[0].upper())

    @property
    def writes(self) -> list[str]:
        return [s for s in self.all if s in ("INSERT", "UPDATE", "DELETE")]

    def close(self) -> None:
        event.remove(self._engine.sync_engine, "before_cursor_execute", self.seen)


async def test_sync_costs_a_few_statements_whatever_the_size(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    counted = []
    for size in (80, 800):
        await session.execute(delete(Guide))
        await session.commit()
        statements = Statements(engine)
        first = await apply(session, generated(size))
        after_first = list(statements.all)
        statements.all.clear()
        second = await apply(session, generated(size))
        noop = list(statements.all)
        statements.all.clear()
        third = await apply(session, generated(size, change=1))
        changed = list(statements.writes)
        statements.close()
        assert first.counts()["added"] == size and not second.changed_anything
        assert len(third.of(ChangeKind.CHANGED)) == 2 * 4  # one per section of each guide
        assert [s for s in noop if s in ("INSERT", "UPDATE", "DELETE")] == []
        assert changed == ["UPDATE"]  # every changed resource in one bulk statement
        counted.append((len(after_first), len(noop)))
    # The first sync's statements grow only with the database's batching of big inserts,
    # a no-op sync's not at all.
    assert counted[0][1] == counted[1][1] <= 5
    assert counted[1][0] <= counted[0][0] + 2


async def test_a_no_op_sync_leaves_rows_untouched_and_a_change_stamps_only_its_row(
    session: AsyncSession,
) -> None:
    await apply(session, catalog())
    before = {
        r.key: r.updated_at for r in (await session.execute(select(Resource))).scalars().all()
    }
    session.expunge_all()
    await apply(session, catalog())
    await apply(session, catalog(alpha={"url": "https://a2.example/"}))
    after = {r.key: r.updated_at for r in (await session.execute(select(Resource))).scalars().all()}
    assert after["beta"] == before["beta"] and after["gamma"] == before["gamma"]
    assert after["alpha"] > before["alpha"]


async def test_objects_already_loaded_see_what_sync_wrote(session: AsyncSession) -> None:
    await apply(session, catalog())
    (alpha,) = [r for r in await active_resources(session) if r.key == "alpha"]
    await apply(session, catalog(alpha={"url": "https://a3.example/"}))
    assert alpha.url == "https://a3.example/"


async def test_stored_rows_are_read_a_batch_of_guides_at_a_time(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    import curator.sync

    read: list[list[str]] = []
    real = curator.sync.catalog_rows

    async def spy(session: AsyncSession, *, slugs: list[str]) -> object:
        read.append(list(slugs))
        return await real(session, slugs=slugs)

    monkeypatch.setattr(curator.sync, "WRITE_BATCH", 40)
    monkeypatch.setattr(curator.sync, "catalog_rows", spy)
    first = await apply(session, generated(80, guides=4))  # guides of 20 resources
    assert read == [["g0", "g1"], ["g2", "g3"]]
    assert first.counts()["added"] == 80
    read.clear()
    assert not (await apply(session, generated(80, guides=4))).changed_anything
    changed = await apply(session, generated(80, guides=4, change=2))
    assert [c.guide for c in changed.of(ChangeKind.CHANGED)] == ["g0"] * 4 + ["g1"] * 4 + [
        "g2"
    ] * 4 + ["g3"] * 4
    monkeypatch.setattr(curator.sync, "WRITE_BATCH", 10)  # a guide bigger than a batch: alone
    read.clear()
    assert not (await apply(session, generated(80, guides=4, change=2))).changed_anything
    assert read == [["g0"], ["g1"], ["g2"], ["g3"]]


async def test_a_sync_of_guides_one_at_a_time_can_keep_only_its_counts(
    session: AsyncSession,
) -> None:
    from curator.sync import sync_guides

    first = catalog()
    taken: list[str] = []

    def one_at_a_time() -> object:
        for guide in first.guides:  # type: ignore[attr-defined]
            taken.append(guide.slug)
            yield guide

    plan = await sync_guides(session, one_at_a_time(), keep_changes=False)  # type: ignore[arg-type]
    await session.commit()
    assert taken == ["g"] and plan.changes == ()
    assert plan.changed_anything and plan.counts()["added"] == 3
    edited = catalog(alpha={"url": "https://a2.example/"}, gamma=None)
    counted = await sync_guides(session, edited.guides, keep_changes=False)  # type: ignore[attr-defined]
    await session.rollback()
    full = await sync_catalog(session, edited)  # type: ignore[arg-type]
    await session.rollback()
    assert counted.counts() == full.counts() and counted.counts()["changed"] == 1
    assert counted.counts()["retired"] == 1 and counted.changed_anything
    unchanged = await sync_guides(session, first.guides, keep_changes=False)  # type: ignore[attr-defined]
    assert unchanged.changes == () and not unchanged.changed_anything


async def test_syncs_started_at_once_take_turns(database_url: str) -> None:
    """Two `curator sync` (or `check`) of one file at once: one adds the guide, the other
    finds it added. On PostgreSQL both read no guide and both inserted it, and one ended in
    a duplicate key ('uq_guides_slug', exit 4)."""
    import asyncio

    from curator.store.engine import create_engine, session_factory

    engines = [create_engine(database_url) for _ in range(3)]
    started = asyncio.Event()

    async def sync_once(engine: AsyncEngine) -> dict[str, int]:
        async with session_factory(engine)() as session, session.begin():
            await started.wait()
            plan = await sync_catalog(session, catalog())  # type: ignore[arg-type]
            await asyncio.sleep(0.05)  # the others read meanwhile, before this one commits
            return plan.counts()

    try:
        syncing = [asyncio.ensure_future(sync_once(engine)) for engine in engines]
        await asyncio.sleep(0.05)
        started.set()
        counts = await asyncio.gather(*syncing)
        assert sorted(c["added"] for c in counts) == [0, 0, 3]
        async with session_factory(engines[0])() as session:
            assert [g.slug for g in (await session.execute(select(Guide))).scalars()] == ["g"]
            assert len((await session.execute(select(Resource))).scalars().all()) == 3
    finally:
        for engine in engines:
            await engine.dispose()
