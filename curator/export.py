"""Writing the database's catalog back into the YAML file, keeping its comments and order.

Editors' changes made through the API land in the database; export carries them into the
file so that the file stays the source of truth and `sync` right after is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from sqlalchemy.ext.asyncio import AsyncSession

from curator.catalog.roundtrip import dump_round_trip, read_round_trip, write_text
from curator.catalog.schema import slugify
from curator.errors import CatalogError
from curator.store.catalog import all_guides
from curator.store.models import Guide, Resource
from curator.sync import GUIDE_FIELDS, RESOURCE_FIELDS


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What export wrote."""

    path: Path
    guides: tuple[str, ...]
    resources_updated: int
    resources_added: int
    resources_removed: int


def plain(node: Any) -> Any:
    """A round-trip value as a plain one, to compare with the database's."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def _stored(value: Any) -> Any:
    """A database value as the file writes it (None and empty lists mean 'absent')."""
    if value is None or value == []:
        return None
    if isinstance(value, str) and hasattr(value, "value"):
        return str(value.value)
    return list(value) if isinstance(value, list) else value


# Values a file may leave out; export does not write them where the file left them out.
_DEFAULTS: dict[str, Any] = {"kind": "webpage"}


def _set_fields(node: dict[str, Any], row: Guide | Resource, names: tuple[str, ...]) -> bool:
    changed = False
    for name in names:
        value = _stored(getattr(row, name))
        if name in _DEFAULTS and value == _DEFAULTS[name] and name not in node:
            continue
        if value is None:
            if name in node:
                del node[name]
                changed = True
        elif name not in node or plain(node[name]) != value:
            node[name] = CommentedSeq(value) if isinstance(value, list) else value
            changed = True
    return changed


def _new_resource(resource: Resource) -> CommentedMap:
    node = CommentedMap()
    node["id"] = resource.key
    for name in RESOURCE_FIELDS:
        value = _stored(getattr(resource, name))
        if value is not None:
            node[name] = CommentedSeq(value) if isinstance(value, list) else value
    return node


def _new_guide(guide: Guide) -> CommentedMap:
    node = CommentedMap()
    node["slug"] = guide.slug
    _set_fields(node, guide, GUIDE_FIELDS)
    node["sections"] = CommentedSeq()
    return node


def _node_key(node: Any) -> str | None:
    if not isinstance(node, dict):
        return None
    explicit = node.get("id")
    if isinstance(explicit, str):
        return explicit
    title = node.get("title")
    return slugify(title) if isinstance(title, str) else None


async def export_catalog(
    session: AsyncSession, path: str | Path, *, guide_slugs: set[str] | None = None
) -> ExportResult:
    """Write the database's guides into `path`: those the file has, and those synced from it."""
    path = Path(path)
    document = read_round_trip(path) if path.exists() else None
    if document is None:
        document = CommentedMap([("guides", CommentedSeq())])
    guides_node = document.get("guides") if isinstance(document, dict) else None
    if not isinstance(guides_node, list):
        raise CatalogError.single(str(path), None, "guides", "missing (required)")
    file_slugs = {g.get("slug"): g for g in guides_node if isinstance(g, dict)}
    resolved = str(path.resolve())
    updated = added = removed = 0
    exported: list[str] = []
    for guide in await all_guides(session):
        if guide_slugs is not None and guide.slug not in guide_slugs:
            continue
        node = file_slugs.get(guide.slug)
        if node is None:
            if guide.source_file != resolved:
                continue
            node = _new_guide(guide)
            guides_node.append(node)
        exported.append(guide.slug)
        _set_fields(node, guide, GUIDE_FIELDS)
        u, a, r = _export_resources(node, guide)
        updated, added, removed = updated + u, added + a, removed + r
    write_text(path, dump_round_trip(document))
    return ExportResult(path, tuple(exported), updated, added, removed)


def _export_resources(guide_node: dict[str, Any], guide: Guide) -> tuple[int, int, int]:
    active = {r.key: r for r in guide.resources if r.retired_at is None}
    placed: set[str] = set()
    updated = removed = added = 0
    sections = guide_node.setdefault("sections", CommentedSeq())
    for section_node in sections:
        resources = section_node.get("resources") if isinstance(section_node, dict) else None
        if not isinstance(resources, list):
            continue
        for index in reversed(range(len(resources))):
            node = resources[index]
            key = _node_key(node)
            resource = active.get(key) if key else None
            if resource is None:
                del resources[index]
                removed += 1
                continue
            placed.add(resource.key)
            if node.get("id") is None and slugify(resource.title) != resource.key:
                node.insert(0, "id", resource.key)  # keep its identity when the title changes
            updated += _set_fields(node, resource, RESOURCE_FIELDS)
    by_title = {s.get("title"): s for s in sections if isinstance(s, dict)}
    for resource in guide.resources:
        if resource.retired_at is not None or resource.key in placed:
            continue
        title = resource.section.title if resource.section else "Resources"
        section_node = by_title.get(title)
        if section_node is None:
            section_node = CommentedMap([("title", title), ("resources", CommentedSeq())])
            sections.append(section_node)
            by_title[title] = section_node
        section_node.setdefault("resources", CommentedSeq()).append(_new_resource(resource))
        added += 1
    return updated, added, removed
