"""Export: the database's catalog back into the file, comments and order kept."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from curator.catalog import Catalog, load_catalog
from curator.editing import edit_resource
from curator.errors import CatalogError
from curator.export import export_catalog
from curator.store.base import utcnow
from curator.store.catalog import active_resources, guide_by_slug
from curator.store.models import Guide, Resource, Section
from curator.sync import ChangeKind, sync_catalog

MINIMAL = (
    "guides:\n  - slug: g\n    title: G\n    sections:\n      - title: S\n"
    "        resources:\n          - title: A\n            url: https://a.example/\n"
)


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


def _source(path: Path) -> tuple[Catalog, str]:
    return load_catalog(path), str(path.resolve())


async def _synced(session: AsyncSession, path: Path) -> dict[str, Resource]:
    catalog, source = _source(path)
    await sync_catalog(session, catalog, source_file=source)
    await session.commit()
    return {r.key: r for r in await active_resources(session)}


async def _export_then_sync_is_a_noop(session: AsyncSession, path: Path) -> str:
    await export_catalog(session, path)
    catalog, source = _source(path)
    plan = await sync_catalog(session, catalog, source_file=source)
    await session.rollback()
    assert not plan.changed_anything and not plan.of(ChangeKind.CONFLICT), plan
    return source_text(path)


def source_text(path: Path) -> str:
    return path.read_text()


async def test_sync_export_sync_leaves_the_shipped_file_byte_identical(
    session: AsyncSession, shipped_catalog: Path, tmp_path: Path
) -> None:
    path = tmp_path / "resources.yaml"
    shutil.copy(shipped_catalog, path)
    await _synced(session, path)
    before = path.read_bytes()
    result = await export_catalog(session, path)
    assert path.read_bytes() == before
    assert (result.resources_updated, result.resources_added, result.resources_removed) == (
        0,
        0,
        0,
    )


async def test_export_edits_only_what_changed(
    session: AsyncSession, shipped_catalog: Path, tmp_path: Path
) -> None:
    path = tmp_path / "resources.yaml"
    shutil.copy(shipped_catalog, path)
    resources = await _synced(session, path)
    helpline = resources["revenge-porn-helpline"]
    helpline.url = "https://revengepornhelpline.org.uk/en/"
    helpline.phone = None
    helpline.description = "Shorter: " + "free advice for adults, " * 6 + "and more."
    resources["get-safe-online"].expect_text = ["Get Safe Online", 'Say "hi": yes']
    resources["nca-have-you-met-jess"].title = "Have you met Jess? (reaction film)"
    resources["bbc-sextortion-topic"].retired_at = utcnow()
    await session.commit()
    original = path.read_text().splitlines()

    text = await _export_then_sync_is_a_noop(session, path)
    lines = text.splitlines()
    assert "            url: https://revengepornhelpline.org.uk/en/" in lines
    assert not any(line.strip().startswith("phone:") for line in lines[:40])
    assert "free advice for adults" in text and "description: >-" in text
    assert "            expect_text: [Get Safe Online, 'Say \"hi\": yes']" in lines
    assert "            title: Have you met Jess? (reaction film)" in lines
    assert "bbc-sextortion-topic" not in text
    # Everything else is as it was, comments included.
    kept = [line for line in original if line in set(lines)]
    assert len(kept) >= len(original) - 25
    assert text.startswith("# curator's catalog")
    assert '# The guide prints "03456 000 459"' in text


async def test_export_adds_resources_sections_and_guides_in_the_files_indentation(
    session: AsyncSession, tmp_path: Path
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "# top comment\n"
        "guides:\n"
        "- slug: g\n"
        "  title: G\n"
        "  sections:\n"
        "  - title: S\n"
        "    resources:\n"
        "    - title: Old one  # keep me\n"
        "      url: https://a.example/\n"
        "    - title: Gone\n"
        "      url: https://gone.example/\n"
        "  - title: Empty soon\n"
        "    resources:\n"
        "    - {title: Flow, url: 'https://flow.example/'}\n"
    )
    await _synced(session, path)
    guide = await guide_by_slug(session, slug="g")
    assert guide is not None
    sections = {s.title: s for s in guide.sections}
    by_key = {r.key: r for r in guide.resources}
    by_key["gone"].retired_at = utcnow()
    by_key["flow"].retired_at = utcnow()
    by_key["old-one"].title = "Renamed"
    guide.resources.append(
        Resource(
            key="added",
            title="Added",
            url="https://added.example/",
            section=sections["S"],
            position=9,
            expect_text=[],
            synced={},
        )
    )
    extra = Section(guide=guide, title="New section", position=3)
    guide.resources.append(
        Resource(
            key="in-new",
            title="In the new section",
            url="https://new.example/x?y=1#z",
            section=extra,
            position=10,
            expect_text=["Help"],
            synced={},
        )
    )
    other = Guide(
        slug="other",
        title="Other: a guide",
        editors=["e@hub.example"],
        source_file=str(path.resolve()),
        synced={},
    )
    session.add(other)
    session.add(
        Resource(
            guide=other,
            section=Section(guide=other, title="Only", position=1),
            key="o",
            title="O",
            url="https://o.example/",
            position=1,
            expect_text=[],
            synced={},
        )
    )
    await session.commit()

    result = await export_catalog(session, path)
    assert (result.resources_updated, result.resources_added, result.resources_removed) == (
        1,
        3,
        2,
    )
    assert path.read_text() == (
        "# top comment\n"
        "guides:\n"
        "- slug: g\n"
        "  title: G\n"
        "  sections:\n"
        "  - title: S\n"
        "    resources:\n"
        "    - id: old-one\n"
        "      title: Renamed  # keep me\n"
        "      url: https://a.example/\n"
        "    - id: added\n"
        "      title: Added\n"
        "      url: https://added.example/\n"
        "      kind: webpage\n"
        "  - title: Empty soon\n"
        "    resources: []\n"
        "\n"
        "  - title: New section\n"
        "    resources:\n"
        "    - id: in-new\n"
        "      title: In the new section\n"
        "      url: https://new.example/x?y=1#z\n"
        "      kind: webpage\n"
        "      expect_text: [Help]\n"
        "\n"
        "- slug: other\n"
        "  title: 'Other: a guide'\n"
        "  editors: [e@hub.example]\n"
        "  sections:\n"
        "  - title: Only\n"
        "    resources:\n"
        "    - id: o\n"
        "      title: O\n"
        "      url: https://o.example/\n"
        "      kind: webpage\n"
    )
    await _export_then_sync_is_a_noop(session, path)


async def test_export_keeps_crlf_line_ends(session: AsyncSession, tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(
        b"guides:\r\n  - slug: g\r\n    title: G\r\n    sections:\r\n      - title: S\r\n"
        b"        resources:\r\n          - title: A\r\n            url: https://a.example/\r\n"
    )
    resources = await _synced(session, path)
    resources["a"].description = "New"
    await session.commit()
    await export_catalog(session, path)
    data = path.read_bytes()
    assert b"            description: New\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


async def test_export_refuses_a_file_with_problems_and_writes_nothing(
    session: AsyncSession, tmp_path: Path
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(MINIMAL)
    await _synced(session, path)
    broken = MINIMAL.replace("url: https://a.example/", "url: http://a.example:99999/")
    path.write_text(broken)
    with pytest.raises(CatalogError) as info:
        await export_catalog(session, path)
    assert "port '99999'" in str(info.value)
    assert path.read_text() == broken


async def test_export_writes_a_new_file(session: AsyncSession, tmp_path: Path) -> None:
    source = tmp_path / "c.yaml"
    source.write_text(MINIMAL)
    await _synced(session, source)
    source.unlink()
    await export_catalog(session, source)
    assert load_catalog(source).guides[0].all_resources()[0][1].url == "https://a.example/"
    # As any new file is made: readable by others as the umask allows (it was 0600, so a
    # catalog exported for a server running as another user could not be read there).
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(source.stat().st_mode) == 0o666 & ~umask


async def test_export_through_a_symlink_edits_the_file_it_points_to(
    session: AsyncSession, tmp_path: Path
) -> None:
    """A catalog kept elsewhere (a checkout of the hub's repository) and linked into place:
    export edits that file and keeps the link (it replaced the link with a file of its own,
    and the linked catalog never saw the edit)."""
    real = tmp_path / "repository" / "c.yaml"
    real.parent.mkdir()
    real.write_text(MINIMAL)
    real.chmod(0o640)
    link = tmp_path / "resources.yaml"
    link.symlink_to(real)
    resources = await _synced(session, link)
    resources["a"].description = "New"
    await session.commit()
    result = await export_catalog(session, link)
    assert result.resources_updated == 1
    assert link.is_symlink() and link.resolve() == real
    assert "description: New" in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["c.yaml"]


TRICKY = [
    "Two\nlines, the second\n\nafter a blank one",
    "- looks like a list item",
    "# looks like a comment",
    "key: value looks like a mapping",
    "'single' and \"double\" quotes",
    "yes",
    "2026-06-01",
    "  leading and trailing spaces  ",
    "Tab\tinside",
    "Ünïcödé – “typographic” quotes … and emoji 🙂",
    "A very long description " * 12,
    "~",
]


@pytest.mark.parametrize("value", TRICKY, ids=[repr(v)[:24] for v in TRICKY])
async def test_any_value_an_editor_stores_reads_back_the_same(
    session: AsyncSession, tmp_path: Path, value: str
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(MINIMAL)
    resources = await _synced(session, path)
    resources["a"].description = value
    resources["a"].notes = value
    await session.commit()
    await _export_then_sync_is_a_noop(session, path)
    ((_, resource),) = load_catalog(path).guides[0].all_resources()
    assert (resource.description, resource.notes) == (value, value)


async def test_an_editors_edit_of_kind_audience_region_and_notes_reaches_the_file(
    session: AsyncSession, shipped_catalog: Path, tmp_path: Path
) -> None:
    path = tmp_path / "resources.yaml"
    shutil.copy(shipped_catalog, path)
    await sync_catalog(session, load_catalog(path), source_file=str(path.resolve()))
    await session.commit()
    resource = next(
        r for r in await active_resources(session) if r.key == "cps-revenge-pornography-guidelines"
    )
    await edit_resource(
        session,
        resource_id=resource.id,
        actor="editor",
        changes={
            "kind": "webpage",
            "audience": "Professionals",
            "region": "Wales",
            "notes": "Checked with the CPS in May.\nKeep the 2017 edition.",
        },
    )
    await session.commit()
    await export_catalog(session, path)
    text = path.read_text()
    assert text.startswith("# curator's catalog")
    assert '# The guide prints "03456 000 459"' in text
    exported = {r.key: r for _, r in load_catalog(path).guides[0].all_resources()}
    edited = exported["cps-revenge-pornography-guidelines"]
    assert edited.kind.value == "webpage"
    assert (edited.audience, edited.region) == ("Professionals", "Wales")
    assert edited.notes == "Checked with the CPS in May.\nKeep the 2017 edition."
    plan = await sync_catalog(session, load_catalog(path), source_file=str(path.resolve()))
    assert not plan.changed_anything
