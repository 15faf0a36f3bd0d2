"""Writing the database's catalog back into the YAML file, keeping its comments and order.

Editors' changes made through the API land in the database; export carries them into the
file so that the file stays the source of truth and `sync` right after is a no-op.

Export edits the file's text where values differ (see `patch`): a changed field's value is
replaced, a new field is added as a line of its own, a retired resource's lines are removed,
and new resources, sections and guides are appended in the file's own indentation. Nothing
else of the file changes, so a 50,000-resource file with three edits costs three edits. A file
with problems is not written into (CatalogError, as `validate` reports them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from curator.catalog.document import Document, Node, read_text
from curator.catalog.load import parse_catalog, read_file
from curator.catalog.patch import (
    INDENT,
    TextPatch,
    delete_key,
    flow_value,
    insert_before,
    list_item,
    mapping_lines,
    set_value,
)
from curator.catalog.roundtrip import write_text
from curator.catalog.schema import slugify
from curator.store.catalog import CatalogRows, catalog_rows, guide_sources
from curator.sync import GUIDE_FIELDS, RESOURCE_FIELDS

Row = dict[str, Any]
# Values a file may leave out; export does not write them where the file left them out.
_DEFAULTS: dict[str, Any] = {"kind": "webpage"}
_DELETE = object()
# Between edits at the same place of the text: a new key of the last resource comes before
# new resources, which come before new sections, which come before new guides.
_KEY, _RESOURCE, _SECTION, _GUIDE = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What export wrote."""

    path: Path
    guides: tuple[str, ...]
    resources_updated: int
    resources_added: int
    resources_removed: int


def _stored(value: Any) -> Any:
    """A database value as the file writes it (None and empty lists mean 'absent')."""
    if value is None or value == []:
        return None
    if isinstance(value, str) and hasattr(value, "value"):
        return str(value.value)
    return list(value) if isinstance(value, list) else value


def _fields(row: Row, names: Iterable[str]) -> list[tuple[str, Any]]:
    """A row's fields as a new entry writes them: the ones that have a value."""
    return [(n, v) for n in names if (v := _stored(row[n])) is not None]


def _node_key(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    explicit = data.get("id")
    if isinstance(explicit, str):
        return explicit
    title = data.get("title")
    return slugify(title) if isinstance(title, str) else None


async def export_catalog(
    session: AsyncSession, path: str | Path, *, guide_slugs: set[str] | None = None
) -> ExportResult:
    """Write the database's guides into `path`: those the file has, and those synced from it."""
    path = Path(path)
    if path.exists():
        text = read_file(path)
        read = read_text(str(path), text, positions=True)
        parse_catalog(str(path), read.data, document=read)  # a file with problems stays as it is
        document: Document | None = read
    else:
        text, document = "", None
    sources = await guide_sources(session)
    in_file = _file_guides(document)
    resolved = str(path.resolve())
    slugs = [
        slug
        for slug in sorted(sources)
        if (guide_slugs is None or slug in guide_slugs)
        and (slug in in_file or sources[slug] == resolved)
    ]
    rows = await catalog_rows(session, slugs=slugs)
    exporter = _Exporter(TextPatch(text), rows)
    new_guides = []
    for slug in slugs:
        guide = rows.guide(slug)
        assert guide is not None
        if slug in in_file:
            exporter.guide(*in_file[slug], guide)
        else:
            new_guides.append(guide)
    exporter.new_guides(document, new_guides)
    patched = exporter.patch.apply()
    if patched != text or not path.exists():
        write_text(path, patched)
    return ExportResult(path, tuple(slugs), exporter.updated, exporter.added, exporter.removed)


def _file_guides(document: Document | None) -> dict[str, tuple[Node, Row]]:
    """The file's guides by slug: each one's node and values."""
    if document is None or document.root is None or document.root.values is None:
        return {}
    node = document.root.values.get("guides")
    data = document.data.get("guides")
    if node is None or node.items is None or not isinstance(data, list):
        return {}
    return {
        guide["slug"]: (item, guide)
        for item, guide in zip(node.items, data, strict=True)
        if isinstance(guide, dict) and isinstance(guide.get("slug"), str)
    }


class _Exporter:
    """Works out the edits of one export, counting what it does to resources."""

    def __init__(self, patch: TextPatch, rows: CatalogRows) -> None:
        self.patch = patch
        self.rows = rows
        self.updated = self.added = self.removed = 0
        self.emptied: dict[int, tuple[int, int]] = {}
        self.offset = INDENT
        """How far this file indents a list under its key (`sections:`, `resources:`)."""

    # --- a guide the file has --------------------------------------------------------------

    def guide(self, node: Node, data: Row, guide: Row) -> None:
        """Bring a guide of the file to the database's values, resources included."""
        self.mapping(node, data, guide, GUIDE_FIELDS, before="sections")
        resources = self.rows.resources_of(guide["id"])
        titles = {s["id"]: s["title"] for s in self.rows.sections_of(guide["id"])}
        active = {r["key"]: r for r in resources if r["retired_at"] is None}
        placed: set[str] = set()
        sections_node = node.values.get("sections") if node.values else None
        sections_data = data.get("sections")
        if sections_node is not None and sections_node.items and not sections_node.is_flow:
            self.offset = max(self.patch.dash_column(sections_node.items[0]) - node.column, 0)
        by_title: dict[str, tuple[Node, Row]] = {}
        if sections_node is not None and sections_node.items and isinstance(sections_data, list):
            for section_node, section in zip(sections_node.items, sections_data, strict=True):
                if isinstance(section, dict):
                    by_title.setdefault(str(section.get("title")), (section_node, section))
                    self.section(section_node, section, active, placed)
        missing: dict[str, list[Row]] = {}
        for resource in resources:
            if resource["retired_at"] is None and resource["key"] not in placed:
                title = titles.get(resource["section_id"], "Resources")
                missing.setdefault(title, []).append(resource)
        new_sections = []
        for title, new in missing.items():
            self.added += len(new)
            if title in by_title:
                self.append_resources(*by_title[title], new)
                self.emptied.pop(id(by_title[title][0]), None)
            else:
                new_sections.append((title, new))
        for start, end in self.emptied.values():
            self.patch.replace(start, end, " []\n")
        self.emptied.clear()
        if new_sections:
            self.append_sections(node, sections_node, new_sections)

    def section(self, node: Node, data: Row, active: dict[str, Row], placed: set[str]) -> None:
        """Update or remove each resource of one section of the file."""
        items_node = node.values.get("resources") if node.values else None
        items = data.get("resources")
        if items_node is None or items_node.items is None or not isinstance(items, list):
            return
        if items_node.is_flow:
            self.flow_section(items_node, items, active, placed)
            return
        kept = 0
        for item_node, item in zip(items_node.items, items, strict=True):
            key = _node_key(item)
            resource = active.get(key) if key else None
            if resource is None:
                self.removed += 1
                self.patch.replace(
                    self.patch.line_start(self._dash(item_node)),
                    self.patch.end_of_node_line(item_node),
                    "",
                )
                continue
            kept += 1
            placed.add(resource["key"])
            self.updated += self.mapping(item_node, item, resource, RESOURCE_FIELDS, key=True)
        if not kept and items_node.items and node.keys is not None:
            # Every resource went: unless new ones come, the list is written empty.
            colon = self.patch.text.index(":", node.keys["resources"].end)
            first = self.patch.line_start(self._dash(items_node.items[0]))
            self.emptied[id(node)] = (colon + 1, first)

    def flow_section(
        self, node: Node, items: list[Any], active: dict[str, Row], placed: set[str]
    ) -> None:
        """A section written `resources: [{…}, …]`: the list is written again, on one line."""
        kept: list[Any] = []
        for item in items:
            key = _node_key(item)
            resource = active.get(key) if key else None
            if resource is None:
                self.removed += 1
                continue
            placed.add(resource["key"])
            values, changed = _updated(item, resource, RESOURCE_FIELDS, key=True)
            self.updated += changed
            kept.append(values)
        if kept != items:
            self.patch.replace(node.start, node.end, flow_value(kept))

    # --- one mapping: a guide's fields or a resource's --------------------------------------

    def mapping(
        self,
        node: Node,
        data: Row,
        row: Row,
        names: tuple[str, ...],
        *,
        key: bool = False,
        before: str | None = None,
    ) -> bool:
        """Bring a mapping's fields to the row's values; True when any changed."""
        changes = _changes(data, row, names)
        needs_id = key and data.get("id") is None and slugify(row["title"]) != row["key"]
        if not changes and not needs_id:
            return False
        if node.style != "block" or node.keys is None:
            values, _ = _updated(data, row, names, key=key)
            self.patch.replace(node.start, node.end, flow_value(values))
            return bool(changes)
        if needs_id:
            first = next(iter(node.keys.values()))
            self.patch.insert(first.start, f"id: {row['key']}\n" + " " * node.column)
        for name, value in changes:
            if value is _DELETE:
                if name in node.keys:  # a value merged from elsewhere (`<<`) stays
                    delete_key(self.patch, node, name)
            elif name not in node.keys and before is not None and before in node.keys:
                insert_before(self.patch, node, before, name, value)
            else:
                set_value(self.patch, node, name, value, order=_KEY)
        return bool(changes)

    # --- what the file does not have yet -----------------------------------------------------

    def append_resources(self, section_node: Node, section: Row, new: list[Row]) -> None:
        """Add resources at the end of a section of the file."""
        items_node = section_node.values.get("resources") if section_node.values else None
        if items_node is not None and items_node.items and not items_node.is_flow:
            last = items_node.items[-1]
            dash = self.patch.dash_column(last)
            text = "".join(list_item(_resource_fields(r), dash_column=dash) for r in new)
            self.patch.insert(self.patch.end_of_node_line(last), text, order=_RESOURCE)
            return
        dash = section_node.column + self.offset
        text = "".join(list_item(_resource_fields(r), dash_column=dash) for r in new)
        if items_node is not None and items_node.is_flow and not items_node.items:
            self.patch.replace(items_node.start, items_node.end, "\n" + text.rstrip("\n"))
        elif items_node is None:
            ending = next(reversed(section_node.values.values())) if section_node.values else None
            at = self.patch.end_of_node_line(ending) if ending is not None else section_node.end
            line = " " * section_node.column + "resources:\n" + text
            self.patch.insert(at, line, order=_RESOURCE)
        else:  # a flow list with items: written again with the new ones
            existing = section.get("resources") or []
            values = [*existing, *(dict(_resource_fields(r)) for r in new)]
            self.patch.replace(items_node.start, items_node.end, flow_value(values))

    def append_sections(
        self, guide_node: Node, sections_node: Node | None, new: list[tuple[str, list[Row]]]
    ) -> None:
        """Add sections (with their resources) at the end of a guide of the file."""
        if sections_node is not None and sections_node.items and not sections_node.is_flow:
            last = sections_node.items[-1]
            dash = self.patch.dash_column(last)
            text = "".join("\n" + self._section_item(t, r, dash) for t, r in new)
            self.patch.insert(self.patch.end_of_node_line(last), text, order=_SECTION)
            return
        dash = guide_node.column + self.offset
        text = "".join(self._section_item(t, r, dash) for t, r in new)
        if sections_node is not None and sections_node.is_flow and not sections_node.items:
            self.patch.replace(sections_node.start, sections_node.end, "\n" + text.rstrip("\n"))
        elif sections_node is None and guide_node.values:
            last = next(reversed(guide_node.values.values()))
            line = " " * guide_node.column + "sections:\n" + text
            self.patch.insert(self.patch.end_of_node_line(last), line, order=_SECTION)
        else:
            raise ValueError("cannot add sections to this guide's sections as written")

    def new_guides(self, document: Document | None, guides: list[Row]) -> None:
        """Add guides synced from this file that it no longer has (or a new file's guides)."""
        if not guides:
            if document is None:
                self.patch.insert(0, "guides: []\n")
            return
        root = document.root if document is not None else None
        guides_node = root.values.get("guides") if root is not None and root.values else None
        if guides_node is not None and guides_node.items and not guides_node.is_flow:
            last = guides_node.items[-1]
            dash = self.patch.dash_column(last)
            text = "".join("\n" + self._guide_item(g, dash) for g in guides)
            self.patch.insert(self.patch.end_of_node_line(last), text, order=_GUIDE)
            return
        text = "".join(self._guide_item(g, INDENT) for g in guides)
        if guides_node is not None and guides_node.is_flow and not guides_node.items:
            self.patch.replace(guides_node.start, guides_node.end, "\n" + text.rstrip("\n"))
        elif document is None:
            self.patch.insert(0, "guides:\n" + text)
        else:
            raise ValueError("cannot add guides to this file's guides as written")

    def _guide_item(self, guide: Row, dash: int) -> str:
        titles = {s["id"]: s["title"] for s in self.rows.sections_of(guide["id"])}
        sections: dict[str, list[Row]] = {}
        for resource in self.rows.resources_of(guide["id"]):
            if resource["retired_at"] is None:
                title = titles.get(resource["section_id"], "Resources")
                sections.setdefault(title, []).append(resource)
                self.added += 1
        fields = [("slug", guide["slug"]), *_fields(guide, GUIDE_FIELDS)]
        column = dash + INDENT
        if not sections:
            return list_item([*fields, ("sections", [])], dash_column=dash)
        head = list_item(fields, dash_column=dash) + " " * column + "sections:\n"
        return head + "".join(
            self._section_item(t, r, column + self.offset) for t, r in sections.items()
        )

    def _section_item(self, title: str, resources: list[Row], dash: int) -> str:
        """A new section, `- title: …` and its resources, at `dash`."""
        column = dash + INDENT
        head = " " * dash + f"- {mapping_lines([('title', title)], column=column)[0]}\n"
        head += " " * column + "resources:\n"
        return head + "".join(
            list_item(_resource_fields(r), dash_column=column + self.offset) for r in resources
        )

    def _dash(self, item: Node) -> int:
        """The index of a list item's `- `."""
        index = self.patch.dash_index(item)
        return item.start if index is None else index


def _resource_fields(resource: Row) -> list[tuple[str, Any]]:
    return [("id", resource["key"]), *_fields(resource, RESOURCE_FIELDS)]


def _changes(data: Row, row: Row, names: tuple[str, ...]) -> list[tuple[str, Any]]:
    """(field, new value or _DELETE) for each field whose file value is not the row's."""
    out: list[tuple[str, Any]] = []
    for name in names:
        value = _stored(row[name])
        if name in _DEFAULTS and value == _DEFAULTS[name] and name not in data:
            continue
        if value is None:
            if name in data:
                out.append((name, _DELETE))
        elif name not in data or data[name] != value:
            out.append((name, value))
    return out


def _updated(data: Row, row: Row, names: tuple[str, ...], *, key: bool) -> tuple[Row, bool]:
    """A mapping's values brought to the row's (for writing it again whole)."""
    changes = _changes(data, row, names)
    values = dict(data)
    if key and values.get("id") is None and slugify(row["title"]) != row["key"]:
        values = {"id": row["key"], **values}
    for name, value in changes:
        if value is _DELETE:
            values.pop(name, None)
        else:
            values[name] = value
    return values, bool(changes)
