"""Export: the database's catalog back into the file, comments and order kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from curator.catalog import load_catalog
from curator.export import export_catalog
from curator.store.base import utcnow
from curator.store.catalog import active_resources
from curator.sync import sync_catalog


async def test_export_carries_edits_back_and_sync_after_is_a_noop(
    session: AsyncSession, shipped_catalog: Path, tmp_path: Path
) -> None:
    path = tmp_path / "resources.yaml"
    shutil.copy(shipped_catalog, path)
    await sync_catalog(session, load_catalog(path), source_file=str(path.resolve()))
    await session.commit()

    resources = {r.key: r for r in await active_resources(session)}
    resources["action-fraud-sextortion-scam"].url = "https://www.reportfraud.police.uk/"
    resources["get-safe-online"].expect_text = ["Get Safe Online"]
    resources["bbc-sextortion-topic"].retired_at = utcnow()
    await session.commit()

    result = await export_catalog(session, path)
    assert (result.guides, result.resources_updated, result.resources_removed) == (
        ("sextortion",),
        2,
        1,
    )
    text = path.read_text()
    # Comments survive, including the one on the helpline's number.
    assert '# The guide prints "03456 000 459"' in text
    assert text.startswith("# curator's catalog")
    assert "bbc-sextortion-topic" not in text
    exported = load_catalog(path)
    keys = [r.key for _, r in exported.guides[0].all_resources()]
    assert keys == [
        "revenge-porn-helpline",
        "cleveland-police-sextortion-advice",
        "nca-sextortion-video",
        "nca-have-you-met-jess",
        "action-fraud-sextortion-scam",
        "cps-revenge-pornography-guidelines",
        "get-safe-online",
        "sextortion-what-to-do-video",
    ]

    plan = await sync_catalog(session, exported, source_file=str(path.resolve()))
    await session.commit()
    assert not plan.changed_anything and not plan.changes[0].fields
    assert all(c.kind.value == "unchanged" for c in plan.changes)


async def test_export_keeps_identity_when_an_editor_retitles(
    session: AsyncSession, tmp_path: Path
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "guides:\n  - slug: g\n    title: G\n    sections:\n      - title: S\n"
        "        resources:\n          - title: Old name  # keep me\n"
        "            url: https://a.example/\n"
    )
    await sync_catalog(session, load_catalog(path), source_file=str(path.resolve()))
    await session.commit()
    (resource,) = await active_resources(session)
    resource.title = "New name"
    await session.commit()
    await export_catalog(session, path)
    text = path.read_text()
    assert "id: old-name" in text and "title: New name" in text and "kind" not in text
    plan = await sync_catalog(session, load_catalog(path))
    assert not plan.changed_anything
