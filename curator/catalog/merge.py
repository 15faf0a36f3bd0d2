"""Adding an imported guide to the catalog file, keeping the file's comments and order.

Import only adds: a guide the file lacks, the guide's address when the file has none, sections
and resources the file lacks. It never changes or removes what an editor wrote. A page link is
already in the catalog when a resource of the guide has the same normalised address, or the
same id or title; so running an import twice adds nothing the second time.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import FoldedScalarString
from ruamel.yaml.tokens import CommentToken

from curator.catalog.load import validate_text
from curator.catalog.matching import LinkEntry, normalise_url, pair_links, unique_key
from curator.catalog.roundtrip import dump_round_trip, read_round_trip, write_text
from curator.catalog.scalars import FOLD_OVER, FOLD_WIDTH
from curator.catalog.schema import GuideSpec, ResourceSpec, slugify


class GuideMatch(StrEnum):
    """How the page's guide was found in the catalog file (or that it was added)."""

    ADDED = "added"
    SLUG = "slug"
    SOURCE_URL = "source_url"
    TITLE = "title"


@dataclass(frozen=True, slots=True)
class AddedResource:
    """A resource import added (or, in a dry run, would add)."""

    section: str
    key: str
    title: str
    url: str
    kind: str
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class KeptResource:
    """A page link the catalog already has; its entry in the file is left as it is."""

    section: str
    key: str
    title: str
    url: str
    page_url: str

    @property
    def same_address(self) -> bool:
        """False when the catalog's resource was matched by id or title, not by address."""
        return normalise_url(self.url) == normalise_url(self.page_url)


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What one import added to the catalog file, and what it found there already."""

    guide: str
    title: str
    matched_by: GuideMatch
    source_url_set: str | None
    sections_added: tuple[str, ...]
    added: tuple[AddedResource, ...]
    kept: tuple[KeptResource, ...]

    @property
    def changed(self) -> bool:
        """True when the file was (or would be) written to."""
        return bool(
            self.matched_by is GuideMatch.ADDED
            or self.source_url_set
            or self.sections_added
            or self.added
        )


def _same_title(a: Any, b: str) -> bool:
    return isinstance(a, str) and slugify(a) == slugify(b)


def _find_guide(
    guides: list[Any], spec: GuideSpec, guide_slug: str | None
) -> tuple[Any, GuideMatch]:
    nodes = [g for g in guides if isinstance(g, dict)]
    if guide_slug is not None:
        return next((g for g in nodes if g.get("slug") == guide_slug), None), GuideMatch.SLUG
    if spec.source_url:
        wanted = normalise_url(spec.source_url)
        for node in nodes:
            source = node.get("source_url")
            if isinstance(source, str) and normalise_url(source) == wanted:
                return node, GuideMatch.SOURCE_URL
    for node in nodes:
        if node.get("slug") == spec.slug or _same_title(node.get("title"), spec.title):
            return node, GuideMatch.TITLE
    return None, GuideMatch.ADDED


def _new_guide(spec: GuideSpec, slug: str) -> CommentedMap:
    node = CommentedMap()
    node["slug"] = slug
    node["title"] = spec.title
    if spec.source_url:
        node["source_url"] = spec.source_url
    node["sections"] = CommentedSeq()
    return node


def _folded(text: str) -> str:
    """Long text as a folded scalar (">-") wrapped like the rest of the file."""
    if len(text) <= FOLD_OVER:
        return text
    lines = textwrap.wrap(text, FOLD_WIDTH, break_long_words=False, break_on_hyphens=False)
    folded: str = FoldedScalarString(text)
    positions, offset = [], 0
    for line in lines[:-1]:
        offset += len(line)
        positions.append(offset)  # the space after this line is where the fold goes
        offset += 1
    folded.fold_pos = positions  # type: ignore[attr-defined]
    return folded


def _new_resource(spec: ResourceSpec, key: str) -> CommentedMap:
    node = CommentedMap()
    node["id"] = key
    node["title"] = _folded(spec.title)
    node["url"] = spec.url
    node["kind"] = spec.kind.value
    if spec.description:
        node["description"] = _folded(spec.description)
    if spec.phone:
        node["phone"] = spec.phone
    return node


def _ends_with_blank_line(section: Any) -> bool:
    resources = section.get("resources") if isinstance(section, dict) else None
    if not isinstance(resources, list) or not resources or not isinstance(resources[-1], dict):
        return False
    last = resources[-1]
    if not last:
        return False
    comment = last.ca.items.get(list(last.keys())[-1]) if hasattr(last, "ca") else None
    token = comment[2] if comment and len(comment) > 2 else None
    value = str(getattr(token, "value", "")) if token is not None else ""
    return bool(value) and not value.strip("\n")


def _drop_trailing_blank_line(resource: CommentedMap) -> None:
    resource.ca.items[list(resource.keys())[-1]][2] = None


def _add_blank_line_after(section: CommentedMap) -> None:
    """Separate a section inserted between two others the way the file separates them."""
    resources = section.get("resources")
    if isinstance(resources, list) and resources and isinstance(resources[-1], CommentedMap):
        last = resources[-1]
        key = list(last.keys())[-1]
        # After a block scalar (">-") the line has ended already; after a plain one it has not.
        blank = "\n" if isinstance(last[key], FoldedScalarString) else "\n\n"
        last.ca.items[key] = [None, None, CommentToken(blank, CommentMark(0), None), None]


def _node_key(node: dict[str, Any]) -> str:
    explicit = node.get("id")
    if isinstance(explicit, str):
        return str(explicit)
    title = node.get("title")
    return slugify(title) if isinstance(title, str) else ""


def _catalog_entries(sections: list[Any]) -> list[LinkEntry]:
    entries = []
    for section in sections:
        if not isinstance(section, dict):
            continue
        resources = section.get("resources")
        for node in resources if isinstance(resources, list) else []:
            if isinstance(node, dict):
                entries.append(
                    LinkEntry(
                        str(section.get("title", "")),
                        _node_key(node),
                        str(node.get("title", "")),
                        str(node.get("url", "")),
                    )
                )
    return entries


def merge_guide(document: Any, spec: GuideSpec, *, guide_slug: str | None = None) -> ImportPlan:
    """Add `spec` to a round-trip catalog document in place; returns what was added."""
    guides = document.get("guides") if isinstance(document, dict) else None
    if not isinstance(guides, list):
        raise ValueError("the document has no 'guides' list")
    node, matched_by = _find_guide(guides, spec, guide_slug)
    source_url_set = None
    if node is None:
        node = _new_guide(spec, guide_slug or spec.slug)
        guides.append(node)
        matched_by = GuideMatch.ADDED
    elif spec.source_url and not node.get("source_url"):
        at = list(node.keys()).index("title") + 1 if "title" in node else len(node)
        node.insert(at, "source_url", spec.source_url)
        source_url_set = spec.source_url
    slug = str(node.get("slug"))

    sections = node.get("sections")
    if not isinstance(sections, list):
        sections = CommentedSeq()
        node["sections"] = sections
    page_specs = [(s.title, r) for s, r in spec.all_resources()]
    page = [LinkEntry(title, r.key, r.title, r.url) for title, r in page_specs]
    catalog = _catalog_entries(sections)
    pairing = pair_links(page, catalog, by_key=True)
    kept = [
        KeptResource(
            catalog[c].section, catalog[c].key, catalog[c].title, catalog[c].url, page[p].url
        )
        for p, c in pairing.pairs
    ]

    used = {entry.key for entry in catalog}
    added: list[AddedResource] = []
    sections_added: list[str] = []
    previous: Any = None
    spaced: list[Any] = []
    for section_spec in spec.sections:
        section_node = next(
            (
                s
                for s in sections
                if isinstance(s, dict) and _same_title(s.get("title"), section_spec.title)
            ),
            None,
        )
        new_here = [i for i in pairing.page_only if page_specs[i][0] == section_spec.title]
        if section_node is None and new_here:
            section_node = CommentedMap(
                [("title", section_spec.title), ("resources", CommentedSeq())]
            )
            at = sections.index(previous) + 1 if previous is not None else len(sections)
            separated = previous is not None and _ends_with_blank_line(previous)
            sections.insert(at, section_node)
            sections_added.append(section_spec.title)
            if separated and at < len(sections) - 1:
                spaced.append(section_node)
        if section_node is None:
            continue
        previous = section_node
        resources = section_node.get("resources")
        if not isinstance(resources, list):
            resources = CommentedSeq()
            section_node["resources"] = resources
        if new_here and _ends_with_blank_line(section_node):
            # The blank line that closed the section moves below what is appended to it.
            _drop_trailing_blank_line(resources[-1])
            spaced.append(section_node)
        for index in new_here:
            resource = page_specs[index][1]
            key = unique_key(resource.title, used)
            resources.append(_new_resource(resource, key))
            added.append(
                AddedResource(
                    str(section_node.get("title")),
                    key,
                    resource.title,
                    resource.url,
                    resource.kind.value,
                    resource.phone,
                )
            )
    for section_node in spaced:
        _add_blank_line_after(section_node)
    return ImportPlan(
        slug,
        str(node.get("title", spec.title)),
        matched_by,
        source_url_set,
        tuple(sections_added),
        tuple(added),
        tuple(kept),
    )


def import_guide(
    path: str | Path, spec: GuideSpec, *, guide_slug: str | None = None, dry_run: bool = False
) -> ImportPlan:
    """Merge `spec` into the catalog file at `path` and write it atomically, unless `dry_run`.

    A missing file is created. The file must be valid before and after (CatalogError if not;
    nothing is written then).
    """
    path = Path(path)
    document = read_round_trip(path) if path.exists() else None
    if document is None:
        document = CommentedMap([("guides", CommentedSeq())])
    plan = merge_guide(document, spec, guide_slug=guide_slug)
    # What import adds must itself be valid: checked before anything is written.
    text = dump_round_trip(document)
    validate_text(str(path), text)
    if plan.changed and not dry_run:
        write_text(path, text)
    return plan
