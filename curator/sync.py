"""Applying a catalog file to the database, as a plan of what changed.

Sync is idempotent, retires rather than deletes, and never silently overwrites a value an
editor changed in the database since the last sync: that is a conflict, kept unless forced.
Each row remembers the values it had at its last sync (`synced`), which is what tells an
editor's change from a change in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from curator.catalog.schema import Catalog, GuideSpec, ResourceSpec
from curator.store.base import utcnow
from curator.store.catalog import guide_by_slug
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

    def of(self, kind: ChangeKind) -> list[Change]:
        """The changes of one kind."""
        return [c for c in self.changes if c.kind is kind]

    @property
    def changed_anything(self) -> bool:
        """True when the database was (or would be) written to."""
        return any(c.kind not in (ChangeKind.UNCHANGED, ChangeKind.CONFLICT) for c in self.changes)

    def counts(self) -> dict[str, int]:
        """How many resources of each kind of change (guides and sections not counted)."""
        counts = {kind.value: 0 for kind in ChangeKind}
        for change in self.changes:
            if change.subject == "resource":
                counts[change.kind.value] += 1
        return counts


def _json(value: Any) -> Any:
    """A value as stored in the `synced` snapshot (JSON-friendly)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    return value


@dataclass
class _Merger:
    force: bool
    changes: list[FieldChange] = field(default_factory=list)
    conflicts: list[FieldChange] = field(default_factory=list)

    def merge(self, row: Guide | Resource, name: str, wanted: Any) -> None:
        """Bring one field of `row` to the file's value unless an editor changed it since."""
        current = getattr(row, name)
        synced = dict(row.synced or {})
        base = synced.get(name, _MISSING)
        if _json(current) == _json(wanted):
            synced[name] = _json(wanted)
        elif base is _MISSING or base == _json(current) or self.force:
            self.changes.append(FieldChange(name, _json(current), _json(wanted)))
            setattr(row, name, list(wanted) if isinstance(wanted, list) else wanted)
            synced[name] = _json(wanted)
        else:
            self.conflicts.append(FieldChange(name, _json(current), _json(wanted)))
        row.synced = synced


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
    now = now or utcnow()
    changes: list[Change] = []
    for spec in catalog.guides:
        changes.extend(await _sync_guide(session, spec, source_file, force, now))
    await session.flush()
    return SyncPlan(tuple(changes), forced=force)


async def _sync_guide(
    session: AsyncSession, spec: GuideSpec, source_file: str | None, force: bool, now: datetime
) -> list[Change]:
    guide = await guide_by_slug(session, slug=spec.slug)
    added = guide is None
    if guide is None:
        guide = Guide(slug=spec.slug, title=spec.title, editors=[], synced={})
        guide.sections = []
        guide.resources = []
        session.add(guide)
    if source_file is not None:
        guide.source_file = source_file
    merger = _Merger(force)
    for name in GUIDE_FIELDS:
        merger.merge(guide, name, getattr(spec, name))
    changes = _outcome(merger, spec.slug, "guide", spec.slug, spec.title, added=added)

    sections = _sync_sections(guide, spec, now)
    by_key = {r.key: r for r in guide.resources}
    seen: set[str] = set()
    position = 0
    for section_spec in spec.sections:
        section = sections[section_spec.title]
        for resource_spec in section_spec.resources:
            position += 1
            seen.add(resource_spec.key)
            changes.extend(
                _sync_resource(
                    guide,
                    by_key.get(resource_spec.key),
                    resource_spec,
                    section,
                    position,
                    force,
                    now,
                )
            )
    for resource in guide.resources:
        if resource.key not in seen and resource.retired_at is None:
            resource.retired_at = now
            resource.synced = {**(resource.synced or {}), "retired": True}
            changes.append(
                Change(ChangeKind.RETIRED, spec.slug, "resource", resource.key, resource.title)
            )
    return changes


def _sync_sections(guide: Guide, spec: GuideSpec, now: datetime) -> dict[str, Section]:
    existing = {s.title: s for s in guide.sections}
    wanted = [s.title for s in spec.sections]
    for position, title in enumerate(wanted, start=1):
        section = existing.get(title)
        if section is None:
            section = Section(title=title, position=position)
            guide.sections.append(section)
            existing[title] = section
        section.position = position
        section.retired_at = None
    for title, section in existing.items():
        if title not in wanted and section.retired_at is None:
            section.retired_at = now
    return existing


def _sync_resource(
    guide: Guide,
    resource: Resource | None,
    spec: ResourceSpec,
    section: Section,
    position: int,
    force: bool,
    now: datetime,
) -> list[Change]:
    slug = guide.slug
    if resource is None:
        resource = Resource(
            key=spec.key, title=spec.title, url=spec.url, expect_text=[], synced={"retired": False}
        )
        resource.section = section
        resource.position = position
        guide.resources.append(resource)
        for name in RESOURCE_FIELDS:
            setattr(resource, name, _copy(getattr(spec, name)))
        resource.synced = {
            "retired": False,
            **{n: _json(getattr(spec, n)) for n in RESOURCE_FIELDS},
        }
        return [Change(ChangeKind.ADDED, slug, "resource", spec.key, spec.title)]

    merger = _Merger(force)
    restored = False
    if resource.retired_at is not None:
        retired_by_sync = (resource.synced or {}).get("retired") is True
        if retired_by_sync or force:
            resource.retired_at = None
            restored = True
        else:
            merger.conflicts.append(FieldChange("retired", "retired by an editor", "in the file"))
    resource.synced = {**(resource.synced or {}), "retired": resource.retired_at is not None}
    moved_section = resource.section_id is not None and resource.section is not section
    if moved_section:
        old_title = resource.section.title if resource.section else None
        merger.changes.append(FieldChange("section", old_title, section.title))
    resource.section = section
    resource.position = position
    for name in RESOURCE_FIELDS:
        merger.merge(resource, name, _copy(getattr(spec, name)))
    out = _outcome(merger, slug, "resource", spec.key, spec.title)
    if restored:
        out = [Change(ChangeKind.RESTORED, slug, "resource", spec.key, spec.title)] + [
            c for c in out if c.kind is not ChangeKind.UNCHANGED
        ]
    return out


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list | tuple) else value
