"""Applying a catalog file to the database, as a plan of what changed.

Sync is idempotent, retires rather than deletes, and never silently overwrites a value an
editor changed in the database since the last sync: that is a conflict, kept unless forced.
Each row remembers the values it had at its last sync (`synced`), which is what tells an
editor's change from a change in the file.

Sync works on sets, not on one resource at a time: it reads the file's guides with all their
sections and resources in three queries for each batch of guides listing about `WRITE_BATCH`
resources (so it never holds every stored row at once), works out the plan in memory by key,
and writes only the rows that change, in bulk (a batch of `WRITE_BATCH` rows at a time, whole
guides). A no-op sync of 10,000 resources reads and writes nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from curator.catalog.schema import Catalog, GuideSpec, ResourceSpec
from curator.store.base import utcnow
from curator.store.catalog import (
    CatalogRows,
    catalog_rows,
    insert_rows,
    insert_rows_returning_ids,
    lock_catalog,
    update_rows,
)
from curator.store.models import Guide, Resource, Section

GUIDE_FIELDS = ("title", "source_url", "review_every", "last_reviewed", "editors")
RESOURCE_FIELDS = (
    "title",
    "url",
    "kind",
    "description",
    "phone",
    "expect_text",
    "audience",
    "region",
    "notes",
)
_MISSING = object()


class ChangeKind(StrEnum):
    """What sync did (or, in a dry run, would do) to one guide, section or resource."""

    ADDED = "added"
    CHANGED = "changed"
    RETIRED = "retired"
    RESTORED = "restored"
    CONFLICT = "conflict"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field's value before and after (for a conflict: kept, and the file's)."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class Change:
    """One line of the sync plan."""

    kind: ChangeKind
    guide: str
    subject: str  # "guide" | "section" | "resource"
    key: str
    title: str
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """Everything one sync did, in catalog order."""

    changes: tuple[Change, ...]
    forced: bool = False
    tally: SyncTally | None = None
    """What the changes came to, when they were not kept (`changes` is empty then)."""

    def of(self, kind: ChangeKind) -> list[Change]:
        """The changes of one kind."""
        return [c for c in self.changes if c.kind is kind]

    @property
    def changed_anything(self) -> bool:
        """True when the database was (or would be) written to."""
        if self.tally is not None:
            return self.tally.changed_anything
        return any(c.kind not in (ChangeKind.UNCHANGED, ChangeKind.CONFLICT) for c in self.changes)

    def counts(self) -> dict[str, int]:
        """How many resources of each kind of change (guides and sections not counted)."""
        if self.tally is not None:
            return dict(self.tally.counts)
        tally = SyncTally()
        tally.add(self.changes)
        return tally.counts


@dataclass
class SyncTally:
    """How many resources of each kind of change, and whether anything was written: what a
    sync that keeps no change (`sync_guides(keep_changes=False)`) reports."""

    counts: dict[str, int] = field(default_factory=lambda: {kind.value: 0 for kind in ChangeKind})
    changed_anything: bool = False

    def add(self, changes: Iterable[Change]) -> None:
        """Count `changes`."""
        for change in changes:
            if change.subject == "resource":
                self.counts[change.kind.value] += 1
            if change.kind not in (ChangeKind.UNCHANGED, ChangeKind.CONFLICT):
                self.changed_anything = True


def _json(value: Any) -> Any:
    """A value as stored in the `synced` snapshot (JSON-friendly)."""
    if value is None or type(value) is str:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    return value


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list | tuple) else value


Row = dict[str, Any]

WRITE_BATCH = 2_000
"""Rows a sync writes at once, after the guide that reaches it (one bulk statement per kind)."""


@dataclass
class _Merger:
    force: bool
    changes: list[FieldChange] = field(default_factory=list)
    conflicts: list[FieldChange] = field(default_factory=list)

    def merge(self, row: Row, name: str, wanted: Any) -> None:
        """Bring one field of `row` to the file's value unless an editor changed it since."""
        current = _json(row[name])
        target = _json(wanted)
        synced = row["synced"]
        base = synced.get(name, _MISSING)
        if current == target:
            synced[name] = target
        elif base is _MISSING or base == current or self.force:
            self.changes.append(FieldChange(name, current, target))
            row[name] = _copy(wanted)
            synced[name] = target
        else:
            self.conflicts.append(FieldChange(name, current, target))


def _outcome(
    merger: _Merger, guide: str, subject: str, key: str, title: str, *, added: bool = False
) -> list[Change]:
    out = []
    if added:
        out.append(Change(ChangeKind.ADDED, guide, subject, key, title))
    elif merger.changes:
        out.append(Change(ChangeKind.CHANGED, guide, subject, key, title, tuple(merger.changes)))
    if merger.conflicts:
        out.append(Change(ChangeKind.CONFLICT, guide, subject, key, title, tuple(merger.conflicts)))
    if not out:
        out.append(Change(ChangeKind.UNCHANGED, guide, subject, key, title))
    return out


def _editable(stored: Row) -> Row:
    """A stored row to change, with its own copy of the snapshot."""
    return {**stored, "synced": dict(stored.get("synced") or {})}


@dataclass
class _Writes:
    """The rows a sync changes, written in bulk at the end."""

    guides: list[Row] = field(default_factory=list)
    sections: list[Row] = field(default_factory=list)
    resources: list[Row] = field(default_factory=list)
    new_resources: list[Row] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        """How many rows wait to be written."""
        return len(self.guides) + len(self.sections) + len(self.resources) + len(self.new_resources)

    async def apply(self, session: AsyncSession) -> None:
        await update_rows(session, Guide, rows=self.guides)
        await update_rows(session, Section, rows=self.sections)
        await update_rows(session, Resource, rows=self.resources)
        await insert_rows(session, Resource, rows=self.new_resources)


async def sync_catalog(
    session: AsyncSession,
    catalog: Catalog,
    *,
    source_file: str | None = None,
    force: bool = False,
    now: datetime | None = None,
) -> SyncPlan:
    """Apply `catalog` to the database in the caller's transaction; roll back for a dry run.

    Only the guides the catalog contains are touched.
    """
    return await sync_guides(session, catalog.guides, source_file=source_file, force=force, now=now)


async def sync_guides(
    session: AsyncSession,
    guides: Iterable[GuideSpec],
    *,
    source_file: str | None = None,
    force: bool = False,
    now: datetime | None = None,
    keep_changes: bool = True,
) -> SyncPlan:
    """`sync_catalog` of a catalog's guides, taken one at a time (a catalog file read a guide at
    a time: `curator.catalog.load.catalog_guides`). With `keep_changes=False` the plan keeps
    only what the changes came to (`SyncPlan.tally`), not a change per resource."""
    now = now or utcnow()
    await lock_catalog(session)  # syncs started at once take turns
    changes: list[Change] = []
    tally = None if keep_changes else SyncTally()
    writes = _Writes()
    for batch in _read_batches(guides):
        # The stored rows of a few guides at a time: a sync of 50,000 resources never holds
        # every stored row (each with its `synced` snapshot) at once.
        stored = await catalog_rows(session, slugs=[g.slug for g in batch])
        for spec in batch:
            made = await _sync_guide(session, stored, spec, source_file, force, now, writes)
            if tally is None:
                changes.extend(made)
            else:
                tally.add(made)
            # Written in bulk once a batch of rows waits (and at the end), so a sync of 50,000
            # resources never holds all their rows to write at once.
            if writes.waiting >= WRITE_BATCH:
                await writes.apply(session)
                writes = _Writes()
        del stored, batch
    await writes.apply(session)
    return SyncPlan(tuple(changes), forced=force, tally=tally)


def _read_batches(guides: Iterable[GuideSpec]) -> Iterator[list[GuideSpec]]:
    """Consecutive guides whose files list about `WRITE_BATCH` resources together (a guide
    larger than that alone), whose stored rows are read together."""
    batch: list[GuideSpec] = []
    listed = 0
    for guide in guides:
        size = sum(len(section.resources) for section in guide.sections)
        if batch and listed + size > WRITE_BATCH:
            yield batch
            batch, listed = [], 0
        batch.append(guide)
        listed += size
    if batch:
        yield batch


_GUIDE_WRITTEN = (*GUIDE_FIELDS, "synced", "source_file")
_RESOURCE_WRITTEN = (*RESOURCE_FIELDS, "synced", "section_id", "position", "retired_at")


async def _sync_guide(
    session: AsyncSession,
    stored: CatalogRows,
    spec: GuideSpec,
    source_file: str | None,
    force: bool,
    now: datetime,
    writes: _Writes,
) -> list[Change]:
    original = stored.guide(spec.slug)
    added = original is None
    guide: Row = (
        _editable(original)
        if original is not None
        else {"slug": spec.slug, "title": spec.title, "source_url": None, "review_every": None}
        | {"last_reviewed": None, "editors": [], "synced": {}}
    )
    guide["source_file"] = source_file if source_file is not None else guide.get("source_file")
    merger = _Merger(force)
    for name in GUIDE_FIELDS:
        merger.merge(guide, name, getattr(spec, name))
    changes = _outcome(merger, spec.slug, "guide", spec.slug, spec.title, added=added)
    if original is None:
        (guide["id"],) = await insert_rows_returning_ids(session, Guide, rows=[_without_id(guide)])
    elif any(guide[n] != original[n] for n in _GUIDE_WRITTEN):
        writes.guides.append({"id": guide["id"], **{n: guide[n] for n in _GUIDE_WRITTEN}})
    guide_id = guide["id"]

    sections = await _sync_sections(session, stored, guide_id, spec, now, writes)
    titles = {s["id"]: s["title"] for s in sections.values()}
    existing = stored.resources_of(guide_id)
    by_key = {r["key"]: r for r in existing}
    seen: set[str] = set()
    position = 0
    for section_spec in spec.sections:
        section = sections[section_spec.title]
        for resource_spec in section_spec.resources:
            position += 1
            seen.add(resource_spec.key)
            changes.extend(
                _sync_resource(
                    spec.slug,
                    guide_id,
                    by_key.get(resource_spec.key),
                    resource_spec,
                    section["id"],
                    titles,
                    position,
                    force,
                    writes,
                )
            )
    for resource in existing:
        if resource["key"] not in seen and resource["retired_at"] is None:
            retired = _editable(resource)
            retired["retired_at"] = now
            retired["synced"]["retired"] = True
            writes.resources.append(_written(retired))
            changes.append(
                Change(
                    ChangeKind.RETIRED, spec.slug, "resource", resource["key"], resource["title"]
                )
            )
    return changes


def _without_id(row: Row) -> Row:
    return {k: v for k, v in row.items() if k != "id"}


def _written(row: Row) -> Row:
    return {"id": row["id"], **{n: row[n] for n in _RESOURCE_WRITTEN}}


async def _sync_sections(
    session: AsyncSession,
    stored: CatalogRows,
    guide_id: int,
    spec: GuideSpec,
    now: datetime,
    writes: _Writes,
) -> dict[str, Row]:
    """The guide's sections by title: the file's in its order, others retired."""
    originals = {s["title"]: s for s in stored.sections_of(guide_id)}
    current = {title: dict(row) for title, row in originals.items()}
    wanted = [s.title for s in spec.sections]
    new: list[Row] = []
    for position, title in enumerate(wanted, start=1):
        section = current.get(title)
        if section is None:
            section = {"guide_id": guide_id, "title": title, "position": position}
            current[title] = section
            new.append(section)
        section["position"] = position
        section["retired_at"] = None
    for title, section in current.items():
        if title not in wanted and section["retired_at"] is None:
            section["retired_at"] = now
    for section, new_id in zip(
        new, await insert_rows_returning_ids(session, Section, rows=new), strict=True
    ):
        section["id"] = new_id
    for title, original in originals.items():
        section = current[title]
        if (section["position"], section["retired_at"]) != (
            original["position"],
            original["retired_at"],
        ):
            writes.sections.append(
                {"id": section["id"], "position": section["position"]}
                | {"retired_at": section["retired_at"]}
            )
    return current


def _sync_resource(
    slug: str,
    guide_id: int,
    original: Row | None,
    spec: ResourceSpec,
    section_id: int,
    section_titles: dict[int, str],
    position: int,
    force: bool,
    writes: _Writes,
) -> list[Change]:
    if original is None:
        values = {name: _copy(getattr(spec, name)) for name in RESOURCE_FIELDS}
        writes.new_resources.append(
            {"guide_id": guide_id, "key": spec.key, "section_id": section_id}
            | {"position": position, **values}
            | {"synced": {"retired": False, **{n: _json(v) for n, v in values.items()}}}
        )
        return [Change(ChangeKind.ADDED, slug, "resource", spec.key, spec.title)]

    resource = _editable(original)
    merger = _Merger(force)
    restored = False
    if resource["retired_at"] is not None:
        retired_by_sync = resource["synced"].get("retired") is True
        if retired_by_sync or force:
            resource["retired_at"] = None
            restored = True
        else:
            merger.conflicts.append(FieldChange("retired", "retired by an editor", "in the file"))
    resource["synced"]["retired"] = resource["retired_at"] is not None
    old_section = resource["section_id"]
    if old_section is not None and old_section != section_id:
        merger.changes.append(
            FieldChange("section", section_titles.get(old_section), section_titles[section_id])
        )
    resource["section_id"] = section_id
    resource["position"] = position
    for name in RESOURCE_FIELDS:
        merger.merge(resource, name, getattr(spec, name))
    if any(resource[n] != original[n] for n in _RESOURCE_WRITTEN):
        writes.resources.append(_written(resource))
    out = _outcome(merger, slug, "resource", spec.key, spec.title)
    if restored:
        out = [Change(ChangeKind.RESTORED, slug, "resource", spec.key, spec.title)] + [
            c for c in out if c.kind is not ChangeKind.UNCHANGED
        ]
    return out
