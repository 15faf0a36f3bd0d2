"""Editors' actions as domain functions: validation, atomicity, records, sync and export."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from curator import editing
from curator.catalog import load_catalog
from curator.editing import validate_edit
from curator.errors import ConflictError, InvalidEditError, NotFoundError
from curator.export import export_catalog
from curator.store.catalog import guide_by_slug
from curator.store.models import EditorAction, LinkState, ReaderReport, RecheckRequest, Resource
from curator.sync import ChangeKind, sync_catalog

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


async def _synced(session: AsyncSession, catalog: Path) -> dict[str, Resource]:
    async with session.begin():
        await sync_catalog(session, load_catalog(catalog), source_file=str(catalog))
    async with session.begin():
        guide = await guide_by_slug(session, slug="sextortion")
        assert guide is not None
        return {r.key: r for r in guide.resources}


async def _count(session: AsyncSession, model: type[object]) -> int:
    async with session.begin():
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"url": "mailto:a@b.org"}, "url"),
        ({"url": 7}, "url"),
        ({"title": ""}, "title"),
        ({"phone": "not a phone"}, "phone"),
        ({"expect_text": "one text"}, "expect_text"),
        ({"expect_text": [" "]}, "expect_text"),
        ({"colour": "x"}, "colour"),
        ({"description": "a" * 10_001}, "description"),
        ({"notes": "a" * 10_001}, "notes"),
        ({"kind": "podcast"}, "kind"),
        ({"kind": 3}, "kind"),
        ({"region": "two\nlines"}, "region"),
        ({"id": "new-id"}, "id"),
    ],
    ids=[
        "scheme",
        "not-text",
        "empty-title",
        "phone",
        "not-list",
        "blank-item",
        "other",
        "long",
        "long-notes",
        "kind",
        "kind-not-text",
        "region-line-break",
        "id",
    ],
)
def test_validate_edit_names_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidEditError) as caught:
        validate_edit(changes)
    assert list(caught.value.errors) == [field]
    assert str(caught.value).startswith(f"{field}: ")


def test_validate_edit_cleans_values() -> None:
    assert validate_edit(
        {"title": " Title ", "phone": "", "description": "  ", "expect_text": [" a "]}
    ) == {"title": "Title", "phone": None, "description": None, "expect_text": ["a"]}


async def test_edit_is_recorded_and_export_writes_it_back(
    session: AsyncSession, shipped_catalog: Path, tmp_path: Path
) -> None:
    catalog = tmp_path / "resources.yaml"
    shutil.copy(shipped_catalog, catalog)
    resources = await _synced(session, catalog)
    target = resources["revenge-porn-helpline"]
    async with session.begin():
        result = await editing.edit_resource(
            session,
            resource_id=target.id,
            actor="alex",
            changes={"url": "https://revengepornhelpline.org.uk/en/", "phone": "0345 6000 460"},
            now=NOW,
        )
    assert result.recheck_id is not None
    assert set(result.changes["fields"]) == {"url", "phone"}
    async with session.begin():
        action = (await session.execute(select(EditorAction))).scalar_one()
        assert (action.actor, action.action, action.created_at) == ("alex", "edit", NOW)
        request = (await session.execute(select(RecheckRequest))).scalar_one()
        assert (request.resource_id, request.reason, request.requested_by) == (
            target.id,
            "edit",
            "alex",
        )

    # sync keeps the editor's value (a conflict), export carries it into the file.
    async with session.begin():
        plan = await sync_catalog(session, load_catalog(catalog), source_file=str(catalog))
    conflicts = plan.of(ChangeKind.CONFLICT)
    assert [c.key for c in conflicts] == ["revenge-porn-helpline"]
    async with session.begin():
        await export_catalog(session, catalog)
    text = catalog.read_text()
    assert "url: https://revengepornhelpline.org.uk/en/" in text
    assert "phone: 0345 6000 460" in text
    async with session.begin():
        plan = await sync_catalog(session, load_catalog(catalog), source_file=str(catalog))
    assert plan.of(ChangeKind.CONFLICT) == []


async def test_a_failed_action_changes_nothing(
    session: AsyncSession, shipped_catalog: Path
) -> None:
    resources = await _synced(session, shipped_catalog)
    target = resources["revenge-porn-helpline"]
    target_id = target.id
    async with session.begin():
        session.add(LinkState(url=target.url, suggested_url="not a url"))
    with pytest.raises(ConflictError, match="unusable"):
        async with session.begin():
            await editing.accept_suggestion(session, resource_id=target_id, actor="alex")
    assert await _count(session, EditorAction) == 0
    assert await _count(session, RecheckRequest) == 0
    async with session.begin():
        row = await session.get(Resource, target_id, populate_existing=True)
        assert row is not None and row.url == "https://revengepornhelpline.org.uk/"


async def test_actions_on_missing_or_retired_resources(
    session: AsyncSession, shipped_catalog: Path
) -> None:
    resources = await _synced(session, shipped_catalog)
    target_id = resources["revenge-porn-helpline"].id
    with pytest.raises(NotFoundError):
        async with session.begin():
            await editing.recheck(session, resource_id=999_999, actor="alex")
    async with session.begin():
        session.add(ReaderReport(resource_id=target_id, note="gone?"))
    async with session.begin():
        result = await editing.retire(session, resource_id=target_id, actor="alex", reason="dup")
    assert result.changes == {"reason": "dup", "resolved_reports": 1}
    for action in (editing.recheck, editing.retire, editing.accept_suggestion):
        with pytest.raises(ConflictError, match="retired"):
            async with session.begin():
                await action(session, resource_id=target_id, actor="alex")
    # sync sees an editor's retirement as a conflict and keeps it.
    async with session.begin():
        plan = await sync_catalog(session, load_catalog(shipped_catalog))
    assert [c.key for c in plan.of(ChangeKind.CONFLICT)] == ["revenge-porn-helpline"]


@pytest.mark.parametrize(
    ("until", "reason", "field"),
    [
        (NOW - timedelta(seconds=1), "x", "until"),
        (datetime(2026, 8, 1), "x", "until"),
        (NOW + timedelta(days=1), " ", "reason"),
        (datetime(1, 1, 1, tzinfo=UTC), "x", "until"),
        (datetime(9999, 12, 31, tzinfo=UTC), "x", "until"),
    ],
    ids=["past", "naive", "no-reason", "year-1", "year-9999"],
)
async def test_snooze_validation(
    session: AsyncSession, shipped_catalog: Path, until: datetime, reason: str, field: str
) -> None:
    resources = await _synced(session, shipped_catalog)
    with pytest.raises(InvalidEditError) as caught:
        async with session.begin():
            await editing.snooze(
                session,
                resource_id=resources["revenge-porn-helpline"].id,
                actor="alex",
                until=until,
                reason=reason,
                now=NOW,
            )
    assert list(caught.value.errors) == [field]
